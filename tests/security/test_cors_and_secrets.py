"""CORS only for the extension's origins; secrets compared in constant time (static check)."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
CHROME_ID = "abcdefghijklmnopabcdefghijklmnop"
FIREFOX_ID = "0f7a2c9e-3b1d-4c8e-9a6f-2d5e8b1c4a70"


def preflight(client: FlaskClient, origin: str, path: str = "/v1/check") -> Any:
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": "POST"})


@pytest.mark.parametrize("origin", [f"chrome-extension://{CHROME_ID}", f"moz-extension://{FIREFOX_ID}"])
def test_extension_origins_are_allowed(client: FlaskClient, origin: str) -> None:
    response = preflight(client, origin)
    assert response.headers.get("Access-Control-Allow-Origin") == origin
    assert "POST" in response.headers.get("Access-Control-Allow-Methods", "")
    # No cookies or credentials cross origins: the API authenticates by bearer key only.
    assert "Access-Control-Allow-Credentials" not in response.headers
    actual = client.post("/v1/check", json={"platform": "x"}, headers={"Origin": origin})
    assert actual.headers.get("Access-Control-Allow-Origin") == origin


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "null",
        "https://www.facebook.com",
        "https://x.com",
        "http://localhost:5000",
        "chrome-extension-evil://abc",
        "https://chrome-extension.evil.example",
        f"https://evil.example/chrome-extension://{CHROME_ID}",
        f"chrome-extension://{CHROME_ID}/../",
        f"chrome-extension://{CHROME_ID}:443",
        "safari-web-extension://abc",
        "",
    ],
)
def test_other_origins_are_refused(client: FlaskClient, origin: str) -> None:
    response = preflight(client, origin)
    assert "Access-Control-Allow-Origin" not in response.headers
    actual = client.post("/v1/check", json={"platform": "x"}, headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in actual.headers


def test_no_cors_outside_the_api(client: FlaskClient) -> None:
    for path in ("/healthz", "/metrics", "/openapi.json", "/readyz"):
        response = client.get(path, headers={"Origin": f"chrome-extension://{CHROME_ID}"})
        assert "Access-Control-Allow-Origin" not in response.headers, path


def test_origins_can_be_pinned_to_one_extension_id(make_app: Any) -> None:
    client = make_app(HARIS_CORS_ORIGINS=f"chrome-extension://{CHROME_ID}").test_client()
    assert preflight(client, f"chrome-extension://{CHROME_ID}").headers.get("Access-Control-Allow-Origin")
    assert "Access-Control-Allow-Origin" not in preflight(client, "chrome-extension://" + "b" * 32).headers
    assert "Access-Control-Allow-Origin" not in preflight(client, f"moz-extension://{FIREFOX_ID}").headers


# --- constant-time comparison of secrets --------------------------------------------------------

# Not "token": names are split into tokens (heuristics.names); bearer tokens are caught as "bearer"/"key".
SECRET_WORDS = (
    "secret",
    "password",
    "digest",
    "signature",
    "csrf",
    "apikey",
    "api_key",
    "bearer",
    "bootstrap",
    "session_key",
)


def _names(node: ast.AST) -> list[str]:
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.append(child.id)
        elif isinstance(child, ast.Attribute):
            found.append(child.attr)
    return [name.lower() for name in found]


def _is_trivial(node: ast.AST) -> bool:
    """Comparisons against a literal (None, a number, a public word) reveal nothing by timing."""
    return isinstance(node, ast.Constant)


def insecure_comparisons(source: str, filename: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
            continue
        if any(_is_trivial(operand) for operand in operands):
            continue
        names = [name for operand in operands for name in _names(operand)]
        if any(word in name for name in names for word in SECRET_WORDS):
            problems.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
    return problems


def test_secrets_are_compared_in_constant_time() -> None:
    problems = []
    for directory in ("server", "heuristics"):
        for path in sorted((ROOT / directory).rglob("*.py")):
            problems += insecure_comparisons(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert problems == [], "use hmac.compare_digest for secrets:\n" + "\n".join(problems)


def test_the_static_check_catches_a_plain_comparison() -> None:
    bad = "def ok(presented_secret, stored_secret):\n    return presented_secret == stored_secret\n"
    good = "import hmac\ndef ok(token, expected):\n    return hmac.compare_digest(token, expected)\n"
    assert insecure_comparisons(bad, "bad.py") and not insecure_comparisons(good, "good.py")

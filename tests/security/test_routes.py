"""Every route the app serves is either on the explicit public list or refuses anonymous callers;
role-restricted routes refuse the wrong role; every response carries the security headers.

The routes are walked from ``app.url_map``, so a route added later is covered without editing
this file — and fails here if it is reachable anonymously without being listed as public.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.storage.apikeys import create_api_key

# (method, rule) pairs anyone may call. Keep this list short and deliberate.
PUBLIC_ROUTES = {
    ("POST", "/v1/check"),
    ("POST", "/v1/reports"),
    ("POST", "/v1/extractor-health"),  # opt-in coarse counts from the extension
    ("GET", "/v1/rules"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/openapi.json"),
}
# Public pages of the trainer console (its login form and static assets), when it lands.
PUBLIC_PREFIXES = ("/static/", "/console/static/")
PUBLIC_RULES = {"/console/login", "/console/lang/<code>"}  # sign-in and the language choice

# Routes that need more than the trainer role. Routes not listed here must at least refuse
# anonymous callers and admit a maintainer; listing one here also checks that a trainer is refused.
# (Every route's role, console included, is in tests/security/test_role_table.py.)
MAINTAINER_ONLY = {
    ("POST", "/v1/admin/rules"),
    ("POST", "/v1/banks/<bank>/import"),
    ("GET", "/v1/extractor-health"),
    ("GET", "/metrics"),
}
ANONYMOUS_REFUSALS = {401, 403}
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def concrete_path(rule: str) -> str:
    """A URL for a rule, with placeholder values for its variables."""

    def value(match: re.Match[str]) -> str:
        converter = match.group(1) or ""
        return "1" if converter.startswith(("int", "float")) else "probe0000"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", value, rule)


def routes(app: Flask) -> list[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods or ():
            if method not in {"HEAD", "OPTIONS"}:
                found.add((method, rule.rule))
    return sorted(found)


def is_public(method: str, rule: str) -> bool:
    return (method, rule) in PUBLIC_ROUTES or rule in PUBLIC_RULES or rule.startswith(PUBLIC_PREFIXES)


def call(client: FlaskClient, method: str, rule: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.open(concrete_path(rule), method=method, headers=headers, json={})


def refused_anonymously(response: Any) -> bool:
    if response.status_code in ANONYMOUS_REFUSALS:
        return True
    # The console may send a browser to its login page instead, or refuse a form post that has no
    # CSRF token (Flask-WTF answers 400 before the view, so before any data is touched).
    if response.status_code == 400 and response.request.path.startswith("/console/"):
        return True
    return response.status_code in {302, 303} and "/login" in response.headers.get("Location", "")


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()


def test_public_list_only_names_served_routes(app: Flask) -> None:
    served = set(routes(app))
    assert served >= PUBLIC_ROUTES


def test_every_non_public_route_refuses_anonymous_and_bad_keys(app: Flask) -> None:
    client = app.test_client()
    private = [(method, rule) for method, rule in routes(app) if not is_public(method, rule)]
    for method, rule in private:
        for token in (None, "hk_not-a-real-key", "test-bootstrap-kez", "test-bootstrap-key\x00"):
            response = call(client, method, rule, token)
            assert refused_anonymously(response), (method, rule, token, response.status_code)
            if response.status_code not in {302, 303} and not rule.startswith("/console/"):
                assert response.get_json()["error"]["code"] in {"unauthorized", "forbidden"}


def test_roles_on_every_non_public_route(app: Flask, redis_client: redis.Redis) -> None:
    client = app.test_client()
    trainer = create_api_key(redis_client, Role.TRAINER, "route-walk trainer")
    maintainer = create_api_key(redis_client, Role.MAINTAINER, "route-walk maintainer")
    for method, rule in routes(app):
        if is_public(method, rule) or rule.startswith("/console"):
            continue  # the console authenticates by session; its own tests log in per role
        as_maintainer = call(client, method, rule, maintainer)
        assert as_maintainer.status_code not in {401, 403}, (method, rule, as_maintainer.get_data()[:200])
        as_trainer = call(client, method, rule, trainer)
        if (method, rule) in MAINTAINER_ONLY:
            assert as_trainer.status_code == 403, (method, rule)
        else:
            assert as_trainer.status_code != 401, (method, rule)


def test_revoked_key_is_refused(app: Flask, redis_client: redis.Redis) -> None:
    from server.storage.apikeys import revoke_api_key

    key = create_api_key(redis_client, Role.MAINTAINER, "to revoke")
    revoke_api_key(redis_client, key)
    client = app.test_client()
    for method, rule in routes(app):
        if not is_public(method, rule) and not rule.startswith("/console"):
            assert call(client, method, rule, key).status_code == 401, (method, rule)


def test_security_headers_on_every_route_and_error(app: Flask, redis_client: redis.Redis) -> None:
    maintainer = create_api_key(redis_client, Role.MAINTAINER, "headers")

    @app.get("/_test/boom")
    def boom() -> Any:
        raise RuntimeError("boom")

    client = app.test_client()
    responses = []
    for method, rule in routes(app):
        responses.append(call(client, method, rule))
        responses.append(call(client, method, rule, maintainer))
    responses += [
        client.get("/nowhere"),  # 404
        client.delete("/v1/check"),  # 405
        client.post("/v1/check", data=b"{", content_type="application/json"),  # 400
        client.post("/v1/check", data=b"x" * (7 * 1024 * 1024), content_type="application/json"),  # 413
        client.get("/_test/boom"),  # 500
        client.options(
            "/v1/check", headers={"Origin": "chrome-extension://abc", "Access-Control-Request-Method": "POST"}
        ),
    ]
    for response in responses:
        for header, value in SECURITY_HEADERS.items():
            if header == "Referrer-Policy" and response.request.path.startswith("/console"):
                # Console forms need same-origin referrers: Flask-WTF checks them over HTTPS.
                value = "same-origin"
            assert response.headers.get(header) == value, (response.request.path, header)
        assert "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")


def test_rate_limited_answer_has_headers_too(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="1/minute").test_client()
    client.post("/v1/check", json={"platform": "x"})
    limited = client.post("/v1/check", json={"platform": "x"})
    assert limited.status_code == 429
    for header, value in SECURITY_HEADERS.items():
        assert limited.headers.get(header) == value


def test_the_walk_catches_a_route_left_open(app: Flask) -> None:
    """The property above is not vacuous: an unprotected admin-looking route is caught."""

    @app.get("/v1/admin/leaky")
    def leaky() -> Any:
        return {"secrets": []}

    client = app.test_client()
    open_routes = [
        (method, rule)
        for method, rule in routes(app)
        if not is_public(method, rule) and not refused_anonymously(call(client, method, rule))
    ]
    assert open_routes == [("GET", "/v1/admin/leaky")]


def test_every_anonymous_api_route_is_rate_limited(app: Flask) -> None:
    """A public ``/v1`` route counts each request against an allowance (``@counted`` in
    server/web/limits.py); one added without it would fail here."""
    views = {
        (method, rule.rule): app.view_functions[rule.endpoint]
        for rule in app.url_map.iter_rules()
        for method in rule.methods or ()
    }
    public_api = [(method, rule) for method, rule in PUBLIC_ROUTES if rule.startswith("/v1/")]
    assert public_api
    assert {route: getattr(views[route], "haris_allowance", None) for route in public_api} == {
        ("POST", "/v1/check"): "check",
        ("POST", "/v1/reports"): "report",
        ("POST", "/v1/extractor-health"): "extractor_health",
        ("GET", "/v1/rules"): "rules",
    }

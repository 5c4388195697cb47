"""Shared state is really shared: two gunicorn workers (gunicorn.conf.py, gthread) enforce ONE
rate limit between them, counted in the one Redis.

Each worker has its own Prometheus registry, so scraping ``/metrics`` repeatedly shows which
workers answered; the test only concludes once both did.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from tests.reliability.gunicorn_process import gunicorn_server, request
from tests.reliability.redis_process import RedisProcess

LIMIT = 7
CHECK_COUNTER = re.compile(r'^haris_http_requests_total\{method="POST",route="/v1/check",status="(\d+)"\} (\S+)$', re.M)


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[int]:
    redis_server = RedisProcess(tmp_path / "redis")
    redis_server.start()
    env = {
        "REDIS_URL": redis_server.url,
        "HARIS_SECRET_KEY": TEST_SECRET,
        "HARIS_CHECK_LIMIT": f"{LIMIT}/minute",
        "HARIS_WORKERS": "2",
        "HARIS_THREADS": "4",
    }
    try:
        with gunicorn_server(env, tmp_path / "gunicorn.err") as port:
            yield port
    finally:
        redis_server.stop()


def get(port: int, path: str) -> tuple[int, bytes]:
    return request(port, "GET", path)


def check(port: int) -> int:
    return request(port, "POST", "/v1/check", json.dumps({"platform": "x"}).encode())[0]


def worker_views(port: int, scrapes: int) -> set[tuple[tuple[str, float], ...]]:
    """Distinct per-worker counts of /v1/check answers seen on /metrics."""
    views = set()
    for _ in range(scrapes):
        text = get(port, "/metrics")[1].decode()
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

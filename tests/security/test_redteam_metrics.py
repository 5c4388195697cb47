"""Red team, (b) a seized server: what a Prometheus that scraped ``/metrics`` kept about checks.

A check's log line carries no duration (``server.web.request_log.untimed``): what a check cost
says what it matched — a photo decoded, a protected person's match counted in the limiter store, an
account new to the campaign aggregate added to it (two more round trips). ``/metrics`` observed
the same duration live, in its latency histogram by route. On a quiet server a Prometheus that
scrapes every 15 seconds sees at most one check between two scrapes, so its store kept, for each
check, the bucket of its duration beside the time its log line gives: the duration the log leaves
out. A check's latency is now held back with its findings (``HARIS_METRICS_DELAY``).
"""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}
CHECK = {"platform": "x", "profile": {"account_id": "1234567", "posts": 0}}


def _observed(client: FlaskClient, route: str) -> float:
    """How many latencies of ``route`` a scrape shows now."""
    text = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    found = re.search(r'haris_http_request_duration_seconds_count\{route="' + re.escape(route) + r'"\} (\S+)', text)
    return float(found.group(1)) if found else 0.0


def _requests(client: FlaskClient, route: str) -> float:
    text = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    pattern = r'haris_http_requests_total\{[^}]*route="' + re.escape(route) + r'"[^}]*\} (\S+)'
    return sum(float(n) for n in re.findall(pattern, text))


def test_a_scrape_right_after_a_check_does_not_hold_its_duration(make_app: Any) -> None:
    client = make_app(HARIS_METRICS_DELAY=3600).test_client()
    assert _observed(client, "/v1/check") == 0
    assert client.post("/v1/check", json=CHECK).status_code == 200
    assert _requests(client, "/v1/check") == 1  # that a check was made is in the log line anyway
    assert _observed(client, "/v1/check") == 0  # how long it took, not until the delay has passed
    assert _observed(client, "/metrics") >= 1  # other routes' latencies are observed at once

    metrics = client.application.extensions["haris"].metrics
    metrics.delay_seconds = 0
    metrics._next_release = 0.0
    assert _observed(client, "/v1/check") == 1


def test_held_back_latencies_keep_their_buckets(make_app: Any) -> None:
    """Held back, a latency is counted once, in its own bucket, at its release (to 0.1 ms)."""
    from server.web.metrics import Metrics

    metrics = Metrics(delay_seconds=3600)
    for seconds in (0.0004, 0.0004, 0.003, 0.2):
        metrics.count_request("/v1/check", "POST", 200, seconds, undated=False, untimed=True)
    histogram = metrics.child(metrics.latency, "/v1/check")
    assert histogram._sum.get() == 0
    metrics._next_release = 0.0
    metrics.release_when_due()
    text = metrics.exposition().get_data(as_text=True)
    assert 'haris_http_request_duration_seconds_bucket{le="0.001",route="/v1/check"} 2.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="0.005",route="/v1/check"} 3.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="0.25",route="/v1/check"} 4.0' in text
    assert abs(histogram._sum.get() - 0.2038) < 1e-6

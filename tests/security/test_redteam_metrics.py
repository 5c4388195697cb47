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
from prometheus_client import generate_latest

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


def _sum(text: str, route: str) -> float:
    found = re.search(r'haris_http_request_duration_seconds_sum\{route="' + re.escape(route) + r'"\} (\S+)', text)
    return float(found.group(1)) if found else 0.0


def test_held_back_latencies_keep_their_buckets(make_app: Any) -> None:
    """Held back, a latency is counted once, in its own bucket, at its release, and its sum with it."""
    from server.web.metrics import Metrics

    metrics = Metrics(delay_seconds=3600)
    metrics.count_request("/v1/check", "POST", 200, 0.0001, undated=False, untimed=False)  # observed live
    for seconds in (0.0004, 0.0004, 0.003, 0.2, 7.0):
        metrics.count_request("/v1/check", "POST", 200, seconds, undated=False, untimed=True)
    text = generate_latest(metrics.registry).decode()
    assert 'haris_http_request_duration_seconds_count{route="/v1/check"} 1.0' in text
    assert abs(_sum(text, "/v1/check") - 0.0001) < 1e-9
    metrics._next_release = 0.0
    text = metrics.exposition().get_data(as_text=True)
    assert 'haris_http_request_duration_seconds_bucket{le="0.001",route="/v1/check"} 3.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="0.005",route="/v1/check"} 4.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="0.25",route="/v1/check"} 5.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="2.5",route="/v1/check"} 5.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="+Inf",route="/v1/check"} 6.0' in text
    assert 'haris_http_request_duration_seconds_count{route="/v1/check"} 6.0' in text
    assert abs(_sum(text, "/v1/check") - 7.2039) < 1e-9


def test_a_release_adds_a_window_per_bucket_however_many_requests_it_held() -> None:
    """What a release does is bounded by routes × buckets: 200,000 held latencies are kept as
    twelve counts and join the histogram at once (one ``observe`` each took seconds)."""
    from server.web.metrics import LATENCY_BUCKETS, Metrics

    metrics = Metrics(delay_seconds=3600)
    for n in range(200_000):
        metrics.count_request("/v1/check", "POST", 200, 0.002 if n % 2 else 0.02, undated=False, untimed=True)
    held = metrics._held_latencies
    assert list(held.counts) == ["/v1/check"] and len(held.counts["/v1/check"]) == len(LATENCY_BUCKETS) + 1
    metrics._next_release = 0.0
    text = metrics.exposition().get_data(as_text=True)
    assert 'haris_http_request_duration_seconds_bucket{le="0.0025",route="/v1/check"} 100000.0' in text
    assert 'haris_http_request_duration_seconds_bucket{le="0.025",route="/v1/check"} 200000.0' in text
    assert abs(_sum(text, "/v1/check") - 2_200.0) < 1e-6


def test_the_histogram_is_shown_as_prometheus_client_shows_one() -> None:
    """The collector's exposition is a Histogram's: the same bucket labels, counts and sum lines
    (its creation time aside), so dashboards and alerts read it unchanged."""
    from prometheus_client import CollectorRegistry, Histogram

    from server.web.metrics import LATENCY_BUCKETS, LatencyHistogram

    ours, theirs = CollectorRegistry(), CollectorRegistry()
    collector = LatencyHistogram("haris_http_request_duration_seconds", "Request latency", LATENCY_BUCKETS)
    ours.register(collector)
    reference = Histogram("haris_http_request_duration_seconds", "Request latency", ["route"],
                          registry=theirs, buckets=LATENCY_BUCKETS)  # fmt: skip
    for route, seconds in (("/v1/check", 0.001), ("/v1/check", 0.0030), ("/healthz", 3.0), ("/v1/check", 0.5)):
        collector.observe(route, seconds)
        reference.labels(route).observe(seconds)

    def lines(registry: CollectorRegistry) -> list[str]:
        return sorted(line for line in generate_latest(registry).decode().splitlines() if "_created" not in line)

    assert lines(ours) == lines(theirs)

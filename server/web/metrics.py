"""Prometheus metrics: request counts and latency by route, checks by level, findings by code.

Counters live in each process (one registry per app); under several gunicorn workers each scrape
sees one worker. Labels are route templates and finding codes only, never client data.

``/metrics`` needs a maintainer key (``server.api.health``). Checks by level and findings by code are
not shown live: they are added to the exported counters only every ``HARIS_METRICS_DELAY``
seconds (10 minutes by default), all at once, so a scrape cannot tell that someone just checked a
profile with a particular signature (a bait account's operator watching for its target).
A stored anonymous filing (``server.web.request_log.undated``: a report) is held back the same
way, its request count and latency included: the store keeps a report's hour, and a Prometheus
that scrapes every few seconds would otherwise keep when each report arrived. A check's latency
(``server.web.request_log.untimed``) is held back too, its count not: what a check cost says what
it matched (a photo decoded, a protected person's match or a campaign contribution counted in the
limiter store), which is why its log line carries no duration; on a quiet server a scrape every
few seconds sees one check at a time, and a live histogram kept that duration, to its bucket, for
each of them.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
from collections import Counter as Tally
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Flask, Response, g
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import HistogramMetricFamily

from heuristics.findings import Report
from server.web.request_log import request_facts

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)


class BucketCounts:
    """Latencies by route as Prometheus buckets count them (a value in the first bucket whose
    upper bound it does not exceed; the last is +Inf), and their sum. Held-back latencies are
    kept this way too, so a release adds a whole window per bucket: memory and work bounded by
    routes × buckets, however many requests the window saw."""

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(float(bound) for bound in bounds)
        self.counts: dict[str, list[int]] = {}
        self.sums: Tally[str] = Tally()

    def add(self, route: str, seconds: float) -> None:
        counts = self.counts.setdefault(route, [0] * (len(self.bounds) + 1))
        counts[bisect.bisect_left(self.bounds, seconds)] += 1
        self.sums[route] += seconds

    def merge(self, other: BucketCounts) -> None:
        for route, counts in other.counts.items():
            mine = self.counts.setdefault(route, [0] * (len(self.bounds) + 1))
            self.counts[route] = [a + b for a, b in zip(mine, counts, strict=True)]
            self.sums[route] += other.sums[route]


class LatencyHistogram:
    """The request-latency histogram, exported through prometheus_client's documented custom
    collector protocol (``collect`` yielding a :class:`HistogramMetricFamily`) so that held-back
    latencies join it per bucket at their release: a ``Histogram`` takes them one ``observe`` at
    a time, which for a busy window took seconds in the request that released them."""

    def __init__(self, name: str, documentation: str, bounds: Sequence[float]) -> None:
        self.name, self.documentation = name, documentation
        self._observed = BucketCounts(bounds)
        self._lock = threading.Lock()

    def empty(self) -> BucketCounts:
        return BucketCounts(self._observed.bounds)

    def observe(self, route: str, seconds: float) -> None:
        with self._lock:
            self._observed.add(route, seconds)

    def add(self, held: BucketCounts) -> None:
        with self._lock:
            self._observed.merge(held)

    def describe(self) -> Iterator[HistogramMetricFamily]:
        yield HistogramMetricFamily(self.name, self.documentation, labels=["route"])

    def collect(self) -> Iterator[HistogramMetricFamily]:
        family = HistogramMetricFamily(self.name, self.documentation, labels=["route"])
        with self._lock:
            observed = {
                route: (list(counts), self._observed.sums[route]) for route, counts in self._observed.counts.items()
            }
        labels = [repr(bound) for bound in self._observed.bounds] + ["+Inf"]
        for route, (counts, total) in sorted(observed.items()):
            family.add_metric([route], list(zip(labels, itertools.accumulate(counts), strict=True)), total)
        yield family


class Metrics:
    def __init__(self, delay_seconds: float = 600.0) -> None:
        self.delay_seconds = delay_seconds
        self._held: Tally[tuple[str, str]] = Tally()  # (metric, label) → count not yet exported
        # Stored undated filings not yet exported: (route, method, status) → count; their
        # latencies, and checks', are held by bucket in _held_latencies (made with the histogram).
        self._held_requests: Tally[tuple[str, str, str]] = Tally()
        self._held_lock = threading.Lock()
        self._next_release = time.monotonic() + delay_seconds
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "haris_http_requests_total", "HTTP requests", ["route", "method", "status"], registry=self.registry
        )
        self.latency = LatencyHistogram("haris_http_request_duration_seconds", "Request latency", LATENCY_BUCKETS)
        self.registry.register(self.latency)
        self._held_latencies = self.latency.empty()
        self.checks = Counter("haris_checks_total", "Checks by resulting level", ["level"], registry=self.registry)
        self.findings = Counter("haris_findings_total", "Findings by code", ["code"], registry=self.registry)
        self.unavailable = Counter(
            "haris_signals_unavailable_total", "Signals skipped for a down dependency", ["code"], registry=self.registry
        )

        # Labelled children by label values: ``labels()`` validates and locks on every call, and a
        # check increments several counters. Label values are codes and routes, a bounded set.
        self._children: dict[tuple[Any, ...], Any] = {}

    def child(self, metric: Counter, *values: str) -> Any:
        key = (id(metric), *values)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*values)
        return found

    def count_check(self, report: Report) -> None:
        """One check: its level, each finding's code (held back, see the module docstring), each
        signal skipped for a down dependency (an operational signal, shown at once)."""
        with self._held_lock:
            self._held["level", report.level.value] += 1
            for finding in report.findings:
                self._held["code", finding.code] += 1
        self._count_each(self.unavailable, report.unavailable)
        # Released by the request's count (count_request, after the response is made), not here:
        # a check's CPU is charged to its client (server.web.limits.charge_for_cpu), and a release
        # is not that check's work.

    def count_request(
        self, route: str, method: str, status: int, seconds: float | None, undated: bool, untimed: bool = False
    ) -> None:
        """One request's count and latency; an ``undated`` one's held back, an ``untimed`` one's
        latency held back (module docstring)."""
        if not undated:
            self.child(self.requests, route, method, str(status)).inc()
            if seconds is None:
                return
            if not untimed:
                self.latency.observe(route, seconds)
                return
        with self._held_lock:
            if undated:
                self._held_requests[route, method, str(status)] += 1
            if seconds is not None:
                self._held_latencies.add(route, seconds)
        self.release_when_due()

    def release_when_due(self) -> None:
        """Add the held-back counts to the exported counters once the delay has passed."""
        if time.monotonic() < self._next_release:
            return
        with self._held_lock:
            held, self._held = self._held, Tally()
            requests, self._held_requests = self._held_requests, Tally()
            latencies, self._held_latencies = self._held_latencies, self.latency.empty()
            self._next_release = time.monotonic() + self.delay_seconds
        for (kind, label), count in held.items():
            self.child(self.checks if kind == "level" else self.findings, label).inc(count)
        for labels, count in requests.items():
            self.child(self.requests, *labels).inc(count)
        self.latency.add(latencies)

    def _count_each(self, metric: Counter, codes: Iterable[str]) -> None:
        for code in codes:
            self.child(metric, code).inc()

    def exposition(self) -> Response:
        self.release_when_due()
        return Response(generate_latest(self.registry), mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Time and count every request in the app's :class:`Metrics` (made by ``server.state``)."""
    metrics: Metrics = app.extensions["haris"].metrics

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        facts = request_facts(response.status_code)
        started = g.get("metrics_started")
        seconds = time.perf_counter() - started if started is not None else None
        metrics.count_request(facts.route, facts.method, response.status_code, seconds, facts.undated, facts.untimed)
        return response

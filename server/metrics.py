"""Prometheus metrics: request counts and latency by route, checks by level, findings by code.

Counters live in each process (one registry per app); under several gunicorn workers each scrape
sees one worker. Labels are route templates and finding codes only, never client data.
"""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "haris_http_requests_total", "HTTP requests", ["route", "method", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "haris_http_request_duration_seconds",
            "Request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self.checks = Counter("haris_checks_total", "Checks by resulting level", ["level"], registry=self.registry)
        self.findings = Counter("haris_findings_total", "Findings by code", ["code"], registry=self.registry)
        self.unavailable = Counter(
            "haris_signals_unavailable_total", "Signals skipped for a down dependency", ["code"], registry=self.registry
        )

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), mimetype=CONTENT_TYPE_LATEST)


def init_metrics(app: Flask) -> Metrics:
    metrics = Metrics()

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        metrics.requests.labels(route, request.method, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            metrics.latency.labels(route).observe(time.perf_counter() - started)
        return response

    return metrics

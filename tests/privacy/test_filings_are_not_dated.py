"""A filed report keeps its hour, never its time (docs/privacy.md) — in the logs and metrics too.

The store dates a report to its hour and orders the queue by arrival. A request log line per
filing gave the k-th report of an hour its time to the millisecond, and a seized server's logs,
with an ISP's record of who connected at that second, its filer; a Prometheus scraping
``/metrics`` every few seconds kept the same times in its own store. A stored anonymous filing
(``server.web.request_log.undated``) now leaves no log line, and its counts are held back as a
check's findings are (``HARIS_METRICS_DELAY``). A refused one stored nothing and is logged.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}
REPORT = {"platform": "instagram", "reason": "entrapment", "profile": {"account_id": "7770001"}}
HEALTH = {"extractors": [{"platform": "x", "version": "2026.1", "complete": 20}]}
# Anonymous allowances whose views store nothing a client sent: a check writes nothing to the
# main store (docs/privacy.md, "Never kept"); the rules are read.
NOTHING_STORED = {"check", "rules"}


def request_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [record.fields for record in caplog.records if record.name == "haris.request"]  # type: ignore[attr-defined]


def test_a_stored_filing_leaves_no_log_line_a_refused_one_does(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="haris"):
        assert client.post("/v1/reports", json=REPORT).status_code == 202
        assert client.post("/v1/reports", json=REPORT).status_code == 202  # merged into the first
        assert client.post("/v1/extractor-health", json=HEALTH).status_code == 202
        assert client.post("/v1/reports", json={"platform": "instagram"}).status_code == 400
        assert client.post("/v1/check", json={"platform": "x"}).status_code == 200
    logged = [(line["route"], line["status"]) for line in request_lines(caplog)]
    assert logged == [("/v1/reports", 400), ("/v1/check", 200)]
    assert not any("/v1/reports" in record.getMessage() for record in caplog.records if record.levelno >= logging.INFO)


def test_filings_are_held_back_from_metrics_as_findings_are(make_app: Any) -> None:
    held = make_app(HARIS_METRICS_DELAY=3600).test_client()
    assert held.post("/v1/reports", json=REPORT).status_code == 202
    assert held.post("/v1/extractor-health", json=HEALTH).status_code == 202
    assert held.post("/v1/reports", json={"platform": "instagram"}).status_code == 400
    text = held.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    assert 'route="/v1/reports",status="400"} 1.0' in text, "a refusal stored nothing: counted at once"
    assert not re.search(r'route="/v1/(reports|extractor-health)",status="202"', text)
    # Latency is by route alone: only the refusal's is observed yet.
    assert 'haris_http_request_duration_seconds_count{route="/v1/reports"} 1.0' in text
    assert not re.search(r'duration_seconds_count\{route="/v1/extractor-health"\} [1-9]', text)

    released = make_app(HARIS_METRICS_DELAY=0).test_client()
    assert released.post("/v1/reports", json=REPORT).status_code == 202
    text = released.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    assert 'haris_http_requests_total{method="POST",route="/v1/reports",status="202"} 1.0' in text
    assert 'haris_http_request_duration_seconds_count{route="/v1/reports"} 1.0' in text


def test_every_anonymous_route_that_stores_is_undated(app: Flask) -> None:
    """A new anonymous filing route must say so (``@undated``), or this fails."""
    storing = {
        endpoint: view
        for endpoint, view in app.view_functions.items()
        if getattr(view, "haris_allowance", None) not in (None, *NOTHING_STORED)
    }
    assert {view.haris_allowance for view in storing.values()} == {"report", "extractor_health"}
    assert all(getattr(view, "haris_undated", False) for view in storing.values()), storing
    undated = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "haris_undated", False)}
    assert undated == set(storing), "a check's or a trainer's request is logged as any"

"""``POST /v1/reports``: anonymous, queued for trainers, nothing about the reporter kept."""

from __future__ import annotations

import time

import redis
from flask.testing import FlaskClient

from server.reports import ReportStore


def test_report_is_queued_without_reporter_identity(client: FlaskClient, redis_client: redis.Redis) -> None:
    body = {
        "platform": "facebook",
        "profile": {"display_name": "Hala Ahed", "account_id": "1000123"},
        "reason": "impersonation",
        "note": "pretends to be my friend",
    }
    response = client.post(
        "/v1/reports",
        json=body,
        environ_base={"REMOTE_ADDR": "198.51.100.77"},
        headers={"User-Agent": "MarkerAgent/1.0"},
    )
    assert response.status_code == 202
    report_id = response.get_json()["id"]
    stored = ReportStore(redis_client).pending()
    assert [r["id"] for r in stored] == [report_id]
    assert stored[0]["reason"] == "impersonation" and stored[0]["profile"]["display_name"] == "Hala Ahed"
    everything = b" ".join(redis_client.get(k) or b"" for k in redis_client.keys("haris:report:*"))
    assert b"198.51.100.77" not in everything and b"MarkerAgent" not in everything
    assert 0 < redis_client.ttl(f"haris:report:{report_id}") <= 30 * 24 * 3600


def test_report_needs_a_valid_reason(client: FlaskClient) -> None:
    response = client.post("/v1/reports", json={"platform": "x", "reason": "dislike"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "reason"
    response = client.post("/v1/reports", json={"platform": "x"})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "reason"


def test_reports_are_listed_newest_first_and_resolved(redis_client: redis.Redis) -> None:
    store = ReportStore(redis_client)
    first, second = store.add({"platform": "x", "reason": "other"}), store.add({"platform": "x", "reason": "other"})
    now = int(time.time())
    redis_client.zadd("haris:reports:pending", {first: now - 60, second: now}, xx=True)  # a minute apart
    assert [r["id"] for r in store.pending()] == [second, first]
    resolved = store.resolve(first, "rejected", decided_by="trainer-1")
    assert resolved is not None and resolved["status"] == "rejected"
    assert [r["id"] for r in store.pending()] == [second]
    assert store.resolve("nope", "rejected") is None

"""Rate limiting in the real Redis, health endpoints, metrics, logging and headers."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from server.config import ConfigError


def test_limiter_really_limits_with_json_429_and_retry_after(make_app: Any, redis_client: redis.Redis) -> None:
    client = make_app(HARIS_CHECK_LIMIT="3/minute").test_client()
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.post("/v1/check", json={"platform": "x"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) > 0
    # Counters are in the shared Redis, under our prefix, and keyed without the client address.
    keys = [key.decode() for key in redis_client.keys("*")]
    assert keys and all(key.startswith("haris:LIMITER/limits/") for key in keys)
    assert not any("127.0.0.1" in key for key in keys)


def test_limit_is_per_client(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="2/minute").test_client()
    for _ in range(2):
        client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    blocked = client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    other = client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert blocked.status_code == 429 and other.status_code == 200


def test_two_apps_share_one_limit_through_redis(make_app: Any) -> None:
    first, second = make_app(HARIS_CHECK_LIMIT="2/minute"), make_app(HARIS_CHECK_LIMIT="2/minute")
    assert first.test_client().post("/v1/check", json={"platform": "x"}).status_code == 200
    assert second.test_client().post("/v1/check", json={"platform": "x"}).status_code == 200
    assert first.test_client().post("/v1/check", json={"platform": "x"}).status_code == 429


def test_every_limit_of_a_list_is_enforced(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="100/hour;2/minute").test_client()
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The minute window answered, so the wait is at most a minute, not the hour's.
    retry = int(client.post("/v1/check", json={"platform": "x"}).headers["Retry-After"])
    assert 0 < retry <= 60


def test_check_and_report_are_counted_apart(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="1/minute").test_client()
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 200
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 429
    report = {"platform": "x", "profile": {"handle": "someone"}, "reason": "impersonation"}
    assert client.post("/v1/reports", json=report).status_code == 202


def contacts(count: int) -> list[dict[str, str]]:
    return [{"display_name": f"Friend {number}", "account_id": str(number)} for number in range(count)]


def test_a_check_with_a_very_long_contact_list_counts_as_several(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="10/minute").test_client()
    ordinary = {"platform": "x", "profile": {"display_name": "Sami K"}, "contacts": contacts(500)}
    assert client.post("/v1/check", json=ordinary).status_code == 200  # 500 contacts: counted once
    longest = {**ordinary, "contacts": contacts(2000)}
    assert client.post("/v1/check", json=longest).status_code == 200  # counted 1 + 6 times: 8 of 10
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_long_contact_list_past_the_limit_is_refused_and_still_counted(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="5/minute").test_client()
    first = client.post("/v1/check", json={"platform": "x", "contacts": contacts(1001)})  # 1 + 3
    assert first.status_code == 200
    refused = client.post("/v1/check", json={"platform": "x", "contacts": contacts(1001)})
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 429


def test_ratelimit_enabled_false_turns_the_limiter_off(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="1/minute", RATELIMIT_ENABLED=False).test_client()
    assert [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)] == [200] * 3


@pytest.mark.parametrize("setting", ["HARIS_CHECK_LIMIT", "HARIS_LOGIN_LIMIT", "HARIS_LOGIN_ACCOUNT_LIMIT"])
def test_a_malformed_limit_stops_the_start(make_app: Any, setting: str) -> None:
    with pytest.raises(ConfigError, match=setting):
        make_app(**{setting: "sixty a minute"})


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["redis"] == "ok"


def test_readyz_fails_when_redis_is_unreachable(make_app: Any, tmp_path: Any) -> None:
    app = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock")
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["redis"] == "down"
    # Checks still answer (the limiter fails open for anonymous checks), long contact lists too.
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 200
    assert client.post("/v1/check", json={"platform": "x", "contacts": contacts(2000)}).status_code == 200


def test_metrics_count_checks_and_findings(client: FlaskClient) -> None:
    client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'haris_findings_total{code="activity.few_posts"} 1.0' in text
    assert 'haris_http_requests_total{method="POST",route="/v1/check",status="200"} 1.0' in text


def test_metrics_count_repeated_checks_and_bound_the_method_label(client: FlaskClient) -> None:
    for _ in range(3):
        client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}})
    for method in ("BREW", "PROPFIND", "X-ANYTHING"):
        client.open("/nowhere", method=method)
    text = client.get("/metrics").get_data(as_text=True)
    assert 'haris_findings_total{code="activity.few_posts"} 3.0' in text
    assert 'haris_checks_total{level="low"} 3.0' in text
    assert 'haris_http_requests_total{method="OTHER",route="<unmatched>",status="404"} 3.0' in text
    assert "BREW" not in text and "PROPFIND" not in text


def test_one_log_line_per_request_without_any_profile_data(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="haris"):
        client.post(
            "/v1/check?who=MARKERQUERY",
            json={
                "platform": "x",
                "profile": {"display_name": "MARKERNAME", "handle": "markerhandle", "bio": "MARKERBIO"},
                "contacts": [{"display_name": "MARKERCONTACT"}],
            },
            headers={"X-Request-ID": "req-12345678"},
        )
    lines = [r for r in caplog.records if r.name == "haris.request"]
    assert len(lines) == 1
    fields = lines[0].fields  # type: ignore[attr-defined]
    assert fields["route"] == "/v1/check" and fields["status"] == 200 and fields["request_id"] == "req-12345678"
    assert set(fields) == {"event", "method", "route", "status", "duration_ms", "request_id"}
    everything = " ".join(r.getMessage() + repr(getattr(r, "fields", "")) for r in caplog.records).lower()
    assert "marker" not in everything


def test_security_headers_and_request_id(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers["X-Request-ID"]) >= 8


def test_cors_only_for_extension_origins(client: FlaskClient) -> None:
    ok = client.options(
        "/v1/check",
        headers={
            "Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert ok.headers.get("Access-Control-Allow-Origin") == "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    bad = client.options(
        "/v1/check", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_embedded_redis_starts_by_itself_and_keeps_data(tmp_path: Any) -> None:
    from server import create_app

    config = {"REDIS_URL": None, "HARIS_DATA_DIR": str(tmp_path / "embedded")}
    app = create_app(config)
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    app.extensions["haris"].redis.client.set("haris:test:persist", b"1")
    app.extensions["haris"].redis.embedded.shutdown(save=True)
    again = create_app(config)
    assert again.extensions["haris"].redis.client.get("haris:test:persist") == b"1"
    again.extensions["haris"].redis.embedded.shutdown(nosave=True)


def test_production_refuses_to_start_without_a_secret(make_app: Any) -> None:
    from server.config import ConfigError

    with pytest.raises(ConfigError):
        make_app(HARIS_ENV="production", HARIS_SECRET_KEY=None)
    with pytest.raises(ConfigError):
        make_app(HARIS_ENV="production", HARIS_SECRET_KEY="short")

"""``/v1/extractor-health``: opt-in coarse counts from the extension, summed per day, platform,
extractor version and outcome; bad counts refused with stable codes; limited per address; the
maintainers' table with its jump flag."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.services.extractor_health import JumpRule, Share, is_jump
from server.storage.extractor_health import MAX_DAY_FIELDS, RETENTION_DAYS, ExtractorHealthStore, day_key

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}
# "2026.1" in mathematical sans-serif digits: any script's digits matched the version's "\d".
SANS_SERIF_2026_1 = "\U0001d7e4\U0001d7e2\U0001d7e4\U0001d7e8.\U0001d7e3"


def reads(**counts: Any) -> dict[str, Any]:
    entry = {"platform": "x", "version": "2026.1", "complete": 20}
    entry.update(counts)
    return entry


def post(client: FlaskClient, *entries: dict[str, Any], address: str = "198.51.100.7") -> Any:
    return client.post(
        "/v1/extractor-health", json={"extractors": list(entries)}, environ_base={"REMOTE_ADDR": address}
    )


def today_key() -> str:
    return day_key(datetime.now(UTC).date())


def test_counts_join_the_days_sums_once_written(app: Flask, client: FlaskClient, redis_client: redis.Redis) -> None:
    first = post(client, reads(complete=20, incomplete=5, missing={"followers": 5}), reads(platform="facebook"))
    assert first.status_code == 202 and first.get_json() == {"visits": 45}
    assert post(client, reads(complete=10, no_profile=5, error=5)).status_code == 202
    assert redis_client.keys("haris:{extractors}:*") == [], "nothing is written while the report is answered"
    app.extensions["haris"].stores.extractor_health.flush()
    assert redis_client.hgetall(today_key()) == {
        b"x|2026.1|complete": b"30",
        b"x|2026.1|incomplete": b"5",
        b"x|2026.1|missing:followers": b"5",
        b"x|2026.1|no_profile": b"5",
        b"x|2026.1|error": b"5",
        b"facebook|2026.1|complete": b"20",
    }
    ttl = redis_client.ttl(today_key())
    assert (RETENTION_DAYS - 1) * 86400 < ttl <= (RETENTION_DAYS + 1) * 86400


def test_the_sum_is_written_after_eight_reports_as_one_sum(client: FlaskClient, redis_client: redis.Redis) -> None:
    for i in range(7):
        assert post(client, reads(complete=5 * (i + 1)), address=f"198.51.100.{i}").status_code == 202
    assert redis_client.keys("haris:{extractors}:*") == []
    assert post(client, reads(complete=5), address="198.51.100.99").status_code == 202
    assert redis_client.hgetall(today_key()) == {b"x|2026.1|complete": str(5 * 28 + 5).encode()}


@pytest.mark.parametrize(
    ("entries", "status", "code", "field"),
    [
        ([reads(complete=21)], 422, "invalid_value", "extractors.0.complete"),  # not coarse
        ([reads(complete=1005)], 422, "invalid_value", "extractors.0.complete"),
        ([reads(complete=-5)], 422, "invalid_value", "extractors.0.complete"),
        ([reads(complete="20")], 400, "invalid_schema", "extractors.0.complete"),
        ([reads(complete=True)], 400, "invalid_schema", "extractors.0.complete"),
        ([reads(platform="other")], 422, "invalid_value", "extractors.0.platform"),
        ([reads(platform="myspace")], 422, "invalid_value", "extractors.0.platform"),
        ([reads(version="latest")], 422, "invalid_value", "extractors.0.version"),
        ([reads(version="2026.1" + "1" * 40)], 422, "invalid_value", "extractors.0.version"),
        # Digits of other scripts: "2026.1" to the eye (sans-serif, Arabic-Indic), another row.
        ([reads(version=SANS_SERIF_2026_1)], 422, "invalid_value", "extractors.0.version"),
        ([reads(version="\u0662\u0660\u0662\u0666.\u0661")], 422, "invalid_value", "extractors.0.version"),
        ([reads(incomplete=5, missing={"password": 5})], 422, "invalid_value", "extractors.0.missing.password.[key]"),
        ([reads(url="https://x.com/sara_h")], 400, "invalid_schema", "extractors.0.url"),
        ([reads(handle="sara_h")], 400, "invalid_schema", "extractors.0.handle"),
        ([reads(incomplete=5, missing={"followers": 10})], 422, "missing_exceeds_incomplete", None),
        ([reads(), reads()], 422, "duplicate_extractor", "extractors.1"),
        ([reads(complete=0)], 422, "no_visits", "extractors"),
        ([], 422, "invalid_value", "extractors"),
        ([reads(version=f"2026.{i}") for i in range(13)], 422, "invalid_value", "extractors"),
    ],
)
def test_bad_counts_are_refused_with_a_stable_code(
    client: FlaskClient, redis_client: redis.Redis, entries: list[Any], status: int, code: str, field: str | None
) -> None:
    response = post(client, *entries)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    if field is not None:
        assert error["field"] == field
    assert redis_client.keys("haris:{extractors}:*") == []


def test_bad_bodies_are_refused(client: FlaskClient) -> None:
    assert client.post("/v1/extractor-health", data="{}", content_type="text/plain").status_code == 415
    assert client.post("/v1/extractor-health", data="{", content_type="application/json").status_code == 400
    refused = client.post("/v1/extractor-health", json={"extractors": [reads()], "at": 1772000000})
    assert refused.status_code == 400 and refused.get_json()["error"]["field"] == "at"
    assert client.post("/v1/extractor-health", json=[reads()]).status_code == 400


def test_reports_are_limited_per_address_and_the_limit_fails_closed(make_app: Any, redis_client: redis.Redis) -> None:
    client = make_app(HARIS_EXTRACTOR_HEALTH_LIMIT="2/hour").test_client()
    assert [post(client, reads()).status_code for _ in range(3)] == [202, 202, 429]
    limited = post(client, reads())
    assert limited.get_json()["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) > 0
    assert post(client, reads(), address="203.0.113.50").status_code == 202, "another address has its own"
    down = make_app(HARIS_LIMITER_URL="redis://127.0.0.1:9/0")
    refused = post(down.test_client(), reads())
    # Refused, not counted: this limit fails closed even for a worker that never reached the store.
    assert refused.status_code == 503 and refused.get_json()["error"]["code"] == "limiter_unavailable"
    down.extensions["haris"].stores.extractor_health.flush()
    assert redis_client.keys("haris:{extractors}:*") == []


def test_a_day_holds_a_bounded_number_of_fields(redis_client: redis.Redis) -> None:
    store = ExtractorHealthStore(redis_client, batch_reports=1)
    store.add({"x|2026.1|complete": 5})
    store.add({f"x|2026.{i}|complete": 5 for i in range(MAX_DAY_FIELDS + 50)})
    store.add({"x|2026.1|complete": 5})
    stored = redis_client.hgetall(today_key())
    assert len(stored) == MAX_DAY_FIELDS and stored[b"x|2026.1|complete"] == b"15"


def test_a_failed_write_keeps_the_sum(redis_client: redis.Redis) -> None:
    broken = redis.Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.2)
    store = ExtractorHealthStore(broken, batch_reports=100)
    store.add({"x|2026.1|complete": 5})
    with pytest.raises(redis.RedisError):
        store.flush()
    store.client = redis_client
    store.flush()
    assert redis_client.hgetall(today_key()) == {b"x|2026.1|complete": b"5"}


def seed(redis_client: redis.Redis, today: date, per_day: dict[int, dict[str, int]]) -> None:
    """Counts ``per_day[offset]`` (field → visits) on the day ``offset`` days before ``today``."""
    for offset, fields in per_day.items():
        redis_client.hset(day_key(today - timedelta(days=offset)), mapping=fields)


def test_the_maintainers_table_flags_a_jump(client: FlaskClient, redis_client: redis.Redis) -> None:
    today = datetime.now(UTC).date()
    steady = {"complete": 95, "no_profile": 5}
    days: dict[int, dict[str, int]] = {}
    for offset in range(13, 2, -1):  # eleven ordinary days
        days[offset] = {f"x|2026.1|{k}": v for k, v in steady.items()} | {
            f"instagram|2026.1|{k}": v for k, v in steady.items()
        }
    for offset in range(3):  # X changed its layout three days ago: followers no longer read
        days[offset] = {
            "x|2026.1|complete": 40,
            "x|2026.1|incomplete": 60,
            "x|2026.1|missing:followers": 60,
            "instagram|2026.1|complete": 95,
            "instagram|2026.1|no_profile": 5,
        }
    seed(redis_client, today, days)
    assert client.get("/v1/extractor-health").status_code == 401
    response = client.get("/v1/extractor-health", headers=MAINTAINER)
    assert response.status_code == 200
    table = response.get_json()
    assert table["last_day"] == today.isoformat()
    assert table["first_day"] == (today - timedelta(days=13)).isoformat()
    rows = {(row["platform"], row["version"]): row for row in table["extractors"]}
    x, instagram = rows[("x", "2026.1")], rows[("instagram", "2026.1")]
    assert x["jump"] is True and instagram["jump"] is False
    assert x["recent"] == {"visits": 300, "failures": 180, "share": 0.6}
    assert x["baseline"] == {"visits": 700, "failures": 35, "share": 0.05}
    assert x["missing"] == {"followers": 180}
    assert len(x["days"]) == 14 and x["days"][-1]["failure_share"] == 0.6 and x["days"][0]["visits"] == 100


def test_the_jump_rule() -> None:
    rule = JumpRule()
    assert is_jump(Share(300, 180), Share(700, 35), rule)
    assert not is_jump(Share(25, 20), Share(700, 35), rule), "too few recent visits"
    assert not is_jump(Share(300, 45), Share(700, 35), rule), "a rise of 10 points is not a jump"
    assert not is_jump(Share(40, 20), Share(40, 12), rule), "a rise chance explains (z < 3)"
    assert is_jump(Share(100, 60), Share(0, 0), rule), "a new version failing on most pages"
    assert not is_jump(Share(100, 30), Share(0, 0), rule)
    assert not is_jump(Share(300, 300), Share(700, 700), rule), "always failing is not a change"


def test_a_new_version_is_compared_with_the_platforms_baseline(client: FlaskClient, redis_client: redis.Redis) -> None:
    today = datetime.now(UTC).date()
    days = {offset: {"x|2026.1|complete": 100} for offset in range(10, 2, -1)}
    for offset in range(3):
        days[offset] = {"x|2026.2|complete": 60, "x|2026.2|error": 40}
    seed(redis_client, today, days)
    rows = client.get("/v1/extractor-health", headers=MAINTAINER).get_json()["extractors"]
    new = next(row for row in rows if row["version"] == "2026.2")
    assert new["baseline"]["visits"] == 700 and new["jump"] is True


def test_only_the_most_visited_versions_are_shown(client: FlaskClient, redis_client: redis.Redis) -> None:
    today = datetime.now(UTC).date()
    fields = {f"x|2026.{i}|complete": 5 for i in range(2, 40)} | {"x|2026.1|complete": 500}
    seed(redis_client, today, {0: fields})
    rows = client.get("/v1/extractor-health", headers=MAINTAINER).get_json()["extractors"]
    assert len(rows) == 5 and "2026.1" in {row["version"] for row in rows}

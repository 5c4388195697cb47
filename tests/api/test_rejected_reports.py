"""A rejected report keeps only its decision, for ``HARIS_REJECTED_REPORT_HOURS``.

Kept whole for 30 days, rejected reports were what a flood that trainers kept rejecting left in
Redis (120,000 records of up to 16 kB at the defaults), and a forged report against a genuine
person left her profile on a seized server for 30 days after it was rejected.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from heuristics.images import decode, fingerprint
from server.config import ConfigError
from server.roles import Role
from server.storage.apikeys import create_api_key
from server.storage.audit import AuditLog
from server.storage.reports import REJECTED_FIELDS, REPORT_TTL_SECONDS, ReportStore, coarse_time
from tests.api.test_banks import photo_bytes
from tests.conftest import ReportClock

HOUR = 3600
REPORT_KEY = "haris:{reports}:report:"
DECIDED = "haris:{reports}:decided"
REJECTED = "haris:{reports}:rejected"
# What the filers wrote about the reported profile: none of it may stay once the report is rejected.
MARKERS = {
    "display_name": "Nadia Defender-Marker",
    "handle": "nadia_marker_handle",
    "account_id": "99887766554433",
    "profile_url": "https://x.com/nadia_marker_handle",
    "bio": "bio-marker human rights",
    "note": "note-marker she is a fake",
    "later_note": "later-note-marker report her too",
    "variant_name": "variant-marker Nadia",
    "other_handle": "other_marker_handle",
}
# A fingerprint the server could have made (a made-up one is refused: server.services.avatars).
AVATAR = fingerprint(decode(photo_bytes("rocket"))).hex


def _expires_at(redis_client: redis.Redis, key: str) -> float:
    """A key's expiry as an absolute time, read against the Redis server's own clock."""
    seconds, micros = redis_client.time()
    pttl = redis_client.pttl(key)
    assert pttl > 0, (key, pttl)
    return seconds + micros / 1e6 + pttl / 1000


def _first_report() -> dict[str, Any]:
    profile = {
        "display_name": MARKERS["display_name"],
        "handle": MARKERS["handle"],
        "account_id": MARKERS["account_id"],
        "profile_url": MARKERS["profile_url"],
        "bio": MARKERS["bio"],
    }
    return {
        "platform": "x",
        "reason": "impersonation",
        "profile": profile,
        "avatar_hash": AVATAR,
        "note": MARKERS["note"],
    }


def _file_forged_campaign(client: FlaskClient) -> str:
    """A forged report of a genuine person, and two more merged into it (a later note, a variant
    of her profile, another handle): the id of the pending report."""
    first = client.post("/v1/reports", json=_first_report())
    assert first.status_code == 202
    variant = {"account_id": MARKERS["account_id"], "display_name": MARKERS["variant_name"]}
    other = {"account_id": MARKERS["account_id"], "handle": MARKERS["other_handle"]}
    for profile, note in ((variant, MARKERS["later_note"]), (other, None)):
        body: dict[str, Any] = {"platform": "x", "reason": "entrapment", "profile": profile}
        if note:
            body["note"] = note
        assert client.post("/v1/reports", json=body).status_code == 202
    return str(first.get_json()["id"])


@pytest.fixture
def trainer_key(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo-amal")}


def test_a_rejected_report_keeps_only_its_decision_until_hours_after_it(
    client: FlaskClient, redis_client: redis.Redis, report_clock: ReportClock, trainer_key: dict[str, str]
) -> None:
    report_id = _file_forged_campaign(client)
    whole = redis_client.get(REPORT_KEY + report_id) or b""
    assert all(marker.encode() in whole for marker in MARKERS.values())  # the search below can fail
    assert AVATAR.encode() in whole
    report_clock.advance(hours=5.5)  # decided in a later hour than the report arrived
    decided = client.post(
        f"/v1/reports/{report_id}/reject",
        json={"note": "forged: she is the real one", "seen_reports": 3},
        headers=trainer_key,
    )
    assert decided.status_code == 200
    answer = decided.get_json()
    assert answer["status"] == "rejected" and answer["decision_note"] == "forged: she is the real one"
    assert answer["reports"] == 3 and answer["reasons"] == {"impersonation": 1, "entrapment": 2}
    assert "profile" not in answer and "avatar_hash" not in answer and "note" not in answer
    # The raw record: only the decision, nothing the filers wrote about her.
    raw = redis_client.get(REPORT_KEY + report_id) or b""
    record = json.loads(raw)
    assert set(record) <= set(REJECTED_FIELDS) and record["status"] == "rejected"
    assert record["decided_by"] == "key:ngo-amal" and record["platform"] == "x"
    assert not [marker for marker in MARKERS.values() if marker.encode() in raw] and AVATAR.encode() not in raw
    # Its expiry is the start of the hour 48 hours after the decision's hour.
    expected = coarse_time(report_clock.now) + 48 * HOUR
    assert expected % HOUR == 0 and abs(_expires_at(redis_client, REPORT_KEY + report_id) - expected) < 5
    # Off the queue and off the account: a new report of her account is a report of its own.
    assert client.get("/v1/reports", headers=trainer_key).get_json()["reports"] == []
    again = client.post("/v1/reports", json=_first_report())
    [pending] = client.get("/v1/reports", headers=trainer_key).get_json()["reports"]
    assert again.get_json()["id"] == pending["id"] != report_id and pending["reports"] == 1
    # The audit entry names the report, as before.
    [entry] = [e for e in AuditLog(redis_client).recent() if e["action"] == "report.rejected"]
    assert entry["target"] == report_id and entry["actor"] == "key:ngo-amal"


def test_a_rejection_never_keeps_a_report_past_its_30_days(
    redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    store = ReportStore(redis_client)
    report_id = store.add(_first_report())
    created_at = coarse_time(report_clock.now)
    report_clock.advance(hours=30 * 24 - 10)  # ten hours before it expires
    assert store.resolve(report_id, "rejected") is not None
    assert abs(_expires_at(redis_client, REPORT_KEY + report_id) - (created_at + REPORT_TTL_SECONDS)) < 5


def test_confirmed_reports_keep_their_whole_record_and_30_days(
    client: FlaskClient, redis_client: redis.Redis, report_clock: ReportClock, trainer_key: dict[str, str]
) -> None:
    report_id = _file_forged_campaign(client)
    report_clock.advance(hours=3)
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=trainer_key).status_code == 200
    raw = redis_client.get(REPORT_KEY + report_id) or b""
    assert all(marker.encode() in raw for marker in MARKERS.values()) and json.loads(raw)["status"] == "confirmed"
    expected = coarse_time(report_clock.now - 3 * HOUR) + REPORT_TTL_SECONDS
    assert abs(_expires_at(redis_client, REPORT_KEY + report_id) - expected) < 5
    assert redis_client.zscore(DECIDED, report_id) is not None and redis_client.zscore(REJECTED, report_id) is None


def test_the_decided_list_keeps_no_rejected_id_past_its_record(
    redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    store = ReportStore(redis_client, rejected_hours=2)
    rejected = store.add({"platform": "x", "reason": "other", "profile": {"handle": "rejected.one"}})
    confirmed = store.add({"platform": "x", "reason": "other", "profile": {"handle": "confirmed.one"}})
    store.resolve(rejected, "rejected", decided_by="amal")
    report_clock.advance(hours=0.5)
    store.resolve(confirmed, "confirmed", decided_by="amal")
    assert [r["id"] for r in store.decided()] == [confirmed, rejected]  # newest decision first
    assert abs(_expires_at(redis_client, REPORT_KEY + rejected) - (coarse_time(report_clock.now) + 2 * HOUR)) < 5
    # The set of rejected ids expires no sooner than its newest record, and an hour after it at most.
    assert 2 * HOUR <= _expires_at(redis_client, REJECTED) - coarse_time(report_clock.now) <= 3 * HOUR + 5
    report_clock.advance(hours=1.6)  # the rejected record's hour has come
    assert [r["id"] for r in store.decided()] == [confirmed]
    assert redis_client.zscore(REJECTED, rejected) is None and redis_client.zscore(DECIDED, rejected) is None
    # A filing prunes too (an idle console reads nothing), and an id whose record went sooner
    # (rejected in its report's last hours) is dropped when the list reads it.
    later = store.add({"platform": "x", "reason": "other", "profile": {"handle": "later.one"}})
    capped = store.add({"platform": "x", "reason": "other", "profile": {"handle": "capped.one"}})
    store.resolve(later, "rejected")
    store.resolve(capped, "rejected")
    report_clock.advance(hours=2)
    store.add({"platform": "x", "reason": "other", "profile": {"handle": "a.filing"}})
    assert redis_client.zscore(REJECTED, later) is None
    report_clock.advance(hours=-2)
    store.resolve(store.add({"platform": "x", "reason": "other"}), "rejected")
    redis_client.delete(REPORT_KEY + capped)
    redis_client.zadd(REJECTED, {capped: int(report_clock.now)})
    assert capped not in [r["id"] for r in store.decided()] and redis_client.zscore(REJECTED, capped) is None


def _written_whole(redis_client: redis.Redis, report_id: str, created_at: int, decided_at: int) -> None:
    """A report rejected before rejections were trimmed: its whole record, its 30 days, the decided set."""
    record = dict(
        _first_report(), id=report_id, created_at=created_at, status="rejected", reports=1,
        reasons={"impersonation": 1}, decided_by="amal", decided_at=decided_at, decision_note="old decision",
    )  # fmt: skip
    redis_client.set(REPORT_KEY + report_id, json.dumps(record), exat=created_at + REPORT_TTL_SECONDS)
    redis_client.zadd(DECIDED, {report_id: decided_at})


def test_a_report_rejected_whole_before_is_trimmed_when_read(
    redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    """Records rejected before this change keep their 30 days until read; read (the decided list, a
    report's page), they become what they would be had they been rejected since: trimmed, expiring
    48 hours after their decision's hour, or deleted once that has passed."""
    store = ReportStore(redis_client)
    now = int(report_clock.now)
    _written_whole(redis_client, "0000000000000001", coarse_time(now) - 10 * HOUR, now - 5 * HOUR)
    _written_whole(redis_client, "0000000000000002", coarse_time(now) - 80 * HOUR, now - 60 * HOUR)
    _written_whole(redis_client, "0000000000000003", coarse_time(now) - 10 * HOUR, now - 4 * HOUR)
    store.add({"platform": "x", "reason": "other"})  # a filing alone leaves them as they are
    unread = REPORT_KEY + "0000000000000003"
    assert MARKERS["handle"].encode() in (redis_client.get(unread) or b"")
    assert abs(_expires_at(redis_client, unread) - (coarse_time(now) - 10 * HOUR + REPORT_TTL_SECONDS)) < 5
    listed = store.decided(limit=2)  # the two newest decisions: reports 3 and 1
    assert [r["id"] for r in listed] == ["0000000000000003", "0000000000000001"]
    assert all(set(r) <= set(REJECTED_FIELDS) and r["decision_note"] == "old decision" for r in listed)
    raw = redis_client.get(REPORT_KEY + "0000000000000001") or b""
    assert raw and MARKERS["handle"].encode() not in raw and AVATAR.encode() not in raw
    expected = coarse_time(now - 5 * HOUR) + 48 * HOUR
    assert abs(_expires_at(redis_client, REPORT_KEY + "0000000000000001") - expected) < 5
    assert redis_client.zscore(DECIDED, "0000000000000001") is None
    assert redis_client.zscore(REJECTED, "0000000000000001") == now - 5 * HOUR
    # Decided 60 hours ago: it would have expired 12 hours ago; read, it is deleted.
    assert store.get("0000000000000002") is None
    assert redis_client.exists(REPORT_KEY + "0000000000000002") == 0
    assert redis_client.zscore(DECIDED, "0000000000000002") is None
    # An expired record is not written back (a read racing its expiry).
    assert store.get("0000000000000004") is None and redis_client.exists(REPORT_KEY + "0000000000000004") == 0


def test_the_rejected_hours_are_a_setting_within_a_reports_30_days(
    make_app: Any, redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    app = make_app(HARIS_REJECTED_REPORT_HOURS="5")
    store = app.extensions["haris"].stores.reports
    assert store.rejected_hours == 5
    report_id = store.add({"platform": "x", "reason": "other"})
    store.resolve(report_id, "rejected")
    assert abs(_expires_at(redis_client, REPORT_KEY + report_id) - (coarse_time(report_clock.now) + 5 * HOUR)) < 5
    assert make_app().extensions["haris"].stores.reports.rejected_hours == 48
    for hours in (0, -1, 721):
        with pytest.raises(ConfigError, match="HARIS_REJECTED_REPORT_HOURS"):
            make_app(HARIS_REJECTED_REPORT_HOURS=hours)

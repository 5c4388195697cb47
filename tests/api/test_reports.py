"""``POST /v1/reports``: anonymous, queued for trainers, nothing about the reporter kept."""

from __future__ import annotations

import io
import json
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from server.config import ConfigError
from server.storage import reports as reports_storage
from server.storage.reports import MAX_MERGED_NOTES, QueueFull, ReportStore, coarse_time
from tests.conftest import ReportClock
from tests.redis_cluster import open_client

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}


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
    everything = b" ".join(redis_client.get(k) or b"" for k in redis_client.keys("haris:{reports}:report:*"))
    assert b"198.51.100.77" not in everything and b"MarkerAgent" not in everything
    assert 0 < redis_client.ttl(f"haris:{{reports}}:report:{report_id}") <= 30 * 24 * 3600


def test_report_needs_a_valid_reason(client: FlaskClient) -> None:
    response = client.post("/v1/reports", json={"platform": "x", "reason": "dislike"})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "reason"
    response = client.post("/v1/reports", json={"platform": "x"})
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "reason"


def test_reports_are_listed_newest_first_and_resolved(redis_client: redis.Redis) -> None:
    store = ReportStore(redis_client)
    first, second = store.add({"platform": "x", "reason": "other"}), store.add({"platform": "x", "reason": "other"})
    now = int(time.time())
    redis_client.zadd("haris:{reports}:pending", {first: now - 60, second: now}, xx=True)  # a minute apart
    assert [r["id"] for r in store.pending()] == [second, first]
    resolved = store.resolve(first, "rejected", decided_by="trainer-1")
    assert resolved is not None and resolved["status"] == "rejected"
    assert [r["id"] for r in store.pending()] == [second]
    assert store.resolve("nope", "rejected") is None


def test_a_report_keeps_its_hour_not_its_time(client: FlaskClient, redis_client: redis.Redis) -> None:
    """Finding 1: a report's write time to the second could be matched with an ISP's flow
    records; it keeps the hour only, and the queue its order by arrival number."""
    ids = [
        client.post(
            "/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": f"h{n}"}}
        ).get_json()["id"]
        for n in range(3)
    ]
    store = ReportStore(redis_client)
    for report_id in ids:
        record = store.get(report_id)
        assert record is not None and record["created_at"] % 3600 == 0
    scores = [score for _, score in redis_client.zrange("haris:{reports}:pending", 0, -1, withscores=True)]
    assert scores == [1.0, 2.0, 3.0]
    assert [r["id"] for r in store.pending()] == ids[::-1]


def test_a_reports_expiry_names_its_hour_not_its_time(
    client: FlaskClient, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TTL counted from the write put the arrival time, to the millisecond, in the report's
    expiry (PTTL live; PXAT in the append-only file): the created_at hour meant nothing. The
    report and its account key expire 30 days after the hour it arrived, at an hour boundary."""
    seconds, _ = redis_client.time()
    arrived = coarse_time(seconds) + 1234.5  # well inside an hour, so the two expiries differ
    monkeypatch.setattr(reports_storage, "time", SimpleNamespace(time=lambda: arrived))
    body = {"platform": "instagram", "reason": "entrapment", "profile": {"account_id": "8675309"}}
    report_id = client.post("/v1/reports", json=body).get_json()["id"]
    record = ReportStore(redis_client).get(report_id)
    assert record is not None and record["created_at"] == coarse_time(arrived)
    [account_key] = redis_client.keys("haris:{reports}:account:*")
    for key in (f"haris:{{reports}}:report:{report_id}", account_key):
        remaining_ms = redis_client.pttl(key)
        now_seconds, now_micro = redis_client.time()
        expires_at = now_seconds + now_micro / 1e6 + remaining_ms / 1000
        assert abs(expires_at - (record["created_at"] + 30 * 24 * 3600)) < 5, key


def test_reports_of_one_account_are_merged_while_pending(client: FlaskClient, redis_client: redis.Redis) -> None:
    body = {"platform": "instagram", "reason": "entrapment", "profile": {"account_id": "555", "handle": "bait"}}
    first = client.post("/v1/reports", json=body).get_json()["id"]
    again = client.post("/v1/reports", json={**body, "note": "he asked to meet"}).get_json()["id"]
    store = ReportStore(redis_client)
    [pending] = store.pending()
    assert pending["id"] == first and pending["reports"] == 2
    assert again != first and store.get(again) is None  # answered with a receipt, not the pending id
    other_platform = client.post("/v1/reports", json={**body, "platform": "x"}).get_json()["id"]
    assert other_platform != first and store.get(other_platform) is not None
    store.resolve(first, "rejected", decided_by="t")
    decided_again = client.post("/v1/reports", json=body).get_json()["id"]
    assert store.get(decided_again) is not None and decided_again != first  # decided: a new report
    assert not any(b"555" in key for key in redis_client.keys("haris:{reports}:account:*"))


def test_a_facebook_handle_with_or_without_dots_is_one_pending_report(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """facebook.com/bait.acc and facebook.com/BaitAcc are one account; on Instagram they are two."""
    for platform, handle in (
        ("facebook", "bait.acc"),
        ("facebook", "BaitAcc"),
        ("instagram", "bait.acc"),
        ("instagram", "baitacc"),
    ):
        body = {"platform": platform, "reason": "entrapment", "profile": {"handle": handle}}
        assert client.post("/v1/reports", json=body).status_code == 202
    pending = [report["platform"] for report in ReportStore(redis_client).pending()]
    assert sorted(pending) == ["facebook", "instagram", "instagram"]


def test_reporting_an_account_again_does_not_say_whether_a_trainer_decided(client: FlaskClient) -> None:
    """The answer to a merged report was the pending report's id: its operator, reporting their
    own bait account now and then, saw the same id while it waited and a new one as soon as a
    trainer had decided on it — learning that the NGO had looked at the account."""
    body = {"platform": "instagram", "reason": "other", "profile": {"account_id": "9090909"}}
    answers = {client.post("/v1/reports", json=body).get_json()["id"] for _ in range(5)}
    assert len(answers) == 5


def test_the_pending_queue_is_capped(make_app: Any, redis_client: redis.Redis) -> None:
    client = make_app(HARIS_REPORT_LIMIT="1000/minute", HARIS_MAX_PENDING_REPORTS=3).test_client()
    statuses = [
        client.post(
            "/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": f"h{n}"}}
        ).status_code
        for n in range(4)
    ]
    assert statuses == [202, 202, 202, 503]
    store = ReportStore(redis_client)
    full = client.post("/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": "late"}})
    assert full.status_code == 503 and full.get_json()["error"]["code"] == "report_queue_full"
    assert store.count_pending() == 3


def test_a_full_queue_refuses_a_report_of_a_pending_account_too(make_app: Any, redis_client: redis.Redis) -> None:
    """Once the queue was full, a report of an account already waiting was still merged (202)
    while any other got 503: whoever fills the queue (a botnet's reports) could then tell, account
    by account, which of their bait accounts someone had reported."""
    client = make_app(HARIS_REPORT_LIMIT="1000/minute", HARIS_MAX_PENDING_REPORTS=2).test_client()

    def report(handle: str) -> Any:
        return client.post("/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": handle}})

    assert [report(handle).status_code for handle in ("reported", "filler")] == [202, 202]
    pending, unknown = report("reported"), report("never-reported")
    assert (pending.status_code, pending.get_json()) == (unknown.status_code, unknown.get_json())
    assert pending.get_json()["error"]["code"] == "report_queue_full"
    store = ReportStore(redis_client)
    assert [r.get("reports") for r in store.pending() if r["profile"]["handle"] == "reported"] == [1]


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("note", {"note": "n" * 1001}),
        ("profile.profile_url", {"profile": {"profile_url": "https://x.com/" + "u" * 600}}),
    ],
)
def test_report_fields_are_smaller_than_a_checks(client: FlaskClient, field: str, body: dict[str, Any]) -> None:
    response = client.post("/v1/reports", json={"platform": "x", "reason": "other", **body})
    assert response.status_code == 422 and response.get_json()["error"]["field"] == field


def test_a_long_reported_bio_is_cut_not_refused(client: FlaskClient, redis_client: redis.Redis) -> None:
    body = {"platform": "x", "reason": "other", "profile": {"handle": "h", "bio": "b" * 2000}}
    response = client.post("/v1/reports", json=body)
    assert response.status_code == 202
    stored = ReportStore(redis_client).get(response.get_json()["id"])
    assert stored is not None and stored["profile"]["bio"] == "b" * 500


def test_reports_of_one_account_arriving_together_are_all_counted(redis_client: redis.Redis, redis_url: str) -> None:
    """A merge read the pending record and wrote it back: reports of one account that arrived
    together — a campaign's, or those of a group who all met the same bait — overwrote each
    other, and most of their counts, reasons and notes were lost (82 of 201 kept)."""
    report_id = ReportStore(redis_client).add({"platform": "x", "reason": "other", "profile": {"handle": "bait"}})

    def report_many(worker: int) -> None:
        store = ReportStore(open_client(redis_url))
        for n in range(25):
            note = f"worker {worker} report {n}"
            store.add({"platform": "x", "reason": "entrapment", "note": note, "profile": {"handle": "bait"}})

    workers = [threading.Thread(target=report_many, args=(worker,)) for worker in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    record = ReportStore(redis_client).get(report_id)
    assert record is not None and record["reports"] == 201
    assert record["reasons"] == {"other": 1, "entrapment": 200} and len(record["notes"]) == MAX_MERGED_NOTES


def test_two_first_reports_of_an_account_at_once_make_one_pending_report(
    redis_client: redis.Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both found no pending report of the account and each wrote its own: two pending reports of
    one account, its key naming the last, the count split. Here the other filing lands exactly
    between this one's look for a pending report and its write (another connection)."""
    store = ReportStore(redis_client)
    other = ReportStore(open_client(redis_url))
    body = {"platform": "x", "reason": "other", "profile": {"handle": "bait"}}
    merge = ReportStore._merge
    cut_in: list[str] = []

    def then_another_files(self: ReportStore, account_key: str, report: dict[str, Any]) -> str | None:
        found = merge(self, account_key, report)
        if self is store and found is None and not cut_in:
            cut_in.append(other.add(dict(body, reason="entrapment")))
        return found

    monkeypatch.setattr(ReportStore, "_merge", then_another_files)
    store.add(body)
    assert [(r["id"], r["reports"], r["reasons"]) for r in store.pending()] == [
        (cut_in[0], 2, {"entrapment": 1, "other": 1})
    ]


def test_a_report_filed_as_another_is_decided_is_not_cut_off_from_its_account(
    redis_client: redis.Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filing that read the account's key before a decision and the decided record after it
    deleted the key, which by then named the account's next pending report (filed in between):
    that report lost its key, and this filing made a second pending report of the account."""
    store = ReportStore(redis_client)
    other = ReportStore(open_client(redis_url))
    body = {"platform": "x", "reason": "other", "profile": {"handle": "bait"}}
    decided = store.add(body)
    real_watched = reports_storage.watched
    cut_in: list[str] = []

    def decided_and_filed_meanwhile(client: redis.Redis, key: str, *args: Any) -> Any:
        if client is redis_client and key.endswith(decided) and not cut_in:
            other.resolve(decided, "rejected")
            cut_in.append(other.add(dict(body, reason="entrapment")))
        return real_watched(client, key, *args)

    monkeypatch.setattr(reports_storage, "watched", decided_and_filed_meanwhile)
    store.add(dict(body, reason="impersonation"))
    assert [(r["id"], r["reports"]) for r in store.pending()] == [(cut_in[0], 2)]


def test_an_unread_report_does_not_keep_its_arrival_time_as_idle_time(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """Redis keeps when each key was last used (OBJECT IDLETIME): a report no trainer had opened
    gave whoever took over the running server its arrival time, whatever created_at says. Each
    arrival now touches every pending report and account key, so they all read as the newest."""
    first = client.post("/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": "a1"}})
    first_id = first.get_json()["id"]
    [first_account] = redis_client.keys("haris:{reports}:account:*")
    first_keys = (f"haris:{{reports}}:report:{first_id}", first_account.decode())
    # The first report left unread for an hour, without waiting one: RESTORE's IDLETIME sets the
    # idle time Redis keeps (no clock in the test), its value and expiry as they were.
    for key in first_keys:
        dumped, ttl = redis_client.dump(key), redis_client.pttl(key)
        redis_client.restore(key, ttl, dumped, replace=True, idletime=3600)
        assert redis_client.object("idletime", key) >= 3600, key
    client.post("/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": "b2"}})
    for key in first_keys:
        assert redis_client.object("idletime", key) < 60, key  # touched by the second arrival


def test_a_decision_frees_no_place_in_a_full_queue(
    make_app: Any, redis_client: redis.Redis, limiter_client: redis.Redis, report_clock: ReportClock
) -> None:
    """A decided report freed at once as many places as the reports merged into it: whoever had
    filled the queue and reported its own bait account twice saw two fresh reports pass when a
    trainer decided the bait, and so learnt that the organisation had looked at it. Places now
    free on the hour fixed at filing, decided or not."""
    client = make_app(HARIS_MAX_PENDING_REPORTS=4).test_client()
    start = report_clock.now

    def report(handle: str) -> int:
        return client.post(
            "/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": handle}}
        ).status_code

    def answers(decided: bool) -> list[int]:
        redis_client.flushdb()
        report_clock.now = start
        assert [report(handle) for handle in ("bait", "bait", "filler-1", "filler-2")] == [202] * 4
        if decided:
            [bait] = [r for r in ReportStore(redis_client).pending() if r["profile"]["handle"] == "bait"]
            decision = client.post(f"/v1/reports/{bait['id']}/reject", json={}, headers=MAINTAINER)
            assert decision.status_code == 200
        seen = [report("fresh-1"), report("fresh-2")]
        report_clock.advance(hours=5)  # still inside the sixth hour after the filings' hour
        seen += [report("fresh-3")]
        report_clock.advance(hours=1)  # the start of that hour: every place frees
        return seen + [report(f"later-{n}") for n in range(5)]

    assert answers(decided=True) == answers(decided=False) == [503, 503, 503, 202, 202, 202, 202, 503]


def test_places_are_held_for_the_configured_hours(make_app: Any, report_clock: ReportClock) -> None:
    """HARIS_REPORT_HOLD_HOURS: a filing holds its place until the start of the hour that many
    hours after its own, whatever minute it arrived; a hold outside 1 to 720 hours is refused."""
    client = make_app(HARIS_MAX_PENDING_REPORTS=1, HARIS_REPORT_HOLD_HOURS=2).test_client()
    body = {"platform": "x", "reason": "other"}
    report_clock.advance(hours=0.8)  # 58 minutes into the hour
    assert [client.post("/v1/reports", json=body).status_code for _ in range(2)] == [202, 503]
    report_clock.advance(hours=0.1)  # the next hour, 4 minutes in
    assert client.post("/v1/reports", json=body).status_code == 503
    report_clock.advance(hours=1)  # the second hour after the filing's, 4 minutes in
    assert client.post("/v1/reports", json=body).status_code == 202
    for hours in (0, 721):
        with pytest.raises(ConfigError, match="HARIS_REPORT_HOLD_HOURS"):
            make_app(HARIS_REPORT_HOLD_HOURS=hours)


def test_past_the_stored_cap_every_filing_is_refused_until_reports_are_decided_or_expire(
    make_app: Any, redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    """Places on a clock bound filings per hold, not the reports left waiting: unread, a flood within
    the places kept 1,000 more every 6 hours (120,000 in 30 days, several kB each: a small server's
    memory). Past HARIS_MAX_STORED_REPORTS pending reports every filing is refused as a full queue
    is, one of an account already waiting too; a decision or an expired report makes room."""
    client = make_app(
        HARIS_REPORT_LIMIT="1000/minute", HARIS_MAX_PENDING_REPORTS=2, HARIS_MAX_STORED_REPORTS=3
    ).test_client()

    def report(handle: str) -> Any:
        return client.post("/v1/reports", json={"platform": "x", "reason": "other", "profile": {"handle": handle}})

    assert [report(handle).status_code for handle in ("first", "second", "third")] == [202, 202, 503]
    report_clock.advance(hours=6)  # the places free; both reports still wait
    assert report("third").status_code == 202
    waiting, fresh = report("first"), report("fourth")
    assert (waiting.status_code, waiting.get_json()) == (fresh.status_code, fresh.get_json())
    assert fresh.get_json()["error"]["code"] == "report_queue_full"
    store = client.application.extensions["haris"].stores.reports
    assert store.count_pending() == 3 and store.full(store.places(report_clock.now))
    oldest = store.pending(oldest_first=True)
    store.resolve(oldest[0]["id"], "rejected")  # a decision makes room
    assert report("fourth").status_code == 202
    report_clock.advance(hours=6)  # the places free again
    assert report("fifth").status_code == 503  # three reports wait
    redis_client.delete("haris:{reports}:report:" + oldest[1]["id"])  # as if it had expired
    assert report("fifth").status_code == 202
    assert [r["profile"]["handle"] for r in store.pending()] == ["fifth", "fourth", "third"]
    with pytest.raises(ConfigError, match="HARIS_MAX_STORED_REPORTS"):
        make_app(HARIS_MAX_PENDING_REPORTS=10, HARIS_MAX_STORED_REPORTS=9)


def test_a_worker_an_hour_behind_does_not_expire_a_later_hours_places(
    redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    """Two workers' clocks either side of an hour's turn: the one still in the earlier hour set the
    places' expiry to its own hour's end, and with the hash went the later hour's places, an hour
    before they free (a full queue reopened early). The expiry is the newest hour's."""
    store = ReportStore(redis_client, max_pending=10, hold_hours=2)
    start = report_clock.now
    report_clock.advance(hours=1)  # this worker is in the next hour
    store.add({"platform": "x", "reason": "other", "profile": {"handle": "ahead"}})
    report_clock.now = start  # the other is a few seconds behind, still in the hour before
    store.add({"platform": "x", "reason": "other", "profile": {"handle": "behind"}})
    seconds, micros = redis_client.time()
    expires_at = seconds + micros / 1e6 + redis_client.pttl("haris:{reports}:places") / 1000
    assert abs(expires_at - (coarse_time(start) + 3 * 3600)) < 5  # the later hour's + the hold
    assert store.places(start).held == 2


def test_two_filings_at_once_cannot_both_take_the_last_place(
    redis_client: redis.Redis, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count of waiting reports was read apart from the write: a filing arriving between
    another's count and its write passed the cap too. Here the second filing runs exactly there
    (when the first works out its account's key), from another connection."""
    store = ReportStore(redis_client, max_pending=1)
    other = ReportStore(open_client(redis_url), max_pending=1)
    account_key = ReportStore._account_key
    cut_in: list[str] = []

    def with_a_filing_between(self: ReportStore, report: dict[str, Any]) -> str | None:
        if self is store and not cut_in:
            cut_in.append(other.add({"platform": "x", "reason": "other", "profile": {"handle": "second"}}))
        return account_key(self, report)

    monkeypatch.setattr(ReportStore, "_account_key", with_a_filing_between)
    with pytest.raises(QueueFull):
        store.add({"platform": "x", "reason": "other", "profile": {"handle": "first"}})
    assert [r["id"] for r in store.pending()] == cut_in
    assert store.places().held == 1


def test_a_merge_that_keeps_losing_is_answered_as_a_fresh_report(
    client: FlaskClient, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge kept losing to more than a hundred reports of the same account at once was
    answered 503 report_busy, which a fresh report never is: whoever floods an account's reports
    learnt that the account was already waiting. It is now kept as a report of its own, answered
    202 with a fresh id as any report is, and counted (a trainer sees both)."""
    body = {"platform": "x", "reason": "other", "profile": {"handle": "bait"}}
    first = client.post("/v1/reports", json=body).get_json()["id"]
    count_in = ReportStore._count_in

    def and_another_write(record: dict[str, Any], report: dict[str, Any]) -> None:
        # Another filing's write to the record between this one's read and its write: every try loses.
        count_in(record, report)
        redis_client.set(
            f"haris:{{reports}}:report:{first}",
            redis_client.get(f"haris:{{reports}}:report:{first}") or b"",
            keepttl=True,
        )

    monkeypatch.setattr(ReportStore, "_count_in", staticmethod(and_another_write))
    merged = client.post("/v1/reports", json=body)
    fresh = client.post("/v1/reports", json={**body, "profile": {"handle": "never-reported"}})
    assert (
        (merged.status_code, sorted(merged.get_json()))
        == (fresh.status_code, sorted(fresh.get_json()))
        == (202, ["id"])
    )
    kept = [r for r in ReportStore(redis_client).pending() if r["profile"]["handle"] == "bait"]
    assert sorted(r["reports"] for r in kept) == [1, 1] and first in {r["id"] for r in kept}
    assert ReportStore(redis_client).places().held == 3


@pytest.mark.parametrize("action", ["confirm", "reject"])
def test_a_decision_sent_chunked_is_read(client: FlaskClient, action: str) -> None:
    """A body without Content-Length (chunked) was taken for no body: the decision was made
    without its ``seen_reports`` guard (or its note, or its bank), over reports merged meanwhile."""
    report = {"platform": "instagram", "reason": "entrapment", "profile": {"account_id": "7771234"}}
    for _ in range(2):
        assert client.post("/v1/reports", json=report).status_code == 202
    report_id = client.get("/v1/reports", headers=MAINTAINER).get_json()["reports"][0]["id"]

    def decide(body: bytes, content_type: str = "application/json") -> Any:
        headers = {**MAINTAINER, "Transfer-Encoding": "chunked"}
        path = f"/v1/reports/{report_id}/{action}"
        # As gunicorn and werkzeug's server pass a chunked body: no CONTENT_LENGTH, input terminated.
        environ = {"wsgi.input_terminated": True}
        return client.post(
            path, input_stream=io.BytesIO(body), content_type=content_type, headers=headers, environ_base=environ
        )

    stale = decide(json.dumps({"seen_reports": 1, "note": "seen once"}).encode())
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "report_changed"
    assert decide(b"note=x", "application/x-www-form-urlencoded").status_code == 415
    assert decide(b"[]").status_code == 400
    decided = decide(json.dumps({"seen_reports": 2, "note": "seen twice"}).encode())
    assert decided.status_code == 200 and decided.get_json()["decision_note"] == "seen twice"


def test_a_merge_keeps_every_expiry_and_the_accounts_set_expires_on_the_hour(
    client: FlaskClient, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first report and a merge write with the same script (docs/privacy.md, "Reports": the
    filing's time). A merge changes no expiry: the record's, its account key's and the set of
    account keys' stay as the first report set them. The set expires an hour after the newest
    record, on an hour boundary (it expired ``ttl`` + an hour after the write: to the second, the
    arrival time of the newest first report)."""
    seconds, _ = redis_client.time()
    arrived = coarse_time(seconds) + 1234.5
    monkeypatch.setattr(reports_storage, "time", SimpleNamespace(time=lambda: arrived))
    body = {"platform": "instagram", "reason": "entrapment", "profile": {"account_id": "8675309"}}
    report_id = client.post("/v1/reports", json=body).get_json()["id"]
    [account_key] = redis_client.keys("haris:{reports}:account:*")
    keys = (f"haris:{{reports}}:report:{report_id}", account_key, "haris:{reports}:accounts")

    def expiries() -> list[float]:
        found = []
        for key in keys:
            remaining_ms = redis_client.pttl(key)
            now_seconds, now_micro = redis_client.time()
            found.append(now_seconds + now_micro / 1e6 + remaining_ms / 1000)
        return found

    before = expiries()
    expected = coarse_time(arrived) + 30 * 24 * 3600
    assert [round(at - expected) for at in before] == [0, 0, 3600]
    monkeypatch.setattr(reports_storage, "time", SimpleNamespace(time=lambda: arrived + 1800))
    assert client.post("/v1/reports", json=dict(body, reason="other")).status_code == 202
    record = ReportStore(redis_client).get(report_id)
    assert record is not None and record["reports"] == 2
    assert [round(at - expected) for at in expiries()] == [0, 0, 3600]

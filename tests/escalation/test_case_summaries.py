"""The case list and the outcome figures read each case's summary, never its record: a trainer key
that fills cases with long notes cannot make one list request read hundreds of megabytes
(docs/escalation.md, "Red team: cases"). Counted on a real Redis, by the bytes it sends back.

The answers are those the whole records gave, and a case stored before summaries existed is still
listed (its summary is built once, from its record, with the record's TTL).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import redis
from flask import Flask

from heuristics.profile import Platform
from server.escalation.model import (
    MAX_NOTE_LENGTH,
    MAX_NOTES,
    Case,
    CaseNote,
    Outcome,
    PlatformStatus,
)
from server.escalation.outcomes import WINDOWS, removal_rates
from server.roles import Role
from server.services import CLI_ACTOR
from server.services.cases import outcomes, set_state
from server.state import app_state
from server.storage.cases import CaseStore
from server.storage.users import UserStore
from tests.conftest import PASSWORD
from tests.console.conftest import HttpsClient, sign_in
from tests.escalation.samples import OPENED_AT, sample_case

KEY = {"Authorization": "Bearer test-bootstrap-key"}
# 4-byte characters: the largest notes a case can keep (MAX_NOTES of MAX_NOTE_LENGTH).
HUGE_NOTE = "𝟐" * MAX_NOTE_LENGTH
NOW = OPENED_AT + 3 * 86400  # 2026-05-31: the sample statuses' reports fall in both windows


def _case(number: int, platform: Platform = Platform.X, **changes: Any) -> Case:
    case, _ = sample_case(platform)
    return case.model_copy(update={"id": f"{number:016x}", "updated_at": OPENED_AT + number, **changes})


def _sent_bytes(client: redis.Redis) -> int:
    """What the Redis server has sent its clients so far (INFO stats)."""
    return int(client.info("stats")["total_net_output_bytes"])


def _legacy(redis_client: redis.Redis, case: Case, ttl: int) -> None:
    """A case as a server before summaries stored it: its record and its place in the index."""
    redis_client.set(f"haris:{{cases}}:case:{case.id}", case.model_dump_json(exclude_none=True), ex=ttl)
    redis_client.zadd("haris:{cases}:index", {case.id: case.updated_at})


def _as_listed_from_record(case: dict[str, Any]) -> dict[str, Any]:
    """What the list said of a case when it read the whole record (the old ``summary``)."""
    return {
        "id": case["id"],
        "state": case["state"],
        "kind": case["kind"],
        "platform": case["platform"],
        "suspect_url": case["suspect"]["profile_url"],
        "impersonated": case["impersonated"]["display_name"],
        "created_at": case["created_at"],
        "updated_at": case["updated_at"],
        "evidence": len(case["evidence"]),
        "reported_on": sorted(case["statuses"]),
    }


def _console(app: Flask, redis_client: redis.Redis) -> Any:
    app.test_client_class = HttpsClient
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    browser = app.test_client()
    browser.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(browser, "amal").status_code == 303
    return browser


def test_a_case_with_huge_notes_does_not_make_the_list_or_outcomes_read_its_record(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    store = CaseStore(redis_client)
    notes = [CaseNote(at=OPENED_AT, by="key:filler", by_role="trainer", text=HUGE_NOTE)] * MAX_NOTES
    for number in range(1, 4):
        store.create(_case(number, notes=notes))
    record = redis_client.strlen(f"haris:{{cases}}:case:{1:016x}")
    assert record > 1_500_000  # each record is as large as a case may grow
    client = app.test_client()
    browser = _console(app, redis_client)

    before = _sent_bytes(redis_client)
    listed = client.get("/v1/cases?limit=200", headers=KEY)
    api_list = _sent_bytes(redis_client) - before
    assert listed.status_code == 200 and len(listed.get_json()["cases"]) == 3
    before = _sent_bytes(redis_client)
    assert browser.get("/console/cases").status_code == 200
    console_list = _sent_bytes(redis_client) - before
    before = _sent_bytes(redis_client)
    page = browser.get("/console/outcomes")
    outcome_page = _sent_bytes(redis_client) - before
    assert page.status_code == 200

    # Three records are 4.5 MB; their summaries (and the key, session and audit reads) a few KB.
    assert api_list < 32_000, api_list
    assert console_list < 32_000, console_list
    assert outcome_page < 32_000, outcome_page
    redis_client.config_resetstat()
    client.get("/v1/cases?limit=200", headers=KEY)
    with app.app_context():
        outcomes(CaseStore(redis_client), now=NOW)
    commands = {name.removeprefix("cmdstat_") for name in redis_client.info("commandstats")}
    assert not commands & {"get", "mget"}, commands  # no record (a string) read at all


def test_the_list_and_the_outcomes_answer_as_the_whole_records_did(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    store = CaseStore(redis_client)
    removed = PlatformStatus(reported_on="2026-05-29", outcome=Outcome.REMOVED, rechecked_on="2026-05-31")
    still_up = PlatformStatus(reported_on="2026-05-10", outcome=Outcome.STILL_UP, rechecked_on="2026-05-20")
    pending = PlatformStatus(reported_on="2026-05-30", reference="T-9")
    cases = [
        _case(1),
        _case(2, Platform.INSTAGRAM, statuses={"instagram": removed, "x": still_up}),
        _case(3, Platform.TELEGRAM, state="closed", closed_at=OPENED_AT + 3, kind="entrapment", evidence=[]),
        _case(4, Platform.FACEBOOK, statuses={"facebook": pending, "other": removed, "telegram": removed}),
    ]
    for case in cases:
        store.create(case)
    # And one stored before summaries existed.
    _legacy(redis_client, _case(5, statuses={"x": removed}), ttl=3600)

    client = app.test_client()
    listed = client.get("/v1/cases?limit=200", headers=KEY).get_json()
    records = [client.get(f"/v1/cases/{row['id']}", headers=KEY).get_json() for row in listed["cases"]]
    assert listed["total"] == 5
    assert listed["cases"] == [_as_listed_from_record(record) for record in records]
    assert [row["id"] for row in listed["cases"]] == [f"{n:016x}" for n in (5, 4, 3, 2, 1)]
    assert client.get("/v1/cases?limit=2&offset=3", headers=KEY).get_json()["cases"] == listed["cases"][3:]

    today = datetime.fromtimestamp(NOW, UTC).date()
    whole = [store.get(row["id"]) for row in listed["cases"]]
    with app.app_context():
        figures = outcomes(store, now=NOW)
    assert figures == {days: removal_rates(whole, today, days) for days in WINDOWS}  # type: ignore[arg-type]
    by_platform = {row.platform: row for row in figures[30]}
    assert (by_platform["x"].reported, by_platform["x"].removed, by_platform["x"].still_up) == (3, 1, 1)
    assert by_platform["telegram"].removed == 1 and by_platform["facebook"].pending == 1

    # The console's list shows each case's statuses as before.
    page = _console(app, redis_client).get("/console/cases").get_data(as_text=True)
    row = page[page.index(f'data-case="{4:016x}"') :].split("</tr>", 1)[0]
    assert "Facebook (reported, no answer), Other (removed), Telegram (removed)" in row


def test_a_case_stored_before_summaries_is_listed_and_summarised_once(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    notes = [CaseNote(at=OPENED_AT, by="key:filler", by_role="trainer", text=HUGE_NOTE)] * MAX_NOTES
    old = _case(7, notes=notes, statuses={"x": PlatformStatus(reported_on="2026-05-29", outcome=Outcome.REMOVED)})
    _legacy(redis_client, old, ttl=5000)
    client = app.test_client()
    (listed,) = client.get("/v1/cases", headers=KEY).get_json()["cases"]
    assert listed["id"] == old.id and listed["reported_on"] == ["x"] and listed["evidence"] == 3
    summary = f"haris:{{cases}}:case:{old.id}:summary"
    left = redis_client.pttl(summary)
    assert 0 < left <= 5_000_000  # the record's remaining TTL, not a new case's
    assert abs(left - redis_client.pttl(f"haris:{{cases}}:case:{old.id}")) < 1000
    # Built once: the next list reads the summary alone.
    before = _sent_bytes(redis_client)
    assert client.get("/v1/cases", headers=KEY).get_json()["cases"] == [listed]
    assert _sent_bytes(redis_client) - before < 32_000
    # The outcome figures meet an old case the same way: its statuses, from the record.
    redis_client.delete(summary)
    (statuses,) = CaseStore(redis_client).statuses()
    assert statuses.statuses["x"].outcome == Outcome.REMOVED
    # An unreadable summary is built again from the record, never a lost case.
    redis_client.hset(summary, "row", b"{not json")
    assert client.get("/v1/cases", headers=KEY).get_json()["cases"] == [listed]
    # A record gone (expired) with its summary: dropped from the index, as before.
    redis_client.delete(f"haris:{{cases}}:case:{old.id}", summary)
    assert client.get("/v1/cases", headers=KEY).get_json()["cases"] == []
    assert redis_client.zcard("haris:{cases}:index") == 0


def test_every_change_writes_the_summary_with_the_record(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """A status, a note, a close: the list shows what the record now says, and the summary
    expires with it (a closed case's TTL)."""
    app = make_app()
    client = app.test_client()
    body = {
        "platform": "x",
        "suspect": {"profile_url": "https://x.com/ha1a_ahed", "display_name": "Hala Ahed", "handle": "ha1a_ahed"},
        "impersonated": {"display_name": "Hala Ahed", "profile_url": "https://x.com/hala_ahed", "platform": "x"},
    }
    case_id = client.post("/v1/cases", json=body, headers=KEY).get_json()["id"]
    status = {"platform": "instagram", "reported_on": "2026-01-02", "outcome": "removed"}
    assert client.post(f"/v1/cases/{case_id}/status", json=status, headers=KEY).status_code == 200
    with app.app_context():
        stores = app_state().stores
        set_state(stores.cases, stores.audit, case_id, "closed", CLI_ACTOR)
    (listed,) = client.get("/v1/cases", headers=KEY).get_json()["cases"]
    assert listed == _as_listed_from_record(client.get(f"/v1/cases/{case_id}", headers=KEY).get_json())
    assert listed["state"] == "closed" and listed["reported_on"] == ["instagram"]
    record_ttl = redis_client.ttl(f"haris:{{cases}}:case:{case_id}")
    assert abs(redis_client.ttl(f"haris:{{cases}}:case:{case_id}:summary") - record_ttl) <= 1

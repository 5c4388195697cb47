"""Red team: a bait account's operator reports it first, so that the genuine reports of it that
follow are merged into a record it filled.

Reports of one account merge into its pending report, which keeps at most ``MAX_MERGED_NOTES``
different notes of later reports and ``MAX_VARIANTS`` other versions of the profile. Kept first
come, first kept, those bounds were the operator's: eleven reports of its own account ("sorry,
wrong account", "I know her, it's fine", …) and three harmless versions of its profile, filed
before anyone else's, and every victim's note ("he asked me to meet him alone") and every
victim's version of the profile (the name it impersonates, its photo) was dropped unseen. The
trainer read only the operator's words. Within the rate limit (``HARIS_REPORT_LIMIT``, 5 an hour
per address) that is a few addresses, once.

Now each later note (and each other version) has the same chance to be kept whenever it arrived
(a reservoir sample): the operator's share of what the trainer reads is its share of what was
filed, and the page says how many were left out. The draw is seeded here (``_slot``) so that
every run is the same.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
import redis

from server.storage import reports
from server.storage.reports import MAX_MERGED_NOTES, MAX_VARIANTS, ReportStore

BAIT = {"account_id": "7070707070", "handle": "nour_helper", "display_name": "Nour"}
HARMLESS = [f"sorry, wrong account ({n})" for n in range(MAX_MERGED_NOTES + 1)]
VICTIMS = [f"he asked me to meet him alone, near the station ({n})" for n in range(30)]


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reports, "_slot", random.Random(20261201).randrange, raising=False)


def _file(store: ReportStore, note: str | None = None, **profile: Any) -> str:
    body: dict[str, Any] = {"platform": "x", "reason": "entrapment", "profile": {**BAIT, **profile}}
    if note:
        body["note"] = note
    return store.add(body)


def test_the_first_filer_cannot_fill_the_notes_a_trainer_reads(redis_client: redis.Redis, seeded: None) -> None:
    store = ReportStore(redis_client)
    report_id = store.add({"platform": "x", "reason": "other", "profile": BAIT, "note": HARMLESS[0]})
    for note in HARMLESS[1:]:
        _file(store, note)
    for note in VICTIMS:
        _file(store, note)
    record = store.get(report_id)
    assert record is not None and record["reports"] == 1 + len(HARMLESS) - 1 + len(VICTIMS)
    kept = record["notes"]
    assert len(kept) == MAX_MERGED_NOTES
    # Before: the operator's ten notes, not one victim's.
    assert any(note in VICTIMS for note in kept), kept
    assert record["notes_seen"] == len(HARMLESS) - 1 + len(VICTIMS)


def test_the_first_filer_cannot_fill_the_versions_a_trainer_reads(redis_client: redis.Redis, seeded: None) -> None:
    store = ReportStore(redis_client)
    report_id = store.add({"platform": "x", "reason": "other", "profile": BAIT})
    for n in range(MAX_VARIANTS):
        _file(store, display_name=f"Nour {n}")
    for n in range(12):  # the victims saw the name it impersonates, each a little differently
        _file(store, display_name="Hala Ahed", bio=f"lawyer {n}")
    record = store.get(report_id)
    assert record is not None
    assert len(record["variants"]) == MAX_VARIANTS
    assert any(v["profile"]["display_name"] == "Hala Ahed" for v in record["variants"]), record["variants"]
    assert record["variants_seen"] == MAX_VARIANTS + 12


def test_each_note_has_the_same_chance_whenever_it_arrived(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over many seeded runs, the ten notes filed first are kept about as often as any ten others
    (10 of 40 notes: a quarter of the kept ones), never all of the time. The store's own count of
    a merge (``_count_in``), without Redis: only the sampling is asked."""
    first_kept = 0
    runs = 40
    for run in range(runs):
        monkeypatch.setattr(reports, "_slot", random.Random(run).randrange, raising=False)
        record: dict[str, Any] = {"platform": "x", "reason": "other", "profile": BAIT, "reports": 1}
        for n in range(40):
            ReportStore._count_in(record, {"platform": "x", "reason": "other", "profile": BAIT, "note": f"n{n}"})
        first_kept += sum(1 for note in record["notes"] if int(note[1:]) < 10)
    share = first_kept / (runs * MAX_MERGED_NOTES)
    assert 0.15 < share < 0.35, share


def test_the_page_says_how_many_notes_were_left_out(make_app: Any, redis_client: redis.Redis, seeded: None) -> None:
    from server.roles import Role
    from server.storage.users import UserStore
    from tests.console.conftest import PASSWORD, HttpsClient, sign_in

    app = make_app(HARIS_REPORT_LIMIT="1000/minute")
    app.test_client_class = HttpsClient
    anonymous = app.test_client()
    for note in HARMLESS + VICTIMS[:4]:
        body = {"platform": "x", "reason": "entrapment", "profile": BAIT, "note": note}
        assert anonymous.post("/v1/reports", json=body).status_code == 202
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    trainer = app.test_client()
    trainer.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(trainer, "amal").status_code == 303
    page = trainer.get("/console/reports").get_data(as_text=True)
    left_out = len(HARMLESS) - 1 + 4 - MAX_MERGED_NOTES
    assert f"{left_out} more notes of later reports were left out" in page


def test_a_case_takes_the_kind_most_reports_gave_not_the_first_filers(make_app: Any) -> None:
    """A case opened from a report takes its kind from the report's reason when none is given
    (the console's form is prefilled with it): the first filer's reason, which the bait's
    operator chose ("other": an impersonation case, without the entrapment technique in its MISP
    and STIX exports), whatever the victims who followed said."""
    from tests.api.test_cases import KEY, case_body

    client = make_app(HARIS_REPORT_LIMIT="1000/minute").test_client()
    first = {"platform": "x", "reason": "other", "profile": {"handle": "ha1a_ahed"}}
    report_id = client.post("/v1/reports", json=first).get_json()["id"]
    for _ in range(3):
        later = {"platform": "x", "reason": "entrapment", "profile": {"handle": "ha1a_ahed"}}
        assert client.post("/v1/reports", json=later).status_code == 202
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=KEY).status_code == 200
    opened = client.post("/v1/cases", json=case_body(report_id=report_id), headers=KEY)
    assert opened.status_code == 201, opened.get_json()
    case = client.get(f"/v1/cases/{opened.get_json()['id']}", headers=KEY).get_json()
    assert case["kind"] == "entrapment"

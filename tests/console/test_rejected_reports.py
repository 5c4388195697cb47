"""The console after a rejection: what a rejected report keeps (its decision) still shows, in
every language, on the "recently decided" list, the report's own page and a colleague's 409;
the bulk rejection trims as a single one does."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.console.i18n import strings
from server.roles import Role
from server.storage.reports import REJECTED_FIELDS, coarse_time
from server.storage.users import UserStore
from tests.conftest import ReportClock
from tests.console.conftest import PASSWORD, page_token, signed_in_as

REPORT_KEY = "haris:{reports}:report:"
HANDLE = "salma_marker_handle"
NAME = "Salma Marker-Defender"
FILER_NOTE = "filer-note-marker she is a clone"
DECISION_NOTE = "forged: Salma is the real one «مزوّر»"


def _file(anonymous: FlaskClient, account_id: str, note: str = FILER_NOTE) -> str:
    body = {
        "platform": "x",
        "reason": "impersonation",
        "profile": {"handle": HANDLE, "display_name": NAME, "account_id": account_id, "bio": "bio-marker"},
        "note": note,
    }
    response = anonymous.post("/v1/reports", json=body)
    assert response.status_code == 202
    return str(response.get_json()["id"])


def _assert_trimmed(redis_client: redis.Redis, report_id: str, now: float) -> None:
    """The raw record holds the decision only, and expires at the start of the hour 48 hours after
    the decision's (read against the Redis server's clock)."""
    raw = redis_client.get(REPORT_KEY + report_id) or b""
    assert set(json.loads(raw)) <= set(REJECTED_FIELDS)
    for marker in (HANDLE, NAME, FILER_NOTE, "bio-marker"):
        assert marker.encode() not in raw
    seconds, micros = redis_client.time()
    expires_at = seconds + micros / 1e6 + redis_client.pttl(REPORT_KEY + report_id) / 1000
    assert abs(expires_at - (coarse_time(now) + 48 * 3600)) < 5


@pytest.fixture
def colleague(new_client: Any, accounts: UserStore) -> FlaskClient:
    accounts.create("layla", PASSWORD, Role.TRAINER)
    return signed_in_as(new_client, "layla")


def test_a_rejected_report_shows_its_decision_in_every_language(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    report_id = _file(anonymous, "31415926")
    page = trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert HANDLE in page and FILER_NOTE in page  # the search below can fail
    token = page_token(trainer, f"/console/reports/{report_id}")
    done = trainer.post(
        f"/console/reports/{report_id}/reject", data={"csrf_token": token, "note": DECISION_NOTE, "seen_reports": "1"}
    )
    assert done.status_code == 303
    _assert_trimmed(redis_client, report_id, report_clock.now)
    for language in ("ar", "en", "fr"):
        words = strings(language)
        trainer.get(f"/console/lang/{language}")
        queue = trainer.get("/console/reports").get_data(as_text=True)
        decided = queue.split(words["reports.decided"])[1]
        assert report_id in decided and words["status.rejected"] in decided and "amal" in decided
        response = trainer.get(f"/console/reports/{report_id}")
        detail = html.unescape(response.get_data(as_text=True))
        assert response.status_code == 200 and words["status.rejected"] in detail
        assert DECISION_NOTE in detail and words["reports.decision_note"] in detail
        assert words["reports.rejected_trimmed"].format(hours=48) in detail
        assert words["reason.impersonation"] in detail and words["platform.x"] in detail
        assert HANDLE not in detail and NAME not in detail and FILER_NOTE not in detail
        assert 'class="finding"' not in detail and words["reports.confirm"] + "</button>" not in detail


def test_a_colleague_who_decides_second_sees_the_decision_and_its_note(
    trainer: FlaskClient, colleague: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis,
    report_clock: ReportClock,
) -> None:  # fmt: skip
    report_id = _file(anonymous, "27182818")
    mine = page_token(trainer, f"/console/reports/{report_id}")
    theirs = page_token(colleague, f"/console/reports/{report_id}")
    trainer.post(f"/console/reports/{report_id}/reject", data={"csrf_token": mine, "note": DECISION_NOTE})
    late = colleague.post(
        f"/console/reports/{report_id}/reject", data={"csrf_token": theirs, "note": "my own note", "seen_reports": "1"}
    )
    page = html.unescape(late.get_data(as_text=True))
    assert late.status_code == 409 and "Someone already decided this report." in page
    assert DECISION_NOTE in page and "amal" in page  # hers: who decided, and why
    kept = re.search(r"<textarea readonly[^>]*>([^<]*)</textarea>", page)
    assert kept is not None and kept.group(1) == "my own note"  # and what the colleague typed
    assert HANDLE not in page and FILER_NOTE not in page
    _assert_trimmed(redis_client, report_id, report_clock.now)


def test_a_bulk_rejection_trims_every_report_it_rejects(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis, report_clock: ReportClock,
    console_app: Flask,
) -> None:  # fmt: skip
    flood = [_file(anonymous, f"5000{n}", note=f"{FILER_NOTE} {n}") for n in range(3)]
    confirmed = _file(anonymous, "6000")
    report_clock.advance(hours=2)
    token = page_token(trainer, "/console/reports")
    done = trainer.post("/console/reports/reject", data={"csrf_token": token, "ids": flood, "note": "flood"})
    assert done.status_code == 303
    for report_id in flood:
        _assert_trimmed(redis_client, report_id, report_clock.now)
    # A confirmed report is kept whole.
    store = console_app.extensions["haris"].stores.reports
    store.resolve(confirmed, "confirmed", decided_by="amal")
    assert HANDLE.encode() in (redis_client.get(REPORT_KEY + confirmed) or b"")
    queue = trainer.get("/console/reports").get_data(as_text=True)
    assert all(report_id in queue.split("Recently decided")[1] for report_id in [*flood, confirmed])

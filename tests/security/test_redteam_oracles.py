"""Red team: what an anonymous adversary (an entrapment operator, a harasser) can read from the
answers of the anonymous API — ``POST /v1/check``, ``POST /v1/reports`` — about the
protected-people registry, about who checked or reported an account, and about whether a trainer
looked at its reports.

Each test plays the adversary against a real app (real Redis, the Flask client) and compares what
two situations answer; a difference an answer shows is a leak. Documented residuals
(docs/privacy.md: the registry's structural answer within ``HARIS_REGISTRY_LIMIT``, the campaign
seen bit, given-name timing) are not re-tested here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.images import fingerprint_bytes
from server.roles import Role
from server.storage.users import UserStore
from tests.api.test_banks import photo_bytes
from tests.conftest import ReportClock
from tests.console.conftest import PASSWORD, HttpsClient, sign_in

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}
DEFAULT_RULES = Path(__file__).resolve().parents[2] / "heuristics" / "rules" / "default.toml"


def _rules_with_reuse() -> bytes:
    """The default rules with ``avatar.reused`` turned on (a rules file may still enable it)."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    on = text.replace('[signals."avatar.reused"]\nenabled = false', '[signals."avatar.reused"]\nenabled = true')
    assert on != text, "default.toml no longer has avatar.reused switched off where this test expects"
    return re.sub(r'^version = "[^"]+"', 'version = "2099.1.1"', on, count=1, flags=re.M).encode("utf-8")


@pytest.fixture
def reuse_app(make_app: Any, redis_client: redis.Redis) -> Flask:
    app: Flask = make_app()
    app.test_client_class = HttpsClient
    published = app.test_client().post(
        "/v1/admin/rules", data=_rules_with_reuse(), headers={**MAINTAINER, "Content-Type": "application/toml"}
    )
    assert published.status_code == 200, published.get_json()
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    return app


def _reused_count(client: FlaskClient, avatar_hash: str, account_id: str) -> int | None:
    """What the adversary reads: ``avatar.reused``'s count for its own probe account (new, so
    never exempt), or None while the signal is silent."""
    body = {
        "platform": "instagram",
        "profile": {"account_id": account_id, "joined_date": "2026-11-01"},
        "avatar_hash": avatar_hash,
    }
    found = client.post("/v1/check", json=body).get_json()["findings"]
    return next((f["evidence"]["count"] for f in found if f["code"] == "avatar.reused"), None)


def _poised(client: FlaskClient, avatar_hash: str) -> None:
    """Two probe accounts show the photo: one more account and the signal fires (min_accounts 3)."""
    assert _reused_count(client, avatar_hash, "probe-1") is None
    assert _reused_count(client, avatar_hash, "probe-2") is None


def test_opening_a_report_does_not_tell_its_reporter_through_the_reuse_count(reuse_app: Flask) -> None:
    """A trainer's console page of a report checks what the reporter sent. With ``avatar.reused``
    on, that check recorded the reported account id under the reporter's avatar fingerprint, both
    made up: the reporter, checking its photo again with its own probe account, saw the count go
    from 2 to 3 — (c) "a trainer opened my report" — and had put a made-up account into the counts
    (d) without anyone deciding anything."""
    adversary = reuse_app.test_client()
    photo = fingerprint_bytes(photo_bytes("rocket")).hex
    _poised(adversary, photo)
    report = {"platform": "instagram", "reason": "entrapment", "profile": {"account_id": "bait-77"}}
    filed = adversary.post("/v1/reports", json={**report, "avatar_hash": photo})
    assert filed.status_code == 202
    assert _reused_count(adversary, photo, "probe-1") is None  # nobody has looked yet

    trainer = reuse_app.test_client()
    trainer.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(trainer, "amal").status_code == 303
    [pending] = adversary.get("/v1/reports", headers=MAINTAINER).get_json()["reports"]
    page = trainer.get(f"/console/reports/{pending['id']}")
    assert page.status_code == 200

    assert _reused_count(adversary, photo, "probe-1") is None  # the same answer as before she looked


def test_opening_a_case_from_a_report_does_not_record_the_suspects_photo(reuse_app: Flask) -> None:
    """The same through a case: its snapshot of the suspect (what the report named) is counted,
    never recorded, so the reporter's probe cannot tell that a case was opened."""
    adversary = reuse_app.test_client()
    photo = fingerprint_bytes(photo_bytes("coffee")).hex
    _poised(adversary, photo)
    suspect = {"profile_url": "https://www.instagram.com/bait.77/", "handle": "bait.77", "account_id": "bait-77",
               "avatar_hash": photo}  # fmt: skip
    case = {
        "platform": "instagram",
        "suspect": suspect,
        "impersonated": {"display_name": "Hala", "profile_url": "https://instagram.com/hala/", "platform": "instagram"},
    }
    opened = adversary.post("/v1/cases", json=case, headers=MAINTAINER)
    assert opened.status_code == 201, opened.get_json()
    assert _reused_count(adversary, photo, "probe-1") is None


def test_a_full_queue_does_not_tell_which_accounts_are_reported_when_a_slot_opens(
    make_app: Any, redis_client: redis.Redis, report_clock: ReportClock
) -> None:
    """Whoever fills the report queue (``HARIS_MAX_PENDING_REPORTS``) is refused 503 for every
    report, one of an account already waiting too. But when a slot opens, the adversary reports
    the account it asks about, then a fresh one: a merged report took no room, so the fresh one
    got 202 only when the account was already waiting — (b) someone reported it, or (c) its own
    report of it is still undecided. A merged report now takes a place, as a new one does. (Slots
    open on the hour fixed when a report was filed: a decision frees none.)"""
    client = make_app(HARIS_REPORT_LIMIT="1000/minute", HARIS_MAX_PENDING_REPORTS=4).test_client()
    start = report_clock.now

    def report(handle: str) -> int:
        body = {"platform": "x", "reason": "entrapment", "profile": {"handle": handle}}
        return client.post("/v1/reports", json=body).status_code

    def answer(asked: str) -> tuple[int, int]:
        redis_client.flushdb()
        report_clock.now = start
        assert report("filler-0") == 202  # the adversary's first, an hour before the others
        report_clock.advance(hours=1)
        assert report("bait-reported") == 202  # someone met the bait and reported it; nobody the other
        assert [report(f"filler-{n}") for n in range(1, 4)] == [202, 202, 503]
        report_clock.advance(hours=5)  # the first filler's place frees, and only it
        return report(asked), report(f"fresh-{asked}")

    assert answer("bait-reported") == answer("bait-never-reported") == (202, 503)


def test_a_report_of_a_protected_persons_own_account_answers_as_any_other(make_app: Any) -> None:
    """(a) through reports: a report of her registered account (by id or by handle) is answered
    exactly as one of a stranger's — status, headers, body shape, a fresh id each time — so filing
    reports tells nothing about the registry (trainers see the warning on the report's page)."""
    client = make_app(HARIS_REPORT_LIMIT="1000/minute").test_client()
    accounts = [{"platform": "x", "account_id": "4242"}, {"platform": "instagram", "handle": "hala.ahed"}]
    person = {"display_names": ["Hala Ahed"], "accounts": accounts}
    assert client.post("/v1/protected", json=person, headers=MAINTAINER).status_code == 201

    def answer(platform: str, profile: dict[str, str]) -> tuple[int, list[tuple[str, str]], list[str], int]:
        response = client.post("/v1/reports", json={"platform": platform, "reason": "other", "profile": profile})
        assert response.status_code == 202, response.get_json()
        headers = sorted((k, v) for k, v in response.headers.items() if k not in ("X-Request-ID", "Content-Length"))
        body = response.get_json()
        return response.status_code, headers, sorted(body), len(body["id"])

    for _ in range(2):  # a first report and a second, merged one
        assert answer("x", {"account_id": "4242"}) == answer("x", {"account_id": "4343"})
        assert answer("instagram", {"handle": "hala.ahed"}) == answer("instagram", {"handle": "hala.ahmed"})

"""The report queue: trainer JSON endpoints and the console page, decisions and the audit trail."""

from __future__ import annotations

import html
import itertools
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.images import decode, fingerprint
from server.roles import Role
from server.storage import reports
from server.storage.apikeys import create_api_key
from server.storage.audit import AUDIT_KEY, AuditLog
from server.storage.reports import MAX_MERGED_NOTES, MAX_VARIANTS, coarse_time
from tests.api.test_banks import photo_bytes
from tests.api.test_campaigns import pinned, snowflake
from tests.api.test_openapi import response_schema, validator_for
from tests.conftest import ReportClock
from tests.console.conftest import HttpsClient, keep_from_before, page_token, sign_in

REPORT = {
    "platform": "instagram",
    "profile": {"handle": "hala.ahed.official", "display_name": "Hala Ahed", "followers": 12},
    "avatar_hash": fingerprint(decode(photo_bytes("rocket"))).hex,
    "reason": "impersonation",
    "note": "pretends to be our colleague",
}
_ACCOUNTS = itertools.count(1000)


def file_report(client: FlaskClient, **changes: Any) -> str:
    """A report of a new account each time (reports of one account are merged while pending)."""
    body = dict(REPORT, **changes)
    body["profile"] = {**body["profile"], "account_id": str(next(_ACCOUNTS))}
    response = client.post("/v1/reports", json=body)
    assert response.status_code == 202
    return response.get_json()["id"]


@pytest.fixture
def trainer_key(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo-amal")}


def test_reports_are_listed_newest_first_for_trainers_only(
    anonymous: FlaskClient, trainer_key: dict[str, str], redis_client: redis.Redis
) -> None:
    first = file_report(anonymous, reason="entrapment")
    redis_client.zincrby("haris:{reports}:pending", -10, first)  # make the first one clearly older
    second = file_report(anonymous)
    assert anonymous.get("/v1/reports").status_code == 401
    assert anonymous.get("/v1/reports", headers={"Authorization": "Bearer hk_nope"}).status_code == 401
    listed = anonymous.get("/v1/reports", headers=trainer_key)
    assert listed.status_code == 200
    body = listed.get_json()
    assert [r["id"] for r in body["reports"]] == [second, first]
    assert body["pending"] == 2
    assert body["reports"][0]["profile"]["handle"] == "hala.ahed.official"
    assert anonymous.get("/v1/reports?limit=1&offset=1", headers=trainer_key).get_json()["reports"][0]["id"] == first
    for bad in ("limit=0", "limit=abc", "offset=-1", f"limit={10**4}", f"offset={10**33}"):
        response = anonymous.get(f"/v1/reports?{bad}", headers=trainer_key)
        assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_value"


def test_confirm_and_reject_record_who_decided(
    anonymous: FlaskClient, trainer_key: dict[str, str], redis_client: redis.Redis
) -> None:
    confirmed, rejected = file_report(anonymous), file_report(anonymous)
    response = anonymous.post(
        f"/v1/reports/{confirmed}/confirm", json={"label": "stolen_photo", "note": "same photo"}, headers=trainer_key
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "confirmed" and body["decided_by"] == "key:ngo-amal" and body["label"] == "stolen_photo"
    assert anonymous.post(f"/v1/reports/{rejected}/reject", headers=trainer_key).get_json()["status"] == "rejected"
    assert anonymous.get("/v1/reports", headers=trainer_key).get_json()["reports"] == []

    again = anonymous.post(f"/v1/reports/{confirmed}/reject", headers=trainer_key)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_decided"
    missing = anonymous.post("/v1/reports/0123456789abcdef/confirm", headers=trainer_key)
    assert missing.status_code == 404

    entries = AuditLog(redis_client).recent()
    assert [(e["actor"], e["action"], e["target"]) for e in entries] == [
        ("key:ngo-amal", "report.rejected", rejected),
        ("key:ngo-amal", "report.confirmed", confirmed),
    ]
    assert entries[1]["detail"] == {"label": "stolen_photo"}
    # The audit trail names decisions, never the reported profile.
    raw = b" ".join(v for _, fields in redis_client.xrange(AUDIT_KEY) for v in fields.values())
    assert b"hala" not in raw.lower()


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "{", "content_type": "application/json"}, 400, "bad_json"),
        ({"json": {"label": "nonsense"}}, 422, "invalid_value"),
        ({"json": {"unexpected": 1}}, 400, "invalid_schema"),
        ({"json": ["label"]}, 400, "invalid_schema"),
        ({"data": "label=x", "content_type": "application/x-www-form-urlencoded"}, 415, "unsupported_media_type"),
        ({"json": {"note": "x" * 1001}}, 422, "invalid_value"),
    ],
)
def test_bad_decision_bodies_are_clear_4xx(
    anonymous: FlaskClient, trainer_key: dict[str, str], kwargs: dict[str, Any], status: int, code: str
) -> None:
    report_id = file_report(anonymous)
    response = anonymous.post(f"/v1/reports/{report_id}/confirm", headers=trainer_key, **kwargs)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert anonymous.get("/v1/reports", headers=trainer_key).get_json()["pending"] == 1


def test_the_openapi_document_describes_the_review_endpoints(
    anonymous: FlaskClient, trainer_key: dict[str, str]
) -> None:
    document = anonymous.get("/openapi.json").get_json()
    report_id = file_report(anonymous)
    listed = anonymous.get("/v1/reports", headers=trainer_key)
    validator_for(document, response_schema(document, "/v1/reports", "get", 200)).validate(listed.get_json())
    decided = anonymous.post(f"/v1/reports/{report_id}/confirm", json={"label": "other"}, headers=trainer_key)
    path = "/v1/reports/{report_id}/confirm"
    validator_for(document, response_schema(document, path, "post", 200)).validate(decided.get_json())
    conflict = anonymous.post(f"/v1/reports/{report_id}/confirm", headers=trainer_key)
    validator_for(document, response_schema(document, path, "post", 409)).validate(conflict.get_json())
    unauthorized = anonymous.get("/v1/reports")
    validator_for(document, response_schema(document, "/v1/reports", "get", 401)).validate(unauthorized.get_json())


def test_the_console_queue_confirms_and_rejects(
    trainer: FlaskClient, maintainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    older = file_report(anonymous, reason="entrapment", note="asked to meet")
    redis_client.zincrby("haris:{reports}:pending", -10, older)
    newer = file_report(anonymous)
    page = trainer.get("/console/reports").get_data(as_text=True)
    assert page.index(newer) < page.index(older)
    assert "hala.ahed.official" in page and "asked to meet" in page and REPORT["avatar_hash"] in page

    token = page_token(trainer, "/console/reports")
    done = trainer.post(
        f"/console/reports/{newer}/confirm",
        data={"csrf_token": token, "label": "stolen_photo", "note": "known clone"},
        follow_redirects=True,
    )
    assert done.status_code == 200 and "Report confirmed." in done.get_data(as_text=True)
    rejected = trainer.post(f"/console/reports/{older}/reject", data={"csrf_token": token}, follow_redirects=True)
    assert "Report rejected." in rejected.get_data(as_text=True)
    twice = trainer.post(f"/console/reports/{older}/confirm", data={"csrf_token": token}, follow_redirects=True)
    assert "Someone already decided this report." in twice.get_data(as_text=True)

    queue = trainer.get("/console/reports").get_data(as_text=True)
    assert "No reports are waiting." in queue
    assert "Recently decided" in queue and "amal" in queue and "stolen photo" in queue

    audit = maintainer.get("/console/audit").get_data(as_text=True)
    assert audit.index(older) < audit.index(newer)  # newest decision first
    assert "confirmed a report" in audit and "rejected a report" in audit and "label=stolen_photo" in audit


def test_a_refused_decision_keeps_what_the_trainer_typed(
    trainer: FlaskClient, anonymous: FlaskClient, trainer_key: dict[str, str]
) -> None:
    """A decision refused because more reports arrived since the page was shown, or because
    someone else decided first, sent the trainer back without the note she had typed. The
    report's page now comes back (409) as the report is now, with her note (and, confirming,
    her label) in the form, or beside the decided report to copy."""
    body = {"platform": "x", "reason": "other", "profile": {"account_id": "7301"}}
    report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
    token = page_token(trainer, f"/console/reports/{report_id}")
    assert anonymous.post("/v1/reports", json=dict(body, reason="entrapment")).status_code == 202
    note = 'met the bait "twice" <b>'
    seen = {"csrf_token": token, "seen_reports": "1", "note": note}

    def note_in(page: str, decision: str) -> str | None:
        form = page[page.index(f'action="/console/reports/{report_id}/{decision}"') :]
        form = form[: form.index("</form>")]
        value = re.search(r'<input name="note"[^>]*value="([^"]*)"', form)
        return html.unescape(value.group(1)) if value else None

    rejected = trainer.post(f"/console/reports/{report_id}/reject", data=seen)
    page = rejected.get_data(as_text=True)
    assert rejected.status_code == 409 and "more reports of this account arrived" in html.unescape(page)
    assert (note_in(page, "reject"), note_in(page, "confirm")) == (note, None)
    assert 'name="seen_reports" value="2"' in page  # the form carries what is shown now
    confirmed = trainer.post(f"/console/reports/{report_id}/confirm", data={**seen, "label": "stolen_photo"})
    page = confirmed.get_data(as_text=True)
    assert confirmed.status_code == 409 and (note_in(page, "confirm"), note_in(page, "reject")) == (note, None)
    assert '<option value="stolen_photo" selected>' in page
    done = anonymous.post(f"/v1/reports/{report_id}/reject", json={"seen_reports": 2}, headers=trainer_key)
    assert done.status_code == 200
    late = trainer.post(f"/console/reports/{report_id}/reject", data={**seen, "seen_reports": "2"})
    page = late.get_data(as_text=True)
    assert late.status_code == 409 and "Someone already decided this report." in page
    kept = re.search(r"<textarea readonly[^>]*>([^<]*)</textarea>", page)
    assert kept is not None and html.unescape(kept.group(1)) == note
    assert anonymous.get("/v1/reports", headers=trainer_key).get_json()["reports"] == []


def test_a_bad_label_from_the_console_is_refused_without_deciding(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    report_id = file_report(anonymous)
    token = page_token(trainer, "/console/reports")
    response = trainer.post(
        f"/console/reports/{report_id}/confirm", data={"csrf_token": token, "label": "<b>x</b>"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert "<b>x</b>" not in response.get_data(as_text=True)
    assert report_id in trainer.get("/console/reports").get_data(as_text=True).split("Recently decided")[0]


def test_audit_entries_older_than_the_retention_are_trimmed(redis_client: redis.Redis) -> None:
    redis_client.xadd(
        AUDIT_KEY, {"actor": "old", "action": "report.confirmed", "target": "x", "detail": "{}"}, id="1-0"
    )
    AuditLog(redis_client).record("amal", "report.rejected", "y")
    assert [e["actor"] for e in AuditLog(redis_client).recent()] == ["amal"]


def test_every_console_string_exists_in_every_language(console_app: Flask) -> None:
    import pathlib
    import re

    from server.console.i18n import strings

    english, arabic, french = strings("en"), strings("ar"), strings("fr")
    assert set(english) == set(arabic) == set(french)
    templates = pathlib.Path(console_app.root_path, "templates", "console")
    used = set()
    for template in templates.glob("*.html"):
        used |= set(re.findall(r'\bt\("([a-z_.]*[a-z_])"[,)]', template.read_text(encoding="utf-8")))
    assert used and used <= set(english), used - set(english)
    for prefix, values in {
        "platform.": ["facebook", "instagram", "x", "telegram", "other"],
        "reason.": ["impersonation", "entrapment", "harassment", "other"],
        "label.": ["entrapment", "stolen_photo", "stock_photo", "campaign", "other"],
    }.items():
        assert {prefix + value for value in values} <= set(english)


def test_a_report_can_be_checked_before_deciding(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    report_id = file_report(anonymous, profile={"handle": "hala12345678", "posts": 0, "joined": "2026-11"})
    queue = trainer.get("/console/reports").get_data(as_text=True)
    assert f"/console/reports/{report_id}" in queue
    page = trainer.get(f"/console/reports/{report_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-code="handle.digits"' in text and 'data-code="activity.few_posts"' in text
    assert "Confirm" in text  # the decision forms are on the page too
    token = page_token(trainer, f"/console/reports/{report_id}")
    trainer.post(f"/console/reports/{report_id}/reject", data={"csrf_token": token})
    decided = trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert "rejected" in decided and "amal" in decided and "Confirm</button>" not in decided
    assert trainer.get("/console/reports/0123456789abcdef").status_code == 404
    assert trainer.get("/console/reports/not-an-id").status_code == 404


def test_later_reports_of_an_account_keep_their_reasons_and_notes(
    trainer: FlaskClient, anonymous: FlaskClient, trainer_key: dict[str, str]
) -> None:
    """Reports of one pending account are merged. If the merge kept only a count, whoever filed
    first — the bait account's own operator, with "other" and a harmless note — would decide what
    the trainer reads, and every victim's "entrapment" and note after it would be lost."""
    profile = {"account_id": "4455667788", "handle": "friendly.guy"}
    first = {"platform": "instagram", "profile": profile, "reason": "other", "note": "sorry, wrong account"}
    assert anonymous.post("/v1/reports", json=first).status_code == 202
    for note in ("he asked me to meet him alone", "he asked me to meet him alone", "police were waiting"):
        later = {"platform": "instagram", "profile": profile, "reason": "entrapment", "note": note}
        assert anonymous.post("/v1/reports", json=later).status_code == 202
    [listed] = [r for r in trainer.get("/v1/reports", headers=trainer_key).get_json()["reports"]
                if r["profile"].get("account_id") == "4455667788"]  # fmt: skip
    assert listed["reports"] == 4 and listed["reason"] == "other"
    assert listed["reasons"] == {"other": 1, "entrapment": 3}
    assert listed["notes"] == ["he asked me to meet him alone", "police were waiting"]
    page = trainer.get("/console/reports").get_data(as_text=True)
    assert "police were waiting" in page and "he asked me to meet him alone" in page
    assert "Entrapment × 3" in page and "Other × 1" in page


def test_merged_notes_are_bounded(anonymous: FlaskClient, trainer: FlaskClient, trainer_key: dict[str, str]) -> None:
    profile = {"handle": "flooded.account"}
    for n in range(MAX_MERGED_NOTES + 5):
        body = {"platform": "x", "profile": profile, "reason": "harassment", "note": f"note {n} " + "x" * 900}
        assert anonymous.post("/v1/reports", json=body).status_code == 202
    [listed] = [r for r in trainer.get("/v1/reports", headers=trainer_key).get_json()["reports"]
                if r["profile"].get("handle") == "flooded.account"]  # fmt: skip
    assert listed["reports"] == MAX_MERGED_NOTES + 5 and len(listed["notes"]) == MAX_MERGED_NOTES


def test_every_waiting_report_can_be_reached_in_the_console(
    trainer: FlaskClient, redis_client: redis.Redis, console_app: Flask
) -> None:
    """The queue page showed the newest 100 reports and nothing else: 100 reports from a flood
    pushed every older one out of the console. Pages of 50 now reach all of them."""
    store = console_app.extensions["haris"].stores.reports
    oldest = store.add({"platform": "x", "reason": "entrapment", "profile": {"handle": "the.real.one"}})
    for n in range(120):
        store.add({"platform": "x", "reason": "other", "profile": {"handle": f"flood{n}"}})
    first = trainer.get("/console/reports").get_data(as_text=True)
    assert oldest not in first and "Reports 1–50 of 121 waiting." in first and "Page 1 of 3" in first
    last = trainer.get("/console/reports?page=3").get_data(as_text=True)
    assert oldest in last and "the.real.one" in last and "Reports 101–121 of 121 waiting." in last
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert 'href="/console/reports?page=2">' in first  # newest first: no order in the links
    for bad in ("0", "-1", "x", "9" * 5000, "²", "99"):
        assert trainer.get(f"/console/reports?page={bad}").status_code == 200
    # Oldest first: the reports that expire soonest come first, and the pages keep the order.
    oldest = trainer.get("/console/reports?order=oldest").get_data(as_text=True)
    assert "the.real.one" in oldest and oldest.index("the.real.one") < oldest.index("flood0<")
    assert "order=oldest" in oldest.split('rel="next"')[1].split(">")[0]


def test_reading_a_report_adds_nothing_to_the_campaign_aggregate(
    console_app: Flask, trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """A report's page checks what its filer sent, as a trainer. A trainer's check counts in the
    campaign aggregate without the anonymous cap (docs/campaigns.md) — so each made-up account a
    reporter filed went in, past the cap, as soon as a trainer opened it, and a few of them dated
    next to a real account made it look like part of a campaign. Reading a report is not vouching
    for it: it adds nothing."""
    pinned(console_app)
    made = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    for n in range(16):
        body = {"platform": "x", "reason": "harassment", "profile": {"account_id": snowflake(made, n), "posts": 30}}
        report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
        assert trainer.get(f"/console/reports/{report_id}").status_code == 200
    hers = {"platform": "x", "profile": {"account_id": snowflake(made, 99), "posts": 30}}
    answer = anonymous.post("/v1/check", json=hers).get_json()
    assert not any(f["code"].startswith("campaign.") for f in answer["findings"])
    # A trainer's own check of a profile still counts (the aggregate is on).
    token = page_token(trainer, "/console/check")
    for n in range(16, 32):
        form = {"csrf_token": token, "platform": "x", "account_id": snowflake(made, n), "posts": "30"}
        assert trainer.post("/console/check", data=form).status_code == 200
    answer = anonymous.post("/v1/check", json=hers).get_json()
    assert "campaign.creation_burst" in {f["code"] for f in answer["findings"]}


def test_characters_that_hide_or_rearrange_a_reporters_text_are_shown(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    """A right-to-left override made a reported URL read, on the trainer's screen, as another
    account's (a U+202E before "deha_alah" in a URL showed it as ".../hala_ahed"), a zero-width space
    hid in a note, and a Cyrillic a (U+0430) passed for a Latin one in a handle. The console shows such
    characters by code point, and marks non-ASCII letters in handles, URLs and ids."""
    body = {
        "platform": "x",
        "reason": "impersonation",
        "profile": {
            "account_id": "31337",
            "display_name": "Hala\u200b Ahed",
        },
        "note": "this is \u2066her\u2069 account",
    }
    # Such a URL is refused when filed now (no address holds a U+202E); a report kept from before
    # may hold one.
    hidden_url = "https://x.com/\u202edeha_alah"
    with_url = {**body, "profile": {**body["profile"], "profile_url": hidden_url}}
    assert anonymous.post("/v1/reports", json=with_url).status_code == 422
    report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
    keep_from_before(redis_client, report_id, profile_url=hidden_url)
    # The handle in a later report of the account (with the URL it would be refused: it names another account).
    later = {"platform": "x", "reason": "impersonation", "profile": {"account_id": "31337", "handle": "h\u0430la_ahed"}}
    assert anonymous.post("/v1/reports", json=later).status_code == 202
    for path in ("/console/reports", f"/console/reports/{report_id}"):
        page = trainer.get(path).get_data(as_text=True)
        for hidden in ("\u202e", "\u200b", "\u2066", "\u2069"):
            assert hidden not in page, (path, hidden)
        assert '<mark class="hidden-char" title="RIGHT-TO-LEFT OVERRIDE">U+202E</mark>' in page
        assert "U+200B" in page and "U+2066" in page
        assert '<mark class="non-ascii" title="U+0430 CYRILLIC SMALL LETTER A">\u0430</mark>' in page
    # Arabic spelling keeps its joiners, and markup in the text stays text.
    name = "می\u200cخواهم <b>"
    arabic = {"platform": "x", "reason": "other", "profile": {"account_id": "31338", "display_name": name}}
    arabic_id = anonymous.post("/v1/reports", json=arabic).get_json()["id"]
    page = trainer.get(f"/console/reports/{arabic_id}").get_data(as_text=True)
    assert "می\u200cخواهم &lt;b&gt;" in page and "<b>" not in page


def test_a_queue_full_of_merged_reports_is_said_to_be_full(make_app: Any, accounts: Any) -> None:
    """The cap counts every waiting report, merged ones too (a merge taking no room told whoever
    filled the queue whether an account was already reported): the page says full when the API
    refuses, not only when the records reach the cap."""
    app = make_app(HARIS_MAX_PENDING_REPORTS=3)
    app.test_client_class = HttpsClient
    anonymous, trainer = app.test_client(), app.test_client()
    trainer.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(trainer, "amal").status_code == 303
    same = dict(REPORT, profile={**REPORT["profile"], "account_id": "77"})
    assert [anonymous.post("/v1/reports", json=same).status_code for _ in range(3)] == [202, 202, 202]
    assert anonymous.post("/v1/reports", json=dict(REPORT, profile={"account_id": "1"})).status_code == 503
    page = trainer.get("/console/reports").get_data(as_text=True)
    assert "The queue is full" in page and page.count('type="checkbox" name="ids"') == 1


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_a_queue_keeping_all_the_reports_it_may_is_said_to_be_full(
    make_app: Any, accounts: Any, report_clock: ReportClock, locale: str
) -> None:
    """Past HARIS_MAX_STORED_REPORTS waiting reports the API refuses every report though the
    places have freed: the page says so, in the trainer's language, and not before."""
    app = make_app(HARIS_MAX_PENDING_REPORTS=2, HARIS_MAX_STORED_REPORTS=3)
    app.test_client_class = HttpsClient
    anonymous, trainer = app.test_client(), app.test_client()
    trainer.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(trainer, "amal").status_code == 303
    trainer.get(f"/console/lang/{locale}")

    def report(account_id: str) -> int:
        return anonymous.post("/v1/reports", json=dict(REPORT, profile={"account_id": account_id})).status_code

    assert [report("1"), report("2")] == [202, 202]
    report_clock.advance(hours=6)
    assert "data-stored-full" not in trainer.get("/console/reports").get_data(as_text=True)
    assert [report("3"), report("4")] == [202, 503]
    page = trainer.get("/console/reports").get_data(as_text=True)
    said = re.findall(r"data-stored-full>([^<]*)<", html.unescape(page))
    words = {"en": "as many waiting reports as it keeps", "fr": "autant de signalements en attente", "ar": "أقصى عدد"}
    assert len(said) == 1 and words[locale] in said[0]


def test_a_flooded_full_queue_is_said_and_cleared_in_one_post(
    make_app: Any, redis_client: redis.Redis, accounts: Any, report_clock: ReportClock
) -> None:
    """A flood fills the queue (then every new report, the real ones too, is refused with 503),
    and the console showed neither that it was full nor any way to clear it but one post per
    report. It says so and until when, and rejects the reports ticked on a page together, each
    audited; the places free when the page said, not when the flood is rejected (a decision
    freeing places told whoever filled the queue when a report was decided)."""
    app = make_app(HARIS_MAX_PENDING_REPORTS=4)
    app.test_client_class = HttpsClient
    anonymous, trainer = app.test_client(), app.test_client()
    trainer.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(trainer, "amal").status_code == 303
    flood = [file_report(anonymous, reason="other", note=f"flood {n}") for n in range(3)]
    real = file_report(anonymous, reason="entrapment", note="he asked me to meet")
    assert anonymous.post("/v1/reports", json=dict(REPORT, profile={"account_id": "1"})).status_code == 503
    page = trainer.get("/console/reports").get_data(as_text=True)
    frees = datetime.fromtimestamp(coarse_time(report_clock.now) + 6 * 3600, UTC).strftime("%Y-%m-%d %H:%M UTC")
    assert f"new reports are refused until {frees}" in page and page.count('type="checkbox" name="ids"') == 4
    token = page_token(trainer, "/console/reports")
    done = trainer.post(
        "/console/reports/reject", data={"csrf_token": token, "ids": [*flood, "not-an-id"], "note": "flood"},
        follow_redirects=True,
    )  # fmt: skip
    text = done.get_data(as_text=True)
    assert "3 reports rejected." in text and real in text and "The queue is full" in text
    assert page.count('type="checkbox" name="ids"') == 4 and text.count('type="checkbox" name="ids"') == 1
    rejected = [e for e in AuditLog(redis_client).recent() if e["action"] == "report.rejected"]
    assert sorted(e["target"] for e in rejected) == sorted(flood) and {e["actor"] for e in rejected} == {"amal"}
    assert anonymous.post("/v1/reports", json=dict(REPORT, profile={"account_id": "2"})).status_code == 503
    report_clock.advance(hours=6)
    assert "The queue is full" not in trainer.get("/console/reports").get_data(as_text=True)
    assert anonymous.post("/v1/reports", json=dict(REPORT, profile={"account_id": "2"})).status_code == 202
    # CSRF and the role hold as for any console post.
    assert trainer.post("/console/reports/reject", data={"ids": [real]}).status_code == 400
    assert app.test_client().post("/console/reports/reject", data={"ids": [real]}).status_code in {302, 400}


def test_later_reports_keep_their_version_of_the_profile(
    trainer: FlaskClient, anonymous: FlaskClient, trainer_key: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The operator of a bait account files first, with a plain-looking profile and no photo; the
    victims' reports of the same account id, which show the name it impersonates and its photo,
    were merged into a count and their version of the profile dropped. Past ``MAX_VARIANTS`` the
    versions kept are a sample (tests/security/test_redteam_reports_merge.py): here the draw
    that keeps the first ones, so which are kept is known."""
    monkeypatch.setattr(reports, "_slot", lambda seen: seen - 1)
    photo = fingerprint(decode(photo_bytes("rocket"))).hex
    first = {"platform": "x", "reason": "other", "profile": {"account_id": "5656565656", "display_name": "Sam"}}
    assert anonymous.post("/v1/reports", json=first).status_code == 202
    seen = {"account_id": "5656565656", "display_name": "Hala Ahed", "handle": "hala_ahed_"}
    for _ in range(2):  # the same version twice is kept once
        later = {"platform": "x", "reason": "impersonation", "profile": seen, "avatar_hash": photo}
        assert anonymous.post("/v1/reports", json=later).status_code == 202
    for n in range(MAX_VARIANTS + 2):
        other = {"platform": "x", "reason": "other", "profile": {"account_id": "5656565656", "display_name": f"v{n}"}}
        assert anonymous.post("/v1/reports", json=other).status_code == 202
    [listed] = [r for r in trainer.get("/v1/reports", headers=trainer_key).get_json()["reports"]
                if r["profile"].get("account_id") == "5656565656"]  # fmt: skip
    assert listed["profile"]["display_name"] == "Sam" and len(listed["variants"]) == MAX_VARIANTS
    assert listed["variants"][0] == {"profile": seen, "avatar_hash": photo}
    page = trainer.get("/console/reports").get_data(as_text=True)
    assert "Another version of this profile" in page and "Hala Ahed" in page and photo in page

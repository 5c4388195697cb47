"""The report queue warns a trainer about which account a report names before she decides it
(``server.console.report_view.account_warnings``): the reporter wrote every field, and the
adversary files reports."""

from __future__ import annotations

import html
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from server.state import app_state
from server.storage.reports import MAX_VARIANTS
from tests.api.test_banks import photo_bytes
from tests.api.test_cases import case_body

API_KEY = {"Authorization": "Bearer test-bootstrap-key"}
CLONE, HERS = "ha1a_ahed", "hala_ahed"


def warnings_on(page: str) -> list[str]:
    return re.findall(r'data-warning="([a-z_]+)"', page)


def both_pages(trainer: FlaskClient, report_id: str) -> list[str]:
    queue = trainer.get("/console/reports").get_data(as_text=True)
    item = queue[queue.index(f'id="report-{report_id}"') :]
    item = item[: item.index("</article>")]
    return [item, trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)]


def test_a_report_of_a_protected_persons_own_account_says_so(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """A campaign reports her genuine account as a fake: the check finds nothing (her own account
    is not flagged), and nothing told the trainer whose account it was."""
    person = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "handle": HERS}]}
    assert anonymous.post("/v1/protected", json=person, headers=API_KEY).status_code == 201
    body = {
        "platform": "x",
        "reason": "entrapment",
        "profile": {"handle": HERS.upper(), "profile_url": f"https://x.com/{HERS}"},
    }
    report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
    plain = {
        "platform": "x",
        "reason": "entrapment",
        "profile": {"handle": CLONE, "profile_url": f"https://x.com/{CLONE}"},
    }
    plain_id = anonymous.post("/v1/reports", json=plain).get_json()["id"]
    for page in both_pages(trainer, report_id):
        assert warnings_on(page) == ["protected"]
        assert "a protected person&#39;s own registered account" in page
    for page in both_pages(trainer, plain_id):
        assert warnings_on(page) == []


def test_a_report_kept_with_another_accounts_url_says_so(console_app: Flask, trainer: FlaskClient) -> None:
    """Refused when filed since; one kept from before (or written into Redis) says it on its page."""
    with console_app.app_context():
        report_id = app_state().stores.reports.add(
            {
                "platform": "x",
                "reason": "impersonation",
                "profile": {"handle": CLONE, "profile_url": f"https://x.com/{HERS}"},
            }
        )
    for page in both_pages(trainer, report_id):
        assert warnings_on(page) == ["url"]
        assert "names another account than the handle" in page
    french = trainer.get(f"/console/reports/{report_id}", headers={"Accept-Language": "fr"})
    assert "désigne un autre compte" in html.unescape(french.get_data(as_text=True))


def test_merged_reports_that_name_different_accounts_say_so(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """Reports merge by account id. The clone's operator files first, under the clone's id with
    her handle and URL (which agree with each other); genuine reports of the clone then show
    under her account, and a trainer who looks at her real page rejects them all at once."""
    first = {
        "platform": "x",
        "reason": "other",
        "profile": {"account_id": "7001", "handle": HERS, "profile_url": f"https://x.com/{HERS}"},
    }
    report_id = anonymous.post("/v1/reports", json=first).get_json()["id"]
    for page in both_pages(trainer, report_id):
        assert warnings_on(page) == []
    genuine = {
        "platform": "x",
        "reason": "entrapment",
        "profile": {"account_id": "7001", "handle": CLONE, "profile_url": f"https://x.com/{CLONE}"},
    }
    assert anonymous.post("/v1/reports", json=genuine).status_code == 202
    for page in both_pages(trainer, report_id):
        assert warnings_on(page) == ["accounts"]
        assert f'<code dir="ltr">{CLONE}</code> · <code dir="ltr">{HERS}</code>' in page


def test_variants_filled_first_do_not_hide_a_report_naming_another_account(
    trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """The operator files under the clone's id with her handle, then fills every variant with
    harmless versions of her profile: a genuine report naming the clone's handle kept no variant,
    and nothing on the page said the reports disagreed on the account."""
    profile = {"account_id": "7002", "handle": HERS, "profile_url": f"https://x.com/{HERS}"}
    report_id = anonymous.post("/v1/reports", json={"platform": "x", "reason": "other", "profile": profile}).get_json()[
        "id"
    ]
    for n in range(MAX_VARIANTS):
        filler = {"platform": "x", "reason": "other", "profile": profile | {"display_name": f"Hala {n}"}}
        assert anonymous.post("/v1/reports", json=filler).status_code == 202
    genuine = {"platform": "x", "reason": "entrapment", "profile": {"account_id": "7002", "handle": CLONE}}
    assert anonymous.post("/v1/reports", json=genuine).status_code == 202
    for page in both_pages(trainer, report_id):
        assert warnings_on(page) == ["accounts"]
        assert f'<code dir="ltr">{CLONE}</code>' in page
    listed = anonymous.get("/v1/reports", headers=API_KEY).get_json()["reports"]
    assert [(r["reports"], r.get("handles"), len(r["variants"])) for r in listed] == [(5, [CLONE], MAX_VARIANTS)]


def test_the_case_page_shows_the_bio_that_leaves_in_exports(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """A case's bio — copied by the trainer from the report's, which the form shows beside the
    suspect's fields (the reporter's word, no longer prefilled) — goes to partners in the MISP
    export; the case page never showed it, so a trainer only ever saw it in the form's text box,
    where a U+202E or a zero-width space hides."""
    report = {
        "platform": "x",
        "reason": "impersonation",
        "profile": {"handle": CLONE, "bio": "Lawyer \u202eyrev\u200b"},
    }
    report_id = anonymous.post("/v1/reports", json=report).get_json()["id"]
    assert anonymous.post(f"/v1/reports/{report_id}/confirm", json={}, headers=API_KEY).status_code == 200
    form = trainer.get(f"/console/cases/new?report={report_id}").get_data(as_text=True)
    assert re.search(r'name="suspect_bio"[^>]*></textarea>', form)  # not prefilled: shown as reported
    shown = form[form.index('data-figure="bio"') :]
    assert "U+202E" in shown[: shown.index("</dd>")]
    data = dict(re.findall(r'<input type="hidden" name="(csrf_token|report_id)" value="([^"]+)"', form))
    data |= {
        "platform": "x",
        "suspect_profile_url": f"https://x.com/{CLONE}",
        "suspect_handle": CLONE,
        "suspect_bio": report["profile"]["bio"],
        "impersonated_display_name": "Hala Ahed",
        "impersonated_profile_url": f"https://x.com/{HERS}",
    }
    opened = trainer.post("/console/cases/new", data=data)
    assert opened.status_code == 303, opened.get_data(as_text=True)[:3000]
    page = trainer.get(opened.headers["Location"]).get_data(as_text=True)
    bio = page[page.index('class="suspect-bio"') :]
    bio = bio[: bio.index("</td>")]
    assert "\u202e" not in bio and "U+202E" in bio and "U+200B" in bio and "Lawyer" in bio


def form_of(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to ``action`` on ``page``."""
    start = page.index(f'action="{action}"')
    form = page[start : page.index("</form>", start)]
    return dict(re.findall(r'<input type="hidden" name="([a-z0-9_]+)" value="([^"]*)"', form))


def test_a_report_merged_into_after_it_was_shown_is_not_decided_unseen(
    trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """A decision covers every report merged into the one decided. One that arrived after the
    trainer looked — the genuine report naming the clone, merged into the operator's harmless
    one — was rejected with it, never shown: the decision now says what it saw."""
    first = {"platform": "x", "reason": "other", "profile": {"account_id": "7003", "handle": HERS}}
    report_id = anonymous.post("/v1/reports", json=first).get_json()["id"]
    page = trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    reject = form_of(page, f"/console/reports/{report_id}/reject")
    assert reject["seen_reports"] == "1"
    genuine = {"platform": "x", "reason": "entrapment", "profile": {"account_id": "7003", "handle": CLONE}}
    assert anonymous.post("/v1/reports", json=genuine).status_code == 202
    refused = trainer.post(f"/console/reports/{report_id}/reject", data=reject, follow_redirects=True)
    text = html.unescape(refused.get_data(as_text=True))
    assert "more reports of this account arrived since the page was shown" in text
    assert warnings_on(text) == ["accounts"]  # back on the report, as it is now
    listed = anonymous.get("/v1/reports", headers=API_KEY).get_json()
    assert listed["pending"] == 1 and listed["reports"][0]["reports"] == 2
    # The API says what it saw the same way; as seen now, the decision goes through.
    path = f"/v1/reports/{report_id}/reject"
    stale = anonymous.post(path, json={"seen_reports": 1}, headers=API_KEY)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "report_changed"
    assert anonymous.post(path, json={"seen_reports": 2}, headers=API_KEY).status_code == 200


def test_a_bulk_rejection_leaves_a_report_merged_into_since(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """A flood's reports are rejected a page at a time; a genuine report merged into one of them
    after the page was shown stays pending, and the page says how many were left."""
    ids = [
        anonymous.post(
            "/v1/reports", json={"platform": "x", "reason": "other", "profile": {"account_id": str(7100 + n)}}
        ).get_json()["id"]
        for n in range(3)
    ]
    page = trainer.get("/console/reports").get_data(as_text=True)
    form = form_of(page, "/console/reports/reject")
    seen = dict(re.findall(r'name="(seen_[0-9a-f]{16})" value="(\d+)" form="bulk-reject"', page))
    assert sorted(seen) == sorted(f"seen_{i}" for i in ids)
    genuine = {"platform": "x", "reason": "entrapment", "profile": {"account_id": "7101", "handle": CLONE}}
    assert anonymous.post("/v1/reports", json=genuine).status_code == 202
    done = trainer.post("/console/reports/reject", data={**form, **seen, "ids": ids}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "2 reports rejected." in text and "1 reports were left pending" in text
    assert [r["id"] for r in anonymous.get("/v1/reports", headers=API_KEY).get_json()["reports"]] == [ids[1]]


def test_the_bank_preview_carries_what_the_trainer_saw(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """Banking takes two posts (the photo is shown between them): a report merged in between is
    not banked unseen either."""
    report_id = anonymous.post(
        "/v1/reports", json={"platform": "x", "reason": "entrapment", "profile": {"account_id": "7004"}}
    ).get_json()["id"]
    page = trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    confirm = form_of(page, f"/console/reports/{report_id}/confirm")
    data = {
        **confirm,
        "bank": "entrapment-cases",
        "label": "entrapment",
        "photo": (io.BytesIO(photo_bytes("coffee")), "p.jpg"),
    }
    preview = trainer.post(f"/console/reports/{report_id}/confirm", data=data, content_type="multipart/form-data")
    fields = form_of(preview.get_data(as_text=True), f"/console/reports/{report_id}/confirm")
    assert fields["seen_reports"] == "1" and fields["reviewed"] == "yes"
    later = {"platform": "x", "reason": "entrapment", "profile": {"account_id": "7004", "handle": CLONE}}
    assert anonymous.post("/v1/reports", json=later).status_code == 202
    done = trainer.post(f"/console/reports/{report_id}/confirm", data=fields, follow_redirects=True)
    assert "more reports of this account arrived" in html.unescape(done.get_data(as_text=True))
    assert anonymous.get("/v1/banks", headers=API_KEY).get_json()["banks"] == []


def test_case_notes_and_evidence_sources_show_hidden_characters(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """A trainer pastes what a reporter wrote into a note, or a source URL from a report: a U+202E
    there reordered the case page (the notice already showed it by code point)."""
    case_id = anonymous.post("/v1/cases", json=case_body(notes="she says \u202etseuqer"), headers=API_KEY).get_json()[
        "id"
    ]
    upload = {"file": (io.BytesIO(photo_bytes("coffee")), "p.jpg"), "source_url": "https://x.com/h\u0430la_ahed"}
    added = anonymous.post(
        f"/v1/cases/{case_id}/evidence", data=upload, content_type="multipart/form-data", headers=API_KEY
    )
    assert added.status_code == 201
    page = trainer.get(f"/console/cases/{case_id}").get_data(as_text=True)
    assert (
        "\u202e" not in page and '<mark class="hidden-char" title="RIGHT-TO-LEFT OVERRIDE">U+202E</mark>tseuqer' in page
    )
    assert '<td dir="ltr" class="url">https://x.com/h<mark class="non-ascii"' in page

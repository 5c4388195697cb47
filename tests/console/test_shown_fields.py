"""Text a reporter wrote, where the console showed it without ``reveal``: inside a translated
sentence (the manual check's offer to record an account id in her record) and in a case form's
fields prefilled from a report. A right-to-left override there made the trainer read another id
or handle than the one the page was about to store (server/console/shown.py)."""

from __future__ import annotations

import html
import re

import pytest
import redis
from flask.testing import FlaskClient

from server.storage.protected import ProtectedStore
from tests.console.conftest import keep_from_before
from tests.console.test_handle_only_accounts import HER_X, check_page, hala_id, record_form

API_KEY = {"Authorization": "Bearer test-bootstrap-key"}
RLO = '<mark class="hidden-char" title="RIGHT-TO-LEFT OVERRIDE">U+202E</mark>'


def _aside(page: str) -> str:
    [aside] = re.findall(r'<aside class="card handle-only".*?</aside>', page, re.S)
    return aside


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_offer_to_record_an_id_shows_the_id_it_records(
    trainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    """An id "1234<U+202E>567" read "1234765 rof …" on the button, the sentence after it reversed."""
    person_id = hala_id(trainer, redis_client)
    trainer.get(f"/console/lang/{locale}")
    page = check_page(trainer, **{**HER_X, "account_id": "1234\u202e567"})
    aside = _aside(page)
    [button] = re.findall(r"<button type=\"submit\">(.*?)</button>", aside, re.S)
    assert "\u202e" not in button and f'<bdi dir="ltr">1234{RLO}567</bdi>' in button
    # Her name and handle in the sentences sit in their own isolates; nothing is escaped twice.
    assert "<bdi>Hala Ahed</bdi>" in button and "&lt;" not in aside
    assert '<bdi dir="ltr">hala_ahed</bdi>' in aside.split("<form")[0]
    # The form still records the id exactly as the check had it: the stored value, not the shown one.
    action, fields = record_form(page)
    assert html.unescape(fields["account_id"]) == "1234\u202e567"
    assert trainer.post(action, data={**fields, "account_id": html.unescape(fields["account_id"])}).status_code == 303
    person = ProtectedStore(redis_client).get(person_id)
    assert person is not None and person.accounts[0].account_id == "1234\u202e567"
    # Her record's page then shows the id it holds, marked, as the button did.
    registry = trainer.get("/console/protected").get_data(as_text=True)
    assert "\u202e" not in registry and f"hala_ahed #1234{RLO}567" in registry
    # Her edit form holds it exactly in the accounts field, and shows it marked under the field.
    edit = trainer.get(f"/console/protected/{person_id}/edit").get_data(as_text=True)
    hint = _hint_after(edit, "accounts")
    assert hint is not None and f"x @hala_ahed id:1234{RLO}567" in hint
    assert _hint_after(edit, "display_names") is None  # "Hala Ahed\nهالة عاهد": nothing hidden


def test_a_plain_offer_reads_as_before(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    hala_id(trainer, redis_client)
    button = re.findall(r"<button type=\"submit\">(.*?)</button>", _aside(check_page(trainer, **HER_X)), re.S)[0]
    assert re.sub(r"</?bdi[^>]*>", "", button) == "Record account id 1234567 for this account of Hala Ahed"


def _case_form(
    trainer: FlaskClient, client: FlaskClient, profile: dict[str, str], redis_client: redis.Redis | None = None
) -> str:
    """The new-case form prefilled from a confirmed report of ``profile``; a profile URL the API now
    refuses is given to the stored report as one kept from before (``keep_from_before``)."""
    from_before = {"profile_url": profile.pop("profile_url")} if redis_client is not None else {}
    report = {"platform": "x", "profile": profile, "reason": "impersonation"}
    report_id = client.post("/v1/reports", json=report).get_json()["id"]
    if redis_client is not None:
        keep_from_before(redis_client, report_id, **from_before)
    client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=API_KEY)
    response = trainer.get(f"/console/cases/new?report={report_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _hint_after(form: str, field: str) -> str | None:
    match = re.search(
        rf'name="{field}"[^>]*>(?:[^<]*</textarea>)?(<small class="hint shown-as">.*?</small>)?', form, re.S
    )
    assert match is not None, field
    return match[1]


def test_a_case_form_prefilled_from_a_report_shows_what_its_fields_hold(
    trainer: FlaskClient, client: FlaskClient, redis_client: redis.Redis
) -> None:
    """The clone's handle stored as "<U+202E>alah_deha" reads "ahed_hala" in the field."""
    profile = {
        "handle": "\u202ealah_deha",
        "display_name": "Hala\u2066 Ahed",
        "profile_url": "https://x.com/\u202ealah_deha",
        "bio": "Journalist\u200b",
    }
    form = _case_form(trainer, client, profile, redis_client)
    handle = _hint_after(form, "suspect_handle")
    assert handle is not None and f'<bdi dir="ltr">{RLO}alah_deha</bdi>' in handle
    url = _hint_after(form, "suspect_profile_url")
    assert url is not None and f'<bdi dir="ltr">https://x.com/{RLO}alah_deha</bdi>' in url
    name = _hint_after(form, "suspect_display_name")
    assert (
        name is not None
        and '<bdi>Hala<mark class="hidden-char" title="LEFT-TO-RIGHT ISOLATE">U+2066</mark> Ahed</bdi>' in name
    )
    # The bio is the filer's word, not prefilled: listed beside the form as reported, marked too.
    assert _hint_after(form, "suspect_bio") is None
    bio = form[form.index('data-figure="bio"') :]
    assert "U+200B" in bio[: bio.index("</dd>")]
    # The fields themselves keep the exact value: the case stores what the report holds.
    assert 'name="suspect_handle" maxlength="100" dir="ltr" value="\u202ealah_deha"' in form


def test_a_plain_or_arabic_prefill_adds_no_hint(trainer: FlaskClient, client: FlaskClient) -> None:
    """Arabic is not hidden: a name in Arabic, with a joiner between Arabic letters, is shown as is."""
    profile = {"handle": "hala_ahed2", "display_name": "هالة\u200cعاهد", "profile_url": "https://x.com/hala_ahed2"}
    form = _case_form(trainer, client, profile)
    assert 'class="hint shown-as"' not in form
    # A handle holds ASCII on the platforms: a Cyrillic "а" there is shown marked.
    form = _case_form(trainer, client, {"handle": "h\u0430la_ahed"})
    handle = _hint_after(form, "suspect_handle")
    assert (
        handle is not None and '<mark class="non-ascii" title="U+0430 CYRILLIC SMALL LETTER A">\u0430</mark>' in handle
    )


def test_private_use_and_unassigned_characters_in_a_report_show_by_code_point(
    trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """A font draws U+E000 as anything its maker put there, U+E0FFF (unassigned) as nothing: the
    queue showed both as they came; the takedown notice already wrote them by code point."""
    profile = {"handle": "ha1a_ahed", "display_name": "Hala\ue000 Ahed\U000e0fff"}
    report_id = anonymous.post("/v1/reports", json={"platform": "x", "reason": "impersonation", "profile": profile})
    assert report_id.status_code == 202
    page = trainer.get(f"/console/reports/{report_id.get_json()['id']}").get_data(as_text=True)
    assert "\ue000" not in page and "\U000e0fff" not in page
    assert '<bdi>Hala<mark class="hidden-char" title="U+E000">U+E000</mark> Ahed' in page
    assert '<mark class="hidden-char" title="U+E0FFF">U+E0FFF</mark></bdi>' in page


def test_marks_that_draw_nothing_show_and_emoji_sequences_stay_whole(
    trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """A combining grapheme joiner or a variation selector drew nothing on the report page (the
    name read as hers); an emoji's ZWJ sequence and presentation selector draw the emoji and are
    shown as sent, as ``name.deceptive_characters`` reads them (heuristics.text.hidden_characters)."""
    profile = {"handle": "ha1a_ahed", "display_name": "Ha\u034fla Ahed\ufe00 \U0001f3f3\ufe0f\u200d\U0001f308"}
    report_id = anonymous.post("/v1/reports", json={"platform": "x", "reason": "impersonation", "profile": profile})
    assert report_id.status_code == 202
    page = trainer.get(f"/console/reports/{report_id.get_json()['id']}").get_data(as_text=True)
    cgj = '<mark class="hidden-char" title="COMBINING GRAPHEME JOINER">U+034F</mark>'
    vs1 = '<mark class="hidden-char" title="VARIATION SELECTOR-1">U+FE00</mark>'
    assert f"<bdi>Ha{cgj}la Ahed{vs1} \U0001f3f3\ufe0f\u200d\U0001f308</bdi>" in page

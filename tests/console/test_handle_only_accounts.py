"""Accounts of a protected person known by their username only: marked on the registry's pages,
and the manual check offers the trainer to record the id of the profile taken for such an
account, so that a squatter of her released username is flagged again."""

from __future__ import annotations

import html
import re

import pytest
import redis
from flask.testing import FlaskClient

from server.storage.audit import AuditLog
from server.storage.protected import ProtectedStore
from tests.console.conftest import edit_fields, page_token
from tests.console.test_protected_pages import create_hala

WITHOUT_ID = {
    "en": "Known by username only: whoever takes this username later would be taken for her. Add the account id.",
    "fr": "Connu par son nom d’utilisateur seulement : quiconque prendra ce nom d’utilisateur plus tard serait"
    " pris pour elle. Ajoutez le numéro (id) du compte.",
    "ar": "معروف باسم المستخدم فقط: من يأخذ اسم المستخدم هذا لاحقًا سيُحسب صاحبَ حسابها. أضف رقم الحساب (id).",
}
# Her X account is known by its username only; her Facebook one by its id; the "other" one by its
# handle, on no platform that hands a released username to anyone.
ACCOUNTS = "x @hala_ahed\nfacebook id:100012345\nother @hala.blog"
# The profile the trainer checks: her X username, with an id no registered account has.
HER_X = {
    "platform": "x",
    "profile_url": "https://x.com/hala_ahed",
    "handle": "hala_ahed",
    "account_id": "1234567",
    "display_name": "Hala Ahed",
}


def hala_id(trainer: FlaskClient, redis_client: redis.Redis) -> str:
    assert create_hala(trainer, accounts=ACCOUNTS).status_code == 303
    [person] = ProtectedStore(redis_client).all()
    return person.id


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_list_and_the_edit_page_mark_accounts_known_by_username_only(
    trainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    person_id = hala_id(trainer, redis_client)
    trainer.get(f"/console/lang/{locale}")
    listing = html.unescape(trainer.get("/console/protected").get_data(as_text=True))
    [card] = re.findall(r'<article class="card person" data-person="[0-9a-f]+">(.*?)</article>', listing, re.S)
    assert re.findall(r'data-without-id="(\d+)">([^<]*)<', card) == [("0", WITHOUT_ID[locale])]
    edit = html.unescape(trainer.get(f"/console/protected/{person_id}/edit").get_data(as_text=True))
    item = r'<li data-without-id="(\d+)"><code dir="ltr">([^<]*)</code> <strong class="weak">([^<]*)<'
    marked = re.findall(item, edit)
    assert marked == [("0", "x @hala_ahed", WITHOUT_ID[locale])]


def test_an_account_known_by_both_stays_one_account_through_the_edit_form(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """Written on two lines, an account known by its handle and its id came back from the edit
    form as two accounts, one known by its username only: the squatter's way in again."""
    assert create_hala(trainer, accounts="x @hala_ahed id:1234567\nfacebook id:100012345").status_code == 303
    [person] = ProtectedStore(redis_client).all()
    edit = html.unescape(trainer.get(f"/console/protected/{person.id}/edit").get_data(as_text=True))
    assert "x @hala_ahed id:1234567\nfacebook id:100012345" in edit and "data-without-id" not in edit
    fields = edit_fields(trainer, f"/console/protected/{person.id}/edit")
    text = re.search(r'<textarea name="accounts"[^>]*>(.*?)</textarea>', edit, re.S)
    assert text is not None
    saved = trainer.post(
        f"/console/protected/{person.id}/edit",
        data={**fields, "display_names": "Hala Ahed", "accounts": text[1], "note": ""},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 303
    after = ProtectedStore(redis_client).get(person.id)
    assert after is not None
    assert [(a.platform.value, a.handle, a.account_id) for a in after.accounts] == [
        ("x", "hala_ahed", "1234567"),
        ("facebook", None, "100012345"),
    ]
    two_handles = create_hala(trainer, accounts="x @hala_ahed @hala2")
    assert two_handles.status_code == 422 and "accounts.1" in two_handles.get_data(as_text=True)


def check_page(client: FlaskClient, **profile: str) -> str:
    token = page_token(client, "/console/check")
    response = client.post("/console/check", data={"csrf_token": token, **profile}, content_type="multipart/form-data")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def record_form(page: str) -> tuple[str, dict[str, str]]:
    """The note's one-click form: its action and its fields."""
    [form] = re.findall(r'<aside class="card handle-only"[^>]*>.*?(<form .*?</form>)', page, re.S)
    action = re.search(r'action="([^"]+)"', form)
    assert action is not None
    return html.unescape(action[1]), dict(re.findall(r'name="([a-z_]+)" value="([^"]*)"', form))


def anonymous_check(client: FlaskClient, account_id: str, handle: str = "hala_ahed") -> dict[str, object]:
    profile = {"handle": handle, "account_id": account_id, "display_name": "Hala Ahed"}
    response = client.post("/v1/check", json={"platform": "x", "profile": profile, "locale": "en"})
    assert response.status_code == 200
    answer: dict[str, object] = response.get_json()
    return answer


def codes(answer: dict[str, object]) -> list[str]:
    findings = answer["findings"]
    assert isinstance(findings, list)
    return [f["code"] for f in findings]


def test_the_manual_check_offers_to_record_the_id_and_a_squatter_is_then_flagged(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    person_id = hala_id(trainer, redis_client)
    # Before: any holder of her old username is taken for her account, whatever its id.
    assert "impersonation.protected_person" not in codes(anonymous_check(anonymous, "7654321"))

    page = check_page(trainer, **HER_X)
    # Her handle, her name and the id sit in isolates of their own (tests/console/test_shown_fields.py).
    aside = re.findall(r'<aside class="card handle-only".*?</aside>', page, re.S)[0]
    note = html.unescape(re.sub(r"</?bdi[^>]*>", "", aside))
    assert "@hala_ahed" in note and "Record account id 1234567 for this account of Hala Ahed" in note
    action, fields = record_form(page)
    assert action == f"/console/protected/{person_id}/account-id"
    assert (fields["account"], fields["platform"], fields["handle"], fields["account_id"]) == (
        "0",
        "x",
        "hala_ahed",
        "1234567",
    )
    recorded = trainer.post(action, data=fields)
    assert recorded.status_code == 303

    person = ProtectedStore(redis_client).get(person_id)
    assert person is not None
    assert [(a.platform.value, a.handle, a.account_id) for a in person.accounts] == [
        ("x", "hala_ahed", "1234567"),
        ("facebook", None, "100012345"),
        ("other", "hala.blog", None),
    ]
    [entry] = [e for e in AuditLog(redis_client).recent() if e["action"] == "protected.edited"]
    assert (entry["actor"], entry["target"], entry["detail"]) == (
        "amal",
        person_id,
        {"account_id_recorded": 0},
    )
    # After: the squatter with her old username and another id is flagged; her account is not,
    # and the check page no longer offers anything for it.
    assert "impersonation.protected_person" in codes(anonymous_check(anonymous, "7654321"))
    assert "impersonation.protected_person" not in codes(anonymous_check(anonymous, "1234567"))
    assert 'class="card handle-only"' not in check_page(trainer, **HER_X)
    # The same click again finds the account changed: nothing is written twice.
    again = trainer.post(action, data=fields)
    assert again.status_code == 409
    assert len([e for e in AuditLog(redis_client).recent() if e["action"] == "protected.edited"]) == 1


def test_no_note_where_an_id_or_nothing_decides(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    hala_id(trainer, redis_client)
    # No id checked: the handle is all there is to go by.
    assert 'class="card handle-only"' not in check_page(trainer, **{**HER_X, "account_id": ""})
    # Another username: not taken for her account at all.
    other = {**HER_X, "handle": "someone_else", "profile_url": "https://x.com/someone_else"}
    assert 'class="card handle-only"' not in check_page(trainer, **other)
    # Her Facebook account is known by its id: an id decides there.
    facebook = {**HER_X, "platform": "facebook", "profile_url": "", "handle": "", "account_id": "100012345"}
    assert 'class="card handle-only"' not in check_page(trainer, **facebook)


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"account_id": "9" * 200}, 422),  # longer than any account id
        ({"account_id": "  "}, 422),
        ({"account": "1"}, 409),  # her Facebook account: not the one the page showed
        ({"handle": "hala_ahed_2"}, 409),
        ({"account": "first"}, 400),
        ({"platform": "myspace"}, 400),
    ],
)
def test_a_stale_or_forged_record_form_changes_nothing(
    trainer: FlaskClient, redis_client: redis.Redis, change: dict[str, str], status: int
) -> None:
    person_id = hala_id(trainer, redis_client)
    before = ProtectedStore(redis_client).get(person_id)
    action, fields = record_form(check_page(trainer, **HER_X))
    assert trainer.post(action, data={**fields, **change}).status_code == status
    assert ProtectedStore(redis_client).get(person_id) == before
    assert [e for e in AuditLog(redis_client).recent() if e["action"] == "protected.edited"] == []


def test_only_a_signed_in_trainer_can_record_an_id(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    person_id = hala_id(trainer, redis_client)
    before = ProtectedStore(redis_client).get(person_id)
    action, fields = record_form(check_page(trainer, **HER_X))
    fields["csrf_token"] = page_token(anonymous, "/console/login")
    assert anonymous.post(action, data=fields).status_code in (302, 303, 401, 403)
    assert ProtectedStore(redis_client).get(person_id) == before


def test_the_anonymous_answer_does_not_say_whether_a_handle_or_an_id_made_it_hers(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    """No new finding or field for an account owned by its handle only: the anonymous answer
    would then say who is registered, and how. Byte for byte what it is when her id decides."""
    person_id = hala_id(trainer, redis_client)
    profile = {"handle": "hala_ahed", "account_id": "1234567", "display_name": "Hala Ahed"}
    body = {"platform": "x", "profile": profile, "locale": "en"}
    by_handle = anonymous.post("/v1/check", json=body)
    action, fields = record_form(check_page(trainer, **HER_X))
    assert trainer.post(action, data=fields).status_code == 303
    by_id = anonymous.post("/v1/check", json=body)
    assert ProtectedStore(redis_client).get(person_id) is not None
    assert by_handle.status_code == by_id.status_code == 200
    assert by_handle.get_data() == by_id.get_data()
    assert "impersonation.protected_person" not in codes(by_handle.get_json())

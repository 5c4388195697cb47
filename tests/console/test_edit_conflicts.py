"""Two trainers editing one record: the page opened first must not silently undo the other's save.

Every test runs on the real Redis of the fixtures; the "other trainer" is a second signed-in
browser of the same console."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
import redis
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from heuristics.images import fingerprint_bytes
from server.roles import Role
from server.schemas import ProtectedCreate
from server.storage.audit import AuditLog
from server.storage.protected import ProtectedStore
from server.storage.users import UserStore
from tests.api.test_banks import photo_bytes
from tests.console.conftest import PASSWORD, csrf_from, edit_fields, signed_in_as
from tests.console.test_case_pages import open_from_console

HASH = fingerprint_bytes(photo_bytes("brick")).hex
OTHER_HASH = fingerprint_bytes(photo_bytes("coffee")).hex

CHANGED_MEANWHILE = {
    "en": "Someone else changed this person after you opened this page, so nothing was saved.",
    "fr": "Quelqu’un d’autre a modifié cette personne après l’ouverture de cette page : rien n’a été enregistré.",
    "ar": "عدّل شخص آخر بيانات هذه الشخصية بعد أن فتحتَ هذه الصفحة، فلم يُحفظ شيء.",
}
CHANGED_STATUS = {
    "en": "someone else recorded this platform’s status after you opened this page, so nothing was saved",
    "fr": "quelqu’un d’autre a enregistré le statut de cette plateforme après l’ouverture de cette page",
    "ar": "سجّل شخص آخر حالة هذه المنصة بعد أن فتحتَ هذه الصفحة، فلم يُحفظ شيء",
}


@pytest.fixture
def other_trainer(new_client: Callable[[], FlaskClient], accounts: UserStore) -> FlaskClient:
    accounts.create("rana", PASSWORD, Role.TRAINER)
    return signed_in_as(new_client, "rana")


@pytest.fixture
def hala(redis_client: redis.Redis) -> str:
    body = ProtectedCreate(
        display_names=["Hala Ahed"], accounts=[{"platform": "x", "handle": "hala_ahed"}], avatar_hashes=[HASH]
    )
    return ProtectedStore(redis_client).add(body, created_by="amal")


def edit_path(person_id: str) -> str:
    return f"/console/protected/{person_id}/edit"


def save(client: FlaskClient, person_id: str, hidden: dict[str, str], **fields: str | list[str]) -> TestResponse:
    data: dict[str, str | list[str]] = {"display_names": "Hala Ahed", "accounts": "", "note": "", **hidden, **fields}
    return client.post(edit_path(person_id), data=data, content_type="multipart/form-data")


def edits(redis_client: redis.Redis, person_id: str) -> list[tuple[str, str]]:
    """The audit trail's changes of her record (reads left out), oldest first."""
    entries = AuditLog(redis_client).recent(limit=100)
    return [(e["actor"], e["action"]) for e in reversed(entries) if e["target"] == person_id
            and e["action"] == "protected.edited"]  # fmt: skip


def textarea(page: str, name: str) -> str:
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert found is not None, name
    return html.unescape(found[1])


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_second_save_of_a_page_opened_before_the_first_is_refused_and_both_edits_are_kept(
    trainer: FlaskClient, other_trainer: FlaskClient, redis_client: redis.Redis, hala: str, locale: str
) -> None:
    """Both open her edit page; Rana adds Hala's Arabic name and saves; Amal, who never saw that,
    rewrites the note and saves. Before, Amal's whole-record replace removed the Arabic name with
    no word to anyone. Now her save is refused: nothing is written, she sees that someone else
    changed the person, what is stored now, and her own typing still in the form."""
    trainer.get(f"/console/lang/{locale}")
    amal_opened = edit_fields(trainer, edit_path(hala))
    rana_opened = edit_fields(other_trainer, edit_path(hala))
    assert amal_opened["version"] == rana_opened["version"]

    first = save(other_trainer, hala, rana_opened, display_names="Hala Ahed\nهالة عاهد", keep_hash=[HASH],
                 accounts="x @hala_ahed")  # fmt: skip
    assert first.status_code == 303
    second = save(trainer, hala, amal_opened, note="Cloned again in May", keep_hash=[HASH], accounts="x @hala_ahed")
    assert second.status_code == 409

    stored = ProtectedStore(redis_client).get(hala)
    assert stored is not None
    assert stored.display_names == ["Hala Ahed", "هالة عاهد"] and stored.note is None  # Rana's, untouched
    page = second.get_data(as_text=True)
    assert CHANGED_MEANWHILE[locale] in html.unescape(page)
    # What is stored now, shown beside the form…
    now = re.search(r"<section class=\"card\" data-stored-now.*?</section>", page, re.S)
    assert now is not None and "هالة عاهد" in now[0] and HASH in now[0]
    # …and what Amal typed, kept in it.
    assert textarea(page, "display_names") == "Hala Ahed" and 'value="Cloned again in May"' in page
    assert edits(redis_client, hala) == [("rana", "protected.edited")]

    # The refused page carries the version of what it shows: once Amal has merged the two, her
    # save goes through, and the audit trail has one entry per save, as before.
    merged = {"csrf_token": amal_opened["csrf_token"], "version": re.findall(r'name="version" value="(\w+)"', page)[0]}
    again = save(trainer, hala, merged, display_names="Hala Ahed\nهالة عاهد", note="Cloned again in May",
                 keep_hash=[HASH], accounts="x @hala_ahed")  # fmt: skip
    assert again.status_code == 303
    stored = ProtectedStore(redis_client).get(hala)
    assert stored is not None and stored.display_names == ["Hala Ahed", "هالة عاهد"]
    assert stored.note == "Cloned again in May"
    assert edits(redis_client, hala) == [("rana", "protected.edited"), ("amal", "protected.edited")]


def test_a_save_nobody_overlapped_goes_through_and_is_audited_once(
    trainer: FlaskClient, other_trainer: FlaskClient, redis_client: redis.Redis, hala: str
) -> None:
    """Rana opened the page too but did not save; Amal's save is not refused. Neither is a save
    after another person of the registry changed: each record has its own version."""
    edit_fields(other_trainer, edit_path(hala))
    opened = edit_fields(trainer, edit_path(hala))
    someone_else = ProtectedStore(redis_client).add(ProtectedCreate(display_names=["Rana Saleh"]), created_by="rana")
    assert someone_else
    saved = save(trainer, hala, opened, note="WHRD", keep_hash=[HASH])
    assert saved.status_code == 303
    stored = ProtectedStore(redis_client).get(hala)
    assert stored is not None and stored.note == "WHRD" and stored.avatar_hashes == [HASH]
    assert edits(redis_client, hala) == [("amal", "protected.edited")]


@pytest.mark.parametrize(
    "version",
    ["", "0", "zz" * 16, "A" * 32, "0" * 31, "0" * 33, "0" * 4000, "'\"><b>x</b>", "٠" * 32, "0" * 31 + "\n"],
)
def test_a_forged_or_garbled_version_is_refused_with_400_and_nothing_is_written(
    trainer: FlaskClient, redis_client: redis.Redis, hala: str, version: str
) -> None:
    opened = edit_fields(trainer, edit_path(hala))
    response = save(trainer, hala, {**opened, "version": version}, note="forged", keep_hash=[HASH])
    assert response.status_code == 400
    stored = ProtectedStore(redis_client).get(hala)
    assert stored is not None and stored.note is None
    assert edits(redis_client, hala) == []


def test_a_well_formed_version_of_another_record_is_refused_as_changed(
    trainer: FlaskClient, redis_client: redis.Redis, hala: str
) -> None:
    opened = edit_fields(trainer, edit_path(hala))
    response = save(trainer, hala, {**opened, "version": "0" * 32}, note="forged", keep_hash=[HASH])
    assert response.status_code == 409
    stored = ProtectedStore(redis_client).get(hala)
    assert stored is not None and stored.note is None
    # A form with no version at all is no page of ours either.
    assert save(trainer, hala, {"csrf_token": opened["csrf_token"]}, note="x").status_code == 400


def test_the_refused_form_keeps_her_choice_of_photos(
    trainer: FlaskClient, other_trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """Amal unticks one photo; Rana meanwhile removes the other and adds a third. On the refused
    form the photo Amal dropped stays unticked, the one Rana added is ticked (Amal never saw it),
    and the one Amal kept but Rana removed is back among Amal's typed lines, where she sees it."""
    store = ProtectedStore(redis_client)
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH, OTHER_HASH]), "amal")
    amal_opened = edit_fields(trainer, edit_path(person_id))
    rana_opened = edit_fields(other_trainer, edit_path(person_id))
    third = fingerprint_bytes(photo_bytes("rocket")).hex
    assert save(other_trainer, person_id, rana_opened, keep_hash=[HASH], avatar_hashes=third).status_code == 303
    refused = save(trainer, person_id, amal_opened, keep_hash=[OTHER_HASH], shown_hash=[HASH, OTHER_HASH])
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    ticked = dict(re.findall(r'name="keep_hash" value="([0-9a-f]+)"( checked)?>', page))
    assert ticked == {HASH: "", third: " checked"}
    assert textarea(page, "avatar_hashes") == OTHER_HASH
    stored = store.get(person_id)
    assert stored is not None and stored.avatar_hashes == [HASH, third]


def test_a_form_refused_for_a_bad_value_keeps_unticked_photos_unticked(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """Before, a form refused for a typo came back with every stored photo ticked again: the
    trainer who had removed one saved it back without seeing."""
    person_id = ProtectedStore(redis_client).add(
        ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH, OTHER_HASH]), "amal"
    )
    opened = edit_fields(trainer, edit_path(person_id))
    shown = [HASH, OTHER_HASH]
    refused = save(trainer, person_id, opened, accounts="myspace @hala", keep_hash=[HASH], shown_hash=shown)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    ticked = dict(re.findall(r'name="keep_hash" value="([0-9a-f]+)"( checked)?>', page))
    assert ticked == {HASH: " checked", OTHER_HASH: ""}
    # It still carries the version the trainer's edit was made from.
    assert f'name="version" value="{opened["version"]}"' in page


# A case's platform status: the form is blank, but saving it replaces that platform's whole status.
STATUS = {"platform": "x", "reported_on": "2026-01-10", "reference": "X-42", "outcome": "removed"}


def case_form(client: FlaskClient, case_id: str) -> dict[str, str]:
    """The case page's status form as a browser sends it back: CSRF token and statuses seen."""
    page = client.get(f"/console/cases/{case_id}").get_data(as_text=True)
    return {"csrf_token": csrf_from(page), **dict(re.findall(r'name="(seen\.[a-z]+)" value="([^"]*)"', page))}


def statuses_set(redis_client: redis.Redis, case_id: str) -> list[str]:
    return [e["actor"] for e in AuditLog(redis_client).recent(limit=100)
            if e["target"] == case_id and e["action"] == "case.status_set"]  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_a_status_recorded_meanwhile_is_not_overwritten_by_a_page_opened_before(
    trainer: FlaskClient, other_trainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    """Amal opens the case while X's status is "pending"; Rana records that X removed the clone.
    Amal, from her older page, records a re-check with another reference: before, "removed" and
    Rana's reference were replaced without anyone seeing them. Now her save is refused, the table
    shows Rana's status, and Amal's entry is still in the form; saved again from there, it goes."""
    case_id = open_from_console(trainer)
    first = case_form(trainer, case_id)
    assert (
        trainer.post(f"/console/cases/{case_id}/status", data={**first, **STATUS, "outcome": "pending"}).status_code
        == 303
    )
    trainer.get(f"/console/lang/{locale}")
    amal = case_form(trainer, case_id)
    rana = case_form(other_trainer, case_id)
    assert other_trainer.post(f"/console/cases/{case_id}/status", data={**rana, **STATUS}).status_code == 303

    mine = {"platform": "x", "reported_on": "2026-01-11", "reference": "X-77", "outcome": "still_up"}
    refused = trainer.post(f"/console/cases/{case_id}/status", data={**amal, **mine})
    assert refused.status_code == 409
    page = html.unescape(refused.get_data(as_text=True))
    assert CHANGED_STATUS[locale] in page
    row = re.search(r'<tr data-platform="x">.*?</tr>', page, re.S)
    assert row is not None and "X-42" in row[0] and "rana" in row[0]
    assert 'name="reference" maxlength="200" dir="ltr" value="X-77"' in page
    assert 'value="2026-01-11"' in page and '<option value="still_up" selected>' in page
    assert statuses_set(redis_client, case_id) == ["rana", "amal"]  # newest first: the refused save is not there

    again = dict(re.findall(r'name="(csrf_token|seen\.[a-z]+)" value="([^"]*)"', page))
    assert trainer.post(f"/console/cases/{case_id}/status", data={**again, **mine}).status_code == 303
    now = html.unescape(trainer.get(f"/console/cases/{case_id}").get_data(as_text=True))
    row = re.search(r'<tr data-platform="x">.*?</tr>', now, re.S)
    assert row is not None and "X-77" in row[0]


def test_a_status_of_another_platform_recorded_meanwhile_does_not_refuse_the_save(
    trainer: FlaskClient, other_trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    case_id = open_from_console(trainer)
    amal = case_form(trainer, case_id)
    rana = case_form(other_trainer, case_id)
    facebook = {**STATUS, "platform": "facebook", "reference": "FB-1"}
    assert other_trainer.post(f"/console/cases/{case_id}/status", data={**rana, **facebook}).status_code == 303
    assert trainer.post(f"/console/cases/{case_id}/status", data={**amal, **STATUS}).status_code == 303
    assert sorted(statuses_set(redis_client, case_id)) == ["amal", "rana"]


@pytest.mark.parametrize(
    "forged", [{"seen.x": "zz"}, {"seen.x": ""}, {"seen.x": "A" * 32}, {"seen.x": "-" * 2}, {"seen.x": "0" * 4000}]
)
def test_a_forged_or_missing_status_version_is_refused_with_400(
    trainer: FlaskClient, redis_client: redis.Redis, forged: dict[str, str]
) -> None:
    case_id = open_from_console(trainer)
    form = case_form(trainer, case_id)
    assert trainer.post(f"/console/cases/{case_id}/status", data={**form, **STATUS, **forged}).status_code == 400
    without = {"csrf_token": form["csrf_token"], **STATUS}
    assert trainer.post(f"/console/cases/{case_id}/status", data=without).status_code == 400
    # A well-formed version of a status that is not there is a status recorded meanwhile.
    other = trainer.post(f"/console/cases/{case_id}/status", data={**form, **STATUS, "seen.x": "0" * 32})
    assert other.status_code == 409
    assert statuses_set(redis_client, case_id) == []

"""Protected people from the console: create, edit, delete; the next check names the match."""

from __future__ import annotations

import html
import io
import re

import pytest
import redis
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from heuristics.images import fingerprint_bytes
from server.schemas import ProtectedCreate
from server.services import protected as protected_service
from server.storage.audit import AuditLog
from server.storage.protected import ProtectedStore
from tests.api.test_banks import photo_bytes
from tests.api.test_protected import legacy_forms
from tests.console.conftest import edit_fields, page_token

# Photo fingerprints as this server makes them (version 2).
HASH = fingerprint_bytes(photo_bytes("brick")).hex
OTHER_HASH = fingerprint_bytes(photo_bytes("coffee")).hex


def create_hala(client: FlaskClient, **changes: str) -> FlaskClient:
    token = page_token(client, "/console/protected/new")
    data = {
        "csrf_token": token,
        "display_names": "Hala Ahed\nهالة عاهد",
        "accounts": "x @hala_ahed\nfacebook id:100012345",
        "avatar_hashes": "",
        "note": "WHRD, cloned twice in 2026",
    }
    data.update(changes)
    return client.post("/console/protected/new", data=data, content_type="multipart/form-data")


def test_a_trainer_registers_edits_and_deletes_a_protected_person(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    created = create_hala(trainer)
    assert created.status_code == 303
    [person] = ProtectedStore(redis_client).all()
    assert person.display_names == ["Hala Ahed", "هالة عاهد"]
    assert [(a.platform.value, a.handle, a.account_id) for a in person.accounts] == [
        ("x", "hala_ahed", None),
        ("facebook", None, "100012345"),
    ]
    assert person.created_by == "amal"
    listing = trainer.get("/console/protected").get_data(as_text=True)
    assert "هالة عاهد" in listing and "hala_ahed" in listing

    edit_page = trainer.get(f"/console/protected/{person.id}/edit").get_data(as_text=True)
    assert "x @hala_ahed" in edit_page and "facebook id:100012345" in edit_page
    fields = edit_fields(trainer, f"/console/protected/{person.id}/edit")
    edited = trainer.post(
        f"/console/protected/{person.id}/edit",
        data={
            **fields,
            "display_names": "Hala Ahed",
            "accounts": "instagram @hala.ahed",
            "avatar_hashes": HASH.upper(),
            "note": "",
        },
        content_type="multipart/form-data",
    )
    assert edited.status_code == 303
    after = ProtectedStore(redis_client).get(person.id)
    assert after is not None and after.display_names == ["Hala Ahed"] and after.note is None
    assert after.avatar_hashes == [HASH] and after.created_at == person.created_at

    token = page_token(trainer, "/console/protected")
    assert trainer.post(f"/console/protected/{person.id}/delete", data={"csrf_token": token}).status_code == 303
    assert ProtectedStore(redis_client).all() == []
    assert trainer.post(f"/console/protected/{person.id}/delete", data={"csrf_token": token}).status_code == 404
    assert trainer.get(f"/console/protected/{person.id}/edit").status_code == 404
    actions = [(e["action"], e["actor"]) for e in AuditLog(redis_client).recent()]
    changes = [action for action in actions if action[0] not in {"protected.listed", "protected.viewed"}]
    assert changes == [
        ("protected.deleted", "amal"),
        ("protected.edited", "amal"),
        ("protected.created", "amal"),
    ]
    # Reading the registry is audited too: the list twice, the edit page twice (found).
    assert actions.count(("protected.listed", "amal")) == 2
    assert actions.count(("protected.viewed", "amal")) == 2


def test_bad_protected_forms_are_explained_and_nothing_is_saved(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    for changes, field in (
        ({"display_names": ""}, "display_names"),
        ({"display_names": "🌸🌸"}, "display_names"),
        ({"accounts": "myspace @hala"}, "accounts.1"),
        ({"accounts": "x"}, "accounts.1"),
        ({"avatar_hashes": "not-hex"}, "avatar_hashes"),
    ):
        response = create_hala(trainer, **changes)
        assert response.status_code in {400, 422}, changes
        page = response.get_data(as_text=True)
        assert field in page and "Please correct the form" in page
        # What was typed is kept: the refused field as typed, and the fields around it.
        typed = {"display_names": "Hala Ahed", "accounts": "x @hala_ahed", **changes}
        for value in [*typed.values(), "WHRD, cloned twice in 2026"]:
            assert html.escape(value) in page, (changes, value)
    assert ProtectedStore(redis_client).all() == []


def test_the_next_check_names_the_protected_person_and_shows_normalised_names(trainer: FlaskClient) -> None:
    assert create_hala(trainer).status_code == 303
    token = page_token(trainer, "/console/check")
    response = trainer.post(
        "/console/check",
        data={"csrf_token": token, "platform": "x", "handle": "hala_ahed_official", "display_name": "Ηala Аhed"},
        content_type="multipart/form-data",
    )
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert 'data-code="impersonation.protected_person"' in page
    assert "Name matches the protected person “Hala Ahed”." in page
    assert "lookalikes=Ηala,Аhed" in page  # the Greek/Cyrillic letters unmasked
    assert '<td dir="ltr" class="latin">hala ahid</td>' in page  # parts in order, variant-folded
    # The person's own account is not flagged.
    own = trainer.post(
        "/console/check",
        data={"csrf_token": token, "platform": "x", "handle": "hala_ahed", "display_name": "Hala Ahed"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "impersonation.protected_person" not in own


NEVER_CONFIRMS = {
    "en": "a bare 64-bit hash or a version 1 fingerprint never confirms a match",
    "fr": "un hachage 64 bits seul ou une empreinte de version 1 ne confirme jamais une correspondance",
    "ar": "التجزئة المجردة ذات 64 بت أو بصمة الإصدار 1 لا تؤكد أي تطابق أبدًا",
}


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_a_photo_hash_that_never_confirms_is_refused_in_the_pages_language(
    trainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    """As through the API: a bare 64-bit hash or a version 1 fingerprint would give her no photo
    protection while her record shows a photo hash. The form says why, in the trainer's language."""
    trainer.get(f"/console/lang/{locale}")
    for shape, value in legacy_forms("rocket").items():
        response = create_hala(trainer, avatar_hashes=f"{HASH}\n{value}")
        assert response.status_code == 422, shape
        page = html.unescape(response.get_data(as_text=True))
        assert NEVER_CONFIRMS[locale] in page and "avatar_hashes.2" in page, shape  # typed line 2
        assert value in page  # what was typed is kept, to correct
    assert ProtectedStore(redis_client).all() == []
    assert create_hala(trainer, avatar_hashes=HASH).status_code == 303
    [person] = ProtectedStore(redis_client).all()
    assert person.avatar_hashes == [HASH]


def test_a_person_stored_with_a_hash_that_never_confirms_stays_editable(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """Registered before such hashes were refused: her edit page says which of her photo hashes
    never confirm; keeping them does not block the edit (only hashes new to her are checked);
    adding another one is refused."""
    legacy = legacy_forms("rocket")["version 1"]
    body = ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[legacy, HASH])
    person_id = ProtectedStore(redis_client).add(body, created_by="older-server")
    page = trainer.get(f"/console/protected/{person_id}/edit").get_data(as_text=True)
    marked = re.findall(r'value="([0-9a-f]+)" checked> <code dir="ltr">[0-9a-f]+</code>(.*?)</label>', page)
    assert [(value, "never confirms a match" in after) for value, after in marked] == [(legacy, True), (HASH, False)]

    def edit(**fields: str | list[str]) -> TestResponse:
        hidden = edit_fields(trainer, f"/console/protected/{person_id}/edit")
        data = {**hidden, "display_names": "Hala Ahed\nهالة عاهد", "accounts": "", "note": "", **fields}
        return trainer.post(f"/console/protected/{person_id}/edit", data=data, content_type="multipart/form-data")

    kept = edit(keep_hash=[legacy, HASH], avatar_hashes=OTHER_HASH)
    assert kept.status_code == 303
    after = ProtectedStore(redis_client).get(person_id)
    assert after is not None and after.avatar_hashes == [legacy, HASH, OTHER_HASH]
    assert after.display_names == ["Hala Ahed", "هالة عاهد"]
    # Typing the stored value again is keeping it, not adding it.
    assert edit(keep_hash=[HASH], avatar_hashes=legacy.upper()).status_code == 303
    # A hash new to her is checked.
    another = legacy_forms("coffee")["bare phash"]
    refused = edit(keep_hash=[legacy, HASH], avatar_hashes=another)
    assert refused.status_code == 422 and "never confirms a match" in html.unescape(refused.get_data(as_text=True))
    after = ProtectedStore(redis_client).get(person_id)
    assert after is not None and after.avatar_hashes == [HASH, legacy]


LIST_NEVER_CONFIRM = {
    "en": "that never confirm a match: 1 (",
    "fr": "qui ne confirment jamais une correspondance : 1 (",
    "ar": "لا تؤكد أي تطابق أبدًا: 1 (",
}


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_list_marks_the_people_whose_photo_hashes_never_confirm(
    trainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    """The list is where a trainer looks over the registry: a person registered before such hashes
    were refused shows there, not only on her edit page, that a photo of hers gives her no photo
    protection (the same function as the API's ``never_confirm`` and the edit page)."""
    store = ProtectedStore(redis_client)
    weak = store.add(
        ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[legacy_forms("rocket")["version 1"], HASH]),
        created_by="older-server",
    )
    sound = store.add(ProtectedCreate(display_names=["Rana Saleh"], avatar_hashes=[OTHER_HASH]), created_by="amal")
    trainer.get(f"/console/lang/{locale}")
    page = html.unescape(trainer.get("/console/protected").get_data(as_text=True))
    cards = dict(re.findall(r'<article class="card person" data-person="([0-9a-f]+)">(.*?)</article>', page, re.S))
    assert LIST_NEVER_CONFIRM[locale] in cards[weak]
    assert 'class="weak"' in cards[weak] and 'class="weak"' not in cards[sound]


def error_field(response: TestResponse) -> str:
    """The field the form's error names (``<code>`` in the error line)."""
    page = html.unescape(response.get_data(as_text=True))
    [field] = re.findall(r'<p class="flash error" role="alert">[^<]*<code dir="ltr">(.*?)</code>', page)
    return field


def test_a_refused_photo_hash_or_photo_is_named_as_the_trainer_sees_it(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """The form's hashes are the kept ones, the typed lines and the uploaded photos together: an
    error named ``avatar_hashes.N`` by its place in all of them (from 0) pointed to no line the
    trainer typed. A typed hash is named by its line (from 1, blank lines counted, as accounts.N),
    an uploaded photo by its file's name."""
    legacy = legacy_forms("rocket")["version 1"]
    # Line 4 of what she typed (blank lines counted); the third hash of the form.
    assert error_field(create_hala(trainer, avatar_hashes=f"\n{HASH}\n\n{legacy}")) == "avatar_hashes.4"
    assert error_field(create_hala(trainer, avatar_hashes=f"{HASH}\nnot-hex")) == "avatar_hashes.2"
    # An edit: two kept hashes go before what she typed; line 1 is still line 1.
    person_id = ProtectedStore(redis_client).add(
        ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH, OTHER_HASH]), created_by="amal"
    )
    fields = edit_fields(trainer, f"/console/protected/{person_id}/edit")
    data = {**fields, "display_names": "Hala Ahed", "accounts": "", "note": ""}
    edited = trainer.post(
        f"/console/protected/{person_id}/edit",
        data={**data, "keep_hash": [HASH, OTHER_HASH], "avatar_hashes": legacy},
        content_type="multipart/form-data",
    )
    assert edited.status_code == 422 and error_field(edited) == "avatar_hashes.1"
    # A photo this server cannot read: named by its file.
    token = page_token(trainer, "/console/protected/new")
    uploaded = trainer.post(
        "/console/protected/new",
        data={
            "csrf_token": token,
            "display_names": "Hala Ahed",
            "accounts": "",
            "avatar_hashes": "",
            "avatars": [(io.BytesIO(photo_bytes("brick")), "brick.png"), (io.BytesIO(b"not an image"), "holiday.png")],
        },
        content_type="multipart/form-data",
    )
    assert uploaded.status_code in {413, 415, 422} and error_field(uploaded) == "avatars.holiday.png"
    stored = ProtectedStore(redis_client).get(person_id)
    assert stored is not None and stored.avatar_hashes == [HASH, OTHER_HASH]
    assert [p.id for p in ProtectedStore(redis_client).all()] == [person_id]


def test_an_edit_landing_while_a_save_is_checked_refuses_the_save_in_the_pages_language(
    trainer: FlaskClient, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edit is checked against the very record it replaces, read again when another edit
    landed meanwhile: that record is no longer the one the page showed, so the save is refused
    (409, said in French) and the other edit stays. (A replace without a version, which reads
    and writes again, answers ``protected_busy`` when the record never stops changing:
    tests/api/test_protected_replace.py.)"""
    store = ProtectedStore(redis_client)
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]), created_by="amal")
    names = iter(f"Hala Ahed {n}" for n in range(100))
    monkeypatch.setattr(
        protected_service,
        "refuse_hashes_that_never_confirm",
        lambda *args, **kwargs: store.replace(person_id, ProtectedCreate(display_names=[next(names)])),
    )
    trainer.get("/console/lang/fr")
    fields = edit_fields(trainer, f"/console/protected/{person_id}/edit")
    data = {**fields, "display_names": "Hala", "accounts": "", "note": "", "keep_hash": [HASH]}
    response = trainer.post(f"/console/protected/{person_id}/edit", data=data, content_type="multipart/form-data")
    assert response.status_code == 409
    assert "Quelqu’un d’autre a modifié cette personne" in html.unescape(response.get_data(as_text=True))
    after = store.get(person_id)
    assert after is not None and after.display_names == ["Hala Ahed 0"]

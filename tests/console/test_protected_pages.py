"""Protected people from the console: create, edit, delete; the next check names the match."""

from __future__ import annotations

import html

import redis
from flask.testing import FlaskClient

from server.storage.audit import AuditLog
from server.storage.protected import ProtectedStore
from tests.console.conftest import page_token


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
    token = page_token(trainer, f"/console/protected/{person.id}/edit")
    edited = trainer.post(
        f"/console/protected/{person.id}/edit",
        data={
            "csrf_token": token,
            "display_names": "Hala Ahed",
            "accounts": "instagram @hala.ahed",
            "avatar_hashes": "FFD8C0E0F0F8FCFE",
            "note": "",
        },
        content_type="multipart/form-data",
    )
    assert edited.status_code == 303
    after = ProtectedStore(redis_client).get(person.id)
    assert after is not None and after.display_names == ["Hala Ahed"] and after.note is None
    assert after.avatar_hashes == ["ffd8c0e0f0f8fcfe"] and after.created_at == person.created_at

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

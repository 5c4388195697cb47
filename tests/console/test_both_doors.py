"""One operation, one function, one audit path: the same change made through the JSON API, the
console and the CLI leaves the same audit entry, naming who made it (server/services)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.images import fingerprint_bytes
from server.roles import Role
from server.storage.apikeys import create_api_key
from server.storage.audit import AuditLog
from tests.api.test_banks import photo_bytes
from tests.console.conftest import page_token, users_page
from tests.console.test_protected_pages import create_hala
from tests.console.test_review import file_report

FINGERPRINT = fingerprint_bytes(photo_bytes("brick")).hex  # as this server makes them (version 2)


def audit(redis_client: redis.Redis) -> list[tuple[str, str, dict[str, Any]]]:
    """(actor, action, detail) of every entry, oldest first."""
    return [(e["actor"], e["action"], e["detail"]) for e in reversed(AuditLog(redis_client).recent())]


def trainer_key(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo-amal")}


def test_protected_people_changed_from_either_door_are_audited_alike(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    key = trainer_key(redis_client)
    created = anonymous.post("/v1/protected", json={"display_names": ["Hala Ahed"]}, headers=key)
    assert created.status_code == 201
    by_api = created.get_json()["id"]
    assert anonymous.delete(f"/v1/protected/{by_api}", headers=key).status_code == 204
    assert create_hala(trainer).status_code == 303
    [person] = [p for p in anonymous.get("/v1/protected", headers=key).get_json()["people"]]
    token = page_token(trainer, "/console/protected")
    assert trainer.post(f"/console/protected/{person['id']}/delete", data={"csrf_token": token}).status_code == 303
    assert [(actor, action) for actor, action, _ in audit(redis_client)] == [
        ("key:ngo-amal", "protected.created"),
        ("key:ngo-amal", "protected.deleted"),
        ("amal", "protected.created"),
        ("key:ngo-amal", "protected.listed"),
        ("amal", "protected.listed"),  # the list page, read for its form token
        ("amal", "protected.deleted"),
    ]
    # A record names who registered it as before: the key's label, the console's username.
    assert person["created_by"] == "amal"


def test_bank_entries_and_imports_from_any_door_are_audited_alike(
    trainer: FlaskClient, anonymous: FlaskClient, console_app: Flask, redis_client: redis.Redis, tmp_path: Path
) -> None:
    key = trainer_key(redis_client)
    added = anonymous.post("/v1/banks/ngo-1/entries", json={"avatar_hash": FINGERPRINT, "label": "other"}, headers=key)
    assert added.status_code == 201
    token = page_token(trainer, "/console/banks")
    form = {"csrf_token": token, "bank": "ngo-1", "label": "other", "avatar_hash": FINGERPRINT}
    assert trainer.post("/console/banks/entries", data=form, content_type="multipart/form-data").status_code == 303
    exported = anonymous.get("/v1/banks/ngo-1/export", headers=key).get_data()
    imported = anonymous.post(
        "/v1/banks/ngo-2/import",
        data=exported,
        content_type="application/x-ndjson",
        headers={"Authorization": "Bearer test-bootstrap-key"},
    )
    assert imported.status_code == 200
    export_file = tmp_path / "ngo-1.jsonl"
    export_file.write_bytes(exported)
    result = console_app.test_cli_runner().invoke(args=["bank", "import", "ngo-3", str(export_file)])
    assert result.exit_code == 0, result.output
    entries = audit(redis_client)
    assert [(actor, action) for actor, action, _ in entries] == [
        ("key:ngo-amal", "bank.added"),
        ("amal", "bank.added"),
        ("key:ngo-amal", "bank.exported"),
        ("key:bootstrap", "bank.imported"),
        ("cli", "bank.imported"),
    ]
    assert entries[0][2] == entries[1][2] == {"bank": "ngo-1", "label": "other"}
    assert entries[2][2] == {"bank": "ngo-1", "entries": 2}
    assert entries[3][2] == {"bank": "ngo-2", "entries": 2} and entries[4][2] == {"bank": "ngo-3", "entries": 2}


def test_report_decisions_from_either_door_are_audited_alike(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    key = trainer_key(redis_client)
    by_api, by_console = file_report(anonymous), file_report(anonymous)
    decided = anonymous.post(f"/v1/reports/{by_api}/confirm", json={"note": "clone"}, headers=key)
    assert decided.status_code == 200
    token = page_token(trainer, "/console/reports")
    form = {"csrf_token": token, "note": "clone"}
    assert trainer.post(f"/console/reports/{by_console}/confirm", data=form).status_code == 303
    assert audit(redis_client) == [
        ("key:ngo-amal", "report.confirmed", {}),
        ("amal", "report.confirmed", {}),
    ]


def test_accounts_revoked_from_the_console_or_the_cli_are_audited_alike(
    maintainer: FlaskClient, console_app: Flask, redis_client: redis.Redis
) -> None:
    runner = console_app.test_cli_runner()
    made = runner.invoke(args=["user", "create", "sara", "--role", "trainer"], env={"HARIS_NEW_PASSWORD": "x" * 16})
    assert made.exit_code == 0, made.output
    token, shown = users_page(maintainer)
    form = {"csrf_token": token, "version": shown["amal"]}
    assert maintainer.post("/console/users/amal/revoke", data=form).status_code == 303
    assert runner.invoke(args=["user", "revoke", "sara"]).exit_code == 0
    assert [(actor, action) for actor, action, _ in audit(redis_client)] == [
        ("cli", "user.created"),
        ("omar", "user.revoked"),
        ("cli", "user.revoked"),
    ]

"""Red team: cases and their exports (docs/escalation.md, "Red team: cases").

Adversaries: a stolen trainer key probing the protected registry through case snapshots; a
platform or partner NGO reading an export, who must learn nothing of the registry beyond the
person the case is about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.state import app_state
from server.storage.apikeys import create_api_key
from server.storage.audit import AUDIT_KEY, READ_ACTIONS
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, HttpsClient, console_browser, page_token, sign_in

HALA = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42"}]}
NOUR = {"display_names": ["Nour Tamimi"], "accounts": [{"platform": "x", "account_id": "43"}]}


def _key(redis_client: redis.Redis, label: str) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, label)}


def _register(client: FlaskClient, key: dict[str, str], person: dict[str, Any]) -> str:
    created = client.post("/v1/protected", json=person, headers=key)
    assert created.status_code == 201, created.get_json()
    return str(created.get_json()["id"])


def _case(name: str, handle: str, impersonated: str = "Someone Else", original: str = "someone_else") -> dict[str, Any]:
    return {
        "platform": "x",
        "suspect": {"profile_url": f"https://x.com/{handle}", "display_name": name, "handle": handle},
        "impersonated": {"display_name": impersonated, "profile_url": f"https://x.com/{original}", "platform": "x"},
    }


def _trail(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        found = app_state().stores.audit.recent()
    return [(e["actor"], e["action"], e["target"]) for e in reversed(found)]


def test_a_case_snapshot_that_names_a_protected_person_is_a_counted_audited_read(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """Opening a case scores the suspect against the registry and keeps the finding (her name
    and id) in the case a trainer reads back: a stolen key that opened cases of candidate names
    read the registry one person a case, unaudited and past HARIS_PROTECTED_MATCH_LIMIT, where
    the same probe through /v1/check is audited and stops."""
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    client = app.test_client()
    setup = _key(redis_client, "setup")
    hala, nour = _register(client, setup, HALA), _register(client, setup, NOUR)
    redis_client.delete(AUDIT_KEY)
    stolen = _key(redis_client, "stolen laptop")
    opened = client.post("/v1/cases", json=_case("Hala Ahed", "hala_probe"), headers=stolen)
    assert opened.status_code == 201
    # Read back by another trainer: the stolen key's one person this hour is spent, and a case
    # that names a protected person is refused to it now (test_redteam_case_views.py).
    case = client.get(f"/v1/cases/{opened.get_json()['id']}", headers=setup).get_json()
    named = [f["evidence"].get("protected_id") for f in case["check"]["findings"]]
    assert hala in named
    assert ("key:stolen laptop", "protected.matched", hala) in _trail(app)
    # Her one person this hour is spent: the next case is refused before the registry is read.
    refused = client.post("/v1/cases", json=_case("Nour Tamimi", "nour_probe"), headers=stolen)
    assert refused.status_code == 429, refused.get_json()
    assert refused.get_json()["error"]["code"] == "protected_matches_limited"
    assert all(target != nour for _, _, target in _trail(app))


def test_a_case_refused_as_a_protected_persons_own_account_is_an_audited_read(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """409 account_is_protected says the registry holds that account: a key walking account ids
    through case openings read the registry one account at a time, unaudited and uncounted."""
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    client = app.test_client()
    setup = _key(redis_client, "setup")
    person = {"display_names": ["Rana Haddad"], "accounts": [{"platform": "x", "handle": "rana_haddad"}]}
    rana = _register(client, setup, person)
    redis_client.delete(AUDIT_KEY)
    stolen = _key(redis_client, "stolen laptop")
    refused = client.post("/v1/cases", json=_case("Someone", "rana_haddad"), headers=stolen)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "account_is_protected"
    assert _trail(app) == [("key:stolen laptop", "protected.matched", rana)]
    again = client.post("/v1/cases", json=_case("Someone", "rana_haddad"), headers=stolen)
    assert again.status_code == 429  # her one person this hour is spent


def test_no_export_names_the_registry(make_app: Callable[..., Flask], redis_client: redis.Redis) -> None:
    """The suspect's name is a registered person's; the case is about someone else (a contact the
    trainer typed). The notice to the platform, the MISP event, the STIX bundle and the redacted
    copy for partners must not carry the registry's id for her, nor her registered name."""
    app = make_app()
    client = app.test_client()
    key = _key(redis_client, "ngo")
    # Registered in Arabic script; the clone writes her name in Latin letters.
    person = {"display_names": ["زينب قاسمي"], "accounts": [{"platform": "x", "account_id": "44"}]}
    person_id = _register(client, key, person)
    body = _case("Zeinab Qasimi", "zq_clone", impersonated="Zaynab Kassimi", original="zaynab_k")
    case_id = client.post("/v1/cases", json=body, headers=key).get_json()["id"]
    case = client.get(f"/v1/cases/{case_id}", headers=key).get_json()
    assert "impersonation.protected_person" in [f["code"] for f in case["check"]["findings"]]
    for kind in ("ticket", "misp", "stix", "redacted"):
        exported = client.get(f"/v1/cases/{case_id}/export/{kind}?platform=x", headers=key)
        assert exported.status_code == 200, (kind, exported.get_json())
        data = exported.data
        if kind == "redacted":
            import io
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                data = b"".join(archive.read(name) for name in archive.namelist())
        text = data.decode("utf-8")
        assert person_id not in text, kind
        assert "زينب" not in text, kind


def test_the_consoles_case_form_is_counted_as_its_check_page_is(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """The same probe through the console's case form: audited, and refused (429 page, nothing
    opened) once the trainer's allowance is spent."""
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    app.test_client_class = HttpsClient
    setup = _key(redis_client, "setup")
    hala = _register(app.test_client(), setup, HALA)
    _register(app.test_client(), setup, NOUR)
    redis_client.delete(AUDIT_KEY)
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    browser = app.test_client()
    browser.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(browser, "amal").status_code == 303

    def typed(name: str, handle: str) -> dict[str, str]:
        return {
            "csrf_token": page_token(browser, "/console/cases/new"),
            "platform": "x",
            "suspect_profile_url": f"https://x.com/{handle}",
            "suspect_display_name": name,
            "impersonated_display_name": "Someone Else",
            "impersonated_profile_url": "https://x.com/someone_else",
            "impersonated_platform": "x",
        }

    assert browser.post("/console/cases/new", data=typed("Hala Ahed", "hala_probe")).status_code == 303
    assert ("amal", "protected.matched", hala) in _trail(app)
    cases = len(redis_client.zrange("haris:{cases}:index", 0, -1))
    refused = browser.post("/console/cases/new", data=typed("Nour Tamimi", "nour_probe"))
    assert refused.status_code == 429
    assert "Opening a case checks its suspect against the registry" in refused.get_data(as_text=True)
    assert len(redis_client.zrange("haris:{cases}:index", 0, -1)) == cases


def test_reading_cases_is_audited(make_app: Callable[..., Flask], redis_client: redis.Redis) -> None:
    """A case holds the impersonated person, private notes and the protected person its snapshot
    names. A stolen key or session read every case (the list, then each one) and left no trace,
    where a read of the registry is audited: after the theft, nobody could tell whose cases were
    read. Each read is now audited (the case id, the actor), in the audit page's reads."""
    app = make_app()
    client = app.test_client()
    setup = _key(redis_client, "setup")
    case_id = client.post("/v1/cases", json=_case("Hala Ahed", "ha1a_ahed"), headers=setup).get_json()["id"]
    redis_client.delete(AUDIT_KEY)
    stolen = _key(redis_client, "stolen laptop")
    assert client.get("/v1/cases", headers=stolen).status_code == 200
    assert client.get(f"/v1/cases/{case_id}", headers=stolen).status_code == 200
    assert _trail(app) == [
        ("key:stolen laptop", "case.listed", "cases"),
        ("key:stolen laptop", "case.viewed", case_id),
    ]
    assert {"case.listed", "case.viewed"} <= READ_ACTIONS

    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    browser = console_browser(app, "amal")
    redis_client.delete(AUDIT_KEY)
    assert browser.get("/console/cases").status_code == 200
    assert browser.get(f"/console/cases/{case_id}").status_code == 200
    assert _trail(app) == [("amal", "case.listed", "cases"), ("amal", "case.viewed", case_id)]

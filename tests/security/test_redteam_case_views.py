"""Red team: reading cases that name protected people (docs/escalation.md, "The protected registry,
in a case and out of it").

Adversary: a stolen trainer key or console session. Opening a case is a counted read of the
registry; reading one was only audited, so the thief listed every case and read each protected
person any trainer's case named, past HARIS_PROTECTED_MATCH_LIMIT. A view of a case that names
a protected person is now counted against the same allowance (each person once an hour) and
refused once it is spent; a case that names nobody is never refused.
"""

from __future__ import annotations

from collections.abc import Callable

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.storage.audit import AUDIT_KEY
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, console_browser
from tests.security.test_redteam_cases import HALA, NOUR, _case, _key, _register, _trail


def _three_cases(app: Flask, redis_client: redis.Redis) -> tuple[str, str, str, str, str]:
    """Cases naming Hala, naming Nour and naming nobody, each opened by its own trainer; the ids
    of Hala and Nour, then of the three cases."""
    client = app.test_client()
    setup = _key(redis_client, "setup")
    hala, nour = _register(client, setup, HALA), _register(client, setup, NOUR)
    ids = []
    for number, body in enumerate(
        (_case("Hala Ahed", "hala_clone"), _case("Nour Tamimi", "nour_clone"), _case("Sami Haddad", "sami_h"))
    ):
        opened = client.post("/v1/cases", json=body, headers=_key(redis_client, f"opener {number}"))
        assert opened.status_code == 201, opened.get_json()
        ids.append(opened.get_json()["id"])
    redis_client.delete(AUDIT_KEY)
    return hala, nour, ids[0], ids[1], ids[2]


def _trainer_signed_in(app: Flask, redis_client: redis.Redis) -> FlaskClient:
    """A console browser signed in as the trainer "amal", over HTTPS, its pages' Referer the console."""
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    return console_browser(app, "amal")


def test_reading_cases_that_name_protected_people_is_counted_through_the_api(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="2/hour")
    hala, nour, names_hala, names_nour, names_nobody = _three_cases(app, redis_client)
    client = app.test_client()
    stolen = _key(redis_client, "stolen laptop")

    assert client.get(f"/v1/cases/{names_nobody}", headers=stolen).status_code == 200
    assert _trail(app) == [("key:stolen laptop", "case.viewed", names_nobody)]
    # Hala, twice: one person this hour, counted once.
    for _ in range(2):
        assert client.get(f"/v1/cases/{names_hala}", headers=stolen).status_code == 200
    assert ("key:stolen laptop", "protected.matched", hala) in _trail(app)
    # Nour: the second person, answered in full; the allowance is now spent.
    assert client.get(f"/v1/cases/{names_nour}", headers=stolen).status_code == 200
    assert ("key:stolen laptop", "protected.matched", nour) in _trail(app)
    refused = client.get(f"/v1/cases/{names_hala}", headers=stolen)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "protected_matches_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert "Hala" not in refused.get_data(as_text=True)
    assert _trail(app)[-1] == ("key:stolen laptop", "protected.match_refused", "registry")
    # A case that names nobody still opens; another trainer is not affected.
    assert client.get(f"/v1/cases/{names_nobody}", headers=stolen).status_code == 200
    assert client.get(f"/v1/cases/{names_hala}", headers=_key(redis_client, "colleague")).status_code == 200


def test_reading_cases_that_name_protected_people_is_counted_in_the_console(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    hala, _nour, names_hala, names_nour, names_nobody = _three_cases(app, redis_client)
    browser = _trainer_signed_in(app, redis_client)

    assert browser.get(f"/console/cases/{names_hala}").status_code == 200
    assert ("amal", "protected.matched", hala) in _trail(app)
    refused = browser.get(f"/console/cases/{names_nour}")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = refused.get_data(as_text=True)
    assert "This case names a protected person" in page and "Nour" not in page
    assert browser.get(f"/console/cases/{names_nobody}").status_code == 200
    # The list names no protected person: never refused.
    assert browser.get("/console/cases").status_code == 200

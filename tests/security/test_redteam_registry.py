"""Red team: reading the protected-people registry without leaving a trace.

Listing the registry or opening a person is audited (``protected.listed``, ``protected.viewed``):
after a trainer's key or session is stolen, the organisation must know whether the registry was
read, and warn the people on it. A trainer's check (the console's manual check, a report's page,
``/v1/check`` with a trainer key) names the protected person a profile is taken for — her name
and id. Probing names through checks read the registry one person at a time, unbounded and
unaudited. Every such answer is now a ``protected.matched`` read in the trail: the person's id
and the actor, never what was checked. An anonymous check names nobody and records nothing.
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
from tests.console.conftest import PASSWORD, HttpsClient, page_token, sign_in
from tests.privacy.harness import dump_redis, find, marker

HALA = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42"}]}
CLONE = {"display_name": "Hala Ahed", "account_id": "777", "handle": "hala_ahed_2"}
NOUR = {"display_names": ["Nour Tamimi"], "accounts": [{"platform": "x", "account_id": "43"}]}
NOUR_CLONE = {"display_name": "Nour Tamimi", "account_id": "778", "handle": "nour_tamimi_2"}


def trail(app: Flask) -> list[tuple[str, str, str, dict[str, Any]]]:
    with app.app_context():
        found = app_state().stores.audit.recent()
    return [(e["actor"], e["action"], e["target"], e["detail"]) for e in reversed(found)]


def _register(client: FlaskClient, key: dict[str, str], person: dict[str, Any] = HALA) -> str:
    created = client.post("/v1/protected", json=person, headers=key)
    assert created.status_code == 201, created.get_json()
    return str(created.get_json()["id"])


def _trainer_in_the_console(app: Flask, redis_client: redis.Redis) -> tuple[FlaskClient, str]:
    """amal, a trainer, signed in to the console (her browser), and Hala registered by another
    trainer's key (her id); the audit trail emptied of the registration."""
    app.test_client_class = HttpsClient
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "setup")}
    person_id = _register(app.test_client(), key)
    redis_client.delete(AUDIT_KEY)
    browser = app.test_client()
    browser.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(browser, "amal").status_code == 303
    return browser, person_id


def _named(report: dict[str, Any]) -> list[str]:
    found = [f for f in report["findings"] if f["code"] == "impersonation.protected_person"]
    return [f["evidence"].get("protected_id") for f in found]


def test_a_trainer_keys_check_that_names_a_protected_person_is_audited(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    client = app.test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "stolen laptop")}
    person_id = _register(client, key)
    redis_client.delete(AUDIT_KEY)
    anonymous = client.post("/v1/check", json={"platform": "x", "profile": CLONE}).get_json()
    assert _named(anonymous) == [None]  # a match, named to nobody
    assert trail(app) == []  # and nothing recorded of an anonymous client's check
    trained = client.post("/v1/check", json={"platform": "x", "profile": CLONE}, headers=key).get_json()
    assert _named(trained) == [person_id]
    assert trail(app) == [("key:stolen laptop", "protected.matched", person_id, {})]
    # A check that names nobody records nothing.
    client.post("/v1/check", json={"platform": "x", "profile": {"display_name": "Nobody Here"}}, headers=key)
    assert len(trail(app)) == 1
    assert "protected.matched" in READ_ACTIONS  # the audit page's "reads" shows it


def test_probing_the_registry_through_the_consoles_check_is_audited(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    browser, person_id = _trainer_in_the_console(app, redis_client)
    token = page_token(browser, "/console/check")
    form = {"csrf_token": token, "platform": "x", "display_name": CLONE["display_name"], "account_id": "777"}
    page = browser.post("/console/check", data=form)
    assert page.status_code == 200 and person_id in page.get_data(as_text=True)
    assert trail(app) == [("amal", "protected.matched", person_id, {})]


def test_once_she_is_deleted_a_seized_store_and_audit_hold_nothing_of_her(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """The audit trail must tell whether the registry was read without becoming a second copy of
    it: every read and change of her record (made, listed, opened, edited, her account id recorded,
    a trainer's check that named her, deleted) leaves her id and the actor only. Once she is
    deleted, no key or value anywhere in Redis — the audit stream included — holds her names, her
    handles, her account ids or her note (searched as written, lower-cased, base64 and hex)."""
    app = make_app()
    client = app.test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo laptop")}
    name, arabic = marker("name"), "زينب قاسمي"
    handle, account, note = marker("handle").lower(), "918273645", marker("note")
    body = {
        "display_names": [name, arabic],
        "accounts": [{"platform": "x", "account_id": account}, {"platform": "instagram", "handle": handle}],
        "note": note,
    }
    created = client.post("/v1/protected", json=body, headers=key)
    assert created.status_code == 201
    person_id = created.get_json()["id"]
    assert client.get("/v1/protected", headers=key).status_code == 200
    assert client.get(f"/v1/protected/{person_id}", headers=key).status_code == 200
    clone = {"platform": "x", "profile": {"display_name": arabic, "account_id": "5550001", "handle": "zq_2"}}
    assert _named(client.post("/v1/check", json=clone, headers=key).get_json()) == [person_id]
    assert client.delete(f"/v1/protected/{person_id}", headers=key).status_code == 204
    actions = [action for _, action, target, _ in trail(app) if target == person_id]
    assert actions == ["protected.created", "protected.viewed", "protected.matched", "protected.deleted"]
    seized = b"\n".join(entry.blob() for entry in dump_redis(redis_client))
    assert find([name, arabic, handle, account, note], seized) == []


def test_a_trainer_key_past_its_protected_matches_is_refused_whatever_it_checks(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """Audited is not enough: a stolen key walked names against the registry, unbounded. Past
    ``HARIS_PROTECTED_MATCH_LIMIT`` people named to one trainer, every check of hers is refused
    (429 ``protected_matches_limited``) — a miss as well as a match, so the refusal is no oracle,
    and never a match answered as a miss (a clone of a protected person called harmless)."""
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="2/hour")
    client = app.test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "stolen laptop")}
    person_id = _register(client, key)
    nour_id = _register(client, key, NOUR)
    redis_client.delete(AUDIT_KEY)
    nobody = {"platform": "x", "profile": {"display_name": "Nobody Here"}}
    assert client.post("/v1/check", json=nobody, headers=key).status_code == 200  # a miss counts nothing
    for profile, named in ((CLONE, person_id), (NOUR_CLONE, nour_id)):
        answered = client.post("/v1/check", json={"platform": "x", "profile": profile}, headers=key)
        assert answered.status_code == 200 and _named(answered.get_json()) == [named]
    for body in ({"platform": "x", "profile": CLONE}, nobody):
        refused = client.post("/v1/check", json=body, headers=key)
        assert refused.status_code == 429
        assert refused.get_json()["error"]["code"] == "protected_matches_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert trail(app) == [
        ("key:stolen laptop", "protected.matched", person_id, {}),
        ("key:stolen laptop", "protected.matched", nour_id, {}),
        ("key:stolen laptop", "protected.match_refused", "registry", {}),
        ("key:stolen laptop", "protected.match_refused", "registry", {}),
    ]
    assert "protected.match_refused" in READ_ACTIONS
    # Another trainer's key has its own allowance; an anonymous check is answered as before.
    other = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "office desktop")}
    assert _named(client.post("/v1/check", json={"platform": "x", "profile": CLONE}, headers=other).get_json()) == [
        person_id
    ]
    anonymous = client.post("/v1/check", json={"platform": "x", "profile": CLONE})
    assert anonymous.status_code == 200 and _named(anonymous.get_json()) == [None]


def test_a_campaign_of_clones_of_one_person_never_uses_up_her_trainers_allowance(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """What is limited is how many people a trainer's checks name, not how many checks name one:
    a defamation campaign runs dozens of clones of one defender, and her trainer checks each. The
    first check of a clone of a second person then uses the allowance up."""
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="2/hour")
    client = app.test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo laptop")}
    person_id = _register(client, key)
    nour_id = _register(client, key, NOUR)
    for number in range(6):
        clone = {"display_name": "Hala Ahed", "account_id": str(900 + number), "handle": f"hala_ahed_{number}"}
        answered = client.post("/v1/check", json={"platform": "x", "profile": clone}, headers=key)
        assert answered.status_code == 200 and _named(answered.get_json()) == [person_id]
    answered = client.post("/v1/check", json={"platform": "x", "profile": NOUR_CLONE}, headers=key)
    assert answered.status_code == 200 and _named(answered.get_json()) == [nour_id]
    refused = client.post("/v1/check", json={"platform": "x", "profile": CLONE}, headers=key)
    assert refused.status_code == 429


def test_anonymous_checks_never_use_a_trainers_allowance(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    client = app.test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "setup")}
    person_id = _register(client, key)
    for _ in range(3):
        assert _named(client.post("/v1/check", json={"platform": "x", "profile": CLONE}).get_json()) == [None]
    assert _named(client.post("/v1/check", json={"platform": "x", "profile": CLONE}, headers=key).get_json()) == [
        person_id
    ]
    assert trail(app)[-1] == ("key:setup", "protected.matched", person_id, {})


def test_the_consoles_check_past_the_limit_is_refused_with_a_page(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    browser, person_id = _trainer_in_the_console(app, redis_client)
    form = {"platform": "x", "display_name": CLONE["display_name"], "account_id": "777"}
    first = browser.post("/console/check", data={"csrf_token": page_token(browser, "/console/check"), **form})
    assert first.status_code == 200 and person_id in first.get_data(as_text=True)
    second = browser.post("/console/check", data={"csrf_token": page_token(browser, "/console/check"), **form})
    assert second.status_code == 429 and "Retry-After" in second.headers
    page = second.get_data(as_text=True)
    assert "HARIS_PROTECTED_MATCH_LIMIT" in page and person_id not in page
    assert trail(app) == [
        ("amal", "protected.matched", person_id, {}),
        ("amal", "protected.match_refused", "registry", {}),
    ]


def test_the_trainers_allowance_holds_across_the_hourly_pepper(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """Limiter keys change with the hour's pepper: read under this hour's key only, a new hour
    would give a used-up trainer a fresh allowance at once. It is read under the previous hour's
    key too, as it is counted."""
    from server.web.limits import Peppers

    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="1/hour")
    hours = [490_000 * 3_600.0]
    app.extensions["haris_limits"].peppers = Peppers(
        app.extensions["haris"].redis.limiter.client, clock=lambda: hours[0]
    )
    client = app.test_client()
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "stolen laptop")}
    _register(client, key)
    clone = {"platform": "x", "profile": CLONE}
    assert client.post("/v1/check", json=clone, headers=key).status_code == 200
    assert client.post("/v1/check", json=clone, headers=key).status_code == 429
    hours[0] += 3_600  # the next hour's pepper: the last hour's matches still count
    assert client.post("/v1/check", json=clone, headers=key).status_code == 429
    hours[0] += 3_600  # two peppers on, the matches were counted under keys no longer read
    assert client.post("/v1/check", json=clone, headers=key).status_code == 200

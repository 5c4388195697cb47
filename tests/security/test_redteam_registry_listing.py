"""Red team: copying the whole protected-people registry with a stolen key or console password.

Listing the registry a page at a time (``GET /v1/protected?cursor=``, ``/console/protected?after=``)
was audited page by page (``protected.listed``) but bounded by nothing: a stolen trainer key paged
through every protected person — names, accounts, photo fingerprints — in minutes. Now each
trainer (an API key by its label, a console account; never an address) is shown at most
``HARIS_REGISTRY_LIST_LIMIT`` distinct people by the listing in any hour
(``server.services.registry_listing``, one implementation behind both doors): past it every
listing request of hers is refused, 429 ``protected_list_limited`` with ``Retry-After``, the
registry unread and the refusal audited once (``protected.list_refused``, no person). People are
counted, not pages or requests: a person shown again within the hour counts once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server.config import ConfigError, load_config
from server.console import SESSION_COOKIE
from server.roles import Role
from server.services.protected import PAGE_SIZE
from server.storage.apikeys import create_api_key
from server.storage.audit import AUDIT_KEY, READ_ACTIONS
from server.storage.users import UserStore
from tests.api.test_protected_listing import HOW_MANY, fill_registry
from tests.console.conftest import PASSWORD, HttpsClient, console_browser
from tests.privacy.harness import dump_redis, find
from tests.security.test_redteam_registry import trail

# More than one page of people, less than two: the second page uses it up.
LIMIT = f"{PAGE_SIZE + 10}/hour"
_PERSON = re.compile(r'data-person="([0-9a-f]{16})"')
_NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def _key(redis_client: redis.Redis, label: str, role: Role = Role.TRAINER) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, role, label)}


def _api_page(client: FlaskClient, key: dict[str, str], cursor: str | None = None, **environ: str) -> TestResponse:
    query = {"cursor": cursor} if cursor else {}
    return client.get("/v1/protected", query_string=query, headers=key, environ_base=environ)


def _ids(answer: TestResponse) -> list[str]:
    return [person["id"] for person in answer.get_json()["people"]]


def _refused(answer: TestResponse) -> None:
    assert answer.status_code == 429, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"]["code"] == "protected_list_limited"
    assert "people" not in answer.get_json()
    assert 1 <= int(answer.headers["Retry-After"]) <= 3600


def _listing_trail(app: Flask) -> list[tuple[str, str, Any]]:
    """(actor, action, people listed or the target) of the listing's entries, oldest first."""
    return [
        (actor, action, detail.get("people", target))
        for actor, action, target, detail in trail(app)
        if action in {"protected.listed", "protected.list_refused"}
    ]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MAINTAINER])
def test_a_stolen_key_is_shown_at_most_its_allowance_of_people(
    make_app: Callable[..., Flask], redis_client: redis.Redis, role: Role
) -> None:
    """Two pages are answered (the second uses the allowance up and is answered in full); the
    third is refused, and so is the first page asked again: once used up, every listing request
    of the key is. A maintainer's key too: stolen, it is worse than a trainer's."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=LIMIT)
    registered = fill_registry(redis_client)
    client = app.test_client()
    key = _key(redis_client, "stolen laptop", role)
    first = _api_page(client, key)
    second = _api_page(client, key, first.get_json()["next"])
    assert first.status_code == second.status_code == 200
    shown = _ids(first) + _ids(second)
    assert len(shown) == 2 * PAGE_SIZE and set(shown) < registered  # someone was never shown
    _refused(_api_page(client, key, second.get_json()["next"]))
    _refused(_api_page(client, key))
    assert _listing_trail(app) == [
        ("key:stolen laptop", "protected.listed", PAGE_SIZE),
        ("key:stolen laptop", "protected.listed", PAGE_SIZE),
        ("key:stolen laptop", "protected.list_refused", "registry"),
        ("key:stolen laptop", "protected.list_refused", "registry"),
    ]
    assert "protected.list_refused" in READ_ACTIONS  # the audit page's "reads" show it
    # Another key has its own allowance.
    assert _api_page(client, _key(redis_client, "office desktop")).status_code == 200


def test_people_are_counted_once_an_hour_not_per_page_or_request(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """The first page read five times spends fifty, not two hundred and fifty: a trainer going
    back to her list is not locked out by it. The second page's fifty new people use it up."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=LIMIT)
    fill_registry(redis_client)
    client = app.test_client()
    key = _key(redis_client, "ngo laptop")
    answers = [_api_page(client, key) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [200] * 5
    assert len({tuple(_ids(answer)) for answer in answers}) == 1
    second = _api_page(client, key, answers[0].get_json()["next"])
    assert second.status_code == 200 and len(_ids(second)) == PAGE_SIZE
    _refused(_api_page(client, key, second.get_json()["next"]))


def test_the_allowance_is_the_keys_whatever_address_it_comes_from(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """A thief has many addresses: counted per address, each would get a fresh allowance."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=f"{PAGE_SIZE}/hour")
    fill_registry(redis_client)
    client = app.test_client()
    key = _key(redis_client, "stolen laptop")
    assert _api_page(client, key, REMOTE_ADDR="198.51.100.7").status_code == 200
    for address in ("198.51.100.7", "203.0.113.9", "2001:db8:1::1"):
        _refused(_api_page(client, key, REMOTE_ADDR=address))


def test_the_allowance_holds_across_the_hourly_pepper(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """Limiter keys change with the hour's pepper: read under this hour's key only, a new hour
    would give a used-up key a fresh allowance at once."""
    from server.web.limits import Peppers

    app = make_app(HARIS_REGISTRY_LIST_LIMIT=f"{PAGE_SIZE}/hour")
    hours = [490_000 * 3_600.0]
    app.extensions["haris_limits"].peppers = Peppers(
        app.extensions["haris"].redis.limiter.client, clock=lambda: hours[0]
    )
    fill_registry(redis_client)
    client = app.test_client()
    key = _key(redis_client, "stolen laptop")
    assert _api_page(client, key).status_code == 200
    _refused(_api_page(client, key))
    hours[0] += 3_600  # the next hour's pepper: the last hour's people still count
    _refused(_api_page(client, key))
    hours[0] += 3_600  # two peppers on, they were counted under keys no longer read
    assert _api_page(client, key).status_code == 200


def test_a_limiter_store_that_cannot_count_lists_nobody(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """Fails closed: what a key is shown must be counted. The console says so on its own page."""
    signed_in = _signed_in(make_app(), redis_client, "amal", Role.TRAINER)  # signing in needs the limiter
    app = make_app(HARIS_LIMITER_URL="redis://127.0.0.1:9/0")
    fill_registry(redis_client, 3)
    redis_client.delete(AUDIT_KEY)
    refused = _api_page(app.test_client(), _key(redis_client, "ngo laptop"))
    assert refused.status_code == 503 and refused.get_json()["error"]["code"] == "limiter_unavailable"
    app.test_client_class = HttpsClient
    browser = app.test_client()
    session = signed_in.get_cookie(SESSION_COOKIE, domain="localhost")
    assert session is not None
    browser.set_cookie(SESSION_COOKIE, session.value, domain="localhost", secure=True)
    page = browser.get("/console/protected")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert not _PERSON.findall(page.get_data(as_text=True))
    assert _listing_trail(app) == []


def _signed_in(app: Flask, redis_client: redis.Redis, username: str, role: Role) -> FlaskClient:
    UserStore(redis_client).create(username, PASSWORD, role)
    return console_browser(app, username)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MAINTAINER])
def test_the_consoles_list_is_counted_as_the_apis(
    make_app: Callable[..., Flask], redis_client: redis.Redis, role: Role
) -> None:
    """A stolen console password follows the "next" links: two pages, then the console's 429 page
    naming the setting, nobody of the third page on it, the refusal audited once. Her edits
    still save; the list they return to is refused."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=LIMIT)
    registered = fill_registry(redis_client)
    browser = _signed_in(app, redis_client, "amal", role)
    redis_client.delete(AUDIT_KEY)
    shown: list[str] = []
    path = "/console/protected"
    for _ in range(2):
        page = browser.get(path)
        assert page.status_code == 200
        shown += _PERSON.findall(page.get_data(as_text=True))
        path = html.unescape(_NEXT.search(page.get_data(as_text=True))[1])
    refused = browser.get(path)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 3600
    text = refused.get_data(as_text=True)
    assert "HARIS_REGISTRY_LIST_LIMIT" in text and not _PERSON.findall(text)
    assert not [person for person in registered - set(shown) if person in text]
    assert _listing_trail(app) == [
        ("amal", "protected.listed", PAGE_SIZE),
        ("amal", "protected.listed", PAGE_SIZE),
        ("amal", "protected.list_refused", "registry"),
    ]
    # Her key's allowance and another trainer's are their own.
    other = _signed_in(app, redis_client, "sara", Role.TRAINER)
    assert other.get("/console/protected").status_code == 200
    # An edit still saves; the list it goes back to is refused, the save said on it.
    person = shown[0]
    edit = browser.get(f"/console/protected/{person}/edit").get_data(as_text=True)
    form = {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', edit)[1],
        "version": re.search(r'name="version" value="([0-9a-f]*)"', edit)[1],
        "display_names": "Renamed Person",
        "accounts": "x id:42",
    }
    saved = browser.post(f"/console/protected/{person}/edit", data=form)
    assert saved.status_code == 303
    back = browser.get(saved.headers["Location"])
    assert back.status_code == 429 and "Saved." in back.get_data(as_text=True)
    assert app.test_client().get(f"/v1/protected/{person}", headers=_key(redis_client, "check")).get_json()[
        "display_names"
    ] == ["Renamed Person"]


def test_a_seized_limiter_store_names_no_trainer_and_no_person(
    make_app: Callable[..., Flask], redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    """The counters are keyed by peppered HMACs of the trainer and of trainer and person: a copy
    of the limiter store says how many trainers listed how many people, not who or whom."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=LIMIT)
    registered = fill_registry(redis_client, PAGE_SIZE)
    assert _api_page(app.test_client(), _key(redis_client, "MRKLABELQ7Z")).status_code == 200
    entries = dump_redis(limiter_client)
    names = [entry.key.decode() for entry in entries]
    # The trainer's window under this hour's pepper and the previous hour's; a mark per person.
    assert sum("/protected-listed/" in name for name in names) == 2
    assert sum("/protected-listed-person/" in name for name in names) == PAGE_SIZE
    assert all(0 < entry.ttl <= 3600 for entry in entries if "/protected-listed" in entry.key.decode())
    seized = b"\n".join(entry.blob() for entry in entries)
    assert find(["MRKLABELQ7Z", "Person 1", *registered], seized) == []


@pytest.mark.parametrize("value", ["lots", "200/day", "200/hour;many"])
def test_a_listing_limit_that_cannot_be_counted_is_refused_at_start_up(value: str) -> None:
    with pytest.raises(ConfigError, match="HARIS_REGISTRY_LIST_LIMIT"):
        load_config({"HARIS_REGISTRY_LIST_LIMIT": value})


def test_the_openapi_document_names_the_refusal(make_app: Callable[..., Flask]) -> None:
    document = make_app().test_client().get("/openapi.json").get_json()
    listing = document["paths"]["/v1/protected"]["get"]
    assert "protected_list_limited" in listing["responses"]["429"]["description"]
    assert "HARIS_REGISTRY_LIST_LIMIT" in listing["description"]


def test_the_default_lets_a_trainer_see_four_pages_an_hour() -> None:
    from limits import parse_many

    from server.config import DEFAULTS

    (limit,) = parse_many(DEFAULTS["HARIS_REGISTRY_LIST_LIMIT"])
    assert limit.amount == 4 * PAGE_SIZE and limit.get_expiry() == 3600
    assert limit.amount > HOW_MANY  # the listing tests' registry is read whole under it


@pytest.mark.parametrize("allowance", ["protected_matches_of", "protected_listing_of"])
def test_a_count_past_the_limit_uses_the_allowance_up(make_app: Callable[..., Flask], allowance: str) -> None:
    """A moving window records a charge only whole: one person short of the limit, a page (or a
    check, or a report queue page) showing two new people recorded nothing, and the next did the
    same, forever. What was shown past the limit now uses it up, matches and listing alike."""
    from server.web.limits import limits

    app = make_app(HARIS_PROTECTED_MATCH_LIMIT="3/hour", HARIS_REGISTRY_LIST_LIMIT="3/hour")
    with app.test_request_context():
        counted = getattr(limits(), allowance)("key:stolen laptop")
        assert counted.charge(2, refuse=False)
        assert not counted.standing().used_up
        assert not counted.charge(2, refuse=False)  # two more people shown: past the limit
        assert counted.standing().used_up


def test_one_persons_record_is_counted_as_a_person_shown(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """Ids are found outside the listing (the audit page names everyone registered in the year,
    by id): opened one by one they read the registry past the allowance. A person already shown
    this hour opens again whatever the allowance; anyone else is refused once it is used up."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=f"{PAGE_SIZE}/hour")
    registered = fill_registry(redis_client, PAGE_SIZE + 5)
    client = app.test_client()
    key = _key(redis_client, "stolen laptop")
    first = _api_page(client, key)
    assert first.status_code == 200
    shown, unseen = _ids(first), sorted(registered - set(_ids(first)))
    assert client.get(f"/v1/protected/{shown[0]}", headers=key).status_code == 200  # free: shown already
    _refused(client.get(f"/v1/protected/{unseen[0]}", headers=key))
    _refused(client.get(f"/v1/protected/{'0' * 16}", headers=key))  # no oracle of which ids exist
    assert client.get(f"/v1/protected/{shown[0]}", headers=key).status_code == 200  # a refusal marks nobody
    # One at a time, a fresh key's records use its allowance up as its pages do.
    other = _key(redis_client, "office desktop")
    for person in sorted(registered)[:PAGE_SIZE]:
        assert client.get(f"/v1/protected/{person}", headers=other).status_code == 200
    _refused(client.get(f"/v1/protected/{sorted(registered)[PAGE_SIZE]}", headers=other))
    _refused(_api_page(client, other))


def test_the_consoles_edit_page_is_counted_as_a_person_shown(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=f"{PAGE_SIZE}/hour")
    registered = fill_registry(redis_client, PAGE_SIZE + 5)
    browser = _signed_in(app, redis_client, "amal", Role.MAINTAINER)
    listed = browser.get("/console/protected")
    shown = _PERSON.findall(listed.get_data(as_text=True))
    assert listed.status_code == 200 and len(shown) == PAGE_SIZE
    assert browser.get(f"/console/protected/{shown[-1]}/edit").status_code == 200  # her Edit link stays open
    unseen = sorted(registered - set(shown))[0]
    refused = browser.get(f"/console/protected/{unseen}/edit")
    assert refused.status_code == 429 and "HARIS_REGISTRY_LIST_LIMIT" in refused.get_data(as_text=True)
    assert "Person " not in refused.get_data(as_text=True)  # her record is not on it (her id is: the URL)
    assert _listing_trail(app)[-1] == ("amal", "protected.list_refused", "registry")
    # A save refused (a blank name) shows her stored record again: counted as her edit page is.
    token = re.search(r'name="csrf_token" value="([^"]+)"', listed.get_data(as_text=True))[1]
    post = {"csrf_token": token, "version": "0" * 32, "display_names": "", "accounts": ""}
    refused_save = browser.post(f"/console/protected/{unseen}/edit", data=post)
    assert refused_save.status_code == 429 and "Person " not in refused_save.get_data(as_text=True)
    shown_save = browser.post(f"/console/protected/{shown[-1]}/edit", data=post)
    assert shown_save.status_code == 422  # someone shown to her this hour: her form comes back


def test_the_new_case_forms_picker_is_counted_as_the_list(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    """The new-case form offers the registry a page at a time too ("next people" posts the form
    again with the next page). It read through the uncounted page read, so a stolen password paged
    the whole registry there, past the list's allowance. Now it is the same listing: two pages,
    then the form without the picker (a case can still be typed and opened), the list refused
    too, and an id she was not shown refused when the case is opened with it."""
    app = make_app(HARIS_REGISTRY_LIST_LIMIT=LIMIT)
    registered = fill_registry(redis_client)
    browser = _signed_in(app, redis_client, "amal", Role.TRAINER)
    redis_client.delete(AUDIT_KEY)
    option = re.compile(r'<option value="([0-9a-f]{16})"')
    following = re.compile(r'name="registry_after" value="([0-9a-f]{16})"')
    page = browser.get("/console/cases/new").get_data(as_text=True)
    shown = option.findall(page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    page = browser.post(
        "/console/cases/new", data={"csrf_token": token, "registry_after": following.search(page)[1]}
    ).get_data(as_text=True)
    shown += option.findall(page)
    assert len(shown) == 2 * PAGE_SIZE
    withheld = browser.post(
        "/console/cases/new", data={"csrf_token": token, "registry_after": following.search(page)[1]}
    )
    assert withheld.status_code == 200
    text = withheld.get_data(as_text=True)
    assert "HARIS_REGISTRY_LIST_LIMIT" in text and not option.findall(text)
    assert not [person for person in registered - set(shown) if person in text]
    assert _listing_trail(app) == [
        ("amal", "protected.listed", PAGE_SIZE),
        ("amal", "protected.listed", PAGE_SIZE),
        ("amal", "protected.list_refused", "registry"),
    ]
    assert browser.get("/console/protected").status_code == 429  # one allowance for both
    # A case naming someone she was not shown (a forged field) is refused, her names not read into it.
    unseen = sorted(registered - set(shown))[0]
    typed = {
        "csrf_token": token,
        "platform": "x",
        "suspect_profile_url": "https://x.com/ha1a_ahed",
        "suspect_display_name": "Hala Ahed",
        "impersonated_platform": "x",
        "impersonated_profile_url": "https://x.com/hala_ahed",
    }
    refused = browser.post("/console/cases/new", data={**typed, "protected_id": unseen})
    assert refused.status_code == 429 and "HARIS_REGISTRY_LIST_LIMIT" in refused.get_data(as_text=True)
    assert not redis_client.keys("haris:{cases}:case:*")
    # One she was shown is picked, free; and a case typed by hand opens as ever.
    picked = browser.post("/console/cases/new", data={**typed, "protected_id": shown[-1]})
    assert picked.status_code == 303, re.findall(r"flash.{0,400}", picked.get_data(as_text=True))
    typed_by_hand = browser.post("/console/cases/new", data={**typed, "impersonated_display_name": "Hala Ahed"})
    assert typed_by_hand.status_code == 303

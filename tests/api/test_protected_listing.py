"""``GET /v1/protected`` a page at a time: each request reads a bounded number of records, page
after page covers everyone once, a cursor that is no page's ``next`` is a 422, each page audited."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from server.roles import Role
from server.schemas import ProtectedCreate
from server.services.protected import PAGE_SIZE
from server.storage.apikeys import create_api_key
from server.storage.audit import AuditLog
from server.storage.protected import ProtectedStore
from tests.api.test_openapi import response_schema, validator_for
from tests.api.test_protected import HALA

HOW_MANY = 2 * PAGE_SIZE + 7  # three pages, the last one short


@pytest.fixture
def trainer(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo-trainer")}


def fill_registry(redis_client: redis.Redis, count: int = HOW_MANY) -> set[str]:
    """``count`` people written straight to the store (as the API would store them): their ids."""
    store = ProtectedStore(redis_client)
    return {
        store.add(ProtectedCreate.model_validate({**HALA, "display_names": [f"Person {number}"]}), "seed")
        for number in range(count)
    }


def pages(client: FlaskClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        response = client.get("/v1/protected", query_string={"cursor": cursor} if cursor else {}, headers=headers)
        assert response.status_code == 200, response.get_json()
        answers.append(response.get_json())
        cursor = answers[-1]["next"]
        if cursor is None:
            return answers
        assert len(answers) < 10, "the cursor does not move"


def test_pages_cover_everyone_exactly_once_in_bounded_pages(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    registered = fill_registry(redis_client)
    answers = pages(client, trainer)
    assert [len(answer["people"]) for answer in answers] == [PAGE_SIZE, PAGE_SIZE, 7]
    listed = [person["id"] for answer in answers for person in answer["people"]]
    assert len(listed) == len(set(listed)) and set(listed) == registered
    assert listed == sorted(listed)  # the order of their ids: a cursor is the last id shown
    document = client.get("/openapi.json").get_json()
    validator = validator_for(document, response_schema(document, "/v1/protected", "get", 200))
    for answer in answers:
        validator.validate(answer)
    assert "next" in document["components"]["schemas"]["ProtectedList"]["properties"]


def test_an_old_client_without_a_cursor_gets_the_first_page_and_a_next(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    fill_registry(redis_client, PAGE_SIZE + 1)
    first = client.get("/v1/protected", headers=trainer).get_json()
    assert len(first["people"]) == PAGE_SIZE and first["next"] == first["people"][-1]["id"]
    # A person's full record, as before: a client reading one page sees what it saw.
    assert set(first["people"][0]) >= {"display_names", "accounts", "avatar_hashes", "never_confirm"}


def test_people_added_or_deleted_between_pages_do_not_shift_the_others(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    registered = fill_registry(redis_client, PAGE_SIZE + 5)
    first = client.get("/v1/protected", headers=trainer).get_json()
    store = ProtectedStore(redis_client)
    assert store.delete(first["people"][0]["id"]) and store.delete(first["next"])  # the cursor's own person too
    rest = client.get("/v1/protected", query_string={"cursor": first["next"]}, headers=trainer).get_json()
    listed = [p["id"] for p in first["people"]] + [p["id"] for p in rest["people"]]
    assert len(listed) == len(set(listed)) and set(listed) == registered and rest["next"] is None


def test_a_bad_cursor_is_a_422_naming_it(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    fill_registry(redis_client, 3)
    for cursor in ("nonsense", "0123456789ABCDEF", "0123456789abcdef0", "' OR 1=1", ""):
        response = client.get("/v1/protected", query_string={"cursor": cursor}, headers=trainer)
        assert response.status_code == 422, cursor
        assert response.get_json()["error"]["code"] == "invalid_value"
        assert response.get_json()["error"]["field"] == "cursor"
    # A well-formed cursor past the last id: an empty last page, not an error.
    last = client.get("/v1/protected", query_string={"cursor": "f" * 16}, headers=trainer).get_json()
    assert last == {"people": [], "next": None}


def test_each_page_is_audited_with_how_many_people_it_listed(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    fill_registry(redis_client)
    answers = pages(client, trainer)
    listed = [e for e in AuditLog(redis_client).recent() if e["action"] == "protected.listed"]
    assert [e["actor"] for e in listed] == ["key:ngo-trainer"] * 3
    assert [e["detail"]["people"] for e in reversed(listed)] == [PAGE_SIZE, PAGE_SIZE, 7]
    assert [e["detail"].get("after") for e in reversed(listed)] == [None, answers[0]["next"], answers[1]["next"]]

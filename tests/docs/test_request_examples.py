"""The request bodies the documents show (``curl … -d '{…}'``) are ones the API accepts: each is
JSON and validates against the model its route validates with. A field renamed or made required
would otherwise leave README.md's first example refused with a 400."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import BaseModel

from server.escalation.model import CaseCreate, StatusUpdate
from server.schemas import CheckRequest, ProtectedCreate
from tests.docs.test_commands_exist import texts

# The route a body is sent to → the model its blueprint validates it with (server/api/*.py).
MODELS: dict[str, type[BaseModel]] = {
    r"/v1/check": CheckRequest,
    r"/v1/protected": ProtectedCreate,
    r"/v1/cases": CaseCreate,
    r"/v1/cases/[^/]+/status": StatusUpdate,
}
CURL = re.compile(r"curl\b[^\n]*?-d '(?P<body>\{.*?\})'", re.S)
ROUTE = re.compile(r"/v1/[\w/$.{}-]+")


def examples() -> list[tuple[str, str, str]]:
    """(where, route, body) of every curl that sends a JSON body."""
    found = []
    for where, text in texts():
        text = text.replace("\\\n", " ")
        for match in CURL.finditer(text):
            route = ROUTE.search(match.group(0))
            assert route is not None, f"{where}: a curl with a body and no /v1 route"
            found.append((where, route.group(0), match["body"]))
    return found


def model_for(route: str) -> type[BaseModel]:
    for pattern, model in MODELS.items():
        if re.fullmatch(pattern, route):
            return model
    raise AssertionError(f"no model known for {route}: add it to MODELS")


def test_examples_are_found() -> None:
    routes = {route for _, route, _ in examples()}
    assert {"/v1/check", "/v1/protected", "/v1/cases"} <= routes


@pytest.mark.parametrize(("where", "route", "body"), examples(), ids=[f"{w} {r}" for w, r, _ in examples()])
def test_every_example_body_is_one_its_route_accepts(where: str, route: str, body: str) -> None:
    model_for(route).model_validate(json.loads(body))


def test_a_body_the_route_refuses_fails() -> None:
    with pytest.raises(ValueError):
        model_for("/v1/check").model_validate({"platform": "myspace", "profile": {"handle": "x"}})

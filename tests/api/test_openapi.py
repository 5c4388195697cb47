"""``/openapi.json`` describes what the server really does: real responses validate against it."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from flask.testing import FlaskClient
from referencing import Registry
from referencing.jsonschema import DRAFT202012


def validator_for(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for one schema of the document, resolving its ``#/components/...`` refs."""
    registry = Registry().with_resource("urn:openapi", DRAFT202012.create_resource(document))
    return jsonschema.Draft202012Validator(_rewrite_refs(schema), registry=registry)


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: "urn:openapi" + v if k == "$ref" else _rewrite_refs(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    return client.get("/openapi.json").get_json()


def response_schema(document: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    responses = document["paths"][path][method]["responses"]
    entry = responses[str(status)]
    return entry["content"]["application/json"]["schema"]


def test_document_lists_every_route_the_app_serves(client: FlaskClient, document: dict[str, Any]) -> None:
    # The console's HTML pages are not part of the JSON API.
    served = {
        rule.rule
        for rule in client.application.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.startswith("console.")
    }
    described = set(document["paths"])
    as_openapi = {rule.replace("<", "{").replace(">", "}") for rule in served}
    assert as_openapi == described
    for path, methods in document["paths"].items():
        rule_methods = {
            m.lower()
            for r in client.application.url_map.iter_rules()
            if not r.endpoint.startswith("console.") and r.rule.replace("<", "{").replace(">", "}") == path
            for m in r.methods - {"HEAD", "OPTIONS"}
        }
        assert set(methods) == rule_methods, path


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"platform": "x", "profile": {"posts": 0, "handle": "ab12345678", "joined": "2026-11"}, "locale": "fr"}, 200),
        ({"platform": "nope"}, 422),
        ({}, 400),
    ],
)
def test_check_responses_match_the_document(
    client: FlaskClient, document: dict[str, Any], body: Any, status: int
) -> None:
    response = client.post("/v1/check", json=body)
    assert response.status_code == status
    validator_for(document, response_schema(document, "/v1/check", "post", status)).validate(response.get_json())


def test_valid_requests_validate_against_the_request_schema(document: dict[str, Any]) -> None:
    schema = document["paths"]["/v1/check"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    validator = validator_for(document, schema)
    validator.validate({"platform": "x", "profile": {"followers": 3, "joined": "2024-01-02"}, "contacts": []})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"platform": "myspace"})


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/v1/rules"])
def test_simple_get_responses_match(client: FlaskClient, document: dict[str, Any], path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.get_data(as_text=True))  # Redis is up: all is well
    validator_for(document, response_schema(document, path, "get", response.status_code)).validate(response.get_json())

"""``/openapi.json``: generated from the same pydantic models that validate requests."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from server.schemas import Accepted, CheckRequest, CheckResponse, ErrorResponse, ReportRequest, RulesPublished

REF = "#/components/schemas/{model}"
# Other modules register their models and paths here before the document is first built.
MODELS: list[type[BaseModel]] = [CheckRequest, CheckResponse, ErrorResponse, ReportRequest, Accepted, RulesPublished]
PATHS: dict[str, dict[str, Any]] = {}


def ref(model: type[BaseModel] | str) -> dict[str, str]:
    name = model if isinstance(model, str) else model.__name__
    return {"$ref": REF.format(model=name)}


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(ErrorResponse)}}}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# What a route behind an API key may answer besides its own errors.
AUTH_ERRORS = {
    "401": error("No or invalid API key."),
    "403": error("The key's role does not allow this."),
    "503": error("Storage is unavailable."),
}
COMMON_ERRORS = {
    "400": error("Malformed JSON or wrong shape; `field` names the path."),
    "413": error("Body or image too large."),
    "415": error("Unsupported media type."),
    "422": error("Valid JSON with invalid values; `field` names the path."),
    "429": error("Rate limited; see Retry-After."),
}

PATHS["/v1/check"] = {
    "post": {
        "summary": "Score one profile",
        "operationId": "check",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": ref(CheckRequest)},
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["check"],
                        "properties": {
                            "check": {"type": "string", "description": "The CheckRequest as JSON."},
                            "avatar": {"type": "string", "format": "binary"},
                        },
                    }
                },
            },
        },
        "responses": {"200": json_response("The report.", ref(CheckResponse)), **COMMON_ERRORS},
    }
}
PATHS["/v1/reports"] = {
    "post": {
        "summary": "Report a profile for trainers to review (anonymous)",
        "operationId": "createReport",
        "requestBody": {"required": True, "content": {"application/json": {"schema": ref(ReportRequest)}}},
        "responses": {
            "202": json_response("Queued", ref(Accepted)),
            **COMMON_ERRORS,
            "503": error("Storage is unavailable."),
        },
    }
}
PATHS["/v1/rules"] = {
    "get": {
        "summary": "The active rules (public, for transparency)",
        "operationId": "getRules",
        "responses": {
            "200": {
                **json_response("Rules", {"type": "object", "required": ["version", "bias", "levels", "signals"]}),
                "headers": {
                    "ETag": {
                        "description": "Names the publication of these rules; send it as If-Match to"
                        " POST /v1/admin/rules with rules made from them.",
                        "schema": {"type": "string"},
                    }
                },
            }
        },
    }
}
PATHS["/v1/admin/rules"] = {
    "post": {
        "summary": "Publish a new rules version to every worker (maintainer: Authorization: Bearer <key>)",
        "operationId": "publishRules",
        "parameters": [
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "description": "Optional: the ETag of GET /v1/rules the new file was made from. The file is"
                " published only if those rules are still in force (checked in the transaction that writes"
                " it), else 409 rules_changed. Without it (or with *), the last publication wins.",
                "schema": {"type": "string"},
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/toml": {"schema": {"type": "string", "description": "A rules file (TOML)"}},
                "text/plain": {"schema": {"type": "string", "description": "A rules file (TOML)"}},
            },
        },
        "responses": {
            "200": json_response("Published; the old rules are replaced within about a second", ref(RulesPublished)),
            "400": error("Not UTF-8 (bad_encoding), or an If-Match no GET /v1/rules gives (bad_if_match)."),
            "401": error("No or unknown API key."),
            "403": error("The key is not a maintainer's."),
            "409": error(
                "rules_changed: other rules were published since those If-Match names; the message names"
                " their version, generation and ETag. Nothing changed. Decided before the file is read:"
                " a stale If-Match gets 409 whatever the file holds."
            ),
            "413": error("Rules file too large."),
            "415": error("Not application/toml or text/plain."),
            "422": error("Invalid rules (or the version already in force); `field` names the key. Nothing changed."),
            "503": error("Redis is unavailable; nothing changed."),
        },
    }
}
_STATUS = {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}}
PATHS["/healthz"] = {
    "get": {"summary": "Process is up", "operationId": "healthz", "responses": {"200": json_response("Up", _STATUS)}}
}
PATHS["/readyz"] = {
    "get": {
        "summary": "Redis reachable and rules loaded",
        "operationId": "readyz",
        "responses": {"200": json_response("Ready", _STATUS), "503": json_response("Not ready", _STATUS)},
    }
}
PATHS["/metrics"] = {
    "get": {
        "summary": "Prometheus metrics (maintainer key); checks by level and findings by code are held back",
        "operationId": "metrics",
        "responses": {
            "200": {"description": "Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}},
            "401": error("No or invalid API key."),
            "403": error("The key's role does not allow this."),
            "429": error("Too many failed keys from this address."),
        },
    }
}
PATHS["/openapi.json"] = {
    "get": {
        "summary": "This document",
        "operationId": "openapi",
        "responses": {"200": json_response("OpenAPI 3.1", {"type": "object"})},
    }
}


@cache
def openapi_document() -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(m, "validation" if m is CheckRequest else "serialization") for m in MODELS], ref_template=REF
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Haris API",
            "version": "1",
            "description": "Warns people that a social-media profile is likely fake.",
        },
        "paths": PATHS,
        "components": {"schemas": schemas.get("$defs", {})},
    }

"""Protected people over the JSON API (trainer role): ``POST /v1/protected`` → 201 ``{"id"}``,
``GET /v1/protected`` (a page: ``?cursor=`` the previous page's ``next``), ``GET /v1/protected/{id}``,
``DELETE /v1/protected/{id}`` → 204.

A photo hash in a form that never confirms a match (a bare 64-bit phash, version 1) → 422
``legacy_fingerprint`` naming ``avatar_hashes.N``; the listing names such hashes stored before
(``never_confirm``). A near-blank picture → 422 ``low_information_fingerprint``, a copy of a
``platform-defaults`` picture → 422 ``common_picture`` (sent as a photo or a hash:
:mod:`server.services.avatars`).

Reads and changes go through :mod:`server.services.protected`, as the console's pages do, and
are audited alike.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, g, jsonify, request

from server.roles import Role
from server.schemas import Accepted, ProtectedCreate, ProtectedList, ProtectedPersonOut
from server.services import Actor, protected, registry_listing
from server.web import openapi
from server.web.auth import key_actor, require_role
from server.web.body import json_body, validate
from server.web.errors import APIError, answer_storage_errors

bp = Blueprint("protected", __name__, url_prefix="/v1")
answer_storage_errors(bp, "The registry cannot be reached; try again later.")


def _actor() -> Actor:
    return Actor(key_actor(), g.role.value, "api")


@bp.post("/protected")
@require_role(Role.TRAINER)
def create() -> Any:
    person_id = protected.register(validate(ProtectedCreate, json_body(request)), _actor())
    return jsonify(Accepted(id=person_id).model_dump()), 201


@bp.get("/protected")
@require_role(Role.TRAINER)
def list_people() -> Any:
    """A page of the registry (``protected.PAGE_SIZE`` people): without ``cursor`` the first, and
    ``next`` the cursor of the following one (null on the last); within the key's
    ``HARIS_REGISTRY_LIST_LIMIT`` (:mod:`server.services.registry_listing`)."""
    found, following = registry_listing.page(_actor(), request.args.get("cursor"))
    people = [protected.shown(p) for p in found]
    return jsonify(json.loads(ProtectedList(people=people, next=following).model_dump_json()))


@bp.get("/protected/<person_id>")
@require_role(Role.TRAINER)
def get_person(person_id: str) -> Any:
    person = registry_listing.person(person_id, _actor())  # within HARIS_REGISTRY_LIST_LIMIT
    if person is None:
        raise APIError(404, "not_found", "No protected person with this id.")
    return jsonify(json.loads(protected.shown(person).model_dump_json()))


@bp.delete("/protected/<person_id>")
@require_role(Role.TRAINER)
def delete_person(person_id: str) -> Any:
    if not protected.delete(person_id, _actor()):
        raise APIError(404, "not_found", "No protected person with this id.")
    return "", 204


openapi.MODELS.extend([ProtectedCreate, ProtectedPersonOut, ProtectedList])
_ID_PARAMETER = [{"name": "person_id", "in": "path", "required": True, "schema": {"type": "string"}}]
openapi.PATHS["/v1/protected"] = {
    "post": {
        "summary": "Register a protected person (trainer)",
        "operationId": "createProtected",
        "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref(ProtectedCreate)}}},
        "responses": {
            "201": openapi.json_response("Registered", openapi.ref(Accepted)),
            **{code: e for code, e in openapi.COMMON_ERRORS.items() if code != "429"},  # not rate-limited
            "422": openapi.error(
                "Valid JSON with invalid values; `field` names the path. A photo hash that is no"
                " fingerprint → `invalid_value`; one in a form that never confirms a match (a bare"
                " 64-bit hash, a version 1 fingerprint) → `legacy_fingerprint` (`avatar_hashes.N`);"
                " a near-blank picture → `low_information_fingerprint`; a copy of a `platform-defaults`"
                " picture (a default silhouette, a logo) → `common_picture`: either would name every"
                " account wearing it as her impersonator."
            ),
            **openapi.AUTH_ERRORS,
        },
    },
    "get": {
        "summary": "A page of protected people, in the order of their ids (trainer)",
        "description": (
            f"At most {protected.PAGE_SIZE} people a page. Without `cursor`, the first page; `next` in the"
            " answer is the `cursor` of the following page (null on the last). Page after page covers"
            " everyone registered throughout exactly once. Each page is audited (`protected.listed`)."
            " The people a key is shown are counted against `HARIS_REGISTRY_LIST_LIMIT` (by default 200"
            " in any hour, per key label, maintainer keys too): each distinct person once a clock hour,"
            " however many pages or requests show her. Once it is used up every listing request of the"
            " key is refused (429 `protected_list_limited`, `Retry-After`), the refusal audited"
            " (`protected.list_refused`); the page that uses it up is answered in full."
        ),
        "operationId": "listProtected",
        "parameters": [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The `next` of the previous page.",
                "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
            }
        ],
        "responses": {
            "200": openapi.json_response("A page of protected people", openapi.ref(ProtectedList)),
            "422": openapi.error("`invalid_value` (`cursor`): a cursor that is no page's `next`."),
            "429": openapi.error(
                "`protected_list_limited`: the listing has shown this key `HARIS_REGISTRY_LIST_LIMIT`"
                " protected people in the window; nothing is read until `Retry-After` seconds have passed."
            ),
            **openapi.AUTH_ERRORS,
            "503": openapi.error(
                "Storage is unavailable, or `limiter_unavailable`: the limiter store cannot count what"
                " the key would be shown (fails closed)."
            ),
        },
    },
}
openapi.PATHS["/v1/protected/{person_id}"] = {
    "get": {
        "summary": "One protected person (trainer)",
        "description": (
            "Audited (`protected.viewed`) and counted as a person the listing shows (`HARIS_REGISTRY_LIST_LIMIT`):"
            " free for a person the key was shown this clock hour, refused for any other once the allowance"
            " is used up."
        ),
        "operationId": "getProtected",
        "parameters": _ID_PARAMETER,
        "responses": {
            "200": openapi.json_response("The person", openapi.ref(ProtectedPersonOut)),
            "404": openapi.error("No such id."),
            "429": openapi.error("`protected_list_limited`: as for the listing; see `Retry-After`."),
            **openapi.AUTH_ERRORS,
        },
    },
    "delete": {
        "summary": "Stop protecting a person (trainer)",
        "operationId": "deleteProtected",
        "parameters": _ID_PARAMETER,
        "responses": {"204": {"description": "Deleted"}, "404": openapi.error("No such id."), **openapi.AUTH_ERRORS},
    },
}

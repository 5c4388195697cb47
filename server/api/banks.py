"""Trainer and maintainer endpoints for hash banks (described at ``/openapi.json``).

- ``POST /v1/banks/{bank}/entries`` (trainer): one photo (``avatar``, base64) or fingerprint
  (``avatar_hash``) with a label → 201 ``{"id"}``. The photo is fingerprinted and dropped. A
  fingerprint in a form that never confirms a match (a bare phash, version 1) → 422
  ``legacy_fingerprint``; a flat picture → 422 ``low_information_fingerprint``; a copy of a picture
  of the ``platform-defaults`` bank, outside that bank → 422 ``common_picture``
  (:func:`server.services.avatars.refuse_common_picture`). The ``platform-defaults`` bank itself
  is a maintainer's: a trainer's key naming it → 403 ``forbidden`` (reason
  ``defaults_maintainer_only``, ``field`` ``bank``) before the photo is read, since a picture
  there silences every other bank's entries of it (:mod:`server.services.defaults_bank`); a
  maintainer's answer adds ``shadowed_entries``, how many entries of other banks a check of the
  picture confirms (those it now silences; a count, never which).
- ``GET /v1/banks`` (trainer): names, entry counts and versions.
- ``GET /v1/banks/{bank}/export`` (trainer): JSONL, one entry per line (``platform-defaults`` too).
- ``POST /v1/banks/{bank}/import`` (maintainer): JSONL as exported; all lines are validated before
  any is written. Maintainer, because a bulk import adopts another organisation's labels for
  every check at once, while a trainer's entries are vetted one by one. The file is bounded by
  the request body limit (``HARIS_MAX_BODY_BYTES``); larger banks go through ``flask bank import``.

The console's bank pages and ``flask bank`` go through the same functions
(:mod:`server.services.banks`), so an entry added or a file imported from any door is checked,
stored and audited the same way.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from server.roles import Role
from server.schemas import BankEntryRequest, BankList, BankSummary, ImportResult
from server.services import Actor
from server.services.avatars import MAX_AVATAR_BYTES
from server.services.banks import (
    add_to_bank,
    bank_name,
    bank_summaries,
    entries_from_jsonl,
    export_lines,
    import_into_bank,
    new_entry,
)
from server.services.defaults_bank import refuse_defaults_write
from server.web import openapi
from server.web.auth import key_actor, require_role
from server.web.body import decode_base64, json_body, read_body, validate
from server.web.downloads import jsonl_download
from server.web.errors import APIError, answer_storage_errors

bp = Blueprint("banks", __name__, url_prefix="/v1/banks")
answer_storage_errors(bp, "The banks are unavailable; try again later.")

JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines", "text/plain"}


def _actor() -> Actor:
    return Actor(key_actor(), g.role.value, "api")


@bp.post("/<bank>/entries")
@require_role(Role.TRAINER)
def add_entry(bank: str) -> Any:
    bank = bank_name(bank)
    refuse_defaults_write(bank, _actor())  # platform-defaults: a maintainer's, before any work
    body = validate(BankEntryRequest, json_body(request))
    avatar = decode_base64(body.avatar, "avatar", MAX_AVATAR_BYTES) if body.avatar else None
    entry = new_entry(bank, body, avatar, _actor())
    del avatar  # fingerprinted, never kept
    shadowed = add_to_bank(bank, entry, _actor())
    answer: dict[str, Any] = {"id": entry.stored.id}
    if shadowed is not None:  # the defaults bank (a maintainer's): how many entries it now silences
        answer["shadowed_entries"] = shadowed
    return answer, 201


@bp.get("")
@require_role(Role.TRAINER)
def list_banks() -> Any:
    return BankList(banks=bank_summaries()).model_dump()


@bp.get("/<bank>/export")
@require_role(Role.TRAINER)
def export_bank(bank: str) -> Any:
    lines = export_lines(bank_name(bank), _actor())
    if lines is None:
        raise APIError(404, "not_found", "No such bank.", "bank")
    return jsonl_download(bank, lines)


@bp.post("/<bank>/import")
@require_role(Role.MAINTAINER)
def import_bank(bank: str) -> Any:
    bank = bank_name(bank)
    if request.mimetype not in JSONL_TYPES:
        raise APIError(415, "unsupported_media_type", "Send JSONL (application/x-ndjson).")
    # read_body, not get_data: a chunked body over the limit is refused, never cut short and
    # imported in part.
    entries = entries_from_jsonl(read_body(request).splitlines())
    return ImportResult(imported=import_into_bank(bank, entries, _actor())).model_dump()


def _register_openapi() -> None:
    openapi.MODELS.extend([BankEntryRequest, BankList, BankSummary, ImportResult])
    auth_errors = openapi.AUTH_ERRORS
    bank_param = [{"name": "bank", "in": "path", "required": True, "schema": {"type": "string"}}]
    created = {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string"},
            "shadowed_entries": {
                "type": "integer",
                "minimum": 0,
                "description": "Only for the platform-defaults bank (a maintainer's): how many entries of the other"
                " banks a check of this picture confirms, which it now silences (a count, never which; at least"
                " that many). Absent when the banks could not be read.",
            },
        },
    }
    openapi.PATHS["/v1/banks"] = {
        "get": {
            "summary": "List hash banks (trainer)",
            "operationId": "listBanks",
            "responses": {"200": openapi.json_response("Banks", openapi.ref(BankList)), **auth_errors},
        }
    }
    openapi.PATHS["/v1/banks/{bank}/entries"] = {
        "post": {
            "summary": "Add a photo or fingerprint to a bank (trainer; the platform-defaults bank: maintainer)",
            "operationId": "addBankEntry",
            "parameters": bank_param,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": openapi.ref(BankEntryRequest)}},
            },
            "responses": {
                "201": openapi.json_response("Added", created),
                **openapi.COMMON_ERRORS,
                **auth_errors,
                "403": openapi.error(
                    "The key's role does not allow this; for the platform-defaults bank a trainer's key gets"
                    " `forbidden` with reason `defaults_maintainer_only` and `field` `bank`."
                ),
            },
        }
    }
    openapi.PATHS["/v1/banks/{bank}/export"] = {
        "get": {
            "summary": "Export a bank as JSONL (trainer)",
            "operationId": "exportBank",
            "parameters": bank_param,
            "responses": {
                "200": {
                    "description": "One entry per line",
                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
                },
                "404": openapi.error("No such bank."),
                "422": openapi.error("Not a valid bank name; `field` is `bank`."),
                **auth_errors,
            },
        }
    }
    openapi.PATHS["/v1/banks/{bank}/import"] = {
        "post": {
            "summary": "Import JSONL entries into a bank (maintainer)",
            "operationId": "importBank",
            "parameters": bank_param,
            "requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
            "responses": {
                "200": openapi.json_response("Imported", openapi.ref(ImportResult)),
                "409": openapi.error(
                    "Nothing imported: an entry matches a protected person's photo or names her account, or"
                    " has the id of an entry of this bank with another picture or label (`entry_id_taken`);"
                    " `field` is `entry N`."
                ),
                **openapi.COMMON_ERRORS,
                **auth_errors,
            },
        }
    }


_register_openapi()

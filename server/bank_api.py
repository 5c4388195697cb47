"""Trainer and maintainer endpoints for hash banks (described at ``/openapi.json``), and the ``flask bank`` CLI.

- ``POST /v1/banks/{bank}/entries`` (trainer): one photo (``avatar``, base64) or fingerprint
  (``avatar_hash``) with a label → 201 ``{"id"}``. The photo is fingerprinted and dropped.
- ``GET /v1/banks`` (trainer): names, entry counts and versions.
- ``GET /v1/banks/{bank}/export`` (trainer): JSONL, one entry per line.
- ``POST /v1/banks/{bank}/import`` (maintainer): JSONL as exported; all lines are validated before
  any is written. Maintainer, because a bulk import adopts another organisation's labels for
  every check at once, while a trainer's entries are vetted one by one. The file is bounded by
  the request body limit (``HARIS_MAX_BODY_BYTES``); larger banks go through ``flask bank import``.

The console's bank pages (``server.console.bank_pages``) go through the same functions below
(``new_entry``, ``entries_from_jsonl``, ``add_to_bank``, ``import_into_bank``), so an entry added
or a file imported from either place is checked, stored and audited the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import click
import redis
from flask import Blueprint, Flask, Response, g, request
from pydantic import BaseModel, ConfigDict, Field

from heuristics.banks import BankLabel
from heuristics.context import ServiceUnavailable
from heuristics.profile import AccountId, HashHex, Platform
from server import openapi
from server.api import MAX_AVATAR_BYTES
from server.audit import AuditLog
from server.auth import Role, key_actor, require_role
from server.avatars import fingerprint_from
from server.banks import (
    MAX_NOTE_LENGTH,
    BankImportError,
    BankStore,
    StoredEntry,
    make_entry,
    parse_jsonl,
    valid_bank_name,
)
from server.errors import APIError
from server.requests import decode_base64, json_body, read_body, validate
from server.schemas import MAX_AVATAR_BASE64
from server.state import haris

bp = Blueprint("banks", __name__, url_prefix="/v1/banks")

JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines", "text/plain"}


class BankEntryRequest(BaseModel):
    """``POST /v1/banks/{bank}/entries``: exactly one of ``avatar`` and ``avatar_hash``."""

    model_config = ConfigDict(extra="ignore")

    avatar: Annotated[str, Field(max_length=MAX_AVATAR_BASE64, description="base64 image bytes")] | None = None
    avatar_hash: HashHex | None = None
    label: BankLabel
    platform: Platform | None = None
    account_id: AccountId | None = None
    note: Annotated[str, Field(max_length=MAX_NOTE_LENGTH)] | None = None


class BankSummary(BaseModel):
    name: str
    entries: int
    version: int
    never_confirm: int = Field(
        0,
        description="Legacy fingerprints (version 1, bare phash): never confirm a match; add the photo again",
    )
    without_keypoints: int = Field(
        0, description="Entries added from a fingerprint, not a photo: confirmed by the detail hash alone"
    )


class BankList(BaseModel):
    banks: list[BankSummary]


class ImportResult(BaseModel):
    imported: int


def _bank_name(bank: str) -> str:
    if not valid_bank_name(bank):
        raise APIError(422, "invalid_value", "Bank names are 1–64 of a-z, 0-9, '_' and '-'.", "bank")
    return bank


def _store() -> BankStore:
    return BankStore(haris().redis.client)


def storage_down() -> APIError:
    return APIError(503, "storage_unavailable", "The banks are unavailable; try again later.")


def new_entry(body: BankEntryRequest, avatar: bytes | None, added_by: str) -> StoredEntry:
    """The entry for one photo (fingerprinted, then dropped by the caller) or one fingerprint.

    ``added_by`` is a role, not a person: entries travel to other organisations in exports.
    """
    if bool(avatar) == bool(body.avatar_hash):
        raise APIError(422, "invalid_value", "Send exactly one of 'avatar' and 'avatar_hash'.", "avatar")
    found = fingerprint_from(avatar, body.avatar_hash, "avatar_hash")
    assert found is not None
    return make_entry(found, body.label, added_by, body.platform, body.account_id, body.note)


def entries_from_jsonl(data: bytes) -> list[StoredEntry]:
    """Every entry of an export file, all validated first; a bad line is named in ``field``."""
    try:
        return parse_jsonl(data.splitlines())
    except UnicodeDecodeError:
        raise APIError(400, "bad_json", "The file is not valid UTF-8.") from None
    except BankImportError as error:
        raise APIError(422, "invalid_value", error.message, f"line {error.line}") from None


def add_to_bank(bank: str, entry: StoredEntry, actor: str) -> None:
    """Store one entry and record who added it; 503 when storage is down."""
    client = haris().redis.client
    try:
        BankStore(client).add(bank, [entry])
        AuditLog(client).record(actor, "bank.added", entry.id, bank=bank, label=entry.label.value)
    except (redis.RedisError, OSError):
        raise storage_down() from None


def import_into_bank(bank: str, entries: list[StoredEntry], actor: str) -> int:
    """Store imported entries (replacing same ids) and record who imported how many."""
    client = haris().redis.client
    try:
        count = BankStore(client).add(bank, entries)
        AuditLog(client).record(actor, "bank.imported", bank, bank=bank, entries=count)
    except (redis.RedisError, OSError):
        raise storage_down() from None
    return count


def export_lines(bank: str) -> list[str] | None:
    """A bank as JSONL lines, or None when there is no such bank; 503 when storage is down."""
    store = _store()
    try:
        if not store.exists(bank):
            return None
        return [entry.model_dump_json(exclude_none=True) + "\n" for entry in store.entries(bank)]
    except (redis.RedisError, OSError):
        raise storage_down() from None


def export_response(bank: str, lines: list[str]) -> Response:
    response = Response("".join(lines), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = f'attachment; filename="{bank}.jsonl"'
    return response


def bank_summaries() -> list[BankSummary]:
    """Every bank with its counts, and (from this worker's indexes) its entries that never
    confirm a match or confirm without keypoints (docs/avatars.md, "Legacy entries")."""
    try:
        banks = _store().banks()
        weak = haris().services["banks"].weak_entries()
    except (redis.RedisError, OSError, ServiceUnavailable):
        raise storage_down() from None
    return [
        BankSummary(**b, never_confirm=weak.get(b["name"], (0, 0))[0], without_keypoints=weak.get(b["name"], (0, 0))[1])
        for b in banks
    ]


@bp.post("/<bank>/entries")
@require_role(Role.TRAINER)
def add_entry(bank: str) -> Any:
    bank = _bank_name(bank)
    body = validate(BankEntryRequest, json_body(request))
    avatar = decode_base64(body.avatar, "avatar", MAX_AVATAR_BYTES) if body.avatar else None
    entry = new_entry(body, avatar, g.role.value)
    del avatar  # fingerprinted, never kept
    add_to_bank(bank, entry, key_actor())
    return {"id": entry.id}, 201


@bp.get("")
@require_role(Role.TRAINER)
def list_banks() -> Any:
    return BankList(banks=bank_summaries()).model_dump()


@bp.get("/<bank>/export")
@require_role(Role.TRAINER)
def export_bank(bank: str) -> Any:
    bank = _bank_name(bank)
    lines = export_lines(bank)
    if lines is None:
        raise APIError(404, "not_found", "No such bank.", "bank")
    return export_response(bank, lines)


@bp.post("/<bank>/import")
@require_role(Role.MAINTAINER)
def import_bank(bank: str) -> Any:
    bank = _bank_name(bank)
    if request.mimetype not in JSONL_TYPES:
        raise APIError(415, "unsupported_media_type", "Send JSONL (application/x-ndjson).")
    # read_body, not get_data: a chunked body over the limit is refused, never cut short and
    # imported in part.
    entries = entries_from_jsonl(read_body(request))
    return ImportResult(imported=import_into_bank(bank, entries, key_actor())).model_dump()


def register_bank_cli(app: Flask) -> None:
    @app.cli.group("bank")
    def bank_group() -> None:
        """Export and import hash banks as JSONL."""

    @bank_group.command("export")
    @click.argument("bank")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default stdout).")
    def export_command(bank: str, output: Path | None) -> None:
        store = BankStore(haris().redis.client)
        if not valid_bank_name(bank) or not store.exists(bank):
            raise click.ClickException(f"no such bank: {bank}")
        stream = output.open("w", encoding="utf-8") if output else sys.stdout
        count = 0
        try:
            for entry in store.entries(bank):
                stream.write(entry.model_dump_json(exclude_none=True) + "\n")
                count += 1
        finally:
            if output:
                stream.close()
        click.echo(f"exported {count} entries", err=True)

    @bank_group.command("import")
    @click.argument("bank")
    @click.argument("source", type=click.File("rb"))
    def import_command(bank: str, source: Any) -> None:
        if not valid_bank_name(bank):
            raise click.ClickException("bank names are 1–64 of a-z, 0-9, '_' and '-'")
        try:
            entries = parse_jsonl(source)
        except (BankImportError, UnicodeDecodeError) as error:
            raise click.ClickException(str(error)) from None
        count = BankStore(haris().redis.client).add(bank, entries)
        click.echo(f"imported {count} entries into {bank}")


def _register_openapi() -> None:
    openapi.MODELS.extend([BankEntryRequest, BankList, BankSummary, ImportResult])
    auth_errors = {
        "401": openapi.error("No or invalid API key."),
        "403": openapi.error("The key's role is not allowed."),
        "503": openapi.error("Storage is unavailable."),
    }
    bank_param = [{"name": "bank", "in": "path", "required": True, "schema": {"type": "string"}}]
    created = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    openapi.PATHS["/v1/banks"] = {
        "get": {
            "summary": "List hash banks (trainer)",
            "operationId": "listBanks",
            "responses": {"200": openapi.json_response("Banks", openapi.ref(BankList)), **auth_errors},
        }
    }
    openapi.PATHS["/v1/banks/{bank}/entries"] = {
        "post": {
            "summary": "Add a photo or fingerprint to a bank (trainer)",
            "operationId": "addBankEntry",
            "parameters": bank_param,
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": openapi.ref(BankEntryRequest)}},
            },
            "responses": {"201": openapi.json_response("Added", created), **openapi.COMMON_ERRORS, **auth_errors},
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
                **openapi.COMMON_ERRORS,
                **auth_errors,
            },
        }
    }


_register_openapi()

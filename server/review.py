"""Trainers review reported profiles: ``GET /v1/reports``, ``POST /v1/reports/{id}/confirm|reject``.

The console and the JSON endpoints share ``decide``, so a decision made either way does the same
thing and leaves the same audit entry (``server.audit``).

Only fingerprints the server computed reach a bank: confirming a report into a bank needs the
photo itself (``avatar``: the trainer saves it from the reported profile and uploads it; the
console shows it before it is banked), which the server fingerprints. The report's own
``avatar_hash`` was made by whoever filed it — one made-up fingerprint can stand for several
people's photos — and never enters a bank. A photo that matches a protected person's registered
photo is refused (409 ``matches_protected_person``): a campaign would report her own photo.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import redis
from flask import Blueprint, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from heuristics.banks import BankLabel as HeuristicBankLabel
from heuristics.context import ServiceUnavailable
from heuristics.images import AvatarFingerprint, ImageRejected, fingerprint_bytes
from heuristics.profile import Platform
from heuristics.signals.impersonation_protected import SERVICE as REGISTRY
from server import openapi
from server.api import MAX_AVATAR_BYTES
from server.audit import AuditLog
from server.auth import Role, key_actor, require_role
from server.avatars import image_error
from server.banks import BANK_NAME, BankStore, make_entry
from server.errors import APIError
from server.reports import AlreadyDecided, ReportStore, report_store
from server.requests import decode_base64, json_body, validate
from server.schemas import MAX_AVATAR_BASE64
from server.state import haris

bp = Blueprint("review", __name__, url_prefix="/v1")

MAX_OFFSET = 1_000_000
MAX_PAGE = 200

BANK_LABELS = ("entrapment", "stolen_photo", "stock_photo", "campaign", "other")
BankLabel = Literal["entrapment", "stolen_photo", "stock_photo", "campaign", "other"]  # = heuristics.banks
Note = Annotated[str, Field(max_length=1000)]


class ReportOut(BaseModel):
    """A queued report: only what the user chose to send, and no reporter identity."""

    id: str
    created_at: int
    status: Literal["pending", "confirmed", "rejected"]
    platform: Platform
    reason: str
    profile: dict[str, Any] | None = None
    avatar_hash: str | None = None
    note: str | None = None
    decided_by: str | None = None
    decided_at: int | None = None
    bank: str | None = None
    label: str | None = None
    decision_note: str | None = None
    bank_entry: str | None = None
    banked_fingerprint: str | None = None
    reports: int | None = None


class ReportList(BaseModel):
    reports: list[ReportOut]
    pending: int
    offset: int
    limit: int


class ConfirmRequest(BaseModel):
    """Confirm a report; with ``bank``, ``label`` and ``avatar`` (the reported profile's photo, as
    base64) the photo's fingerprint, computed here, and the account id join that bank."""

    model_config = ConfigDict(extra="forbid")

    bank: Annotated[str, Field(pattern=BANK_NAME.pattern)] | None = None
    label: BankLabel | None = None
    note: Note | None = None
    avatar: Annotated[str, Field(max_length=MAX_AVATAR_BASE64, description="base64 image bytes")] | None = None


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note | None = None


def report_out(record: dict[str, Any]) -> ReportOut:
    return ReportOut.model_validate({key: value for key, value in record.items() if key in ReportOut.model_fields})


def decide(
    report_id: str, confirm: bool, actor: str, body: ConfirmRequest | RejectRequest, store: ReportStore
) -> dict[str, Any]:
    """Confirm or reject one pending report and record who did it. Raises APIError 404/409, and
    422/409 for a bank photo that is missing, not an image, or a protected person's."""
    fields: dict[str, Any] = {"decided_by": actor}
    if body.note:
        fields["decision_note"] = body.note
    banked: AvatarFingerprint | None = None
    if isinstance(body, ConfirmRequest):
        fields.update({key: value for key, value in (("bank", body.bank), ("label", body.label)) if value})
        if body.bank and body.label:
            banked = bank_fingerprint(body.avatar)
            fields["banked_fingerprint"] = banked.hex
    try:
        record = store.resolve(report_id, "confirmed" if confirm else "rejected", **fields)
    except AlreadyDecided:
        raise APIError(409, "already_decided", "This report was already confirmed or rejected.") from None
    if record is None:
        raise APIError(404, "not_found", "No such report (reports expire after 30 days).")
    detail = {key: record[key] for key in ("bank", "label") if record.get(key)}
    if isinstance(body, ConfirmRequest) and body.bank and body.label and banked is not None:
        detail["bank_entry"] = record["bank_entry"] = _add_to_bank(record, body.bank, body.label, banked, store.client)
    AuditLog(store.client).record(actor, "report." + record["status"], report_id, **detail)
    return record


def bank_fingerprint(avatar_base64: str | None) -> AvatarFingerprint:
    """The fingerprint of the photo a trainer provides to bank, computed here (module docstring)."""
    if not avatar_base64:
        raise APIError(
            422,
            "photo_required",
            "A bank needs the reported profile's photo (avatar): a report's own fingerprint is never banked.",
            "avatar",
            reason="photo_required",
        )
    try:
        fingerprint = fingerprint_bytes(decode_base64(avatar_base64, "avatar", MAX_AVATAR_BYTES))
    except ImageRejected as error:
        raise image_error(error, "avatar") from None
    refuse_protected_photo(fingerprint)
    return fingerprint


def refuse_protected_photo(fingerprint: AvatarFingerprint) -> None:
    """409 when the photo is a protected person's registered photo (it must never become "bad")."""
    registry = haris().services.get(REGISTRY)
    if registry is None:
        return
    try:
        matches = registry.photo_matches(fingerprint)
    except ServiceUnavailable:
        raise APIError(503, "storage_unavailable", "The protected-people registry cannot be checked now.") from None
    if matches:
        raise APIError(
            409,
            "matches_protected_person",
            "This photo matches a protected person's photo; it cannot go into a bank.",
            "avatar",
            reason="matches_protected_person",
        )


def _add_to_bank(
    record: dict[str, Any], bank: str, label: str, fingerprint: AvatarFingerprint, client: redis.Redis
) -> str:
    """The trainer's photo's fingerprint (and the reported account id) joins ``bank``."""
    profile = record.get("profile") or {}
    platform = record.get("platform")
    entry = make_entry(
        fingerprint,
        HeuristicBankLabel(label),
        added_by=Role(getattr(g, "role", Role.TRAINER)).value,  # the console signs in trainers too
        platform=Platform(platform) if platform else None,
        account_id=profile.get("account_id"),
        note=f"report {record['id']}",
    )
    BankStore(client).add(bank, [entry])
    return entry.id


def _store() -> ReportStore:
    return report_store()


def _paging() -> tuple[int, int]:
    try:
        limit = int(request.args.get("limit", 50))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise APIError(422, "invalid_value", "limit and offset must be integers.", "limit") from None
    if not 1 <= limit <= MAX_PAGE:
        raise APIError(422, "invalid_value", f"limit must be 1–{MAX_PAGE}.", "limit")
    # Redis takes 64-bit offsets; a larger one would make the store fail with a 503.
    if not 0 <= offset <= MAX_OFFSET:
        raise APIError(422, "invalid_value", f"offset must be 0–{MAX_OFFSET}.", "offset")
    return limit, offset


@bp.get("/reports")
@require_role(Role.TRAINER)
def list_reports() -> Any:
    """Pending reports, newest first."""
    limit, offset = _paging()
    store = _store()
    try:
        reports = store.pending(limit=limit, offset=offset)
        pending = store.count_pending()
    except (redis.RedisError, OSError):
        raise APIError(503, "storage_unavailable", "Reports cannot be read right now.") from None
    body = ReportList(reports=[report_out(r) for r in reports], pending=pending, offset=offset, limit=limit)
    return jsonify(body.model_dump(exclude_none=True))


def _decision(report_id: str, confirm: bool) -> Any:
    model: type[ConfirmRequest | RejectRequest] = ConfirmRequest if confirm else RejectRequest
    raw = json_body(request) if request.content_length else {}
    body = validate(model, raw)
    try:
        record = decide(report_id, confirm, key_actor(), body, _store())
    except (redis.RedisError, OSError):
        raise APIError(503, "storage_unavailable", "The decision could not be stored; try again.") from None
    return jsonify(report_out(record).model_dump(exclude_none=True))


@bp.post("/reports/<report_id>/confirm")
@require_role(Role.TRAINER)
def confirm_report(report_id: str) -> Any:
    return _decision(report_id, confirm=True)


@bp.post("/reports/<report_id>/reject")
@require_role(Role.TRAINER)
def reject_report(report_id: str) -> Any:
    return _decision(report_id, confirm=False)


openapi.MODELS.extend([ReportOut, ReportList, ConfirmRequest, RejectRequest])
_AUTH_ERRORS = {
    "401": openapi.error("No or invalid API key."),
    "403": openapi.error("The key's role does not allow this."),
    "503": openapi.error("Storage is unavailable."),
}
_ID_PARAMETER = [{"name": "report_id", "in": "path", "required": True, "schema": {"type": "string"}}]
openapi.PATHS.setdefault("/v1/reports", {})["get"] = {
    "summary": "Pending reports, newest first (trainer)",
    "operationId": "listReports",
    "parameters": [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    ],
    "responses": {
        "200": openapi.json_response("Reports", openapi.ref(ReportList)),
        "422": openapi.error("Bad limit or offset."),
        **_AUTH_ERRORS,
    },
}
for _action, _model, _summary in (
    ("confirm", ConfirmRequest, "Confirm a report; optionally add its fingerprint to a bank (trainer)"),
    ("reject", RejectRequest, "Reject a report (trainer)"),
):
    openapi.PATHS["/v1/reports/{report_id}/" + _action] = {
        "post": {
            "summary": _summary,
            "operationId": _action + "Report",
            "parameters": _ID_PARAMETER,
            "requestBody": {"required": False, "content": {"application/json": {"schema": openapi.ref(_model)}}},
            "responses": {
                "200": openapi.json_response("The decided report", openapi.ref(ReportOut)),
                "400": openapi.error("Malformed JSON or wrong shape."),
                "404": openapi.error("No such report."),
                "409": openapi.error("Already confirmed or rejected."),
                "415": openapi.error("Unsupported media type."),
                "422": openapi.error("Invalid values."),
                **_AUTH_ERRORS,
            },
        }
    }

"""Escalation cases over the JSON API (trainer or maintainer key), a fixed contract for outside
tools (docs/escalation.md):

- ``POST /v1/cases`` → 201 ``{"id"}``: open a case (:class:`~server.escalation.model.CaseCreate`).
- ``POST /v1/cases/{id}/evidence`` (multipart ``file``, optional ``source_url``; also ``kind`` and
  ``share``) → 201 ``{"sha256", "id"}``.
- ``GET /v1/cases/{id}/export/{kind}``, kind ∈ ticket (``?platform=&locale=``, text), misp, stix,
  archive (zip), redacted (zip).

Also ``GET /v1/cases``, ``GET /v1/cases/{id}`` and ``POST /v1/cases/{id}/status``. Every operation
goes through :mod:`server.services.cases`, as the console's do.
"""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, Response, current_app, g, request
from pydantic import BaseModel, Field

from heuristics.profile import Platform
from server.escalation.model import MAX_EVIDENCE_BYTES, Case, CaseCreate, CaseListing, EvidenceKind, StatusUpdate
from server.roles import Role
from server.services import Actor
from server.services.cases import (
    EXPORT_KINDS,
    add_evidence,
    export_case,
    list_recent_cases,
    open_case_from_door,
    set_platform_status,
    status_version,
    view_case,
)
from server.state import app_state
from server.storage.audit import AuditLog
from server.storage.cases import CaseStore
from server.web import openapi
from server.web.auth import key_actor, require_role
from server.web.body import json_body, validate
from server.web.downloads import default_notifier, download, requested_locale, requested_platform
from server.web.errors import APIError, answer_storage_errors

bp = Blueprint("cases", __name__, url_prefix="/v1/cases")
answer_storage_errors(bp, "Cases are unavailable right now; try again later.")
MAX_PAGE = 200
_TRUE = {"1", "true", "yes", "on"}


class CaseCreated(BaseModel):
    id: str


class EvidenceAdded(BaseModel):
    sha256: str
    id: str


class CaseSummary(BaseModel):
    id: str
    state: str
    kind: str
    platform: str
    suspect_url: str
    impersonated: str
    created_at: int
    updated_at: int
    evidence: int
    reported_on: Annotated[list[str], Field(description="Platforms the case was reported to")]


class CaseOut(Case):
    """A case as ``GET /v1/cases/{id}`` gives it: the stored case and each platform's status version."""

    status_versions: Annotated[
        dict[str, str],
        Field(description="Per platform with a status: its version, sent back as `seen` to record the next one"),
    ]


class CaseList(BaseModel):
    cases: list[CaseSummary]
    total: int


def summary(case: CaseListing) -> CaseSummary:
    """A case as the list gives it, from its stored summary (never its whole record)."""
    return CaseSummary(
        id=case.id,
        state=case.state,
        kind=case.kind,
        platform=case.platform.value,
        suspect_url=case.suspect_url,
        impersonated=case.impersonated,
        created_at=case.created_at,
        updated_at=case.updated_at,
        evidence=case.evidence,
        reported_on=sorted(case.statuses),
    )


def _cases() -> CaseStore:
    return app_state().stores.cases


def _audit() -> AuditLog:
    return app_state().stores.audit


def _actor() -> Actor:
    return Actor(key_actor(), Role(g.role).value, "api")


@bp.post("")
@require_role(Role.TRAINER)
def create_case() -> Any:
    body = validate(CaseCreate, json_body(request))
    case = open_case_from_door(body, _actor())
    return CaseCreated(id=case.id).model_dump(), 201


@bp.get("")
@require_role(Role.TRAINER)
def list_cases() -> Any:
    try:
        limit = int(request.args.get("limit", 50))
        offset = int(request.args.get("offset", 0))
    except ValueError:
        raise APIError(422, "invalid_value", "limit and offset must be integers.", "limit") from None
    if not 1 <= limit <= MAX_PAGE or not 0 <= offset <= 1_000_000:
        raise APIError(422, "invalid_value", f"limit is 1–{MAX_PAGE}, offset 0–1000000.", "limit")
    store = _cases()
    listed = [summary(case) for case in list_recent_cases(store, _audit(), _actor(), limit, offset)]
    return CaseList(cases=listed, total=store.count()).model_dump()


@bp.get("/<case_id>")
@require_role(Role.TRAINER)
def read_case(case_id: str) -> Any:
    case = view_case(_cases(), _audit(), case_id, _actor())
    versions = {platform: status_version(status) for platform, status in case.statuses.items()}
    return CaseOut(**dict(case), status_versions=versions).model_dump(mode="json")


@bp.post("/<case_id>/evidence")
@require_role(Role.TRAINER)
def upload_evidence(case_id: str) -> Any:
    if request.mimetype != "multipart/form-data":
        raise APIError(415, "unsupported_media_type", "Send multipart/form-data with a 'file' part.")
    upload = request.files.get("file")
    if upload is None:
        raise APIError(400, "invalid_schema", "A multipart 'file' part is required.", "file")
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    kind_value = request.form.get("kind") or None
    try:
        kind = EvidenceKind(kind_value) if kind_value else None
    except ValueError:
        raise APIError(
            422, "invalid_value", f"kind is one of {', '.join(k.value for k in EvidenceKind)}.", "kind"
        ) from None
    item = add_evidence(
        _cases(),
        _audit(),
        case_id,
        data,
        upload.filename,
        _actor(),
        source_url=request.form.get("source_url"),
        kind=kind,
        share=request.form.get("share", "").lower() in _TRUE,
    )
    return EvidenceAdded(sha256=item.sha256, id=item.id).model_dump(), 201


@bp.post("/<case_id>/status")
@require_role(Role.TRAINER)
def record_status(case_id: str) -> Any:
    update = validate(StatusUpdate, json_body(request))
    # With ``seen``, a status recorded since it was read is not written over (409 status_changed),
    # as on the console's page.
    changed = set_platform_status(_cases(), _audit(), case_id, update, _actor(), seen=update.seen)
    return summary(CaseListing.of(changed)).model_dump()


@bp.get("/<case_id>/export/<kind>")
@require_role(Role.TRAINER)
def export(case_id: str, kind: str) -> Response:
    result = export_case(
        _cases(),
        _audit(),
        case_id,
        kind,
        _actor(),
        requested_platform(request),
        requested_locale(request),
        default_notifier(current_app.config),
    )
    return download(result)


def _register_openapi() -> None:
    openapi.MODELS.extend([CaseCreate, CaseCreated, EvidenceAdded, CaseSummary, CaseList, Case, CaseOut, StatusUpdate])
    auth_errors = openapi.AUTH_ERRORS
    case_param = {"name": "case_id", "in": "path", "required": True, "schema": {"type": "string"}}
    not_found = {"404": openapi.error("No such case (cases expire).")}
    openapi.PATHS["/v1/cases"] = {
        "post": {
            "summary": "Open an escalation case from a confirmed report or a manual check (trainer)",
            "operationId": "createCase",
            "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref(CaseCreate)}}},
            "responses": {
                "201": openapi.json_response("Opened", openapi.ref(CaseCreated)),
                "409": openapi.error(
                    "The report is not confirmed (code report_not_confirmed), or the suspect is a protected"
                    " person's own registered account (code account_is_protected)."
                ),
                **openapi.COMMON_ERRORS,
                "429": openapi.error(
                    "Rate limited; or protected_matches_limited: this key's checks and cases have named as many"
                    " protected people as HARIS_PROTECTED_MATCH_LIMIT allows (nothing opened). See Retry-After."
                ),
                **auth_errors,
            },
        },
        "get": {
            "summary": "Cases, most recently changed first (trainer)",
            "operationId": "listCases",
            "parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 1_000_000}},
            ],
            "responses": {
                "200": openapi.json_response("Cases", openapi.ref(CaseList)),
                "422": openapi.error("Bad limit or offset."),
                **auth_errors,
            },
        },
    }
    openapi.PATHS["/v1/cases/{case_id}"] = {
        "get": {
            "summary": "One case, as stored (trainer)",
            "operationId": "getCase",
            "parameters": [case_param],
            "responses": {
                "200": openapi.json_response("The case", openapi.ref(CaseOut)),
                **not_found,
                "429": openapi.error(
                    "protected_matches_limited: the case names a protected person and this key's checks and cases"
                    " have named as many as HARIS_PROTECTED_MATCH_LIMIT allows (nothing shown). See Retry-After."
                ),
                **auth_errors,
            },
        }
    }
    openapi.PATHS["/v1/cases/{case_id}/evidence"] = {
        "post": {
            "summary": "Add an evidence file, hashed (SHA-256) on arrival with the UTC time and who added it (trainer)",
            "operationId": "addCaseEvidence",
            "parameters": [case_param],
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "source_url": {"type": "string", "maxLength": 2048},
                                "kind": {"type": "string", "enum": [k.value for k in EvidenceKind]},
                                "share": {
                                    "type": "string",
                                    "description": "true: the file may leave in shared exports",
                                },
                            },
                        }
                    }
                },
            },
            "responses": {
                "201": openapi.json_response("Kept", openapi.ref(EvidenceAdded)),
                **not_found,
                "409": openapi.error("Closed case, duplicate file or too many files."),
                **openapi.COMMON_ERRORS,
                **auth_errors,
            },
        }
    }
    openapi.PATHS["/v1/cases/{case_id}/status"] = {
        "post": {
            "summary": "Record a report to a platform, its reference and outcome (trainer)",
            "operationId": "setCaseStatus",
            "parameters": [case_param],
            "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref(StatusUpdate)}}},
            "responses": {
                "200": openapi.json_response("The case", openapi.ref(CaseSummary)),
                **not_found,
                "409": openapi.error(
                    "status_changed: another status was recorded since `seen` was read (nothing written);"
                    " or the case changed concurrently: try again."
                ),
                **openapi.COMMON_ERRORS,
                **auth_errors,
            },
        }
    }
    binary = {"schema": {"type": "string", "format": "binary"}}
    openapi.PATHS["/v1/cases/{case_id}/export/{kind}"] = {
        "get": {
            "summary": "Export a case: takedown ticket, MISP event, STIX bundle, evidence archive or redacted copy",
            "operationId": "exportCase",
            "parameters": [
                case_param,
                {
                    "name": "kind",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": list(EXPORT_KINDS)},
                },
                {"name": "platform", "in": "query", "schema": {"type": "string", "enum": [p.value for p in Platform]}},
                {"name": "locale", "in": "query", "schema": {"type": "string", "description": "ar | en | fr"}},
            ],
            "responses": {
                "200": {
                    "description": "ticket: text/plain; misp, stix: JSON; archive, redacted: application/zip",
                    "content": {
                        "text/plain": {"schema": {"type": "string"}},
                        "application/json": {"schema": {"type": "object"}},
                        "application/zip": binary,
                    },
                },
                "404": openapi.error("No such case or export kind."),
                "409": openapi.error(
                    "An evidence file no longer matches its hash (code evidence_mismatch); or a takedown ticket of a"
                    " closed case (code case_closed: reopen it first; its other exports are allowed and audited)."
                ),
                "422": openapi.error("Bad platform or locale."),
                "429": openapi.error(
                    "protected_matches_limited: the full archive of a case that names a protected person, once this"
                    " key's checks and cases have named as many as HARIS_PROTECTED_MATCH_LIMIT allows (as reading"
                    " the case is; nothing sent). See Retry-After."
                ),
                **auth_errors,
            },
        }
    }


_register_openapi()

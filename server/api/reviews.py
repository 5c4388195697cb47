"""Trainers review reported profiles: ``GET /v1/reports``, ``POST /v1/reports/{id}/confirm|reject``.

A decision goes through :func:`server.services.reports.decide`, as the console's does, so it does
the same thing and leaves the same audit entry either way. A rejection answers with what the
report keeps once rejected (``server.storage.reports.REJECTED_FIELDS``: no profile, filer's note
or fingerprint), which is all that is left of it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request

from server.roles import Role
from server.schemas import ConfirmRequest, RejectRequest, ReportList, ReportOut
from server.services import Actor
from server.services.reports import decide
from server.state import app_state
from server.web import openapi
from server.web.auth import key_actor, require_role
from server.web.body import optional_json_body, validate
from server.web.errors import APIError, answer_storage_errors

bp = Blueprint("review", __name__, url_prefix="/v1")
answer_storage_errors(bp, "Reports cannot be read or decided right now; try again.")

MAX_OFFSET = 1_000_000
MAX_PAGE = 200


def report_out(record: dict[str, Any]) -> ReportOut:
    return ReportOut.model_validate({key: value for key, value in record.items() if key in ReportOut.model_fields})


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
    store = app_state().stores.reports
    reports = store.pending(limit=limit, offset=offset)
    pending = store.count_pending()
    body = ReportList(reports=[report_out(r) for r in reports], pending=pending, offset=offset, limit=limit)
    return jsonify(body.model_dump(exclude_none=True))


def _decision(report_id: str, confirm: bool) -> Any:
    model: type[ConfirmRequest | RejectRequest] = ConfirmRequest if confirm else RejectRequest
    body = validate(model, optional_json_body(request))
    record = decide(report_id, confirm, Actor(key_actor(), g.role.value, "api"), body)
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
        **openapi.AUTH_ERRORS,
    },
}
for _action, _model, _summary in (
    ("confirm", ConfirmRequest, "Confirm a report; optionally add its fingerprint to a bank (trainer)"),
    ("reject", RejectRequest, "Reject a report; it keeps only the decision, for HARIS_REJECTED_REPORT_HOURS (trainer)"),
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
                "409": openapi.error(
                    "Already confirmed or rejected (already_decided); the photo is a protected person's"
                    " (matches_protected_person); the account id is a protected person's own (account_is_protected);"
                    " more reports were merged in than seen_reports says (report_changed)."
                ),
                "415": openapi.error("Unsupported media type."),
                "422": openapi.error("Invalid values."),
                **openapi.AUTH_ERRORS,
            },
        }
    }

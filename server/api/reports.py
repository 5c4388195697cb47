"""Anonymous reports from the extension: ``POST /v1/reports`` (202: queued for trainers)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from server.schemas import Accepted, ReportRequest
from server.services.reports import file_report
from server.web.body import json_body, validate
from server.web.errors import answer_storage_errors
from server.web.limits import counted
from server.web.request_log import undated

bp = Blueprint("reports", __name__, url_prefix="/v1")
answer_storage_errors(bp, "The report could not be stored; try again later.")


@bp.post("/reports")
@undated  # the report keeps its hour: no log line dates it more finely
@counted("report")
def report() -> Any:
    """A user reports a profile for trainers to review."""
    body = validate(ReportRequest, json_body(request))
    return jsonify(Accepted(id=file_report(body)).model_dump()), 202

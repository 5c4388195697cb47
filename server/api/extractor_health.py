"""The extractor health counter (described at ``/openapi.json``; docs/extension.md, "Knowing when
a platform changes"):

- ``POST /v1/extractor-health`` (anonymous, ``HARIS_EXTRACTOR_HEALTH_LIMIT`` per address; the
  limit fails closed): one opted-in browser's coarse counts of how its extractors read profile
  pages → 202 ``{"visits"}``. Nothing about the sender is kept; the counts join the day's sums.
- ``GET /v1/extractor-health`` (maintainer): per platform and extractor version, the last 14
  days' visits and failure shares, and whether the failure share jumped (the console's page
  shows the same table).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from server.roles import Role
from server.schemas import (
    ExtractorHealthReport,
    ExtractorHealthRow,
    ExtractorHealthTable,
    ExtractorReads,
    HealthAccepted,
    HealthDay,
    HealthShare,
)
from server.services.extractor_health import health_table, record_reads
from server.web import openapi
from server.web.auth import require_role
from server.web.body import json_body, validate
from server.web.errors import answer_storage_errors
from server.web.limits import counted
from server.web.request_log import undated

bp = Blueprint("extractor_health", __name__, url_prefix="/v1")
answer_storage_errors(bp, "The extractor health counts are unavailable; try again later.")


@bp.post("/extractor-health")
@undated  # the counts join the day's sums: no log line dates one sender's
@counted("extractor_health")
def report_reads() -> Any:
    body = validate(ExtractorHealthReport, json_body(request))
    return jsonify(HealthAccepted(visits=record_reads(body)).model_dump()), 202


@bp.get("/extractor-health")
@require_role(Role.MAINTAINER)
def read_health() -> Any:
    return jsonify(health_table().model_dump())


def _register_openapi() -> None:
    openapi.MODELS.extend(
        [
            ExtractorHealthReport,
            ExtractorReads,
            HealthAccepted,
            ExtractorHealthTable,
            ExtractorHealthRow,
            HealthDay,
            HealthShare,
        ]
    )
    openapi.PATHS["/v1/extractor-health"] = {
        "post": {
            "summary": "Coarse counts of how the extension read profile pages (anonymous, opt-in)",
            "operationId": "reportExtractorHealth",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": openapi.ref(ExtractorHealthReport)}},
            },
            "responses": {
                "202": openapi.json_response("Added to the day's sums", openapi.ref(HealthAccepted)),
                **openapi.COMMON_ERRORS,
                "422": openapi.error(
                    "Invalid counts: `invalid_value` (a count not a multiple of 5, over 1,000, an unknown platform, "
                    "version or field), `duplicate_extractor`, `missing_exceeds_incomplete`, `no_visits`; "
                    "`field` names the path."
                ),
                "503": openapi.error("The rate limiter is unavailable (`limiter_unavailable`)."),
            },
        },
        "get": {
            "summary": "Per platform and extractor version, the last 14 days' visits and jumps (maintainer)",
            "operationId": "getExtractorHealth",
            "responses": {
                "200": openapi.json_response("The table", openapi.ref(ExtractorHealthTable)),
                **openapi.AUTH_ERRORS,
            },
        },
    }


_register_openapi()

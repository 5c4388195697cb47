"""The public JSON API for the extension: ``POST /v1/check`` and ``GET /v1/rules``."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, Response, jsonify, request

from heuristics.context import CheckContext
from heuristics.engine import score
from heuristics.images import AvatarFingerprint
from heuristics.profile import Profile
from server.avatars import fingerprint_from
from server.errors import APIError
from server.i18n import choose_locale, render
from server.limits import charge_for_contacts
from server.reports import ReportStore
from server.requests import decode_base64, json_body, parse_json_bytes, validate
from server.schemas import Accepted, CheckRequest, CheckResponse, FindingOut, ReportRequest
from server.state import haris

bp = Blueprint("api", __name__, url_prefix="/v1")

MAX_AVATAR_BYTES = 4 * 1024 * 1024


def _read_check() -> tuple[CheckRequest, bytes | None]:
    """The check request and the avatar bytes, from JSON or from multipart (``check`` + ``avatar``)."""
    if request.mimetype == "multipart/form-data":
        part = request.files.get("check")
        raw = part.read() if part else request.form.get("check", "").encode("utf-8")
        if not raw:
            raise APIError(400, "invalid_schema", "A multipart check needs a 'check' JSON part.", "check")
        body = validate(CheckRequest, parse_json_bytes(raw, "check"))
        avatar_file = request.files.get("avatar")
        if avatar_file is not None:
            avatar = avatar_file.read(MAX_AVATAR_BYTES + 1)
            if len(avatar) > MAX_AVATAR_BYTES:
                raise APIError(413, "avatar_too_large", f"The image is larger than {MAX_AVATAR_BYTES} bytes.", "avatar")
            return body, avatar or None
    else:
        body = validate(CheckRequest, json_body(request))
    avatar = decode_base64(body.avatar, "avatar", MAX_AVATAR_BYTES) if body.avatar else None
    return body, avatar


def build_context(body: CheckRequest, avatar: AvatarFingerprint | None) -> CheckContext:
    state = haris()
    return CheckContext(
        platform=body.platform,
        now=state.clock(),
        contacts=tuple(body.contacts or ()),
        avatar=avatar,
        services=dict(state.services),
    )


@bp.post("/check")
def check() -> Any:
    body, avatar = _read_check()
    charge_for_contacts(len(body.contacts or ()))
    locale = choose_locale(body.locale, request)
    # Serialised by pydantic in one step (no dict copy for jsonify): this is the hot path.
    return Response(run_check(body, avatar, locale).model_dump_json(), mimetype="application/json")


def run_check(body: CheckRequest, avatar: bytes | None, locale: str) -> CheckResponse:
    """Score one profile and explain it: the one scoring path of the API and the console."""
    state = haris()
    rules = state.rules.current()
    # The bytes are decoded and fingerprinted here and then dropped: never stored, never logged.
    # Sent bytes win over a sent hash (the hash may come from an older fingerprint version).
    avatar_fingerprint = fingerprint_from(avatar, body.avatar_hash, "avatar_hash")
    del avatar
    context = build_context(body, avatar_fingerprint)
    report = score(body.profile or Profile(), context, rules)
    state.metrics.count_check(report)
    return CheckResponse(
        risk=report.risk,
        level=report.level.value,
        findings=[
            FindingOut(code=f.code, points=f.points, message=render(f.code, f.evidence, locale), evidence=f.evidence)
            for f in report.findings
        ],
        avatar_hash=avatar_fingerprint.hex if avatar_fingerprint else None,
        rules_version=report.rules_version,
        unavailable=list(report.unavailable),
        locale=locale,
    )


@bp.post("/reports")
def report() -> Any:
    """A user reports a profile for trainers to review (202: queued)."""
    body = validate(ReportRequest, json_body(request))
    store = ReportStore(haris().redis.client)
    try:
        report_id = store.add(body.model_dump(mode="json", exclude_none=True))
    except (redis.RedisError, OSError):
        raise APIError(503, "storage_unavailable", "The report could not be stored; try again later.") from None
    return jsonify(Accepted(id=report_id).model_dump()), 202


@bp.get("/rules")
def rules() -> Any:
    """The active rules, public for transparency."""
    return jsonify(haris().rules.current().to_dict())

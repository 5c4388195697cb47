"""The public JSON API for the extension: ``POST /v1/check`` and ``GET /v1/rules``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from typing import Any

import redis
from flask import Blueprint, Response, jsonify, request
from flask_limiter import RateLimitExceeded

from heuristics.campaigns import SERVICE as CAMPAIGNS
from heuristics.campaigns import CampaignCheck
from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.engine import score
from heuristics.images import AvatarFingerprint
from heuristics.profile import Contact, Profile
from heuristics.signals.impersonation_protected import SERVICE as REGISTRY
from heuristics.signals.impersonation_protected import ProtectedMatch, ProtectedRegistry
from server.auth import Role, caller_has_role
from server.avatars import fingerprint_from, refuse_foreign_fingerprint
from server.campaign_store import may_contribute
from server.errors import APIError
from server.i18n import choose_locale, render
from server.limits import charge_for_contacts, limits
from server.reports import QueueFull, report_store
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


# What an anonymous answer may say about a protected person: how alike the names are and how
# close the photo is — never who she is (name, id, her registered name's normalised form).
ANONYMOUS_EVIDENCE = {"impersonation.protected_person": frozenset({"name_similarity", "avatar_distance"})}


def contact_characters(contacts: Iterable[Contact]) -> int:
    """The total length of the contacts' names: what matching them costs (``server.limits``)."""
    return sum(len(contact.display_name or "") + len(contact.handle or "") for contact in contacts)


class _WatchedRegistry:
    """The protected-people registry, noting whether this check matched anyone in it."""

    def __init__(self, registry: ProtectedRegistry) -> None:
        self._registry = registry
        self.matched = False

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        found = self._registry.match(name, min_similarity)
        self.matched = self.matched or bool(found)
        return found

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        found = self._registry.photo_matches(fingerprint)
        self.matched = self.matched or bool(found)
        return found


class _NoMatches:
    """The registry for a client past ``HARIS_REGISTRY_LIMIT``: as if nobody were registered."""

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        return ()

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        return ()


@bp.post("/check")
def check() -> Any:
    body, avatar = _read_check()
    charge_for_contacts(contact_characters(body.contacts or ()))
    locale = choose_locale(body.locale, request)
    privileged = caller_has_role(Role.TRAINER)
    # Serialised by pydantic in one step (no dict copy for jsonify): this is the hot path.
    return Response(run_check(body, avatar, locale, privileged).model_dump_json(), mimetype="application/json")


def run_check(body: CheckRequest, avatar: bytes | None, locale: str, privileged: bool) -> CheckResponse:
    """Score one profile and explain it: the one scoring path of the API and the console.

    ``privileged`` (a trainer or maintainer: the console, or the API with a key) sees who a
    protected-person finding is about; anyone else gets :data:`ANONYMOUS_EVIDENCE` only, and a
    check that matched the registry counts against ``HARIS_REGISTRY_LIMIT`` — past it the
    registry answers as if nobody were registered.
    """
    state = haris()
    rules = state.rules.current()
    # The bytes are decoded and fingerprinted here and then dropped: never stored, never logged.
    # Sent bytes win over a sent hash (the hash may come from an older fingerprint version).
    avatar_fingerprint = fingerprint_from(avatar, body.avatar_hash, "avatar_hash")
    del avatar
    services = dict(state.services)
    campaign = None
    if state.campaigns is not None:
        campaign = services[CAMPAIGNS] = CampaignCheck(state.campaigns)
    watched = None
    if not privileged and REGISTRY in services:
        watched = services[REGISTRY] = _WatchedRegistry(services[REGISTRY])
    context = CheckContext(
        platform=body.platform,
        now=state.clock(),
        contacts=tuple(body.contacts or ()),
        avatar=avatar_fingerprint,
        services=services,
    )
    report = score(body.profile or Profile(), context, rules)
    if watched is not None and watched.matched:
        try:
            limits().registry.charge()
        except RateLimitExceeded:
            services[REGISTRY] = _NoMatches()
            report = score(body.profile or Profile(), context, rules)
    state.metrics.count_check(report)
    profile = body.profile or Profile()
    if campaign is not None and profile.account_id and may_contribute(privileged):
        # After scoring: a check's counts are of the OTHER accounts (heuristics.campaigns). A
        # count that cannot be added is lost; the answer stands.
        with contextlib.suppress(ServiceUnavailable):
            campaign.contribute(profile, body.platform, avatar_fingerprint)
    findings = []
    for f in report.findings:
        evidence = f.evidence
        if not privileged and f.code in ANONYMOUS_EVIDENCE:
            evidence = {key: value for key, value in evidence.items() if key in ANONYMOUS_EVIDENCE[f.code]}
        findings.append(
            FindingOut(code=f.code, points=f.points, message=render(f.code, evidence, locale), evidence=evidence)
        )
    return CheckResponse(
        risk=report.risk,
        level=report.level.value,
        findings=findings,
        avatar_hash=avatar_fingerprint.hex if avatar_fingerprint else None,
        rules_version=report.rules_version,
        unavailable=list(report.unavailable),
        locale=locale,
    )


@bp.post("/reports")
def report() -> Any:
    """A user reports a profile for trainers to review (202: queued)."""
    body = validate(ReportRequest, json_body(request))
    refuse_foreign_fingerprint(body.avatar_hash, "avatar_hash")
    try:
        report_id = report_store().add(body.model_dump(mode="json", exclude_none=True))
    except QueueFull:
        raise APIError(503, "report_queue_full", "Too many reports wait for review; try again later.") from None
    except (redis.RedisError, OSError):
        raise APIError(503, "storage_unavailable", "The report could not be stored; try again later.") from None
    return jsonify(Accepted(id=report_id).model_dump()), 202


@bp.get("/rules")
def rules() -> Any:
    """The active rules, public for transparency."""
    return jsonify(haris().rules.current().to_dict())

"""The anonymous API of the extension: ``POST /v1/check`` and ``GET /v1/rules``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from heuristics.context import ServiceUnavailable
from server.i18n import choose_locale
from server.lookups.versioned import rebuild_seconds
from server.roles import Role
from server.schemas import CheckRequest
from server.services import Actor, protected
from server.services.avatars import MAX_AVATAR_BYTES
from server.services.check import run_check
from server.services.rules import rules_tag
from server.state import app_state
from server.web.auth import caller_has_role, key_actor
from server.web.body import decode_base64, json_body, parse_json_bytes, validate
from server.web.errors import APIError
from server.web.limits import charge_for_contacts, charge_for_cpu, counted, limits
from server.web.request_log import untimed

bp = Blueprint("api", __name__, url_prefix="/v1")


def _read_check() -> tuple[CheckRequest, bytes | None]:
    """The check request and the avatar bytes, from JSON or from multipart (``check`` + ``avatar``)."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
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
            if avatar:
                return body, avatar
            # An empty file part sends no image: the JSON part's own avatar, if any, is read below
            # (and refused when it is not base64), never silently dropped.
    else:
        body = validate(CheckRequest, json_body(request, mimetype))
    avatar = decode_base64(body.avatar, "avatar", MAX_AVATAR_BYTES) if body.avatar else None
    return body, avatar


def _registry_allowed() -> bool:
    """Count a check that matched the protected-people registry (``HARIS_REGISTRY_LIMIT``, and
    ``HARIS_REGISTRY_NETWORK_LIMIT`` for an IPv6 client);
    whether it may be answered. Only a counted match is: when the limiter store fails at this
    count (it died after the check's own count, or a cluster node holding this window is down),
    the allowance fails open uncounted, or closed with a 503 only a match would get — either
    tells a match from a miss, with nothing counted. It is answered as a miss is instead."""
    app_limits = limits()
    try:
        if not app_limits.charge(app_limits.registry, refuse=False):  # the client's, then an IPv6 client's /48's
            return False
    except APIError:  # limiter_unavailable (failing closed): not counted
        return False
    allowances = app_limits.charged(app_limits.registry)
    return not any(allowance.cannot_count() for allowance in allowances)  # failed open: not counted either


def _registry_open() -> bool:
    """Whether this client may be answered from the registry: not if this worker has seen it
    refused in the current window (no Redis call, so a match and a miss cost the same).
    ServiceUnavailable while the limiter store cannot count (this check's own count just failed):
    the registry's answers must be counted, so it is not asked, and its signal is listed as
    unavailable — for every check then, a match and a miss alike."""
    app_limits = limits()
    allowances = app_limits.charged(app_limits.registry)
    if any(allowance.cannot_count() for allowance in allowances):
        raise ServiceUnavailable("rate limit storage")
    return not any(allowance.known_used_up() for allowance in allowances)


def _may_contribute() -> bool:
    """Whether this anonymous check adds to the campaign aggregate: while the client is within
    ``HARIS_CAMPAIGN_CONTRIBUTIONS`` and, for an IPv6 client, its /48 within
    ``HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS`` (counted here, only for a check that would
    contribute); never when the limiter store cannot count (a flood must not pass uncounted).
    Either refusal only leaves the contribution out: the answer is the same."""
    app_limits = limits()
    if not app_limits.limiter.enabled:
        return False  # nothing counts: nothing would cap a flood
    try:
        return app_limits.charge(app_limits.campaign, refuse=False)
    except APIError:  # the limiter store is down: it fails closed
        return False


@bp.post("/check")
@untimed  # how long a check took says what it matched: no duration in its log line
@counted("check")
def check() -> Any:
    started, rebuilt = limits().cpu_clock(), rebuild_seconds()
    contacts_charged = 0
    try:
        body, avatar = _read_check()
        locale = choose_locale(body.locale, request)
        privileged = caller_has_role(Role.TRAINER)
        if privileged:  # a stolen trainer key must not walk names against the registry
            protected.refuse_when_matches_used_up(Actor(key_actor(), g.role.value, "api"))

        def charge_contacts(candidates: int) -> None:
            nonlocal contacts_charged
            contacts_charged = charge_for_contacts(body.contacts or (), candidates)

        result = run_check(
            body,
            avatar,
            locale,
            privileged,
            registry_allowed=_registry_allowed,
            registry_open=_registry_open,
            may_contribute=_may_contribute,
            charge_contacts=charge_contacts,
        )
    finally:  # a refused body's CPU (an image slow to decode, then refused) counts too
        charge_for_cpu(started, rebuilt, contacts_charged)
    if privileged:  # a trainer's answer names protected people: a read of the registry
        trainer = Actor(key_actor(), g.role.value, "api")
        protected.count_matches(trainer, protected.record_matches(result, trainer))
    # Serialised by pydantic in one step (no dict copy for jsonify): this is the hot path.
    return Response(result.model_dump_json(), mimetype="application/json")


@bp.get("/rules")
@counted("rules")
def rules() -> Any:
    """The active rules, public for transparency. The ETag names their publication
    (``server.services.rules.rules_tag``): a maintainer sends it back as If-Match with rules
    made from these, so they are not published over a publication made meanwhile."""
    version, active = app_state().rules.in_force()
    response = jsonify(active.to_dict())
    response.set_etag(rules_tag(version))
    return response

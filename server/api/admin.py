"""Maintainer endpoints: ``POST /v1/admin/rules`` publishes a new rules version to every worker.

It takes a rules file (TOML) as the body. It is validated completely before anything changes; a
bad file is refused with 422 and the key at fault in ``field``, and the rules in force stay. A
good file is published (``server.services.rules``) and every worker switches to it within about
a second.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, g, jsonify, request

from heuristics.rules import RulesError
from server.roles import Role
from server.schemas import RulesPublished
from server.services import Actor
from server.services.rules import SameVersion, publish
from server.state import app_state
from server.web.auth import key_actor, require_role
from server.web.errors import APIError, answer_storage_errors

log = logging.getLogger("haris.admin")

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")
answer_storage_errors(bp, "The rules could not be published; nothing changed.")

MAX_RULES_BYTES = 256 * 1024
RULES_MEDIA_TYPES = ("application/toml", "text/plain")


@bp.post("/rules")
@require_role(Role.MAINTAINER)
def publish_rules() -> Any:
    if request.mimetype not in RULES_MEDIA_TYPES:
        raise APIError(415, "unsupported_media_type", "Send the rules file as application/toml or text/plain.")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_RULES_BYTES:
        raise APIError(413, "body_too_large", f"A rules file is at most {MAX_RULES_BYTES} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(400, "bad_encoding", "The rules file is not valid UTF-8.") from None
    try:
        rules, previous, generation = publish(app_state(), text, Actor(key_actor(), g.role.value, "api"))
    except RulesError as error:
        raise APIError(422, "invalid_rules", error.message, error.key) from None
    except SameVersion as error:
        message = f"version {str(error)!r} is already in force; give a new one"
        raise APIError(422, "invalid_rules", message, "version") from None
    log.info("rules version %s published by %s (generation %d)", rules.version, g.principal, generation)
    body = RulesPublished(rules_version=rules.version, previous_version=previous.version, generation=generation)
    return jsonify(body.model_dump())

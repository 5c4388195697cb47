"""Maintainer endpoints: ``POST /v1/admin/rules`` publishes a new rules version to every worker.

It takes a rules file (TOML) as the body. It is validated completely before anything changes; a
bad file is refused with 422 and the key at fault in ``field``, and the rules in force stay. A
good file is published (``server.services.rules``) and every worker switches to it within about
a second.

Optional precondition: ``If-Match`` with the ETag ``GET /v1/rules`` gave. A file made from those
rules is published only if they are still in force; another publication since is refused with
409 ``rules_changed`` naming the one in force, and nothing changes. The precondition is decided
before the file is read: a stale tag gets 409 whatever the file holds (invalid, or naming the
version another maintainer just published), never a 422 about a file made from old rules. The
rules file is the whole body (TOML, the same text the CLI and SIGHUP publish), so the
precondition is a header rather than a field in it. Without ``If-Match`` (or with ``*``: some
rules are always in force), the last publication wins, as before.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, g, jsonify, request

from heuristics.rules import RulesError
from server.roles import Role
from server.schemas import RulesPublished
from server.services import Actor
from server.services.rules import RulesMovedOn, SameVersion, VersionReused, publish, version_from_tag
from server.state import app_state
from server.storage.stamps import Version
from server.web.auth import key_actor, require_role
from server.web.body import read_body
from server.web.errors import APIError, answer_storage_errors

log = logging.getLogger("haris.admin")

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")
answer_storage_errors(bp, "The rules could not be published; nothing changed.")

MAX_RULES_BYTES = 256 * 1024
RULES_MEDIA_TYPES = ("application/toml", "text/plain")


# One entity tag of an If-Match list (RFC 9110 §8.8.3): quoted, maybe weak.
_ENTITY_TAG = re.compile(r'^(W/)?"([^"]*)"$')


def _made_from() -> frozenset[Version] | None:
    """The publications named by ``If-Match`` (any of them may be replaced), or None without a
    precondition (no header, or ``*``: some rules are always in force). Parsed here, strictly:
    a tag ``GET /v1/rules`` never gives — unquoted, empty, weak (a publication is named
    exactly), or not of its form — is refused with 400, as it cannot be a publication anyone
    read. Our tags hold no comma, so a comma always separates two."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    versions = set()
    for item in header.split(","):
        found = _ENTITY_TAG.match(item.strip())
        version = version_from_tag(found[2]) if found is not None and not found[1] else None
        if version is None:
            message = 'If-Match takes the ETag GET /v1/rules gave, e.g. "12.<32 hex digits>" (quoted, not weak).'
            raise APIError(400, "bad_if_match", message, "If-Match")
        versions.add(version)
    return frozenset(versions)


@bp.post("/rules")
@require_role(Role.MAINTAINER)
def publish_rules() -> Any:
    if request.mimetype not in RULES_MEDIA_TYPES:
        raise APIError(415, "unsupported_media_type", "Send the rules file as application/toml or text/plain.")
    raw = read_body(request)  # a chunked body past MAX_CONTENT_LENGTH: 413, not its first bytes
    if len(raw) > MAX_RULES_BYTES:
        raise APIError(413, "body_too_large", f"A rules file is at most {MAX_RULES_BYTES} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(400, "bad_encoding", "The rules file is not valid UTF-8.") from None
    made_from = _made_from()
    try:
        rules, previous, generation = publish(
            app_state(), text, Actor(key_actor(), g.role.value, "api"), made_from=made_from
        )
    except RulesMovedOn as error:
        named = f"version {error.rules_version!r}, " if error.rules_version else ""
        message = (
            f"Other rules were published since the ones named in If-Match: {named}generation"
            f' {error.generation}, ETag "{error.tag}". Nothing was published; make your change'
            " from GET /v1/rules and send its ETag."
        )
        raise APIError(409, "rules_changed", message, "If-Match") from None
    except RulesError as error:
        raise APIError(422, "invalid_rules", error.message, error.key) from None
    except SameVersion as error:
        message = f"version {str(error)!r} is already in force; give a new one"
        raise APIError(422, "invalid_rules", message, "version") from None
    except VersionReused as error:
        raise APIError(422, "invalid_rules", f"{error}; give a new one", "version") from None
    log.info("rules version %s published by %s (generation %d)", rules.version, g.principal, generation)
    body = RulesPublished(rules_version=rules.version, previous_version=previous.version, generation=generation)
    return jsonify(body.model_dump())

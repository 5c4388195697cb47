"""Maintainer endpoints and the SIGHUP reload: publishing a new rules version to every worker.

``POST /v1/admin/rules`` takes a rules file (TOML) as the body. It is validated completely
before anything changes; a bad file is refused with 422 and the key at fault in ``field``, and
the rules in force stay. A good file is published to Redis (see :mod:`server.state` for the keys)
and every worker switches to it within about a second.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

import redis
from flask import Blueprint, Flask, g, jsonify, request

from heuristics.rules import RulesError, default_rules_text
from server.auth import Role, require_role
from server.errors import APIError
from server.schemas import RulesPublished
from server.state import ActiveRules, checked_rules, haris, publish_rules

log = logging.getLogger("haris.admin")

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")

MAX_RULES_BYTES = 256 * 1024
RULES_MEDIA_TYPES = ("application/toml", "text/plain")


@bp.post("/rules")
@require_role(Role.MAINTAINER)
def publish() -> Any:
    if request.mimetype not in RULES_MEDIA_TYPES:
        raise APIError(415, "unsupported_media_type", "Send the rules file as application/toml or text/plain.")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_RULES_BYTES:
        raise APIError(413, "body_too_large", f"A rules file is at most {MAX_RULES_BYTES} bytes.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(400, "bad_encoding", "The rules file is not valid UTF-8.") from None
    state = haris()
    active = state.rules.current()
    try:
        rules = checked_rules(text)
    except RulesError as error:
        raise APIError(422, "invalid_rules", error.message, error.key) from None
    if rules.version == active.version:
        # Responses name the version they were scored with; two different files must not share one.
        raise APIError(
            422, "invalid_rules", f"version {rules.version!r} is already in force; give a new one", "version"
        )
    try:
        rules, generation = publish_rules(state.redis.client, text)
    except (redis.RedisError, OSError):
        raise APIError(503, "storage_unavailable", "The rules could not be published; nothing changed.") from None
    state.rules.replace(rules, generation)
    log.info("rules version %s published by %s (generation %d)", rules.version, g.principal, generation)
    body = RulesPublished(rules_version=rules.version, previous_version=active.version, generation=generation)
    return jsonify(body.model_dump())


def reload_from_source(app: Flask) -> None:
    """Re-read HARIS_RULES_FILE (or the packaged defaults) and publish it; log, never raise."""
    path = app.config.get("HARIS_RULES_FILE")
    state = app.extensions["haris"]
    try:
        text = Path(path).read_text(encoding="utf-8") if path else default_rules_text()
        rules, generation = publish_rules(state.redis.client, text)
    except (OSError, UnicodeDecodeError) as error:
        log.error("SIGHUP: cannot read the rules file: %s", type(error).__name__)
        return
    except RulesError as error:
        log.error("SIGHUP: the rules file is invalid, the old rules stay: %s", error)
        return
    except redis.RedisError as error:
        log.error("SIGHUP: cannot publish the rules: %s", type(error).__name__)
        return
    state.rules.replace(rules, generation)
    log.info("SIGHUP: rules version %s published (generation %d)", rules.version, generation)


def install_sighup(app: Flask) -> bool:
    """Reload the rules on SIGHUP, when this process may install signal handlers.

    Under gunicorn (without --preload) each worker installs this after gunicorn's own handlers, so
    ``kill -HUP <one worker's pid>`` publishes the file and every worker follows through Redis.
    (A HUP to gunicorn's master restarts the workers instead; they keep the published version.)
    """
    if not hasattr(signal, "SIGHUP") or threading.current_thread() is not threading.main_thread():
        return False

    def handler(signum: int, frame: Any) -> None:
        # Signal handlers run between two bytecodes of the main thread: do the I/O elsewhere.
        threading.Thread(target=reload_from_source, args=(app,), name="rules-reload", daemon=True).start()

    signal.signal(signal.SIGHUP, handler)
    return True


def init_admin(app: Flask, rules: ActiveRules) -> None:
    app.register_blueprint(bp)
    rules.sync()  # a version published earlier wins over the file: all workers must agree
    install_sighup(app)

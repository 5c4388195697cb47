"""Publishing rules: what ``POST /v1/admin/rules``, ``flask rules publish`` and SIGHUP all do.

A rules file is validated completely before anything changes (:func:`checked_rules`); a good one
is stored in Redis (``server.storage.rules``), this worker switches to it at once and every other
worker within about a second (``server.lookups.rules``).
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Any

import redis
from flask import Flask

from heuristics.rules import Rules, RulesError, default_rules_text, parse_rules
from server.services import Actor
from server.services.rules_smoke import smoke_test
from server.state import AppState

log = logging.getLogger("haris.rules")
# Who publishes on SIGHUP: whoever could signal the worker (an operator on the host).
SIGNAL_ACTOR = Actor("sighup", "maintainer", "cli")


class SameVersion(ValueError):
    """The file names the version already in force: responses name the version they were scored
    with, so two different files must not share one."""


def checked_rules(text: str) -> Rules:
    """A rules file fit to publish: valid (``parse_rules``), not nested past the TOML parser's
    recursion limit, and running every enabled signal over test profiles without an exception
    (``server.services.rules_smoke``). Raises :class:`RulesError`."""
    try:
        rules = parse_rules(text)
    except RecursionError:
        raise RulesError("(file)", "not valid TOML: nested too deeply") from None
    smoke_test(rules)
    return rules


def publish(state: AppState, text: str, actor: Actor, new_version: bool = True) -> tuple[Rules, Rules, int]:
    """Validate ``text`` and make it the rules of every worker; the new rules, the ones they
    replace, and the publication's generation. Raises RulesError (nothing is published),
    SameVersion with ``new_version`` (the default), or a Redis error.

    Recorded in the audit trail (``rules.published``) whichever door it came through: rules that
    let a bait account score low are the quietest way to blind every user at once."""
    previous = state.rules.current()
    rules = checked_rules(text)
    if new_version and rules.version == previous.version:
        raise SameVersion(rules.version)
    version = state.stores.rules.publish(text)
    state.rules.replace(rules, version)
    generation = version[0]
    state.stores.audit.record(
        actor.name, "rules.published", rules.version, previous=previous.version, generation=generation
    )
    return rules, previous, generation


def reload_from_source(app: Flask) -> None:
    """Re-read HARIS_RULES_FILE (or the packaged defaults) and publish it; log, never raise."""
    path = app.config.get("HARIS_RULES_FILE")
    try:
        text = Path(path).read_text(encoding="utf-8") if path else default_rules_text()
        rules, _, generation = publish(app.extensions["haris"], text, SIGNAL_ACTOR, new_version=False)
    except (OSError, UnicodeDecodeError) as error:
        log.error("SIGHUP: cannot read the rules file: %s", type(error).__name__)
        return
    except RulesError as error:
        log.error("SIGHUP: the rules file is invalid, the old rules stay: %s", error)
        return
    except redis.RedisError as error:
        log.error("SIGHUP: cannot publish the rules: %s", type(error).__name__)
        return
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


def init_app(app: Flask) -> None:
    """A version published earlier wins over the file (all workers must agree); SIGHUP reloads."""
    app.extensions["haris"].rules.sync()
    install_sighup(app)

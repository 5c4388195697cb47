"""Publishing rules: what ``POST /v1/admin/rules``, ``flask rules publish`` and SIGHUP all do.

A rules file is validated completely before anything changes (:func:`checked_rules`); a good one
is stored in Redis (``server.storage.rules``), this worker switches to it at once and every other
worker within about a second (``server.lookups.rules``).

Two maintainers editing from the same rules must not silently undo each other: a publication may
name the publication it was made from (:func:`rules_tag`, the ETag of ``GET /v1/rules``; the
API's ``If-Match``, the CLI's ``--if-match``), and is then refused (:class:`RulesMovedOn`) when
another was published since. Without one the last publication wins, as SIGHUP always does: a
reloaded file is the operator's word on what is in force.
"""

from __future__ import annotations

import hmac
import logging
import re
import signal
import threading
import tomllib
from collections.abc import Collection
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import redis
from flask import Flask

from heuristics.rules import Rules, RulesError, default_rules_text, parse_rules
from heuristics.rules.changes import rules_changes
from heuristics.text import hidden_characters
from server.services import Actor
from server.services.rules_smoke import smoke_test
from server.state import AppState
from server.storage.rules import RulesBusy, RulesChanged, rules_digest
from server.storage.stamps import Version

log = logging.getLogger("haris.rules")
# Who publishes on SIGHUP: whoever could signal the worker (an operator on the host).
SIGNAL_ACTOR = Actor("sighup", "maintainer", "cli")


class SameVersion(ValueError):
    """The file names the version already in force: responses name the version they were scored
    with, so two different files must not share one."""


class VersionReused(ValueError):
    """The file names a version published (or released) before with other contents: answers name
    the version they were scored with, so it must name one file. Its message says which."""


@cache
def released_digests() -> dict[str, str]:
    """The released default versions and their files' SHA-256 (``heuristics/rules/released.toml``)."""
    text = resources.files("heuristics.rules").joinpath("released.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text)["released"])


def refuse_reused_version(state: AppState, rules: Rules) -> None:
    """:class:`VersionReused` when ``rules.version`` was published before, or released with the
    defaults, as another file. Publishing that very file again (a rollback) is allowed."""
    digest = rules_digest(rules.source)
    released = released_digests().get(rules.version)
    # compare_digest: not a secret, but the repository compares every digest so (test_cors_and_secrets).
    if released is not None and not hmac.compare_digest(released, digest):
        raise VersionReused(f"version {rules.version!r} is a released default version with other contents")
    published = state.stores.rules.digest_of(rules.version)
    if published is not None and not hmac.compare_digest(published, digest):
        raise VersionReused(f"version {rules.version!r} was published before with other contents")


class RulesMovedOn(Exception):
    """Another publication is in force than the one the new rules were made from: nothing was
    published. ``tag`` and ``generation`` name the one in force; ``rules_version`` its version
    (None when this worker cannot say: it changed again meanwhile, or cannot be read here)."""

    def __init__(self, current: Version, rules_version: str | None) -> None:
        super().__init__(f"generation {current[0]}")
        self.generation = current[0]
        self.tag = rules_tag(current)
        self.rules_version = rules_version


# What the store reads when Redis holds no publication (``server.storage.stamps.as_version``).
_NOTHING_PUBLISHED: Version = (0, "")
# A tag as :func:`rules_tag` writes it: the generation, and the stamp when there is one.
_TAG = re.compile(r"^(0|[1-9][0-9]{0,17})(?:\.([0-9a-f]{32}))?$")


def rules_tag(version: Version) -> str:
    """The entity tag of a publication (unquoted): its generation and stamp. The generation alone
    would name two publications when Redis lost the rules and they were published again
    (``server.storage.stamps``); ``0`` is "nothing published yet" (the file or the defaults)."""
    generation, stamp = version
    return f"{generation}.{stamp}" if stamp else str(generation)


def version_from_tag(tag: str) -> Version | None:
    """The publication a tag names, or None when :func:`rules_tag` never writes it."""
    found = _TAG.match(tag)
    return None if found is None else (int(found[1]), found[2] or "")


def checked_rules(text: str) -> Rules:
    """A rules file fit to publish: valid (``parse_rules``), not nested past the TOML parser's
    recursion limit, no integer past Python's digit limit, and running every enabled signal over
    test profiles without an exception (``server.services.rules_smoke``). Raises :class:`RulesError`."""
    try:
        rules = parse_rules(text)
    except RecursionError:
        raise RulesError("(file)", "not valid TOML: nested too deeply") from None
    except RulesError:
        raise
    except ValueError:
        # tomllib lets Python's int() refuse an integer of more than 4,300 digits (a ValueError
        # that is not a TOMLDecodeError): a 500 before this.
        raise RulesError("(file)", "not valid TOML: a number is too long") from None
    # The version is printed to maintainers' terminals (``rules check``, ``publish``, ``evaluate``)
    # and shown on pages: an escape sequence or a bidi override in it rewrote what they read.
    if not rules.version.isprintable() or hidden_characters(rules.version):
        raise RulesError("version", "must be printable, with no character that hides or reorders text")
    smoke_test(rules)
    return rules


def publish(
    state: AppState, text: str, actor: Actor, new_version: bool = True, made_from: Collection[Version] | None = None
) -> tuple[Rules, Rules, int]:
    """Validate ``text`` and make it the rules of every worker; the new rules, the ones they
    replace, and the publication's generation. Raises RulesError (nothing is published),
    SameVersion or VersionReused with ``new_version`` (the default), or a Redis error.

    With ``made_from`` (the publications the text was made from: those an If-Match names),
    :class:`RulesMovedOn` when another is in force: first before the text is validated (a stale
    precondition wins over a bad or same-version file), and finally in the transaction that
    writes it (``RulesStore.publish``). Without it, the last publication wins.

    Recorded in the audit trail (``rules.published``) whichever door it came through: rules that
    let a bait account score low are the quietest way to blind every user at once. A refused
    publication records nothing."""
    # With a precondition, the rules it replaces are read from Redis now (one MGET): the audit
    # entry's ``previous`` is then the publication the check let through, not this worker's
    # copy of up to a second ago. Without one, as before.
    previous = state.rules.current() if made_from is None else state.rules.sync()
    allowed = None if made_from is None else set(made_from)
    if allowed is not None and state.rules.version in allowed:
        # Redis holding no publication (lost, flushed) while this worker keeps serving the rules
        # it had: GET /v1/rules names those, nobody has published since, and the author read
        # them. Were only the store's "nothing" ((0, "")) let through, that ETag — the one GET
        # gives, again and again — would be refused forever ("published since", falsely).
        allowed.add(_NOTHING_PUBLISHED)
    if allowed is not None:
        # The precondition is decided before the file is read (RFC 9110 §13.2.1: before the
        # content), as the transaction below decides it: a stale If-Match is refused as stale
        # (409) whatever the file holds — above all a file naming the version another maintainer
        # just published (it was 422 "already in force", which says to bump the version and
        # publish over their change). The transaction still decides a publication landing now.
        in_redis = state.stores.rules.generation() or _NOTHING_PUBLISHED
        if in_redis not in allowed:
            raise _moved_on(state, in_redis)
    rules = checked_rules(text)
    if new_version and rules.version == previous.version:
        raise SameVersion(rules.version)
    if new_version:
        # SIGHUP (``new_version`` False) is the operator's word on the file in force, as before.
        refuse_reused_version(state, rules)
    try:
        version = state.stores.rules.publish(text, allowed, rules.version)
    except RulesChanged as changed:
        raise _moved_on(state, changed.current) from None
    except RulesBusy:
        now = state.rules.sync()
        raise RulesMovedOn(state.rules.version, now.version) from None
    state.rules.replace(rules, version)
    generation = version[0]
    state.stores.audit.record(
        actor.name,
        "rules.published",
        rules.version,
        previous=previous.version,
        generation=generation,
        # What the file changes, not only which versions: a quiet blinding (a bait signal's
        # points set to 0, a level raised) reads as one line here. The digest names the file
        # itself (``haris:{rules}:digests`` keeps the same for each version).
        changes=audited_changes(previous, rules),
        sha256=rules_digest(text),
    )
    return rules, previous, generation


# An audit entry's changes are bounded however a file differs (a rules file is at most 256 KiB,
# and a parameter may be a long list): the first lines, each cut, and how many more there were.
_AUDITED_CHANGES = 100
_AUDITED_LINE = 300


def audited_changes(previous: Rules, rules: Rules) -> list[str]:
    """:func:`~heuristics.rules.changes.rules_changes` as the audit trail keeps it (bounded)."""
    changes = [
        line if len(line) <= _AUDITED_LINE else line[: _AUDITED_LINE - 1] + "…"
        for line in rules_changes(previous, rules)
    ]
    if len(changes) > _AUDITED_CHANGES:
        more = len(changes) - _AUDITED_CHANGES + 1
        changes = [*changes[: _AUDITED_CHANGES - 1], f"… and {more} more"]
    return changes


def _moved_on(state: AppState, in_redis: Version) -> RulesMovedOn:
    """The refusal of a stale precondition, naming what is in force (``in_redis``, the store's)."""
    in_force = state.rules.sync()  # this worker then serves what the refusal names
    # Nothing in Redis: what is in force here is this worker's copy, the ETag GET gives.
    current = state.rules.version if in_redis == _NOTHING_PUBLISHED else in_redis
    known = state.rules.version == current
    return RulesMovedOn(current, in_force.version if known else None)


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

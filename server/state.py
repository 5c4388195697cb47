"""What one app instance holds: config, Redis, active rules, metrics and the check services.

Redis keys (configuration, not user data; no TTL — they live until replaced):

- ``haris:rules:active`` — the TOML text of the rules version published by a maintainer
  (``POST /v1/admin/rules``, ``flask --app server rules publish``, or SIGHUP).
- ``haris:rules:version`` — an integer generation, incremented with every publication in the
  same transaction as the text; workers poll it (at most once per second each) and load the text
  when it changes. With neither key set, a worker uses HARIS_RULES_FILE or the packaged defaults.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from flask import current_app

from heuristics.rules import Rules, RulesError, parse_rules
from server.metrics import Metrics
from server.redis_conn import RedisHandle
from server.rules_smoke import smoke_test

log = logging.getLogger("haris.rules")

RULES_TEXT_KEY = "haris:rules:active"
RULES_VERSION_KEY = "haris:rules:version"
RULES_CHECK_INTERVAL = 1.0  # seconds between two looks at the published generation, per worker
REDIS_DOWN_BACKOFF = 5.0


class ActiveRules:
    """The rules in force in this worker, kept in step with the version published in Redis.

    A check takes one ``Rules`` object from :meth:`current` and scores with it, so every response
    is consistent with exactly one version. Swapping is one reference assignment of an immutable
    object. At most once per ``check_interval`` seconds one request thread asks Redis for the
    published generation (one GET of a small integer); only when it changed does it fetch and
    parse the rules text. Other threads never wait: they keep using the rules they have.
    """

    def __init__(
        self,
        rules: Rules,
        client: redis.Redis | None = None,
        check_interval: float = RULES_CHECK_INTERVAL,
    ) -> None:
        self._rules = rules
        self._client = client
        self._interval = check_interval
        self._generation = 0  # 0: nothing from Redis yet (the rules from the file or the package)
        self._failed_generation = 0  # a published text this code cannot parse: do not retry it
        self._next_check = 0.0
        self._sync_lock = threading.Lock()

    @property
    def rules(self) -> Rules:
        return self._rules

    @property
    def generation(self) -> int:
        return self._generation

    def current(self) -> Rules:
        if self._client is not None and time.monotonic() >= self._next_check and self._sync_lock.acquire(False):
            try:
                self._next_check = time.monotonic() + self._interval
                self._sync()
            finally:
                self._sync_lock.release()
        return self._rules

    def replace(self, rules: Rules, generation: int | None = None) -> None:
        with self._sync_lock:
            self._install(rules, generation)

    def _install(self, rules: Rules, generation: int | None) -> None:
        if generation is not None:
            if generation < self._generation:
                return  # an older publication arriving late must not undo a newer one
            self._generation = generation
        self._rules = rules

    def sync(self) -> Rules:
        """Check Redis now (CLI, tests, start-up) and return the rules in force."""
        with self._sync_lock:
            self._next_check = time.monotonic() + self._interval
            self._sync()
        return self._rules

    def _sync(self) -> None:
        assert self._client is not None
        try:
            raw = self._client.get(RULES_VERSION_KEY)
            if raw is None or int(raw) in (self._generation, self._failed_generation):
                return
            # MGET reads both keys at one instant: the text always belongs to that generation.
            raw_generation, text = self._client.mget([RULES_VERSION_KEY, RULES_TEXT_KEY])
        except (redis.RedisError, OSError, ValueError) as error:
            # Keep the rules we have; back off so a down Redis costs one timeout per few seconds.
            self._next_check = time.monotonic() + max(self._interval, REDIS_DOWN_BACKOFF)
            log.warning("cannot read the published rules version: %s", type(error).__name__)
            return
        if raw_generation is None or text is None:
            return
        generation = int(raw_generation)
        try:
            rules = parse_rules(text.decode("utf-8"))
        except (RulesError, UnicodeDecodeError) as error:
            # E.g. a rolling deploy: a newer server published a signal this one does not know.
            self._failed_generation = generation
            log.error("published rules generation %d cannot be used here: %s", generation, error)
            return
        self._install(rules, generation)
        log.info("rules version %s (generation %d) in force", rules.version, generation)


def checked_rules(text: str) -> Rules:
    """A rules file fit to publish: valid (``parse_rules``), not nested past the TOML parser's
    recursion limit, and running every enabled signal over test profiles without an exception
    (``server.rules_smoke``). Raises :class:`RulesError`."""
    try:
        rules = parse_rules(text)
    except RecursionError:
        raise RulesError("(file)", "not valid TOML: nested too deeply") from None
    smoke_test(rules)
    return rules


def publish_rules(client: redis.Redis, text: str) -> tuple[Rules, int]:
    """Validate a rules file and publish it to every worker; return the rules and their generation.

    Raises :class:`RulesError` (nothing is published) for a bad file (``checked_rules``).
    """
    rules = checked_rules(text)
    pipe = client.pipeline(transaction=True)
    pipe.set(RULES_TEXT_KEY, text.encode("utf-8"))
    pipe.incr(RULES_VERSION_KEY)
    _, generation = pipe.execute()
    return rules, int(generation)


@dataclass
class Haris:
    redis: RedisHandle
    rules: ActiveRules
    metrics: Metrics
    # Services offered to signals through CheckContext.services (banks, protected people, …).
    services: dict[str, Any] = field(default_factory=dict)
    # "Now" for every check (account age): one place to pin the day a published example or a
    # test is about, instead of the wall clock.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # The campaign aggregate (heuristics.campaigns; tables in the limiter store: server/campaign_store.py).
    campaigns: Any = None


def haris() -> Haris:
    return current_app.extensions["haris"]

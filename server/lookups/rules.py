"""The rules in force in this worker, kept in step with the version published in Redis
(``server.storage.rules``). With nothing published, a worker uses HARIS_RULES_FILE or the
packaged defaults."""

from __future__ import annotations

import logging

from heuristics.context import ServiceUnavailable
from heuristics.rules import Rules, RulesError, parse_rules
from server.lookups.versioned import Versioned
from server.storage.breaker import RedisBreaker
from server.storage.rules import RulesStore
from server.storage.stamps import Version

log = logging.getLogger("haris.rules")

RULES_CHECK_INTERVAL = 1.0  # seconds between two looks at the published generation, per worker


class ActiveRules:
    """A check takes one ``Rules`` object from :meth:`current` and scores with it, so every
    response is consistent with exactly one version. At most once per ``check_interval`` seconds
    one request thread asks Redis for the published generation and its stamp (one MGET); only
    when it changed does it fetch and parse the text. While Redis is down the rules in hand stay.
    """

    def __init__(self, rules: Rules, store: RulesStore | None = None, check_interval: float = RULES_CHECK_INTERVAL):
        self._store = store
        # Generation 0: nothing from Redis yet (the rules from the file or the package). A version
        # is the generation and its stamp (server.storage.stamps): a generation alone repeats
        # when the rules are lost from Redis and published again.
        self._copy: Versioned[Version, Rules] = Versioned(
            self._published_generation, self._load, RedisBreaker("rules"), check_interval, initial=((0, ""), rules)
        )

    @property
    def rules(self) -> Rules:
        loaded = self._copy.loaded
        assert loaded is not None
        return loaded[1]

    @property
    def generation(self) -> int:
        return self.version[0]

    @property
    def version(self) -> Version:
        loaded = self._copy.loaded
        assert loaded is not None
        return loaded[0]

    def current(self) -> Rules:
        if self._store is None:
            return self.rules
        try:
            return self._copy.current()
        except ServiceUnavailable:
            return self.rules  # keep the rules we have; the breaker leaves Redis alone a while

    def in_force(self) -> tuple[Version, Rules]:
        """:meth:`current` with the version it was loaded under, read together: the ETag of
        ``GET /v1/rules`` must name the publication of the rules it shows, not a later one."""
        self.current()
        loaded = self._copy.loaded  # one reference: a version and its rules, installed together
        assert loaded is not None
        return loaded

    def sync(self) -> Rules:
        """Check Redis now (CLI, tests, start-up) and return the rules in force."""
        if self._store is None:
            return self.rules
        try:
            return self._copy.refresh()
        except ServiceUnavailable:
            return self.rules

    def replace(self, rules: Rules, version: Version) -> None:
        """Use rules this worker just published; an older publication arriving late is ignored."""
        if version[0] >= self.generation:
            self._copy.install(version, rules)

    def _published_generation(self) -> Version:
        assert self._store is not None
        found = self._store.generation()
        # Nothing published: the rules in hand stay, under the version they have.
        return self.version if found is None else found

    def _load(self, version: Version, previous: Rules | None) -> Rules:
        assert self._store is not None and previous is not None
        published = self._store.published()
        if published is None:
            return previous
        found, text = published
        try:
            rules = parse_rules(text.decode("utf-8"))
        except (RulesError, UnicodeDecodeError) as error:
            # E.g. a rolling deploy: a newer server published a signal this one does not know. The
            # generation is remembered with the old rules, so this text is not parsed again.
            log.error("published rules generation %d cannot be used here: %s", found, error)
            return previous
        log.info("rules version %s (generation %d) in force", rules.version, found)
        return rules

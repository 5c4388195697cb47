"""The rules version a maintainer published, shared by every worker and node.

Redis keys (configuration, not user data; no TTL — they live until replaced):

- ``haris:{rules}:active`` — the TOML text of the rules version published by a maintainer
  (``POST /v1/admin/rules``, ``flask --app server rules publish``, or SIGHUP).
- ``haris:{rules}:version`` — an integer generation, incremented with every publication in the
  same transaction as the text; workers poll it (``server.lookups.rules``) and load the text
  when it changes.
- ``haris:{rules}:digests`` — hash: every rules version ever published → the SHA-256 of its
  text (written in the same transaction): a version names one file, so a different file under a
  version published before is refused (``server.services.rules``), while the same file again (a
  rollback) is not. A seized copy tells which versions were published, as the audit trail does.
- ``haris:{rules}:stamp`` — a random token written with every publication (same transaction): with
  the generation, what a worker reloads by, so rules lost and published again never look
  unchanged to a worker (:mod:`server.storage.stamps`).

The three keys share one hash tag, so a publication is one transaction on one node of a cluster,
and a conditional one (:meth:`RulesStore.publish` with ``expected``) WATCHes the generation there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass

import redis

from server.storage.optimistic import watched
from server.storage.stamps import Version, as_version, new_stamp

RULES_TEXT_KEY = "haris:{rules}:active"
RULES_VERSION_KEY = "haris:{rules}:version"
RULES_STAMP_KEY = "haris:{rules}:stamp"
RULES_DIGESTS_KEY = "haris:{rules}:digests"


def rules_digest(text: str) -> str:
    """The SHA-256 of a rules file's text (UTF-8), as ``heuristics/rules/released.toml`` lists them."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Tries of a conditional publication whose generation keeps moving under it (each publication moves
# it, so a retry finds it changed and is refused: a second try is all it ever takes).
_RETRIES = 5


class RulesChanged(RuntimeError):
    """The rules in force are no longer the publication a new one was made from: ``current`` is
    the generation and stamp in force now."""

    def __init__(self, current: Version) -> None:
        super().__init__(f"generation {current[0]}")
        self.current = current


class RulesBusy(RuntimeError):
    """The generation kept changing while a conditional publication was being written."""


@dataclass
class RulesStore:
    client: redis.Redis

    def generation(self) -> Version | None:
        """The published generation and its stamp (one MGET of two small values), or None
        before any publication."""
        raw, stamp = self.client.mget([RULES_VERSION_KEY, RULES_STAMP_KEY])
        try:
            return None if raw is None else as_version(raw, stamp)
        except ValueError:  # not written by this code: as if nothing were published
            return None

    def published(self) -> tuple[int, bytes] | None:
        """The published generation and its text, read at one instant (MGET), or None."""
        raw_generation, text = self.client.mget([RULES_VERSION_KEY, RULES_TEXT_KEY])
        if raw_generation is None or text is None:
            return None
        return int(raw_generation), text

    def digest_of(self, version: str) -> str | None:
        """The SHA-256 of the text first published as ``version``, or None when it never was."""
        found = self.client.hget(RULES_DIGESTS_KEY, version)
        return None if found is None else found.decode()

    def publish(self, text: str, expected: Collection[Version] | None = None, version: str | None = None) -> Version:
        """Store ``text`` as the rules in force and return its new generation and stamp (one
        transaction).

        With ``expected`` (the versions the new text may replace: the publication its author read,
        ``(0, "")`` for none yet), :class:`RulesChanged` when the rules in force are another
        publication: it would silently undo a change its author never saw. The generation is read
        WATCHed and compared, and the text written in the same MULTI; another publication landing
        in between fails the EXEC, and the retry reads it and refuses."""
        stamp = new_stamp()
        if expected is None:  # as before: the last publication wins (SIGHUP, unconditional calls)
            pipe = self.client.pipeline(transaction=True)
            self._write(pipe, text, stamp, version)
            generation = pipe.execute()[1]
            return int(generation), stamp
        allowed = set(expected)

        def attempt(pipe: redis.client.Pipeline) -> Version:
            # Two GETs: a cluster's pipeline refuses MGET (it could span slots; these do not).
            counter, found = pipe.get(RULES_VERSION_KEY), pipe.get(RULES_STAMP_KEY)
            try:
                current = as_version(counter, found)
            except ValueError:  # not written by this code: no publication anyone could have read
                current = (-1, "")
            if current not in allowed:
                raise RulesChanged(current)
            pipe.multi()
            self._write(pipe, text, stamp, version)
            generation = pipe.execute()[1]
            return int(generation), stamp

        return watched(self.client, RULES_VERSION_KEY, attempt, _RETRIES, RulesBusy())

    @staticmethod
    def _write(pipe: redis.client.Pipeline, text: str, stamp: str, version: str | None) -> None:
        pipe.set(RULES_TEXT_KEY, text.encode("utf-8"))
        pipe.incr(RULES_VERSION_KEY)
        pipe.set(RULES_STAMP_KEY, stamp)
        if version is not None:  # the first file published under a version keeps it
            pipe.hsetnx(RULES_DIGESTS_KEY, version, rules_digest(text))

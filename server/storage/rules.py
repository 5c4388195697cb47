"""The rules version a maintainer published, shared by every worker and node.

Redis keys (configuration, not user data; no TTL — they live until replaced):

- ``haris:{rules}:active`` — the TOML text of the rules version published by a maintainer
  (``POST /v1/admin/rules``, ``flask --app server rules publish``, or SIGHUP).
- ``haris:{rules}:version`` — an integer generation, incremented with every publication in the
  same transaction as the text; workers poll it (``server.lookups.rules``) and load the text
  when it changes.
- ``haris:{rules}:stamp`` — a random token written with every publication (same transaction): with
  the generation, what a worker reloads by, so rules lost and published again never look
  unchanged to a worker (:mod:`server.storage.stamps`).
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

from server.storage.stamps import Version, as_version, new_stamp

RULES_TEXT_KEY = "haris:{rules}:active"
RULES_VERSION_KEY = "haris:{rules}:version"
RULES_STAMP_KEY = "haris:{rules}:stamp"


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

    def publish(self, text: str) -> Version:
        """Store ``text`` as the rules in force and return its new generation and stamp (one
        transaction)."""
        stamp = new_stamp()
        pipe = self.client.pipeline(transaction=True)
        pipe.set(RULES_TEXT_KEY, text.encode("utf-8"))
        pipe.incr(RULES_VERSION_KEY)
        pipe.set(RULES_STAMP_KEY, stamp)
        _, generation, _ = pipe.execute()
        return int(generation), stamp

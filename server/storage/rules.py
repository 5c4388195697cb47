"""The rules version a maintainer published, shared by every worker and node.

Redis keys (configuration, not user data; no TTL — they live until replaced):

- ``haris:{rules}:active`` — the TOML text of the rules version published by a maintainer
  (``POST /v1/admin/rules``, ``flask --app server rules publish``, or SIGHUP).
- ``haris:{rules}:version`` — an integer generation, incremented with every publication in the
  same transaction as the text; workers poll it (``server.lookups.rules``) and load the text
  when it changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

RULES_TEXT_KEY = "haris:{rules}:active"
RULES_VERSION_KEY = "haris:{rules}:version"


@dataclass
class RulesStore:
    client: redis.Redis

    def generation(self) -> int | None:
        """The published generation (one GET of a small integer), or None before any publication."""
        raw = self.client.get(RULES_VERSION_KEY)
        try:
            return None if raw is None else int(raw)
        except ValueError:  # not written by this code: as if nothing were published
            return None

    def published(self) -> tuple[int, bytes] | None:
        """The published generation and its text, read at one instant (MGET), or None."""
        raw_generation, text = self.client.mget([RULES_VERSION_KEY, RULES_TEXT_KEY])
        if raw_generation is None or text is None:
            return None
        return int(raw_generation), text

    def publish(self, text: str) -> int:
        """Store ``text`` as the rules in force and return its new generation (one transaction)."""
        pipe = self.client.pipeline(transaction=True)
        pipe.set(RULES_TEXT_KEY, text.encode("utf-8"))
        pipe.incr(RULES_VERSION_KEY)
        _, generation = pipe.execute()
        return int(generation)

"""Key names before hash tags, renamed once into the names a Redis Cluster needs.

Keys that a transaction, an MGET or a WATCH touch together must hash to one cluster slot, so each
such family carries a hash tag (``haris:{reports}:…``: Redis hashes only the part in braces).
Servers before that wrote the same families without braces; on a single Redis (the only kind
they supported) :func:`migrate` renames them on start-up, keeping every value and TTL (RENAME
keeps both). ``haris:schema`` records that it ran, so later starts cost one GET.
"""

from __future__ import annotations

import logging

import redis

log = logging.getLogger("haris.redis")

SCHEMA_KEY = "haris:schema"
SCHEMA = b"2"
# Whole keys first, then families by prefix (``haris:protected:ids`` before ``haris:protected:*``).
RENAMED_KEYS = {
    "haris:rules:active": "haris:{rules}:active",
    "haris:rules:version": "haris:{rules}:version",
    "haris:banks": "haris:{banks}:names",
    "haris:protected:ids": "haris:{protected}:ids",
    "haris:protected:version": "haris:{protected}:version",
    "haris:reports:pending": "haris:{reports}:pending",
    "haris:reports:sequence": "haris:{reports}:sequence",
    "haris:reports:decided": "haris:{reports}:decided",
    "haris:cases": "haris:{cases}:index",
}
RENAMED_PREFIXES = {
    "haris:reports:account:": "haris:{reports}:account:",
    "haris:report:": "haris:{reports}:report:",
    "haris:protected:keypoints:": "haris:{protected}:keypoints:",
    "haris:protected:": "haris:{protected}:person:",
    "haris:bank:": "haris:{banks}:bank:",
    "haris:case:": "haris:{cases}:case:",
    "haris:user-sessions:": "haris:{users}:user-sessions:",
    "haris:user:": "haris:{users}:user:",
    "haris:session:": "haris:{users}:session:",
}


def migrate(client: redis.Redis) -> int:
    """Rename keys written under the old names; how many were renamed. Safe to run from several
    workers at once (RENAMENX, and a key another worker moved first is skipped)."""
    if client.get(SCHEMA_KEY) == SCHEMA:
        return 0
    moved = 0
    for old, new in RENAMED_KEYS.items():
        moved += _rename(client, old, new)
    for old_prefix, new_prefix in RENAMED_PREFIXES.items():
        for key in list(client.scan_iter(match=old_prefix + "*", count=1000)):
            name = key.decode("utf-8", "surrogateescape")
            moved += _rename(client, name, new_prefix + name[len(old_prefix) :])
    client.set(SCHEMA_KEY, SCHEMA)
    if moved:
        log.info("renamed %d keys to their hash-tagged names", moved)
    return moved


def _rename(client: redis.Redis, old: str, new: str) -> int:
    try:
        return int(client.renamenx(old, new))
    except redis.ResponseError:  # no such key (never written, or another worker moved it)
        return 0

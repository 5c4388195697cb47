"""Key names before hash tags, renamed once into the names a Redis Cluster needs.

Keys that a transaction, an MGET or a WATCH touch together must hash to one cluster slot, so each
such family carries a hash tag (``haris:{reports}:…``: Redis hashes only the part in braces).
Servers before that wrote the same families without braces; on a single Redis (the only kind
they supported) :func:`migrate` renames them on start-up, keeping every value and TTL (RENAME
keeps both). ``haris:schema`` records that it ran, so later starts cost one GET.

Schema 3 moves the API keys (``haris:apikey:<sha256>``, written by servers that already ran on a
Cluster, so spread over its slots) into their hash-tagged family with an index of each owner's
keys (``server.storage.apikeys``): each is read, deleted, and written under its new name with
its owner's index by the worker whose DELETE removed it (so no worker writes back a key another
one moved and an operator revoked meanwhile; a worker that dies in between loses the key, as a
revocation would, never keeps one). API keys have no TTL.
"""

from __future__ import annotations

import logging

import redis

from server.storage.apikeys import store_record

log = logging.getLogger("haris.redis")

SCHEMA_KEY = "haris:schema"
SCHEMA = b"3"
_HASH_TAGGED = b"2"  # the schema whose keys carry hash tags, before API keys moved
OLD_API_KEY_PREFIX = "haris:apikey:"
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


def migrate(client: redis.Redis, cluster: bool = False) -> int:
    """Rename keys written under the old names; how many were renamed. Safe to run from several
    workers at once (RENAMENX, and a key another worker moved first is skipped). On a
    ``cluster`` only the API keys are moved: a cluster deployment never had the older names."""
    schema = client.get(SCHEMA_KEY)
    if schema == SCHEMA:
        return 0
    moved = 0
    if schema != _HASH_TAGGED and not cluster:
        for old, new in RENAMED_KEYS.items():
            moved += _rename(client, old, new)
        for old_prefix, new_prefix in RENAMED_PREFIXES.items():
            for key in list(client.scan_iter(match=old_prefix + "*", count=1000)):
                name = key.decode("utf-8", "surrogateescape")
                moved += _rename(client, name, new_prefix + name[len(old_prefix) :])
    moved += _move_api_keys(client)
    client.set(SCHEMA_KEY, SCHEMA)
    if moved:
        log.info("renamed %d keys to their hash-tagged names", moved)
    return moved


def _move_api_keys(client: redis.Redis) -> int:
    """Move every API key written under ``haris:apikey:`` into the ``{apikeys}`` family and its
    owner's index; how many this worker moved."""
    moved = 0
    for key in list(client.scan_iter(match=OLD_API_KEY_PREFIX + "*", count=1000)):
        name = key.decode("utf-8", "surrogateescape")
        record = client.hgetall(name)
        if not record or not client.delete(name):  # another worker's (or revoked meanwhile)
            continue
        fields: dict[str, str | int] = {field.decode(): value.decode() for field, value in record.items()}
        store_record(client, name[len(OLD_API_KEY_PREFIX) :], fields)
        moved += 1
    return moved


def _rename(client: redis.Redis, old: str, new: str) -> int:
    try:
        return int(client.renamenx(old, new))
    except redis.ResponseError:  # no such key (never written, or another worker moved it)
        return 0

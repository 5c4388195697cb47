"""Key names before hash tags, renamed once into the names a Redis Cluster needs.

Keys that a transaction, an MGET or a WATCH touch together must hash to one cluster slot, so each
such family carries a hash tag (``haris:{reports}:…``: Redis hashes only the part in braces).
Servers before that wrote the same families without braces; on a single Redis (the only kind
they supported) :func:`migrate` renames them on start-up, keeping every value and TTL (RENAME
keeps both). ``haris:schema`` records that it ran, so later starts cost one GET.

Schema 3 moves the API keys (``haris:apikey:<sha256>``, written by servers that already ran on a
Cluster, so spread over its slots) into their hash-tagged family with an index of each owner's
keys (``server.storage.apikeys``). The old and new names may be in different slots, so no one
transaction holds both: each key is read, written under its new name with its owner's index
(unless a revocation's tombstone is there: :func:`server.storage.apikeys.move_record`), and only
then deleted under its old one. A worker that dies between any two steps leaves the key under
one name or both, never none, and the next start moves what is left; two workers moving the same
key write the same record; a key revoked meanwhile is not written back (revocation deletes both
names and leaves the tombstone). ``haris:schema`` becomes 3 only once no key is left under the
old name. API keys have no TTL.
"""

from __future__ import annotations

import logging

import redis

from server.storage.apikeys import OLD_KEY_PREFIX, move_record

log = logging.getLogger("haris.redis")

SCHEMA_KEY = "haris:schema"
SCHEMA = b"3"
_HASH_TAGGED = b"2"  # the schema whose keys carry hash tags, before API keys moved
_API_KEY_PASSES = 3  # a pass, and the scan that finds none left (or another pass for late ones)
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
    workers at once (RENAMENX; an API key two workers move is written twice, the same), and from
    a worker that died half-way and starts again (what is left is moved). On a ``cluster`` only
    the API keys are moved: a cluster deployment never had the older names."""
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
    for _ in range(_API_KEY_PASSES):
        old_names = _old_api_keys(client)
        if not old_names:
            client.set(SCHEMA_KEY, SCHEMA)
            break
        moved += _move_api_keys(client, old_names)
    else:  # still written by workers of an older version (a rolling upgrade): the next start
        log.warning("API keys are still written under their old names: they are moved at the next start")
    if moved:
        log.info("renamed %d keys to their hash-tagged names", moved)
    return moved


def _old_api_keys(client: redis.Redis) -> list[str]:
    return [key.decode("utf-8", "surrogateescape") for key in client.scan_iter(match=OLD_KEY_PREFIX + "*", count=1000)]


def _move_api_keys(client: redis.Redis, old_names: list[str]) -> int:
    """Move these API keys written under ``haris:apikey:`` into the ``{apikeys}`` family and its
    owner's index; how many this worker wrote (two workers at once may both count one)."""
    moved = 0
    for name in old_names:
        record = client.hgetall(name)
        if not record:  # moved or revoked meanwhile
            continue
        fields: dict[str, str | int] = {field.decode(): value.decode() for field, value in record.items()}
        moved += move_record(client, name[len(OLD_KEY_PREFIX) :], fields)
        client.delete(name)  # only once written: a worker that dies before leaves it to the next start
    return moved


def _rename(client: redis.Redis, old: str, new: str) -> int:
    try:
        return int(client.renamenx(old, new))
    except redis.ResponseError:  # no such key (never written, or another worker moved it)
        return 0

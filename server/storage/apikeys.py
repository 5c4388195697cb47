"""API keys for the trainer and maintainer endpoints.

Keys are random tokens shown once; Redis keeps only their SHA-256 (a key is 256 bits of
randomness, so a fast hash is enough). A key's **id** is the first ``KEY_ID_LENGTH`` hex digits of
that digest: printed when the key is made and by ``flask --app server apikey list``, it names the
key for revocation without the key itself — the operator of a trainer's seized laptop has only
the id, and must still be able to revoke what was on it.

A key may be made **for a console account** (``apikey create --owner NAME``): the account must
exist and its role must grant the key's (a trainer cannot own a maintainer key). Such a key is
revoked with its account (``server.services.accounts.revoke_user``) and, should a revocation be
interrupted or race a key being made, is refused anyway whenever its owner is not the account it
was made for: the key names the account's ``instance`` (``server.storage.users``: written once
when the account is made), so an account deleted and made again under the same name owns none of
the old one's keys. A key made without an owner (and every key made before owners existed) is
kept as before, listed as unowned.

Revoking an account reads only its own keys: each account's keys are listed in an index
(``OWNER_PREFIX``), written in the same transaction as the key (MULTI/EXEC: the key and the
index are one hash-tagged family, ``{apikeys}``, in one Redis Cluster slot), and a key leaves it
in the transaction that deletes it. Keys written before the index, under ``haris:apikey:``
(``OLD_KEY_PREFIX``: spread over a cluster's slots, so never in one transaction with the family),
are moved into the family and their owners' indexes once, at start-up (``server.storage.migrate``):
written under the new name first (:func:`move_record`), then deleted under the old one, so a
worker that dies in between leaves both and the next start finishes. A revocation deletes both
names, the old one first, and leaves a **tombstone** in the family in the transaction that
deletes the new one: a move that read the key before the revocation then finds the tombstone
where it would write, and writes nothing (a revoked key never comes back), while two workers
moving the same key write the same record and delete the same old name (none is lost).

Redis keys:
- ``haris:{apikeys}:key:<sha256>`` — hash ``role``, ``label`` (who or what the key is for, kept
  for audit trails), ``created`` (unix time), and for a key made for an account ``owner`` (its
  username) and ``owner_instance`` (:func:`server.storage.users.account_instance`). Kept until
  revoked (``flask --app server apikey revoke``, or with its owner's account).
- ``haris:{apikeys}:owner:<username>`` — set of the digests of the keys made for accounts of
  that name (of the account under that name now, and of any earlier one a revocation was
  interrupted before deleting): what revoking the account deletes. Gone with its last key.
- ``haris:{apikeys}:revoked:<sha256>`` — ``1``: that the key was revoked, so that a start-up move
  (which may have read it under its old name just before) does not write it back. Expires after
  ``TOMBSTONE_SECONDS`` (a move's read and write are one round trip apart).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from server.roles import Role, role_grants
from server.storage.optimistic import watched
from server.storage.users import account_instance

KEY_PREFIX = "haris:{apikeys}:key:"
OWNER_PREFIX = "haris:{apikeys}:owner:"
TOMBSTONE_PREFIX = "haris:{apikeys}:revoked:"
OLD_KEY_PREFIX = "haris:apikey:"  # before schema 3: moved at start-up (server.storage.migrate)
# A move reads a key and writes it a round trip later; a week covers any worker paused in between.
TOMBSTONE_SECONDS = 7 * 86_400
_MOVE_RETRIES = 5
KEY_ID_LENGTH = 12
MAX_LABEL_LENGTH = 100


class ApiKeyError(ValueError):
    """A key cannot be made or named as asked (a bad label, an unknown or ambiguous id)."""


@dataclass(frozen=True)
class StoredKey:
    """What is known of a key without the key: its id, role, label and creation time."""

    id: str
    role: Role
    label: str
    created: int
    owner: str | None = None  # the console account the key was made for; None: unowned
    owner_instance: str | None = None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_id(key: str) -> str:
    """The id a key is listed and revoked by (a prefix of its stored digest)."""
    return _digest(key)[:KEY_ID_LENGTH]


def valid_label(label: str) -> bool:
    """1-100 printable characters: it is shown in the audit trail and in ``apikey list``."""
    return bool(label.strip()) and len(label) <= MAX_LABEL_LENGTH and label.isprintable()


def create_api_key(
    client: redis.Redis, role: Role, label: str, now: float | None = None, owner: str | None = None
) -> str:
    """Create a key, store its hash, and return the key (the only time it is visible). With
    ``owner``, the key is that console account's (``ApiKeyError`` if there is no such account or
    its role does not grant ``role``)."""
    if not valid_label(label):
        raise ApiKeyError(f"a label is 1-{MAX_LABEL_LENGTH} printable characters")
    record: dict[str, str | int] = {"role": role.value, "label": label}
    if owner is not None:
        found = account_instance(client, owner)
        if found is None:
            raise ApiKeyError(f"no console account {owner!r} to own the key")
        account_role, instance = found
        if not role_grants(account_role, role):
            raise ApiKeyError(f"{owner!r} is a {account_role.value}: it cannot own a {role.value} key")
        record |= {"owner": owner, "owner_instance": instance}
    key = "hk_" + secrets.token_urlsafe(32)
    record["created"] = int(time.time() if now is None else now)
    store_record(client, _digest(key), record)
    return key


def store_record(client: redis.Redis, digest: str, record: dict[str, str | int]) -> None:
    """Write the key of ``digest`` and, for an owned one, list it in its owner's index, in one
    transaction (one slot: the ``{apikeys}`` family)."""
    owner = record.get("owner")
    with client.pipeline(transaction=True) as pipe:
        pipe.hset(KEY_PREFIX + digest, mapping=record)
        if owner is not None:
            pipe.sadd(OWNER_PREFIX + str(owner), digest)
        pipe.execute()


class _MoveBusy(redis.RedisError):
    """The key's tombstone kept changing while a move tried to write it (never in practice; a
    Redis error, so start-up goes on and the next start moves the key)."""


def move_record(client: redis.Redis, digest: str, record: dict[str, str | int]) -> bool:
    """Write a key read under its old name (``OLD_KEY_PREFIX``) as :func:`store_record` does,
    unless it was revoked since (its tombstone is there); whether it was written. Writing it
    again (another worker moved it, or this move was interrupted) writes the same record."""
    tombstone = TOMBSTONE_PREFIX + digest

    def attempt(pipe: redis.client.Pipeline) -> bool:
        if pipe.exists(tombstone):
            pipe.unwatch()
            return False
        pipe.multi()
        pipe.hset(KEY_PREFIX + digest, mapping=record)
        if record.get("owner") is not None:
            pipe.sadd(OWNER_PREFIX + str(record["owner"]), digest)
        pipe.execute()
        return True

    return watched(client, tombstone, attempt, _MOVE_RETRIES, _MoveBusy(digest))


def _delete(client: redis.Redis, digest: str, owner: str | None) -> bool:
    """Delete the key of ``digest`` under its old name, then under its new one with its owner's
    index and a tombstone in one transaction (the order :func:`move_record` relies on); whether
    it was there to delete (not if revoked meanwhile)."""
    old_deleted = client.delete(OLD_KEY_PREFIX + digest)
    with client.pipeline(transaction=True) as pipe:
        pipe.delete(KEY_PREFIX + digest)
        if owner is not None:
            pipe.srem(OWNER_PREFIX + owner, digest)
        pipe.set(TOMBSTONE_PREFIX + digest, 1, ex=TOMBSTONE_SECONDS)
        deleted, *_ = pipe.execute()
    return bool(deleted or old_deleted)


def _optional(record: dict[bytes, bytes], name: bytes) -> str | None:
    value = record.get(name)
    return None if value is None else value.decode()


def _record(digest: str, record: dict[bytes, bytes]) -> StoredKey:
    return StoredKey(
        id=digest[:KEY_ID_LENGTH],
        role=Role(record[b"role"].decode()),
        label=record.get(b"label", b"").decode(),
        created=int(record.get(b"created", b"0")),
        owner=_optional(record, b"owner"),
        owner_instance=_optional(record, b"owner_instance"),
    )


def owner_lives(client: redis.Redis, stored: StoredKey) -> bool:
    """Whether the key may be used as far as its owner goes: unowned, or owned by the very
    account it was made for (not deleted, not made again under its name) whose role still grants
    the key's."""
    if stored.owner is None:
        return True
    found = account_instance(client, stored.owner)
    if found is None:
        return False
    account_role, instance = found
    return instance == stored.owner_instance and role_grants(account_role, stored.role)


def _stored_keys(client: redis.Redis) -> list[tuple[str, StoredKey]]:
    """Every stored key's digest and record, oldest first."""
    found = []
    for name in client.scan_iter(match=KEY_PREFIX + "*", count=500):
        digest = name.decode()[len(KEY_PREFIX) :]
        record = client.hgetall(name)
        if record:
            found.append((digest, _record(digest, record)))
    return sorted(found, key=lambda pair: (pair[1].created, pair[1].id))


def list_api_keys(client: redis.Redis) -> list[StoredKey]:
    """Every key's id, role, label, creation time and owner (never the key: it is not kept)."""
    return [stored for _, stored in _stored_keys(client)]


def _find(client: redis.Redis, key_or_id: str) -> tuple[str, StoredKey] | None:
    """The digest and record of the key named by the key itself or by its id (``ApiKeyError`` if
    an id is ambiguous), under its name or, not moved yet, its old one."""
    if len(key_or_id) == KEY_ID_LENGTH and all(c in "0123456789abcdef" for c in key_or_id):
        digests = {
            name.decode()[len(prefix) :]
            for prefix in (KEY_PREFIX, OLD_KEY_PREFIX)
            for name in client.scan_iter(match=prefix + key_or_id + "*", count=500)
        }
        if len(digests) > 1:
            raise ApiKeyError(f"id {key_or_id} names {len(digests)} keys; revoke by the key itself")
        digest = digests.pop() if digests else None
    else:
        digest = _digest(key_or_id)
    if digest is None:
        return None
    record = client.hgetall(KEY_PREFIX + digest) or client.hgetall(OLD_KEY_PREFIX + digest)
    return (digest, _record(digest, record)) if record else None


def revoke_api_key(client: redis.Redis, key_or_id: str) -> StoredKey | None:
    """Delete the key named by the key or its id; what was deleted, or None if there was none.
    Effective on the next request: keys are looked up in Redis on every call, never cached."""
    found = _find(client, key_or_id)
    if found is None:
        return None
    digest, stored = found
    _delete(client, digest, stored.owner)
    return stored


def revoke_keys_of(client: redis.Redis, username: str) -> list[StoredKey]:
    """Delete every key made for an account named ``username`` that is not the account under that
    name now (the caller has just deleted it; one made again since keeps its own keys); what was
    deleted. Reads only the keys the name's index lists (``OWNER_PREFIX``), not every key."""
    live = account_instance(client, username)
    index = OWNER_PREFIX + username
    digests = sorted(member.decode() for member in client.smembers(index))
    with client.pipeline(transaction=False) as pipe:
        for digest in digests:
            pipe.hgetall(KEY_PREFIX + digest)
        records = pipe.execute()
    revoked = []
    for digest, record in zip(digests, records, strict=True):
        if not record:  # deleted, and the index not yet told (cannot happen but by hand): tidy it
            client.srem(index, digest)
            continue
        stored = _record(digest, record)
        if stored.owner != username or (live is not None and stored.owner_instance == live[1]):
            continue
        if _delete(client, digest, username):  # not if revoked meanwhile by its id
            revoked.append(stored)
    return sorted(revoked, key=lambda stored: (stored.created, stored.id))


def stored_key(client: redis.Redis, key: str) -> tuple[Role, str] | None:
    """The role and label of a stored key, or None (also for a key whose owner is gone:
    :func:`owner_lives`). The lookup is by hash, so timing reveals nothing about stored keys."""
    digest = _digest(key)
    record = client.hgetall(KEY_PREFIX + digest)
    if not record:
        return None
    stored = _record(digest, record)
    if not owner_lives(client, stored):
        return None
    return stored.role, stored.label

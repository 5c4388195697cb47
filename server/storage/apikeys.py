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
in the transaction that deletes it. Keys written before the index, under ``haris:apikey:``, are
moved into the family and their owners' indexes once, at start-up (``server.storage.migrate``).

Redis keys:
- ``haris:{apikeys}:key:<sha256>`` — hash ``role``, ``label`` (who or what the key is for, kept
  for audit trails), ``created`` (unix time), and for a key made for an account ``owner`` (its
  username) and ``owner_instance`` (:func:`server.storage.users.account_instance`). Kept until
  revoked (``flask --app server apikey revoke``, or with its owner's account).
- ``haris:{apikeys}:owner:<username>`` — set of the digests of the keys made for accounts of
  that name (of the account under that name now, and of any earlier one a revocation was
  interrupted before deleting): what revoking the account deletes. Gone with its last key.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from server.roles import Role, role_grants
from server.storage.users import account_instance

KEY_PREFIX = "haris:{apikeys}:key:"
OWNER_PREFIX = "haris:{apikeys}:owner:"
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


def _delete(client: redis.Redis, digest: str, owner: str | None) -> bool:
    """Delete the key of ``digest`` and take it out of its owner's index, in one transaction;
    whether it was there to delete (not if revoked meanwhile)."""
    with client.pipeline(transaction=True) as pipe:
        pipe.delete(KEY_PREFIX + digest)
        if owner is not None:
            pipe.srem(OWNER_PREFIX + owner, digest)
        deleted, *_ = pipe.execute()
    return bool(deleted)


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
    an id is ambiguous)."""
    if len(key_or_id) == KEY_ID_LENGTH and all(c in "0123456789abcdef" for c in key_or_id):
        names = list(client.scan_iter(match=KEY_PREFIX + key_or_id + "*", count=500))
        if len(names) > 1:
            raise ApiKeyError(f"id {key_or_id} names {len(names)} keys; revoke by the key itself")
        digest = names[0].decode()[len(KEY_PREFIX) :] if names else None
    else:
        digest = _digest(key_or_id)
    if digest is None:
        return None
    record = client.hgetall(KEY_PREFIX + digest)
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

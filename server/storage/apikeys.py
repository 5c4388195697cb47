"""API keys for the trainer and maintainer endpoints.

Keys are random tokens shown once; Redis keeps only their SHA-256 (a key is 256 bits of
randomness, so a fast hash is enough). A key's **id** is the first ``KEY_ID_LENGTH`` hex digits of
that digest: printed when the key is made and by ``flask --app server apikey list``, it names the
key for revocation without the key itself — the operator of a trainer's seized laptop has only
the id, and must still be able to revoke what was on it.

Redis key:
- ``haris:apikey:<sha256>`` — hash ``role``, ``label`` (who or what the key is for, kept for audit
  trails), ``created`` (unix time). Kept until revoked (``flask --app server apikey revoke``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

import redis

from server.roles import Role

KEY_PREFIX = "haris:apikey:"
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


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_id(key: str) -> str:
    """The id a key is listed and revoked by (a prefix of its stored digest)."""
    return _digest(key)[:KEY_ID_LENGTH]


def valid_label(label: str) -> bool:
    """1-100 printable characters: it is shown in the audit trail and in ``apikey list``."""
    return bool(label.strip()) and len(label) <= MAX_LABEL_LENGTH and label.isprintable()


def create_api_key(client: redis.Redis, role: Role, label: str, now: float | None = None) -> str:
    """Create a key, store its hash, and return the key (the only time it is visible)."""
    if not valid_label(label):
        raise ApiKeyError(f"a label is 1-{MAX_LABEL_LENGTH} printable characters")
    key = "hk_" + secrets.token_urlsafe(32)
    created = int(time.time() if now is None else now)
    client.hset(KEY_PREFIX + _digest(key), mapping={"role": role.value, "label": label, "created": created})
    return key


def _record(digest: str, record: dict[bytes, bytes]) -> StoredKey:
    return StoredKey(
        id=digest[:KEY_ID_LENGTH],
        role=Role(record[b"role"].decode()),
        label=record.get(b"label", b"").decode(),
        created=int(record.get(b"created", b"0")),
    )


def list_api_keys(client: redis.Redis) -> list[StoredKey]:
    """Every key's id, role, label and creation time (never the key: it is not kept)."""
    found = []
    for name in client.scan_iter(match=KEY_PREFIX + "*", count=500):
        digest = name.decode()[len(KEY_PREFIX) :]
        record = client.hgetall(name)
        if record:
            found.append(_record(digest, record))
    return sorted(found, key=lambda stored: (stored.created, stored.id))


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
    client.delete(KEY_PREFIX + digest)
    return stored


def stored_key(client: redis.Redis, key: str) -> tuple[Role, str] | None:
    """The role and label of a stored key, or None. The lookup is by hash, so timing reveals
    nothing about stored keys."""
    record = client.hgetall(KEY_PREFIX + _digest(key))
    if not record:
        return None
    return Role(record[b"role"].decode()), record.get(b"label", b"").decode()

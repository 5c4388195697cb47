"""API keys for the trainer and maintainer endpoints.

Keys are random tokens shown once; Redis keeps only their SHA-256 (a key is 256 bits of
randomness, so a fast hash is enough).

Redis key:
- ``haris:apikey:<sha256>`` — hash ``role``, ``label`` (who or what the key is for, kept for audit
  trails), ``created`` (unix time). Kept until revoked (``flask --app server apikey revoke``).
"""

from __future__ import annotations

import hashlib
import secrets
import time

import redis

from server.roles import Role

KEY_PREFIX = "haris:apikey:"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def create_api_key(client: redis.Redis, role: Role, label: str) -> str:
    """Create a key, store its hash, and return the key (the only time it is visible)."""
    key = "hk_" + secrets.token_urlsafe(32)
    client.hset(KEY_PREFIX + _digest(key), mapping={"role": role.value, "label": label, "created": int(time.time())})
    return key


def revoke_api_key(client: redis.Redis, key: str) -> bool:
    return bool(client.delete(KEY_PREFIX + _digest(key)))


def stored_key(client: redis.Redis, key: str) -> tuple[Role, str] | None:
    """The role and label of a stored key, or None. The lookup is by hash, so timing reveals
    nothing about stored keys."""
    record = client.hgetall(KEY_PREFIX + _digest(key))
    if not record:
        return None
    return Role(record[b"role"].decode()), record.get(b"label", b"").decode()

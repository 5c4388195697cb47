"""The ``reuse`` check service: how many distinct accounts showed the same avatar recently.

Account ids are never stored: only ``HMAC-SHA256(HARIS_SECRET_KEY, "platform:account_id")``
(truncated to 128 bits), and every key expires. An avatar is recorded under its primary hash, and
each of its reference and probe hashes is filed under its four 16-bit bands. A new avatar
looks up the bands of its probes and references: two hashes at most 3 bits apart always share a
band, and usually further apart; band candidates are then confirmed with the fingerprint rule (a
probe within the match threshold of a reference, either way round). So a cropped or mirrored
re-upload counts as the same avatar, as in the banks.

Redis keys (all expire ``RETENTION_SECONDS`` after their last write; members older than that are
removed on write, so an active key cannot keep old observations):
- ``haris:reuse:acct:<hash hex>`` — sorted set: account HMAC → last time it showed this avatar.
- ``haris:reuse:band:<0-3>:<4 hex>`` — sorted set: ``<r|p><hash hex><primary hash hex>`` (r: a
  reference hash, p: a probe hash of the avatar with that primary hash) → last time it was seen,
  for every such hash whose 16-bit band ``j`` has this value.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

import redis

from heuristics.context import ServiceUnavailable
from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.signals.avatar_reused import MAX_WINDOW_DAYS

RETENTION_SECONDS = MAX_WINDOW_DAYS * 86_400
_BANDS = 4
# A re-upload storm of one photo must not make a lookup unbounded.
MAX_CANDIDATES = 200


def _bands(value: int) -> list[str]:
    return [f"haris:reuse:band:{j}:{(value >> (48 - 16 * j)) & 0xFFFF:04x}" for j in range(_BANDS)]


def _hash_hex(value: int) -> str:
    return f"{value:016x}"


@dataclass
class RedisReuse:
    client: redis.Redis
    secret: bytes

    def account_key(self, account: str) -> str:
        return hmac.new(self.secret, account.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        try:
            return self._observe(fingerprint, account, window_seconds)
        except (redis.RedisError, OSError):
            raise ServiceUnavailable("reuse") from None

    def _observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        now = time.time()
        since = now - min(window_seconds, RETENTION_SECONDS)
        lookups = dict.fromkeys(
            band for value in (*fingerprint.probes, *fingerprint.references) for band in _bands(value)
        )
        with self.client.pipeline(transaction=False) as pipe:
            for band in lookups:
                pipe.zrevrangebyscore(band, "+inf", since, start=0, num=MAX_CANDIDATES)  # newest first
            replies = pipe.execute()
        close: set[str] = set()
        for member in {m for reply in replies for m in reply}:
            kind, value, primary_hex = member[:1], int(member[1:17], 16), member[17:33].decode()
            # The same rule as AvatarFingerprint.distance: a probe of one near a reference of the
            # other, either way round.
            against = fingerprint.probes if kind == b"r" else fingerprint.references
            if min((value ^ h).bit_count() for h in against) <= MATCH_THRESHOLD:
                close.add(primary_hex)
        accounts = {self.account_key(account)}
        if close:
            with self.client.pipeline(transaction=False) as pipe:
                for primary_hex in sorted(close)[:MAX_CANDIDATES]:
                    pipe.zrangebyscore(f"haris:reuse:acct:{primary_hex}", since, "+inf")
                for reply in pipe.execute():
                    accounts.update(member.decode() for member in reply)
        self._record(fingerprint, self.account_key(account), now)
        return len(accounts)

    def _record(self, fingerprint: AvatarFingerprint, account_key: str, now: float) -> None:
        expired = now - RETENTION_SECONDS
        primary = _hash_hex(fingerprint.primary)
        writes: dict[str, dict[str, float]] = {f"haris:reuse:acct:{primary}": {account_key: now}}
        filed = [("r", h) for h in fingerprint.references] + [("p", h) for h in fingerprint.probes]
        for kind, value in filed:
            for band in _bands(value):
                writes.setdefault(band, {})[kind + _hash_hex(value) + primary] = now
        with self.client.pipeline(transaction=False) as pipe:
            for key, members in writes.items():
                pipe.zadd(key, members)
                pipe.zremrangebyscore(key, "-inf", expired)
                pipe.expire(key, RETENTION_SECONDS)
            pipe.execute()

"""The ``reuse`` check service: how many distinct accounts showed the same avatar recently.

Account ids are never stored: only ``HMAC-SHA256(HARIS_SECRET_KEY, "platform:account_id")``
(truncated to 128 bits), and every key expires. Near-duplicates are found through the four 16-bit
bands of the avatar's primary hash: two re-uploads of one photo (typically 0–4 bits apart) share
at least one band whenever they are at most 3 bits apart, and usually when further; band
candidates are then confirmed against the query's probe hashes at the match threshold.

Redis keys (all expire ``RETENTION_SECONDS`` after their last write; members older than that are
removed on write, so an active key cannot keep old observations):
- ``haris:reuse:acct:<hash hex>`` — sorted set: account HMAC → last time it showed this avatar.
- ``haris:reuse:band:<0-3>:<4 hex>`` — sorted set: avatar hash hex → last time it was seen, for
  every avatar hash whose 16-bit band ``j`` has this value.
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
        with self.client.pipeline(transaction=False) as pipe:
            for probe in fingerprint.probes:
                for band in _bands(probe):
                    pipe.zrevrangebyscore(band, "+inf", since, start=0, num=MAX_CANDIDATES)  # newest first
            replies = pipe.execute()
        seen = {int(member, 16) for reply in replies for member in reply}
        close = [h for h in seen if min((h ^ p).bit_count() for p in fingerprint.probes) <= MATCH_THRESHOLD]
        accounts = {self.account_key(account)}
        if close:
            with self.client.pipeline(transaction=False) as pipe:
                for value in close[:MAX_CANDIDATES]:
                    pipe.zrangebyscore(f"haris:reuse:acct:{_hash_hex(value)}", since, "+inf")
                for reply in pipe.execute():
                    accounts.update(member.decode() for member in reply)
        self._record(fingerprint.primary, self.account_key(account), now)
        return len(accounts)

    def _record(self, value: int, account_key: str, now: float) -> None:
        expired = now - RETENTION_SECONDS
        keys = {f"haris:reuse:acct:{_hash_hex(value)}": account_key}
        keys.update({band: _hash_hex(value) for band in _bands(value)})
        with self.client.pipeline(transaction=False) as pipe:
            for key, member in keys.items():
                pipe.zadd(key, {member: now})
                pipe.zremrangebyscore(key, "-inf", expired)
                pipe.expire(key, RETENTION_SECONDS)
            pipe.execute()

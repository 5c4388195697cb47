"""The ``reuse`` check service: how many distinct accounts showed the same avatar recently.

Account ids are never stored: only ``HMAC-SHA256(HARIS_SECRET_KEY, "platform:account_id")``
(truncated to 128 bits), and every key expires. An avatar is recorded under its primary hash, and
its probe hashes (the picture, its mirror) are filed under their four 16-bit bands — ≤ 16 small
members per distinct avatar, whatever the number of checks. A check looks up the bands of three
of its references (the picture, its centred square and its centred 90% crop: twelve keys, one
round trip): two hashes at most 3 bits apart always share a band, and usually further apart;
candidates are confirmed by :func:`heuristics.matching.confirms_probe`. So re-encodes, resizes,
borders and mirrors of one photo count as one avatar in any order, and a square or centred crop
does once the wider picture is checked after it (other crops are not counted: looking up every
crop reference cost 76 keys per check).

Redis keys (all expire ``RETENTION_SECONDS`` after their last write; members older than that are
removed on write, so an active key cannot keep old observations):
- ``haris:reuse:acct:<hash hex>`` — sorted set: account HMAC → last time it showed this avatar.
- ``haris:reuse:band:<0-3>:<4 hex>`` — sorted set: ``<probe hash hex><primary hash hex><slot>
  <aspect><detail hex>`` → last time it was seen, for every probe hash whose 16-bit band ``j`` has
  this value; ``slot`` (one hex digit) says which probe it is (picture, mirror), ``aspect`` (two)
  is the picture's aspect byte and the 64 hex digits are the detail hash of that probe's
  picture, which confirms a candidate (:func:`heuristics.matching.confirms_probe`). Members
  without them (written before fingerprint version 2, or from a legacy hash) never confirm.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

from heuristics.images import AvatarFingerprint, aspect_byte, aspect_of
from heuristics.matching import confirms_probe
from heuristics.signals.avatar_reused import MAX_WINDOW_DAYS
from server.redis_breaker import RedisBreaker

RETENTION_SECONDS = MAX_WINDOW_DAYS * 86_400
_BANDS = 4
# A re-upload storm of one photo must not make a lookup unbounded.
MAX_CANDIDATES = 200


_MEMBER_LENGTH = 16 + 16 + 1 + 2 + 64


def _bands(value: int) -> list[str]:
    return [f"haris:reuse:band:{j}:{(value >> (48 - 16 * j)) & 0xFFFF:04x}" for j in range(_BANDS)]


def _looked_up(fingerprint: AvatarFingerprint) -> list[int]:
    """The hashes whose bands a check looks up: stored members are probes (a picture and its
    mirror), confirmed against this avatar's references, of which three are looked up — the
    picture itself (a re-encode, resize, border or mirror of a stored one), its centred square
    and its centred 90% crop (a stored picture that is such a crop of this one). Twelve keys in
    one round trip; crops at other positions are not counted (issue 16: cost)."""
    references = fingerprint.references
    return list(dict.fromkeys((references[0], *references[1:2], references[-1])))


def _hash_hex(value: int) -> str:
    return f"{value:016x}"


@dataclass
class RedisReuse:
    client: redis.Redis
    secret: bytes
    clock: Callable[[], float] = time.time
    breaker: RedisBreaker = field(default_factory=lambda: RedisBreaker("reuse"))

    def account_key(self, account: str) -> str:
        return hmac.new(self.secret, account.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        return self.breaker.call(lambda: self._observe(fingerprint, account, window_seconds))

    def _observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        now = self.clock()
        since = now - min(window_seconds, RETENTION_SECONDS)
        lookups = dict.fromkeys(band for value in _looked_up(fingerprint) for band in _bands(value))
        with self.client.pipeline(transaction=False) as pipe:
            for band in lookups:
                pipe.zrevrangebyscore(band, "+inf", since, start=0, num=MAX_CANDIDATES)  # newest first
            replies = pipe.execute()
        close: set[str] = set()
        for member in sorted({m for reply in replies for m in reply}):
            value, primary_hex = int(member[:16], 16), member[16:32].decode()
            # A stored probe near one of this avatar's references, confirmed by its detail hash
            # (heuristics.matching, in the direction the stored hashes allow); one confirmed
            # probe of a picture is enough.
            if primary_hex in close:
                continue
            if len(member) == _MEMBER_LENGTH and confirms_probe(
                fingerprint, value, int(member[32:33], 16), int(member[35:], 16), aspect_of(int(member[33:35], 16))
            ):
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
        for slot, probe in enumerate(fingerprint.probes):
            member = _hash_hex(probe) + primary
            if not fingerprint.legacy:
                member += f"{slot:x}{aspect_byte(fingerprint.aspect):02x}{fingerprint.details[slot // 2]:064x}"
            for band in _bands(probe):
                writes.setdefault(band, {})[member] = now
        with self.client.pipeline(transaction=False) as pipe:
            for key, members in writes.items():
                pipe.zadd(key, members)
                pipe.zremrangebyscore(key, "-inf", expired)
                pipe.expire(key, RETENTION_SECONDS)
            pipe.execute()

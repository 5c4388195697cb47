"""The ``reuse`` lookup (a service of :mod:`heuristics.services`): how many distinct accounts showed
the same avatar recently.

Account ids are never stored: only ``HMAC-SHA256(HARIS_SECRET_KEY, "platform:account_id")``
(truncated to 128 bits). An avatar is recorded under its primary hash, and its probe hashes (the
picture, its mirror) are filed under their four 16-bit bands — ≤ 16 small members per distinct
avatar, whatever the number of checks. A check looks up the bands of three of its references (the
picture, its centred square and its centred 90% crop: twelve keys, one round trip): two hashes at
most 3 bits apart always share a band, and usually further apart; candidates are confirmed by
:func:`heuristics.matching.confirms_probe`. So re-encodes, resizes, borders and mirrors of one
photo count as one avatar in any order, and a square or centred crop does once the wider picture
is checked after it (other crops are not counted: looking up every crop reference cost 76 keys
per check).

Nothing here carries a check's time more exactly than its day, so it cannot be matched with an
ISP's record of who connected when:

- scores are day numbers (``unix time // 86400``), not times;
- writes are not made during the check: each worker keeps its observations in memory (their
  fingerprints, never the pixels) and writes them in a shuffled batch once ``BATCH_SIZE`` are
  waiting or the oldest has waited ``BATCH_SECONDS`` (whichever comes first, at the next check),
  so the order of the main store's append-only file does not follow the order of checks.
  Observations waiting in a worker are counted by that worker's checks meanwhile (through the
  same matcher); other workers see them once written.

Redis keys (main store; every key expires ``window_days`` of the ``avatar.reused`` rule after its
last write, plus the day being rounded; members older than the window are removed on write):
- ``haris:reuse:acct:<hash hex>`` — sorted set: account HMAC → the day it last showed this avatar.
- ``haris:reuse:band:<0-3>:<4 hex>`` — sorted set: ``<probe hash hex><primary hash hex><slot>
  <aspect><detail hex>`` → the day it was last seen, for every probe hash whose 16-bit band ``j``
  has this value; ``slot`` (one hex digit) says which probe it is (picture, mirror), ``aspect``
  (two) is the picture's aspect byte and the 64 hex digits are the detail hash of that probe's
  picture, which confirms a candidate (:func:`heuristics.matching.confirms_probe`). Members
  without them (written before fingerprint version 2, or from a legacy hash) never confirm.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import redis

from heuristics.images import AvatarFingerprint, aspect_byte, aspect_of
from heuristics.matching import compare, confirms_probe
from server.storage.breaker import RedisBreaker

DAY_SECONDS = 86_400
_BANDS = 4
# A re-upload storm of one photo must not make a lookup unbounded.
MAX_CANDIDATES = 200
BATCH_SIZE = 16
BATCH_SECONDS = 600.0
_SHUFFLE = random.SystemRandom()


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


def _member(fingerprint: AvatarFingerprint, slot: int, primary_hex: str) -> str:
    """A probe's band member: the probe, the primary hash and, for version 2, what confirms it."""
    member = _hash_hex(fingerprint.probes[slot]) + primary_hex
    if not fingerprint.legacy:
        member += f"{slot:x}{aspect_byte(fingerprint.aspect):02x}{fingerprint.details[slot // 2]:064x}"
    return member


@dataclass(frozen=True, slots=True)
class _Observation:
    fingerprint: AvatarFingerprint
    account_key: str
    day: int
    window_days: int


@dataclass
class ReuseLookup:
    client: redis.Redis
    secret: bytes
    clock: Callable[[], float] = time.time
    breaker: RedisBreaker = field(default_factory=lambda: RedisBreaker("reuse"))
    batch_size: int = BATCH_SIZE
    batch_seconds: float = BATCH_SECONDS
    _waiting: list[_Observation] = field(default_factory=list)
    _first_waiting_at: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def account_key(self, account: str) -> str:
        return hmac.new(self.secret, account.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()[:32]

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        return self.breaker.call(lambda: self._observe(fingerprint, account, window_seconds))

    def count(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        """As :meth:`observe` (this account included), without recording it: for a check of what
        someone else sent (a report's page, a case's snapshot), which must neither add a made-up
        account under a made-up photo nor let its reporter see, by the count, that a trainer
        opened it."""
        return self.breaker.call(lambda: self._observe(fingerprint, account, window_seconds, record=False))

    def _observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int, record: bool = True) -> int:
        today = int(self.clock() // DAY_SECONDS)
        window_days = max(1, window_seconds // DAY_SECONDS)
        since = today - window_days
        key = self.account_key(account)
        accounts = {key} | self._stored_accounts(fingerprint, since)
        with self._lock:
            for seen in self._waiting:  # an account already counted needs no comparison
                fresh = seen.account_key not in accounts and seen.day > since
                if fresh and compare(fingerprint, seen.fingerprint) is not None:
                    accounts.add(seen.account_key)
            if not record:
                return len(accounts)
            # Only the fingerprint waits, never the pixels behind it.
            self._waiting.append(_Observation(replace(fingerprint, source=None), key, today, window_days))
            if len(self._waiting) == 1:
                self._first_waiting_at = time.monotonic()
            due = (
                len(self._waiting) >= self.batch_size or time.monotonic() - self._first_waiting_at >= self.batch_seconds
            )
            batch, self._waiting = (self._waiting, []) if due else ([], self._waiting)
        if batch:
            self._write(batch)
        return len(accounts)

    def flush(self) -> None:
        """Write every waiting observation now (tests, shutdown)."""
        with self._lock:
            batch, self._waiting = self._waiting, []
        if batch:
            self._write(batch)

    def _stored_accounts(self, fingerprint: AvatarFingerprint, since: int) -> set[str]:
        lookups = dict.fromkeys(band for value in _looked_up(fingerprint) for band in _bands(value))
        with self.client.pipeline(transaction=False) as pipe:
            for band in lookups:
                pipe.zrevrangebyscore(band, "+inf", f"({since}", start=0, num=MAX_CANDIDATES)  # newest first
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
        accounts: set[str] = set()
        if close:
            with self.client.pipeline(transaction=False) as pipe:
                for primary_hex in sorted(close)[:MAX_CANDIDATES]:
                    pipe.zrangebyscore(f"haris:reuse:acct:{primary_hex}", f"({since}", "+inf")
                for reply in pipe.execute():
                    accounts.update(member.decode() for member in reply)
        return accounts

    def _write(self, batch: list[_Observation]) -> None:
        """The batch's writes, in random order (module docstring). Lost if Redis is down: a few
        observations of a count that forgets everything after its window anyway."""
        writes: list[tuple[str, dict[str, int], int]] = []
        for seen in batch:
            primary = _hash_hex(seen.fingerprint.primary)
            writes.append((f"haris:reuse:acct:{primary}", {seen.account_key: seen.day}, seen.window_days))
            for slot, probe in enumerate(seen.fingerprint.probes):
                member = _member(seen.fingerprint, slot, primary)
                for band in _bands(probe):
                    writes.append((band, {member: seen.day}, seen.window_days))
        _SHUFFLE.shuffle(writes)
        now = self.clock()
        with self.client.pipeline(transaction=False) as pipe:
            for key, members, window_days in writes:
                day = next(iter(members.values()))
                pipe.zadd(key, members, gt=True)
                pipe.zremrangebyscore(key, "-inf", day - window_days)
                # Rounded to the day: the key lives window_days after the day of its last write.
                pipe.expire(key, max(1, int((day + 1 + window_days) * DAY_SECONDS - now)))
            pipe.execute()


@dataclass(frozen=True)
class ReadOnlyReuse:
    """The ``reuse`` service for a check of what someone else sent (a report's page, a case's
    snapshot): it counts as :class:`ReuseLookup` does and records nothing (:meth:`ReuseLookup.count`)."""

    lookup: ReuseLookup

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        return self.lookup.count(fingerprint, account, window_seconds)

"""The browsers each console account signed in from (OWASP's "device cookie"), kept server-side.

While an account's name is being guessed from many addresses, only a browser that signed in to
it before has its password checked (``server.console.auth``); and while its address (or IPv6
/48) has used up the failed sign-ins it may make — a carrier's CGNAT address or /48 is shared by
thousands, an attacker among them included — such a browser is still let try its own account
(:meth:`DeviceStore.known`, read only; the per-account limit still counts its failures). Such a browser carries a signed
cookie naming a random nonce; the server keeps that nonce's SHA-256 here. Kept server-side so
that neither a copy of the cookie nor the server's secret is a standing pass:

- a cookie is known only while its nonce is listed, and while the account is under attack each
  attempt from it spends the nonce (:meth:`DeviceStore.spend`): a right password gets a new one,
  a wrong one leaves that browser unknown. Whoever copied the cookie (a stolen laptop, malware)
  gets one checked guess, not one per fresh address for as long as he likes;
- the secret alone (a leaked deploy file) signs cookies, but cannot make a nonce that is listed;
  a copy of Redis holds only digests, so the secret and a copy of Redis cannot either.

Redis key:
- ``haris:{users}:devices:<username>`` — sorted set: the SHA-256 of each remembered browser's
  nonce, scored by the day (unix time ÷ 86,400) it stops being known. At most ``MAX_DEVICES``
  (the ones that expire first go); expires ``DEVICE_DAYS`` after the account's last sign-in, and
  is deleted with the account (``server.services.accounts.revoke_user``). A seized copy tells
  how many browsers signed in to each account in the last six months and on which days.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis

DEVICES_PREFIX = "haris:{users}:devices:"
DEVICE_DAYS = 180
DAY_SECONDS = 24 * 3600
MAX_DEVICES = 10  # browsers remembered per account (a trainer's laptop, phone, office computer…)


def nonce_digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class DeviceStore:
    client: redis.Redis
    clock: Callable[[], float] = field(default=time.time)

    def _today(self) -> int:
        return int(self.clock() // DAY_SECONDS)

    def remember(self, username: str, nonce: str, replacing: str | None = None) -> None:
        """List the browser of ``nonce`` as one ``username`` signed in from (``replacing`` the
        nonce it came with, if any); the oldest go past ``MAX_DEVICES``."""
        key = DEVICES_PREFIX + username
        today = self._today()
        with self.client.pipeline(transaction=True) as pipe:
            if replacing is not None:
                pipe.zrem(key, nonce_digest(replacing))
            pipe.zremrangebyscore(key, "-inf", today)
            pipe.zadd(key, {nonce_digest(nonce): today + DEVICE_DAYS})
            pipe.zremrangebyrank(key, 0, -(MAX_DEVICES + 1))
            pipe.expire(key, (DEVICE_DAYS + 1) * DAY_SECONDS)
            pipe.execute()

    def known(self, username: str, nonce: str) -> bool:
        """Whether the browser of ``nonce`` is listed as one ``username`` signed in from, and not
        past its day: read only (one ZSCORE), nothing is spent or written."""
        expires = self.client.zscore(DEVICES_PREFIX + username, nonce_digest(nonce))
        return expires is not None and expires > self._today()

    def spend(self, username: str, nonce: str) -> bool:
        """:meth:`known`, and the nonce is no longer listed (one attempt per listing; a right
        password lists a new one). Atomic: of concurrent attempts with one cookie, one is let in."""
        key, digest = DEVICES_PREFIX + username, nonce_digest(nonce)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zscore(key, digest)
            pipe.zrem(key, digest)
            expires, removed = pipe.execute()
        return bool(removed) and expires is not None and expires > self._today()

    def forget_all(self, username: str) -> None:
        self.client.delete(DEVICES_PREFIX + username)

"""Rate limits, through flask-limiter's documented API, in a store that never persists.

Where counters live: the **limiter store** (``server.storage.connection``), never the main Redis. Redis
writes every command to its append-only file in order, so a persisted counter keyed by a client's
address next to that client's check would tell a seized server who checked what.

How they are keyed: ``HMAC-SHA256(pepper, client address)``, truncated; an IPv6 address counts as
its /64 (``_address``: one host may send from all of them). The registry's matches, campaign
contributions, reports and failed console sign-ins are counted per IPv6 /48 too (``_network``;
``Limits.charged``): a /48, free from tunnel brokers, is 65,536 /64 clients. The check limit is
not (every check would pay the /48's round trip; the others pay it only when a check matches or
contributes, for a report, or for a sign-in). IPv4 clients are not grouped. The pepper is random,
made by whichever worker first needs it in a clock hour, shared between workers and nodes only in
the limiter store's memory (``haris:limiter:pepper:<hour number>``, SET NX, expires after two
hours) and cached per worker. It is never derived from ``HARIS_SECRET_KEY`` and never written to
disk, so with the server's disk and its secret the keys cannot be linked to an address; with
live memory, only the current hour's counters can. A new pepper each hour starts every counter
afresh: around the hour an hourly limit allows up to twice its amount.

Redis keys (limiter store only): ``haris:LIMITER/limits/<hmac>/<scope>/<limit>`` — one
fixed-window counter per client (or per console account name) and limit, expiring with its
window; for the campaign contributions (``HARIS_CAMPAIGN_CONTRIBUTIONS``) and the registry's
matches (``HARIS_REGISTRY_LIMIT``, and per trainer ``HARIS_PROTECTED_MATCH_LIMIT``) a moving
window instead (``limits``' list of the times of
the client's contributions, or matches, in the last window), under this hour's key and the
previous hour's (so the cap holds in any hour, across the pepper's change);
``haris:LIMITER/limits/<hmac>/<scope>-network/<limit>`` — the same per IPv6 /48, for ``registry``,
``campaign``, ``report`` and ``login`` (``HARIS_REGISTRY_NETWORK_LIMIT``,
``HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS``, ``HARIS_REPORT_NETWORK_LIMIT``,
``HARIS_LOGIN_NETWORK_LIMIT``), counted as the client's twin is, after it let the request in;
``haris:LIMITER/limits/<hmac>/protected-named/1/1/hour`` — a protected person named to a trainer in
the hour (an HMAC of both: only a person not named to her yet counts against her limit);
``haris:LIMITER/limits/<hmac>/protected-listed/…`` and ``…/protected-listed-person/1/1/hour`` — the
same for the people the registry's listing showed a trainer (``HARIS_REGISTRY_LIST_LIMIT``; the
person's mark under its own HMAC label);
``haris:limiter:pepper:<hour>`` — the pepper, two hours.

Limits (``Limits``; anonymous views are decorated with :func:`counted`):

- anonymous routes (``/v1/check``, ``/v1/reports``, ``/v1/rules``): ``HARIS_CHECK_LIMIT``, reports
  ``HARIS_REPORT_LIMIT`` (and per IPv6 /48 ``HARIS_REPORT_NETWORK_LIMIT``, answered with the same
  429). Counted only for requests that reach the view with no ``Origin`` or an allowed one
  (``server.web.security`` refuses the others first) and, for POST, a JSON or multipart body
  (others get 415 uncounted): a web page's no-preflight ``text/plain`` POSTs cannot use up a
  user's allowance. A check's trusted contacts are charged by what matching them costs: per
  contact, per character of their names and per photo (``charge_for_contacts``); a check that
  matched the protected-people registry counts against ``HARIS_REGISTRY_LIMIT`` (and
  ``HARIS_REGISTRY_NETWORK_LIMIT``) too, and one that would add to the campaign aggregate against
  ``HARIS_CAMPAIGN_CONTRIBUTIONS`` (and ``HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS``; past either it
  is answered as it is and adds nothing) (``server.api.check``). The registry's allowances
  remember, in the worker's memory until the window ends, the (peppered) clients they refused, so
  that their checks can skip the registry without a Redis call (``Allowance.known_used_up``): a
  match must not cost more than a miss. Whatever else makes a check slow is charged once it is
  done, by its thread's CPU (``charge_for_cpu``).
- failed API keys, per address (``HARIS_KEY_FAILURE_LIMIT``): past it, every bearer key from that
  address is refused (429) until the window ends, so guessing stops there.
- console sign-in: failures per address (``HARIS_LOGIN_LIMIT``, and per IPv6 /48
  ``HARIS_LOGIN_NETWORK_LIMIT``) and per account name
  (``HARIS_LOGIN_ACCOUNT_LIMIT``); wrong current passwords on *My account* count there too. An
  account under attack from elsewhere still lets its owner in with the right password from an
  address that has not failed, and a browser that signed in to it before from one that has (a
  carrier's CGNAT address or /48, used up by someone sharing it: ``server.services.accounts``).
- protected people named to a trainer, per trainer (``HARIS_PROTECTED_MATCH_LIMIT``, a moving
  window as the registry's): ``server.services.protected`` refuses her checks once used up; those
  the registry's listing showed her (``HARIS_REGISTRY_LIST_LIMIT``, alike):
  ``server.services.registry_listing`` refuses her listing once used up.

When the limiter store cannot be reached, anonymous checks and reports are answered uncounted
with ``HARIS_LIMIT_FAIL_OPEN`` (default true; false: 503 ``limiter_unavailable``), checks without
the protected-people registry (``Allowance.cannot_count``: its answers must be counted); every
other limit fails closed. After a failure the store is left alone for ``STORAGE_RETRY_SECONDS``.

flask-limiter and its ``limits`` library are used only through documented API: flask-limiter's
``Limiter`` reads the storage and strategy configuration and builds them (``storage_uri``,
``storage_options``, ``strategy``, ``key_prefix``, the app's ``RATELIMIT_*`` settings; a
``request_filter`` exempts every request from its own before-request check, since every limit
here is counted where the code calls an Allowance), and :class:`Allowance` — the one small
adapter — counts with the strategy it exposes (``Limiter.limiter``) through the ``limits`` calls
``hit`` (with a cost) and ``get_window_stats``. ``tests/api/test_limits_and_ops.py`` fails if
either library stops counting through it. flask-limiter's hooks, exempt on every request, cost a
few tens of microseconds of a worker's CPU (bench/check_cost.py measures the hooks); initialising
it on a stand-in app to drop them was tried and not kept: it works around the extension rather
than through it, and hides the app's limiter from ``flask limiter``. (An earlier adapter
decorated a plain function with ``Limiter.shared_limit`` and a cost callable; its per-call route,
blueprint and exemption bookkeeping cost more than the counter itself.)
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from limits import RateLimitItem, WindowStats, parse_many
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter, RateLimiter
from werkzeug.exceptions import TooManyRequests

from heuristics.context import ServiceUnavailable
from heuristics.profile import Contact
from server.lookups.versioned import rebuild_seconds
from server.storage.breaker import RedisBreaker
from server.storage.connection import LimiterStore, fast_fail_options
from server.web.errors import APIError, error_response

log = logging.getLogger("haris.limits")
F = TypeVar("F", bound=Callable[..., Any])
STORAGE_RETRY_SECONDS = 1.0
# Refusals an allowance made with ``remember_refusals`` keeps in a worker's memory (a few MB at most).
MAX_REMEMBERED_REFUSALS = 20_000
PEPPER_SECONDS = 3600
PEPPER_KEY = "haris:limiter:pepper:"
KEY_PREFIX = "limits"  # the first part of every counter's identifiers (as flask-limiter names them)
COUNTED_MEDIA_TYPES = frozenset({"application/json", "multipart/form-data"})


class Peppers:
    """The current hour's random pepper for limiter keys (module docstring), cached per worker."""

    def __init__(self, client: redis.Redis | None, clock: Callable[[], float] = time.time) -> None:
        self._client = client
        self._clock = clock
        # The last hours' peppers this worker used (the current one and the one before it).
        self._by_hour: dict[int, bytes] = {}

    def current(self) -> bytes:
        return self._at(int(self._clock() // PEPPER_SECONDS))

    def previous(self) -> bytes:
        """The previous hour's pepper (still in the store: it lives two hours), cached per worker."""
        return self._at(int(self._clock() // PEPPER_SECONDS) - 1)

    def _at(self, hour: int) -> bytes:
        pepper = self._by_hour.get(hour)
        if pepper is None:
            pepper = self._fetch(hour)
            # Replaced, not mutated: request threads read it without a lock.
            self._by_hour = {h: p for h, p in self._by_hour.items() if h >= hour - 1} | {hour: pepper}
        return pepper

    def _fetch(self, hour: int) -> bytes:
        candidate = secrets.token_bytes(32)
        if self._client is None:  # counting in process memory: the pepper never leaves it either
            return candidate
        with self._client.pipeline(transaction=False) as pipe:
            pipe.set(PEPPER_KEY + str(hour), candidate, nx=True, ex=2 * PEPPER_SECONDS)
            pipe.get(PEPPER_KEY + str(hour))
            _, stored = pipe.execute()
        return stored or candidate


class StorageGuard:
    """What to do when the limiter store fails: fail open or closed; after a failure the store is
    left alone for ``STORAGE_RETRY_SECONDS`` (a :class:`RedisBreaker`, as every Redis lookup has)."""

    def __init__(self, fail_open: bool) -> None:
        self.fail_open = fail_open
        self.breaker = RedisBreaker("rate limit storage", backoff=STORAGE_RETRY_SECONDS)

    @property
    def failures(self) -> int:
        return self.breaker.failures

    def run(self, check: Callable[[], None], may_fail_open: bool) -> None:
        try:
            self.breaker.call(check)
        except ServiceUnavailable:
            if not (self.fail_open and may_fail_open):
                raise APIError(503, "limiter_unavailable", "The rate limiter is unavailable; retry later.") from None


class LimitReached(TooManyRequests):
    """An allowance used up, found before doing the work it guards: 429 with ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


@dataclass(frozen=True)
class Standing:
    """Where a client is in an allowance, without counting anything."""

    used: bool  # some of it is used in the current window
    used_up: bool
    retry_after: int  # seconds until a used-up allowance is available again


def _counted_by_allowances() -> bool:
    return True


class Allowance:
    """One limit (or a list of them, "10/minute;50/hour"), counted where the code calls
    :meth:`charge` (the adapter in the module docstring).

    It counts with the strategy flask-limiter built for this app (``Limiter.limiter``, a
    ``limits`` fixed-window rate limiter on the limiter store) through the ``limits`` library's
    documented calls: ``hit`` (with a cost) and ``get_window_stats``. One Redis script per limit
    of the list per charge; a standing is read only where a caller asks for it.
    """

    def __init__(
        self,
        limiter: Limiter,
        guard: StorageGuard,
        scope: str,
        limit: str,
        key_func: Callable[[], str],
        may_fail_open: bool = False,
        previous_key: Callable[[], str] | None = None,
        remember_refusals: bool = False,
    ) -> None:
        self.scope = scope
        self.items: list[RateLimitItem] = parse_many(limit)
        self._limiter = limiter
        self._guard = guard
        self._key_func = key_func
        self._may_fail_open = may_fail_open
        self._previous_key = previous_key
        # The moving window built on the strategy's storage, with that storage: built once, not per
        # charge, and again only if flask-limiter's strategy moves to another storage.
        self._moving: tuple[Storage, MovingWindowRateLimiter] | None = None
        # With ``remember_refusals``: client key → when (time.monotonic) the window that refused it
        # ends, as this worker last saw it refused (:meth:`known_used_up`). Peppered keys, as in
        # the store; at most MAX_REMEMBERED_REFUSALS.
        self._refused_until: dict[str, float] | None = {} if remember_refusals else None

    def _identifiers(self) -> tuple[str, str, str]:
        # The counter's key: haris:LIMITER/limits/<peppered HMAC>/<scope>/<limit> (module docstring).
        return (KEY_PREFIX, self._key_func(), self.scope)

    def _strategy(self) -> RateLimiter:
        """flask-limiter's fixed window; a moving window (``limits``' own strategy, on the same
        storage) where the client is also counted under the previous hour's pepper: a client's
        allowance then holds in any hour, across the hour boundary where its key changes."""
        strategy = self._limiter.limiter
        if self._previous_key is None:
            return strategy
        moving = self._moving
        if moving is None or moving[0] is not strategy.storage:
            # Replaced whole, not mutated: request threads read it without a lock.
            moving = self._moving = (strategy.storage, MovingWindowRateLimiter(strategy.storage))
        return moving[1]

    def charge(self, cost: int = 1, refuse: bool = True) -> bool:
        """Count this request ``cost`` times against every limit of the list; whether it was
        within all of them. Once past one: LimitReached (a 429), or False with ``refuse=False``
        (the caller decides what a used-up allowance means). With ``refuse=False`` the work was
        done whatever the answer, so a charge past a limit uses that limit up: a moving window
        records a charge only whole, and ``cost`` past its room recorded nothing — a trainer one
        person short of her limit was then shown two more people at a time, again and again,
        and never used it up (:meth:`_use_up`)."""
        if cost <= 0 or not self._limiter.enabled:
            return True
        refused: list[RateLimitItem] = []
        identifiers: list[str] = []

        def hit() -> None:
            # The key inside the guard: making it may fetch the hour's pepper from the store.
            identifiers.extend(self._identifiers())
            strategy = self._strategy()
            keys = [tuple(identifiers)]
            if self._previous_key is not None:
                # Counted under the previous hour's key too (the previous hour's requests were
                # counted under it): one allowance across the pepper's change (see Limits). That
                # key first, and this hour's only if it passed: a refused request then uses up
                # nothing this hour's later requests read (a moving window records only what it
                # allows; a previous-hour entry left by a request that this hour's key refused
                # sits beside an entry of this hour that refuses them anyway).
                keys.insert(0, (KEY_PREFIX, self._previous_key(), self.scope))
            refused.extend(i for i in self.items if not all(strategy.hit(i, *k, cost=cost) for k in keys))
            if refused and not refuse and cost > 1 and self._previous_key is not None:
                self._use_up(strategy, refused, keys)

        self._guard.run(hit, self._may_fail_open)
        if refused and (refuse or self._refused_until is not None):
            retry_after = self._retry_after(refused, tuple(identifiers))
            self._remember_refusal(identifiers[1], retry_after)
            if refuse:
                raise LimitReached(retry_after)
        return not refused

    @staticmethod
    def _use_up(strategy: RateLimiter, items: list[RateLimitItem], keys: list[tuple[str, ...]]) -> None:
        """Fill the moving windows of ``items`` under ``keys`` to their limits: what remains of
        each, one call to read it and one to record it (a fixed window counts a charge past its
        limit anyway: nothing remains)."""
        for item in items:
            for key in keys:
                room = strategy.get_window_stats(item, *key).remaining
                if room > 0:
                    strategy.hit(item, *key, cost=room)

    def cannot_count(self) -> bool:
        """Whether the limiter store failed moments ago and is being left alone (no Redis call):
        a charge now would not count (an anonymous allowance fails open)."""
        return self._limiter.enabled and self._guard.breaker.is_down

    def known_used_up(self) -> bool:
        """Whether this worker saw this client refused in its current window (an allowance made
        with ``remember_refusals``), without a Redis call: a caller that must do the same work
        whether or not the client would be charged (``server.api.check``: the registry) asks this
        first. False when this worker has not seen it refused (it may still be, on another one)."""
        remembered = self._refused_until
        if not remembered:  # nobody refused here: no key to make
            return False
        keys: list[str] = []
        self._guard.run(lambda: keys.append(self._key_func()), self._may_fail_open)  # may fetch the pepper
        until = remembered.get(keys[0]) if keys else None
        return until is not None and until > time.monotonic()

    def _remember_refusal(self, key: str, retry_after: int) -> None:
        remembered = self._refused_until
        if remembered is None:
            return
        now = time.monotonic()
        if len(remembered) >= MAX_REMEMBERED_REFUSALS:
            # Replaced, not mutated: request threads read it without a lock.
            remembered = self._refused_until = {k: until for k, until in remembered.items() if until > now}
            if len(remembered) >= MAX_REMEMBERED_REFUSALS:
                return  # full of live refusals: this one is found by charging, as before
        remembered[key] = now + retry_after

    def standing(self) -> Standing | None:
        """Where this client stands, without counting; None when the limiter is off, or the store
        cannot say and the allowance may fail open."""
        if not self._limiter.enabled:
            return None
        found: list[tuple[RateLimitItem, WindowStats]] = []

        def read() -> None:
            keys = [self._identifiers()]  # inside the guard, as in charge()
            if self._previous_key is not None:
                # Counted under the previous hour's key too (charge): used up under either is used up.
                keys.append((KEY_PREFIX, self._previous_key(), self.scope))
            strategy = self._strategy()
            found.extend((item, strategy.get_window_stats(item, *key)) for key in keys for item in self.items)

        self._guard.run(read, self._may_fail_open)
        if not found:
            return None
        used_up = [(item, stats) for item, stats in found if stats.remaining <= 0]
        return Standing(
            used=any(stats.remaining < item.amount for item, stats in found),
            used_up=bool(used_up),
            retry_after=max((self._seconds_to(item, stats.reset_time) for item, stats in used_up), default=1),
        )

    def refuse_when_used_up(self) -> None:
        """LimitReached (429) if this client has used the allowance up."""
        standing = self.standing()
        if standing is not None and standing.used_up:
            raise LimitReached(standing.retry_after)

    @staticmethod
    def _seconds_to(item: RateLimitItem, reset_time: float) -> int:
        """Seconds until a limit's window resets, never more than the window."""
        return max(1, min(item.get_expiry(), math.ceil(reset_time - time.time())))

    def _retry_after(self, refused: list[RateLimitItem], identifiers: tuple[str, ...]) -> int:
        """The wait before every refused limit has room again (its window's end)."""
        try:
            strategy = self._strategy()
            return max(self._seconds_to(item, strategy.get_window_stats(item, *identifiers).reset_time)
                       for item in refused)  # fmt: skip
        except (redis.RedisError, OSError):
            return max(item.get_expiry() for item in refused)


class Limits:
    """This app's limiter and its allowances (``app.extensions["haris_limits"]``)."""

    def __init__(self, app: Flask, store: LimiterStore) -> None:
        config = app.config
        self.peppers = Peppers(store.client)
        # The CPU time of the request's thread (charge_for_cpu); tests move their own.
        self.cpu_clock: Callable[[], float] = time.thread_time
        self.guard = StorageGuard(config["HARIS_LIMIT_FAIL_OPEN"])
        storage_options: dict[str, Any] = {}
        if store.client is not None:
            storage_options = {"key_prefix": "haris", **fast_fail_options(config["HARIS_REDIS_TIMEOUT"])}
        self.limiter = Limiter(
            key_func=self.client_key,
            app=app,
            storage_uri=store.uri,
            # Keys become haris:LIMITER/limits/<hmac of address>/<scope>/…, all under haris:.
            storage_options=storage_options,
            strategy="fixed-window",
            headers_enabled=False,
            key_prefix=KEY_PREFIX,
            # Storage errors reach StorageGuard, which decides per allowance (module docstring).
            swallow_errors=False,
        )
        # Every limit is counted where the code calls an Allowance: every request is exempt from
        # flask-limiter's own before-request check (documented: request_filter).
        self.limiter.request_filter(_counted_by_allowances)

        def allowance(
            scope: str, limit: str, key: Callable[[], str] | None = None, anonymous: bool = False,
            previous_key: Callable[[], str] | None = None, remember_refusals: bool = False,
        ) -> Allowance:  # fmt: skip
            # The limit string is read once: flask-limiter parses a static limit when it is declared.
            return Allowance(self.limiter, self.guard, scope, config[limit], key or self.client_key, anonymous,
                             previous_key, remember_refusals)  # fmt: skip

        # A client's allowance, made with ``network_limit``: its twin per IPv6 /48 too
        # (``<scope>-network``, counted as the client's is), which :meth:`charge` charges an IPv6
        # client after its own. A /48 is 65,536 /64 clients, each with its own allowance, and
        # tunnel brokers hand one out free. IPv4 clients are not charged it.
        self.per_network: dict[Allowance, Allowance] = {}

        def client_allowance(
            scope: str, limit: str, network_limit: str | None = None, anonymous: bool = False,
            moving: bool = False, remember_refusals: bool = False,
        ) -> Allowance:  # fmt: skip
            client = allowance(scope, limit, anonymous=anonymous, remember_refusals=remember_refusals,
                               previous_key=self.previous_client_key if moving else None)  # fmt: skip
            if network_limit is not None:
                self.per_network[client] = allowance(
                    f"{scope}-network", network_limit, key=self.network_key, anonymous=anonymous,
                    previous_key=self.previous_network_key if moving else None, remember_refusals=remember_refusals,
                )  # fmt: skip
            return client

        self.check = allowance("check", "HARIS_CHECK_LIMIT", anonymous=True)
        self.report = client_allowance("report", "HARIS_REPORT_LIMIT", "HARIS_REPORT_NETWORK_LIMIT", anonymous=True)
        self.rules = allowance("rules", "HARIS_CHECK_LIMIT", anonymous=True)
        # Remembers refusals: past it, a check must not ask the registry at all (server.api.check).
        # A moving window under this hour's key and the previous hour's, as the campaign's below:
        # a fixed window keyed by the hour's pepper would answer twice the limit around the hour.
        self.registry = client_allowance("registry", "HARIS_REGISTRY_LIMIT", "HARIS_REGISTRY_NETWORK_LIMIT",
                                         anonymous=True, moving=True, remember_refusals=True)  # fmt: skip
        self.extractor_health = allowance("extractor-health", "HARIS_EXTRACTOR_HEALTH_LIMIT")
        # Not anonymous: when the store cannot count, nothing is added to the aggregate. Counted in
        # a moving window under this hour's key and the previous hour's: the campaign signals'
        # thresholds rest on "at most N contributions in any hour", which a fixed window (or a new
        # pepper) would double at the boundary (docs/campaigns.md, "Poisoning and floods").
        self.campaign = client_allowance("campaign", "HARIS_CAMPAIGN_CONTRIBUTIONS",
                                         "HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS", moving=True)  # fmt: skip
        self.key_failures = allowance("key-failures", "HARIS_KEY_FAILURE_LIMIT")
        # Failed console sign-ins (and My account's confirmations), with a twin per IPv6 /48: a
        # guesser with a free /48 would otherwise spray passwords from 65,536 addresses.
        self.login = client_allowance("login", "HARIS_LOGIN_LIMIT", "HARIS_LOGIN_NETWORK_LIMIT")
        # Protected people named to one trainer (server.services.protected.disclosed): a moving
        # window under this hour's key and the previous hour's, as the registry's, so a fixed
        # window (or the new pepper) does not let twice the limit through around the hour.
        self.protected_matches = allowance("protected-matches", "HARIS_PROTECTED_MATCH_LIMIT", key=self.actor_key,
                                           previous_key=self.previous_actor_key)  # fmt: skip
        # One protected person named to one trainer, once an hour: only a person not named to her
        # yet in the hour counts against HARIS_PROTECTED_MATCH_LIMIT. A campaign of clones of one
        # defender, checked one by one, names one person; a walk through names names many.
        self.protected_person_named = Allowance(self.limiter, self.guard, "protected-named", "1/hour",
                                                functools.partial(self.actor_person_key, b"named:"))  # fmt: skip
        # Protected people the registry's listing showed one trainer (server.services.registry_listing),
        # a moving window as the matches' are; and, as for them, a person shown to her once an hour
        # (its own HMAC label: a seized store cannot tell a person listed from one named by a check).
        self.protected_listed = allowance("protected-listed", "HARIS_REGISTRY_LIST_LIMIT", key=self.actor_key,
                                          previous_key=self.previous_actor_key)  # fmt: skip
        self.protected_person_listed = Allowance(self.limiter, self.guard, "protected-listed-person", "1/hour",
                                                 functools.partial(self.actor_person_key, b"listed:"))  # fmt: skip
        self.login_account = allowance("login-account", "HARIS_LOGIN_ACCOUNT_LIMIT", key=self.account_key)

    def keyed(self, label: bytes, value: bytes, *, previous_hour: bool = False) -> str:
        pepper = self.peppers.previous() if previous_hour else self.peppers.current()
        return hmac.new(pepper, label + value, hashlib.sha256).hexdigest()[:24]

    def client_key(self) -> str:
        """The client's address as a peppered HMAC: never the address, never from the secret."""
        return self.keyed(b"address:", _address())

    def previous_client_key(self) -> str:
        """The client's key as it was in the previous hour (that hour's pepper)."""
        return self.keyed(b"address:", _address(), previous_hour=True)

    def network_key(self) -> str:
        """The client's IPv6 /48 as a peppered HMAC (its address's key for an IPv4 client, which
        :meth:`charged` never charges a /48's allowance)."""
        return self.keyed(b"network:", _network() or _address())

    def previous_network_key(self) -> str:
        return self.keyed(b"network:", _network() or _address(), previous_hour=True)

    def charged(self, allowance: Allowance) -> tuple[Allowance, ...]:
        """What a request counted against a client's ``allowance`` is charged: that allowance,
        and for an IPv6 client its /48's, if it has one (``per_network``), in that order."""
        network = self.per_network.get(allowance)
        return (allowance, network) if network is not None and _network() is not None else (allowance,)

    def charge(self, allowance: Allowance, refuse: bool = True) -> bool:
        """Count this request once against :meth:`charged` (``allowance``, then an IPv6 client's
        /48's only if the client's own had room: a client past its allowance uses up nothing of
        its /48's); whether every one had room. LimitReached from the first without, or False
        with ``refuse=False``. Each is its own limiter-store round trip (``limits`` counts one key
        per call, and on a cluster the two keys are on different nodes)."""
        return all(each.charge(refuse=refuse) for each in self.charged(allowance))

    def protected_matches_of(self, actor: str) -> Allowance:
        """The allowance of protected people named to ``actor`` (a console username or
        ``key:<label>``), for this request: it is what :meth:`actor_key` reads."""
        g.limited_actor = actor
        return self.protected_matches

    def newly_named(self, actor: str, person_ids: Iterable[str]) -> int:
        """How many of ``person_ids`` were not named to ``actor`` yet in the hour (each one is
        marked named: a fixed window of one, keyed by the peppered actor and person)."""
        return self._first_this_hour(self.protected_person_named, actor, person_ids)

    def protected_listing_of(self, actor: str) -> Allowance:
        """The allowance of protected people the registry's listing showed ``actor`` (a console
        username or ``key:<label>``), for this request (what :meth:`actor_key` reads)."""
        g.limited_actor = actor
        return self.protected_listed

    def newly_listed(self, actor: str, person_ids: Iterable[str]) -> int:
        """How many of ``person_ids`` the listing had not shown ``actor`` yet in the hour (each
        one is marked shown, as :meth:`newly_named` marks a person named)."""
        return self._first_this_hour(self.protected_person_listed, actor, person_ids)

    def listed_this_hour(self, actor: str, person_id: str) -> bool:
        """Whether the listing showed ``actor`` this person in the clock hour (read, not marked)."""
        g.limited_actor, g.limited_person = actor, person_id
        standing = self.protected_person_listed.standing()
        return standing is not None and standing.used

    @staticmethod
    def _first_this_hour(marks: Allowance, actor: str, person_ids: Iterable[str]) -> int:
        """How many of ``person_ids`` ``marks`` (a fixed window of one an hour per actor and
        person) had not marked for ``actor`` yet; each is marked. One limiter-store call each."""
        g.limited_actor = actor
        fresh = 0
        for person_id in person_ids:
            g.limited_person = person_id
            fresh += marks.charge(refuse=False)
        return fresh

    def actor_person_key(self, label: bytes) -> str:
        """The trainer (``g.limited_actor``) and a protected person (``g.limited_person``) together,
        as a peppered HMAC under ``label``: ``named:`` for a person a check named to her,
        ``listed:`` for one the registry's listing showed her (a seized store cannot tell which
        mark is which, nor whose)."""
        actor, person = str(g.get("limited_actor", "")), str(g.get("limited_person", ""))
        return self.keyed(label, f"{len(actor)}:{actor}{person}".encode())

    def actor_key(self) -> str:
        """The trainer a privileged check is answered to (``g.limited_actor``: a console username or
        ``key:<label>``), as a peppered HMAC."""
        return self.keyed(b"actor:", str(g.get("limited_actor", "")).encode())

    def previous_actor_key(self) -> str:
        return self.keyed(b"actor:", str(g.get("limited_actor", "")).encode(), previous_hour=True)

    def account_key(self) -> str:
        """The account name a sign-in form names, as a peppered HMAC; on a page that checks the
        signed-in user's own password (``g.password_account``, set by that page), hers: guesses
        there count against her account as guesses on the sign-in form do."""
        name = g.get("password_account") or request.form.get("username", "")
        return self.keyed(b"login:", name.strip().lower()[:64].encode())


# Raw client addresses already parsed, with what they count as: a client sends many requests, and
# one request asks for its address and its /48 several times (its key, its /48's key, whether it
# has a /48). Bounded: a flood of fresh addresses only evicts.
PARSED_ADDRESSES = 4096


@functools.lru_cache(maxsize=PARSED_ADDRESSES)
def _counted_as(raw: str) -> tuple[bytes, bytes | None]:
    """What the raw client address ``raw`` counts as: (its IPv4 address, or its IPv6 address's
    /64; its IPv6 /48, or None). Parsed without a port some proxies append to the forwarded
    address (``192.0.2.1:5060``, ``[2001:db8::1]:443``: each connection would otherwise be a new
    client), an IPv4-mapped IPv6 address as its IPv4 address; not an address: the raw value as it
    came, and no /48.

    A host or home network is given a whole /64 and may send from any of its addresses: counted
    one by one, they would let a single client past every limit (checks, the registry, campaign
    contributions). The /48 is the network a tunnel broker or a hosting provider hands out
    whole, for the /48 twins of the registry's, the campaign contributions', the reports' and the
    console sign-in's allowances (``Limits.charged``). IPv4 addresses are not grouped (a /24 is
    often many households behind one ISP)."""
    try:
        address = ipaddress.ip_address(_without_port(raw))
    except ValueError:
        return raw.encode(), None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv4Address):
        return str(address).encode(), None
    own = str(ipaddress.ip_network((address, 64), strict=False)).encode()
    return own, str(ipaddress.ip_network((address, 48), strict=False)).encode()


def _address() -> bytes:
    """The client as every limit counts it: its IPv4 address, or its IPv6 address's /64
    (:func:`_counted_as`)."""
    return _counted_as(request.remote_addr or "unknown")[0]


def _network() -> bytes | None:
    """The client's IPv6 /48, or None for an IPv4 client (an IPv4-mapped address is one):
    :func:`_counted_as`."""
    return _counted_as(request.remote_addr or "unknown")[1]


def _without_port(raw: str) -> str:
    """``raw`` without a trailing port: ``[v6]:port`` and ``v4:port`` (a bare IPv6 address has
    several colons and no brackets, and is left as it is)."""
    if raw.startswith("[") and "]" in raw:
        return raw[1 : raw.index("]")]
    host, colon, port = raw.rpartition(":")
    return host if colon and port.isdigit() and host.count(":") == 0 else raw


def limits() -> Limits:
    """This app's limits (``init_app``)."""
    return current_app.extensions["haris_limits"]


def countable() -> bool:
    """Whether an anonymous request uses up its client's allowance: a POST only with a JSON or
    multipart body (a browser page cannot send those cross-site without CORS, except multipart,
    which carries the page's Origin and is refused before the view)."""
    return request.method != "POST" or request.mimetype in COUNTED_MEDIA_TYPES


def counted(allowance: str) -> Callable[[F], F]:
    """Decorator of an anonymous view: each request that reaches it counts against the named
    allowance of :class:`Limits` (``check``, ``report``, ``rules``) and its /48 twin, if it has one
    (:meth:`Limits.charge`), if :func:`countable`."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def run(*args: Any, **kwargs: Any) -> Any:
            if countable():
                limits().charge(getattr(limits(), allowance))
            return view(*args, **kwargs)

        run.haris_allowance = allowance  # type: ignore[attr-defined]  # tests/security/test_routes.py reads it
        return run  # type: ignore[return-value]

    return decorate


# Matching a profile against trusted contacts costs CPU per contact, per character of its names
# (each is normalised; normalise() caps its cleaned text) and per photo compared, so a check is
# charged by its contacts' cost in characters of names (contact_characters):
# each contact's display name and handle, plus CONTACT_CHARACTERS for any contact and
# CONTACT_PHOTO_CHARACTERS for one with a photo's fingerprint — measured through the app, a
# contact costs about as much as 220 characters of its names, and comparing a photo as 145.
# Up to FREE_CONTACT_CHARACTERS a check counts once against HARIS_CHECK_LIMIT; beyond, once more
# per started CONTACT_CHARACTERS_PER_CHECK. 500 contacts of ordinary names (~40 characters) are
# free (about 300 with photos); 2,000 contacts of 300 characters with photos (the most a check may
# send) count 1 + 118 times, two minutes' allowance at 60/minute.
# A contact photo whose phash is a candidate of the checked photo, when the check sent its pixels,
# is confirmed at up to 36 places of them (heuristics.matching): ~1.6 ms, as much as ~7,000
# characters of names, so each such distinct photo costs CONTACT_CANDIDATE_CHARACTERS
# (server.services.check.contact_photo_candidates counts them). A few among hundreds of contacts'
# portraits are candidates of any portrait; 300 made to be candidates cost 0.5 s.
CONTACT_CHARACTERS = 200
CONTACT_PHOTO_CHARACTERS = 150
CONTACT_CANDIDATE_CHARACTERS = 7_000
FREE_CONTACT_CHARACTERS = 120_000
CONTACT_CHARACTERS_PER_CHECK = 10_000


def contact_characters(contacts: Iterable[Contact]) -> int:
    """What matching the contacts costs, in characters of names: each contact's names, plus what
    any contact costs whatever its names' length and what comparing its photo costs."""
    return sum(
        CONTACT_CHARACTERS
        + len(contact.display_name or "")
        + len(contact.handle or "")
        + (CONTACT_PHOTO_CHARACTERS if contact.avatar_hash else 0)
        for contact in contacts
    )


def contact_charge(characters: int) -> int:
    """How many extra counts a check's contacts cost, by their :func:`contact_characters`."""
    return math.ceil(max(0, characters - FREE_CONTACT_CHARACTERS) / CONTACT_CHARACTERS_PER_CHECK)


def charge_for_contacts(contacts: Iterable[Contact], photo_candidates: int = 0) -> int:
    """Charge a check for matching its trusted ``contacts``, ``photo_candidates`` of whose photos
    are confirmed against the checked photo's pixels (429 past the limit); the counts charged."""
    extra = contact_charge(contact_characters(contacts) + photo_candidates * CONTACT_CANDIDATE_CHARACTERS)
    if extra:
        limits().check.charge(extra)
    return extra


# Whatever else makes one check cost (names that keep the name index aligning, a registry or
# banks of thousands, an image slow to decode), it is charged once it is done: one more count per
# started CHECK_CPU_SECONDS of its thread's CPU past the first, less what its contacts were
# charged before. Ordinary checks take a few ms, with a photo ~10-20 ms, against 10,000 banked
# portraits ~0.1 s (docs/avatars.md); a tagline of three six-part names against 300 contacts of
# common names took 0.4 s. Charged after the work, it cannot refuse that check, but it keeps one
# address's CPU within its allowance's worth (60/minute: 6 s of CPU a minute at most).
CHECK_CPU_SECONDS = 0.1


def charge_for_cpu(started: float, rebuilt: float, already: int) -> None:
    """Charge a finished check for its CPU since ``started`` (``Limits.cpu_clock``), less what it
    spent rebuilding this worker's copies since ``rebuilt`` (``rebuild_seconds``), beyond the
    first CHECK_CPU_SECONDS and the ``already`` extra counts its contacts cost. Never refuses:
    the answer is made; the client's next requests find the allowance used."""
    spent = limits().cpu_clock() - started - (rebuild_seconds() - rebuilt)
    extra = math.ceil(max(0.0, spent) / CHECK_CPU_SECONDS) - 1 - already
    if extra > 0:
        limits().check.charge(extra, refuse=False)


def init_app(app: Flask) -> None:
    """This app's limits, counted in its limiter store (``server.storage.connection``), and its 429s."""
    app.extensions["haris_limits"] = Limits(app, app.extensions["haris"].redis.limiter)

    @app.errorhandler(LimitReached)
    def _limit_reached(error: LimitReached) -> Response:
        return too_many_requests(error.retry_after)


def too_many_requests(retry_after_seconds: int) -> Response:
    response = error_response(429, "rate_limited", "Too many requests; retry later.")
    response.headers["Retry-After"] = str(retry_after_seconds)
    return response

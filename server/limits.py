"""Rate limits (flask-limiter) with counters in the app's Redis, keyed without client identity.

Redis keys: ``haris:LIMITER/limits/<hmac of client address>/<route>/…`` — one fixed-window
counter per client and limited route; expires with its window (at most the limit's period, e.g.
one minute for ``60/minute``).

When Redis cannot be reached the limiter cannot count. For the anonymous blueprints (the public
check and report endpoints) ``HARIS_LIMIT_FAIL_OPEN`` (default true) lets the request through:
a warning that cannot be counted is still worth giving to someone at risk. With it false, and for
every other rate-limited route, the request fails closed with 503 ``limiter_unavailable``.

After a storage failure the anonymous routes do not try Redis again for ``STORAGE_RETRY_SECONDS``: a
hung Redis (accepting connections, never answering) would otherwise cost every request the full
``HARIS_REDIS_TIMEOUT``, twice.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import RateLimitItem, parse_many

from server.errors import APIError, error_response
from server.redis_conn import fast_fail_options

log = logging.getLogger("haris.limits")
# While Redis is down every request would log the same warning; one line per interval is enough.
_WARN_INTERVAL_SECONDS = 30.0
STORAGE_RETRY_SECONDS = 1.0


class AnonymousLimitReached(Exception):
    """``HARIS_CHECK_LIMIT`` reached: answered 429 ``rate_limited`` with ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("rate limited")
        self.retry_after = retry_after


class _FaultTolerantLimiter(Limiter):
    """A Limiter that fails open or closed by route when its storage is unreachable."""

    def __init__(self, *args: Any, anonymous_blueprints: set[str], fail_open: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._anonymous_blueprints = anonymous_blueprints
        self._fail_open = fail_open
        self._warn_lock = threading.Lock()
        self._last_warning = 0.0
        self._retry_storage_at = 0.0
        self.storage_failures = 0
        self._parsed_limits: dict[str, list[RateLimitItem]] = {}

    def _check_request_limit(self, callable_name: str | None = None, in_middleware: bool = True) -> None:
        if request.blueprint in self._anonymous_blueprints and in_middleware:
            if self.enabled:  # RATELIMIT_ENABLED, as Limiter honours it
                self._guarded(self._check_anonymous_limit)
        else:
            self._guarded(lambda: super(_FaultTolerantLimiter, self)._check_request_limit(callable_name, in_middleware))

    def charge(self, cost: int) -> None:
        """Count this request ``cost`` more times against ``HARIS_CHECK_LIMIT`` (its client and
        route): for a request that turned out to cost as much as several."""
        if cost > 0 and self.enabled:
            self._guarded(lambda: self._check_anonymous_limit(cost))

    def _guarded(self, check: Callable[[], None]) -> None:
        """Run a limit check; when Redis fails, fail open or closed by route (module docstring)."""
        anonymous = request.blueprint in self._anonymous_blueprints
        # The anonymous blueprints are limited on every route, so they can skip a Redis known to be
        # down; other routes may not be limited at all and take the normal path.
        if anonymous and time.monotonic() < self._retry_storage_at:
            self._storage_unavailable()
            return
        try:
            check()
        except (redis.RedisError, OSError) as error:
            self.storage_failures += 1
            self._retry_storage_at = time.monotonic() + STORAGE_RETRY_SECONDS
            self._warn(type(error).__name__)
            self._storage_unavailable()

    def _check_anonymous_limit(self, cost: int = 1) -> None:
        """``HARIS_CHECK_LIMIT`` per client and route, hit with flask-limiter's own strategy and storage.

        The public check is the hot path and its blueprint has this one static limit, so the
        per-request limit resolution of ``Limiter`` (exemption scopes, dynamic limits, meta limits:
        ~0.3 ms of a 1.8 ms check, profiled in-process) is skipped. The keys are the
        ones ``Limiter`` would write: ``LIMITER/limits/<client>/<endpoint>/<limit>``.
        """
        limit_text = current_app.config["HARIS_CHECK_LIMIT"]
        items = self._parsed_limits.get(limit_text)
        if items is None:
            items = self._parsed_limits[limit_text] = sorted(parse_many(limit_text))
        identifiers = (self._key_prefix, client_key(), request.endpoint or "")
        for item in items:
            if not self.limiter.hit(item, *identifiers, cost=cost):
                reset_at = self.limiter.get_window_stats(item, *identifiers).reset_time
                raise AnonymousLimitReached(max(1, math.ceil(reset_at - time.time())))

    def _storage_unavailable(self) -> None:
        """Let the request through or refuse it, by route (see the module docstring)."""
        if self._fail_open and request.blueprint in self._anonymous_blueprints:
            return
        raise APIError(503, "limiter_unavailable", "The rate limiter is unavailable; retry later.")

    def _warn(self, error_name: str) -> None:
        now = time.monotonic()
        with self._warn_lock:
            if now - self._last_warning < _WARN_INTERVAL_SECONDS:
                return
            self._last_warning = now
        log.warning(
            "rate limit storage unreachable (%s); failing %s", error_name, "open" if self._fail_open else "closed"
        )


# Matching a profile against trusted contacts costs ~0.2 ms of CPU per contact (their names are
# normalised), so a check with the maximum 2,000 contacts costs as much as hundreds without. Up
# to FREE_CONTACTS a check counts once against HARIS_CHECK_LIMIT; beyond, once more per started
# CONTACTS_PER_EXTRA_CHECK: 2,000 contacts count 7 times. Ordinary lists are never charged more.
FREE_CONTACTS = 500
CONTACTS_PER_EXTRA_CHECK = 250


def charge_for_contacts(count: int) -> None:
    """Charge a check that sent ``count`` trusted contacts (429 if that passes the limit)."""
    extra = math.ceil(max(0, count - FREE_CONTACTS) / CONTACTS_PER_EXTRA_CHECK)
    if extra:
        _app_limiter().charge(extra)


def _app_limiter() -> _FaultTolerantLimiter:
    """The limiter ``init_limiter`` gave this app."""
    limiter = next(iter(current_app.extensions["limiter"]))
    assert isinstance(limiter, _FaultTolerantLimiter)
    return limiter


def client_key() -> str:
    """The client's address as an HMAC, so limiter keys in Redis never hold an IP address."""
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config["HARIS_SECRET_KEY"].encode()
    return hmac.new(secret, b"limit:" + address, hashlib.sha256).hexdigest()[:24]


def account_key() -> str:
    """The account name a sign-in form names, as an HMAC (limits guessing one account's password)."""
    username = request.form.get("username", "").strip().lower()[:64].encode()
    secret = current_app.config["HARIS_SECRET_KEY"].encode()
    return hmac.new(secret, b"login:" + username, hashlib.sha256).hexdigest()[:24]


def _failed_sign_in(response: Response) -> bool:
    # A successful sign-in redirects (303); only failures use up the allowance.
    return response.status_code != 303


def init_limiter(app: Flask, storage_uri: str, anonymous: list[Blueprint], sign_in: list[str] | None = None) -> Limiter:
    """Limit every route of the ``anonymous`` blueprints by ``HARIS_CHECK_LIMIT`` per client, and
    failed POSTs to the ``sign_in`` endpoints by ``HARIS_LOGIN_LIMIT`` per client and
    ``HARIS_LOGIN_ACCOUNT_LIMIT`` per account name.

    One Redis round trip per request: a fixed window (INCR + EXPIRE) and no X-RateLimit headers
    on every response; the window is read only to answer a 429 with its ``Retry-After``.
    """
    timeout = app.config["HARIS_REDIS_TIMEOUT"]
    limiter = _FaultTolerantLimiter(
        key_func=client_key,
        app=app,
        storage_uri=storage_uri,
        # Keys become haris:LIMITER/limits/<hmac of address>/<endpoint>/…, all under haris:.
        storage_options={"key_prefix": "haris", **fast_fail_options(timeout)},
        strategy="fixed-window",
        headers_enabled=False,
        key_prefix="limits",
        # Storage errors reach _FaultTolerantLimiter, which decides per route (see module doc).
        swallow_errors=False,
        anonymous_blueprints={blueprint.name for blueprint in anonymous},
        fail_open=app.config["HARIS_LIMIT_FAIL_OPEN"],
    )
    # The anonymous blueprints' limit (HARIS_CHECK_LIMIT) is checked by _check_anonymous_limit.
    for endpoint in sign_in or ():
        # Decorated limits are checked when the view runs, so the routed view is replaced by the
        # limited one (inner decorator: per address; outer: per account name).
        view = limiter.limit(
            lambda: current_app.config["HARIS_LOGIN_LIMIT"], methods=["POST"], deduct_when=_failed_sign_in
        )(app.view_functions[endpoint])
        view = limiter.limit(
            lambda: current_app.config["HARIS_LOGIN_ACCOUNT_LIMIT"],
            key_func=account_key,
            methods=["POST"],
            deduct_when=_failed_sign_in,
            scope="login-account",
        )(view)
        app.view_functions[endpoint] = view

    @app.errorhandler(RateLimitExceeded)
    def _rate_limited(error: RateLimitExceeded) -> Response:
        return _too_many_requests(retry_after(error))

    @app.errorhandler(AnonymousLimitReached)
    def _anonymous_limit_reached(error: AnonymousLimitReached) -> Response:
        return _too_many_requests(error.retry_after)

    return limiter


def _too_many_requests(retry_after_seconds: int) -> Response:
    response = error_response(429, "rate_limited", "Too many requests; retry later.")
    response.headers["Retry-After"] = str(retry_after_seconds)
    return response


def retry_after(error: RateLimitExceeded) -> int:
    """Seconds until the exceeded window resets (for the ``Retry-After`` of a 429)."""
    window_seconds = error.limit.limit.get_expiry()
    current = _app_limiter().current_limit
    if current is not None:
        try:
            return max(1, math.ceil(current.reset_at - time.time()))
        except (redis.RedisError, OSError):
            pass
    return window_seconds

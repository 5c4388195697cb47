"""Rate limits (flask-limiter) with counters in the app's Redis, keyed without client identity."""

from __future__ import annotations

import hashlib
import hmac
import math
import time

import redis
from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded

from server.errors import error_response


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
    limiter = Limiter(
        key_func=client_key,
        app=app,
        storage_uri=storage_uri,
        # Keys become haris:LIMITER/limits/<hmac of address>/<endpoint>/…, all under haris:.
        storage_options={"key_prefix": "haris", "socket_timeout": timeout, "socket_connect_timeout": timeout},
        strategy="fixed-window",
        headers_enabled=False,
        key_prefix="limits",
        # Anonymous checks fail open when Redis is down: a warning that cannot be counted is
        # still worth giving. (Admin routes authenticate separately.)
        swallow_errors=True,
    )
    for blueprint in anonymous:
        limiter.limit(lambda: current_app.config["HARIS_CHECK_LIMIT"])(blueprint)
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
        response = error_response(429, "rate_limited", "Too many requests; retry later.")
        response.headers["Retry-After"] = str(retry_after(error))
        return response

    return limiter


def retry_after(error: RateLimitExceeded) -> int:
    """Seconds until the exceeded window resets (for the ``Retry-After`` of a 429)."""
    window_seconds = error.limit.limit.get_expiry()
    limiter = next(iter(current_app.extensions["limiter"]))
    current = limiter.current_limit
    if current is not None:
        try:
            return max(1, math.ceil(current.reset_at - time.time()))
        except (redis.RedisError, OSError):
            pass
    return window_seconds

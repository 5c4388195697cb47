"""Rate limits (flask-limiter) with counters in the app's Redis, keyed without client identity."""

from __future__ import annotations

import hashlib
import hmac

from flask import Blueprint, Flask, current_app, request
from flask_limiter import Limiter


def client_key() -> str:
    """The client's address as an HMAC, so limiter keys in Redis never hold an IP address."""
    address = (request.remote_addr or "unknown").encode()
    secret = current_app.config["HARIS_SECRET_KEY"].encode()
    return hmac.new(secret, b"limit:" + address, hashlib.sha256).hexdigest()[:24]


def init_limiter(app: Flask, storage_uri: str, anonymous: list[Blueprint]) -> Limiter:
    """Limit every route of the ``anonymous`` blueprints by ``HARIS_CHECK_LIMIT`` per client."""
    limiter = Limiter(
        key_func=client_key,
        app=app,
        storage_uri=storage_uri,
        # Keys become haris:LIMITER/limits/<hmac of address>/<endpoint>/…, all under haris:.
        storage_options={
            "key_prefix": "haris",
            "socket_timeout": app.config["HARIS_REDIS_TIMEOUT"],
            "socket_connect_timeout": app.config["HARIS_REDIS_TIMEOUT"],
        },
        strategy="moving-window",
        headers_enabled=True,
        key_prefix="limits",
        # Anonymous checks fail open when Redis is down: a warning that cannot be counted is
        # still worth giving. (Admin routes authenticate separately.)
        swallow_errors=True,
    )
    for blueprint in anonymous:
        limiter.limit(lambda: current_app.config["HARIS_CHECK_LIMIT"])(blueprint)
    return limiter

"""The baseline for bench/check_api.py: a bare Flask app answering a JSON POST with a constant,
after the one Redis round trip a rate limit costs (an INCR in the limiter store, as the real
app's fixed-window counter makes one per check)."""

from __future__ import annotations

import os
from typing import Any

import redis
from flask import Flask, request

app = Flask(__name__)
limiter_store = redis.Redis.from_url(os.environ.get("HARIS_LIMITER_URL") or os.environ["REDIS_URL"])


@app.post("/v1/check")
def trivial() -> Any:
    request.get_json()
    limiter_store.incr("bench:trivial:counter")
    return {"risk": 0, "level": "low", "findings": []}

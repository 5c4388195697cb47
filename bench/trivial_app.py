"""The baseline for bench/check_api.py: a bare Flask app answering a JSON POST with a constant,
after the one Redis round trip a rate limit costs (an INCR in the limiter store, as the real
app's fixed-window counter makes one per check).

With ``HARIS_BENCH_CAMPAIGN_READ=1`` it also makes the campaign aggregate's round trip, as a check
does after its rate limit: one BITFIELD_RO of the marker and 22 counters (the bench profile's
trait positions) in the same store. That baseline makes as many Redis round trips as the check,
so the ratio against it is the check's own work alone (``bench/check_api.py --baseline-reads 2``)."""

from __future__ import annotations

import os
from typing import Any

import redis
from flask import Flask, request

app = Flask(__name__)
limiter_store = redis.Redis.from_url(os.environ.get("HARIS_LIMITER_URL") or os.environ["REDIS_URL"])
CAMPAIGN_READ = os.environ.get("HARIS_BENCH_CAMPAIGN_READ") == "1"
# A read shaped like server/storage/campaigns.py's: the marker, then counters spread over 2^20.
COUNTERS = ["GET", "u8", "#0"] + [field for n in range(22) for field in ("GET", "u8", f"#{1 + n * 47_653}")]


@app.post("/v1/check")
def trivial() -> Any:
    request.get_json()
    limiter_store.incr("bench:trivial:counter")
    if CAMPAIGN_READ:
        with limiter_store.pipeline(transaction=False) as pipe:
            pipe.execute_command("BITFIELD_RO", "bench:trivial:table", *COUNTERS)
            pipe.execute()
    return {"risk": 0, "level": "low", "findings": []}

"""Optimistic transactions on one key: WATCH it, read, decide, write in MULTI; again if it changed.

redis-py's ``Redis.transaction`` retries without bound; a store here gives up after a bounded
number of tries and raises its own "busy" error, so a key that never stops changing costs a
request a bounded number of round trips.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import redis

T = TypeVar("T")


def watched(
    client: redis.Redis, key: str, attempt: Callable[[redis.client.Pipeline], T], retries: int, busy: Exception
) -> T:
    """``attempt(pipe)`` with ``key`` WATCHed on ``pipe`` (it reads through ``pipe``, then calls
    ``pipe.multi()`` and ``pipe.execute()``, or returns without writing); its result. Tried again
    when ``key`` changed before the write committed, at most ``retries`` times, then ``busy``."""
    for _ in range(retries):
        with client.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)
                return attempt(pipe)
            except redis.WatchError:
                continue
    raise busy

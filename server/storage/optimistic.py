"""Optimistic transactions on one key: WATCH it, read, decide, write in MULTI; again if it changed.
And the version of a record as read (:func:`version_of`), which an edit page carries so that a save
made from an older read is refused.

redis-py's ``Redis.transaction`` retries without bound; a store here gives up after a bounded
number of tries and raises its own "busy" error, so a key that never stops changing costs a
request a bounded number of round trips.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import TypeVar

import redis
from pydantic import BaseModel

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


# What :func:`version_of` gives: a form or header holding anything else was not made from a read.
VERSION = re.compile(r"^[0-9a-f]{32}$")


def version_of(record: BaseModel) -> str:
    """The version of a record as read: a digest of all of it (32 hex digits), worked out on each
    read and stored nowhere. Any change moves it; a change undone gives the old one back, and
    nothing an edit was made from is then lost."""
    return hashlib.sha256(record.model_dump_json().encode()).hexdigest()[:32]

"""Leave a failed Redis alone for a moment, so each check does not pay a connection timeout.

Check services (banks, reuse, protected people) wrap their Redis calls in :meth:`RedisBreaker.call`:
after a Redis error every call raises :class:`heuristics.context.ServiceUnavailable` at once for
``backoff`` seconds (the check lists the signal as unavailable), then Redis is tried again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import redis

from heuristics.context import ServiceUnavailable

log = logging.getLogger("haris.redis")
T = TypeVar("T")
DOWN_BACKOFF_SECONDS = 5.0
# While Redis stays down every back-off would log the same warning; one line per interval is enough.
WARN_INTERVAL_SECONDS = 30.0


@dataclass
class RedisBreaker:
    name: str
    backoff: float = DOWN_BACKOFF_SECONDS
    _down_until: float = 0.0
    _warned_at: float = -WARN_INTERVAL_SECONDS
    failures: int = 0

    def reset(self) -> None:
        self._down_until = 0.0

    @property
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def call(self, action: Callable[[], T]) -> T:
        if self.is_down:
            raise ServiceUnavailable(self.name)
        try:
            return action()
        except (redis.RedisError, OSError) as error:
            now = time.monotonic()
            self._down_until = now + self.backoff
            self.failures += 1
            if now - self._warned_at >= WARN_INTERVAL_SECONDS:
                self._warned_at = now
                log.warning("%s: Redis unreachable (%s)", self.name, type(error).__name__)
            raise ServiceUnavailable(self.name) from None

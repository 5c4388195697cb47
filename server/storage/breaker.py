"""Leave a failed Redis alone for a moment, so each check does not pay a connection timeout.

Check services (banks, reuse, protected people) wrap their Redis calls in :meth:`RedisBreaker.call`:
after a Redis error every call raises :class:`heuristics.context.ServiceUnavailable` at once for
``backoff`` seconds (the check lists the signal as unavailable), then Redis is tried again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import redis

from heuristics.context import ServiceUnavailable

T = TypeVar("T")
DOWN_BACKOFF_SECONDS = 5.0


@dataclass
class RedisBreaker:
    name: str
    backoff: float = DOWN_BACKOFF_SECONDS
    _down_until: float = 0.0

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
        except (redis.RedisError, OSError):
            self._down_until = time.monotonic() + self.backoff
            raise ServiceUnavailable(self.name) from None

"""Extractor health counts: how well the extension read profile pages, per day, platform,
extractor version and outcome — sums of what opted-in browsers sent, nothing about any client,
page or time finer than the day (docs/extension.md, "Knowing when a platform changes").

Redis keys (main store):

- ``haris:{extractors}:day:<YYYY-MM-DD>`` — hash. ``<platform>|<version>|<outcome>`` → visits
  (outcome: ``complete``, ``incomplete``, ``no_profile``, ``error``) and
  ``<platform>|<version>|missing:<field>`` → incomplete visits that lacked that core field. The
  day is the server's UTC day when the counts were written (not when the pages were read);
  expires ``RETENTION_DAYS`` after that day. At most ``MAX_DAY_FIELDS`` fields: once full, only
  fields already there grow (a flood of made-up versions cannot grow it without bound).

Writes are not made while a request is answered: each worker adds what it receives to one sum in
memory and writes the sum once ``BATCH_REPORTS`` reports are in it or the first has waited
``BATCH_SECONDS`` (a timer), so the main store's append-only file holds sums of several browsers'
counts, never one browser's report in the order it arrived. A worker that stops loses the sum it
had not written (at most ``BATCH_REPORTS - 1`` reports). A write that fails keeps the sum for the
next one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import redis

log = logging.getLogger("haris.extractor_health")

DAY_PREFIX = "haris:{extractors}:day:"
RETENTION_DAYS = 90
MAX_DAY_FIELDS = 2_000
# Distinct fields a worker's unwritten sum may hold (each report adds at most 12 × 20).
MAX_PENDING_FIELDS = 5_000
BATCH_REPORTS = 8
BATCH_SECONDS = 3600.0
MISSING = "missing:"


def day_key(day: date) -> str:
    return f"{DAY_PREFIX}{day.isoformat()}"


def counter_field(platform: str, version: str, outcome: str) -> str:
    """``outcome`` is one of the four outcomes, or ``missing:<field>``."""
    return f"{platform}|{version}|{outcome}"


def parse_field(name: str) -> tuple[str, str, str] | None:
    parts = name.split("|")
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


@dataclass
class ExtractorHealthStore:
    client: redis.Redis
    clock: Callable[[], float] = time.time
    batch_reports: int = BATCH_REPORTS
    batch_seconds: float = BATCH_SECONDS
    _pending: Counter[str] = field(default_factory=Counter)
    _reports: int = 0
    _timer: threading.Timer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, increments: Mapping[str, int]) -> None:
        """Add one report's counts (field → visits) to this worker's sum; the sum is written when
        it is due (module docstring), never as this one report."""
        with self._lock:
            for name, value in increments.items():
                if value > 0 and (name in self._pending or len(self._pending) < MAX_PENDING_FIELDS):
                    self._pending[name] += value
            self._reports += 1
            due = self._reports >= self.batch_reports
            if not due and self._timer is None:
                self._timer = threading.Timer(self.batch_seconds, self._flush_quietly)
                self._timer.daemon = True
                self._timer.start()
        if due:
            self._flush_quietly()

    def flush(self) -> None:
        """Write the sum now (tests, the timer). Raises ``redis.RedisError``; the sum is kept."""
        with self._lock:
            batch, self._pending, self._reports = self._pending, Counter(), 0
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not batch:
            return
        try:
            self._write(batch)
        except (redis.RedisError, OSError):
            with self._lock:
                self._pending.update(batch)
            raise

    def _flush_quietly(self) -> None:
        try:
            self.flush()
        except (redis.RedisError, OSError):
            log.warning("extractor health counts not written (Redis unavailable); kept for the next write")

    def _write(self, batch: Counter[str]) -> None:
        today = datetime.fromtimestamp(self.clock(), UTC).date()
        key = day_key(today)
        names = sorted(batch)
        with self.client.pipeline(transaction=False) as pipe:
            pipe.hlen(key)
            pipe.hmget(key, names)
            size, present = pipe.execute()
        room = MAX_DAY_FIELDS - int(size)
        expires = datetime.combine(today + timedelta(days=RETENTION_DAYS + 1), datetime.min.time(), UTC)
        with self.client.pipeline(transaction=False) as pipe:
            for name, stored in zip(names, present, strict=True):
                if stored is None:
                    if room <= 0:
                        continue
                    room -= 1
                pipe.hincrby(key, name, batch[name])
            pipe.expireat(key, int(expires.timestamp()))
            pipe.execute()

    def days(self, days: Iterable[date]) -> dict[date, dict[str, int]]:
        """The stored counts of each day (field → visits); a day with none is an empty dict."""
        wanted = list(days)
        with self.client.pipeline(transaction=False) as pipe:
            for day in wanted:
                pipe.hgetall(day_key(day))
            replies = pipe.execute()
        return {
            day: {name.decode(): int(value) for name, value in reply.items()}
            for day, reply in zip(wanted, replies, strict=True)
        }

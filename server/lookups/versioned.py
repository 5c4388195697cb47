"""One shape for every per-worker copy of shared state: reload when a version in Redis changes.

Rules, hash banks and the protected-people registry are canonical in Redis; each worker keeps an
immutable copy (parsed rules, search indexes) and rebuilds it only when its version moves: a
counter bumped with every change and a random stamp written with it (:mod:`server.storage.stamps`:
a counter alone repeats after Redis loses or rolls back its data). :class:`Versioned` is that copy:

- At most once per ``every`` seconds (``0``: at every read) one thread reads the version; other
  threads keep the copy they have instead of waiting. Only a first read, with nothing built yet,
  waits for the thread building it.
- When the version differs from the one the copy was built from, ``build(version, previous)``
  makes the new copy (it may reuse the unchanged parts of ``previous``), and one reference
  assignment swaps it in: a check running meanwhile keeps the copy it started with.
- ``clock`` (seconds, monotonic) is injectable so tests can move time instead of waiting.
- When Redis fails, reads raise :class:`heuristics.context.ServiceUnavailable` at once for a few
  seconds (:class:`~server.storage.breaker.RedisBreaker`), so checks do not each pay a timeout.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from heuristics.context import ServiceUnavailable
from server.storage.breaker import RedisBreaker

V = TypeVar("V")
T = TypeVar("T")


# CPU seconds each thread has spent rebuilding copies (:func:`rebuild_seconds`), by this clock
# (the thread's CPU time; tests move their own, as they do the rate limit's: ``Limits.cpu_clock``).
_rebuilt = threading.local()
cpu_clock: Callable[[], float] = time.thread_time


def rebuild_seconds() -> float:
    """CPU seconds this thread has spent rebuilding copies, all copies together. A check that
    happens to rebuild one (a bank or the registry changed) did this worker's work, not its
    client's: the rate limit charges a check's CPU less this (``server.web.limits.charge_for_cpu``)."""
    return getattr(_rebuilt, "seconds", 0.0)


# How long a worker may answer from its copy before reading the version again (the banks', the
# protected-people registry's): a change made from another worker or node counts within this
# many seconds; a change made through this worker counts at its next check (``invalidate``).
VERSION_CHECK_SECONDS = 1.0


class Versioned(Generic[V, T]):
    def __init__(
        self,
        version: Callable[[], V],
        build: Callable[[V, T | None], T],
        breaker: RedisBreaker,
        every: float = 0.0,
        initial: tuple[V, T] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._version = version
        self._build = build
        self.breaker = breaker
        self.every = every
        self._loaded: tuple[V, T] | None = initial
        self._next_check = 0.0
        self._lock = threading.Lock()
        self._clock = clock

    @property
    def loaded(self) -> tuple[V, T] | None:
        """The version and the copy built from it, as they are now (no Redis call)."""
        return self._loaded

    def current(self) -> T:
        """The copy in step with Redis (within ``every`` seconds); ServiceUnavailable when Redis is down."""
        if self.breaker.is_down:
            raise ServiceUnavailable(self.breaker.name)
        loaded = self._loaded
        if loaded is not None and self._clock() < self._next_check:
            return loaded[1]
        if not self._lock.acquire(blocking=loaded is None):
            assert loaded is not None
            return loaded[1]  # another thread is looking; this one keeps the copy it has
        try:
            loaded = self._loaded
            if loaded is not None and self._clock() < self._next_check:
                return loaded[1]  # built by the thread this one waited for
            return self._look()
        finally:
            self._lock.release()

    def refresh(self) -> T:
        """Look at Redis now, waiting for a look under way (start-up, CLI, tests)."""
        with self._lock:
            self.breaker.reset()
            return self._look()

    def invalidate(self) -> None:
        """Look at the version at the next read (this worker changed the state itself)."""
        self._next_check = 0.0
        self.breaker.reset()

    def install(self, version: V, value: T) -> None:
        """Swap in a copy this worker built itself (e.g. the rules it just published)."""
        with self._lock:
            self._loaded = (version, value)

    def _look(self) -> T:
        loaded = self._loaded
        self._next_check = self._clock() + self.every
        try:
            self._loaded = self.breaker.call(lambda: self._rebuilt(loaded))
        except ServiceUnavailable:
            self._next_check = 0.0
            raise
        return self._loaded[1]

    def _rebuilt(self, loaded: tuple[V, T] | None) -> tuple[V, T]:
        version = self._version()
        if loaded is not None and loaded[0] == version:
            return loaded
        started = cpu_clock()
        try:
            return version, self._build(version, None if loaded is None else loaded[1])
        finally:
            _rebuilt.seconds = rebuild_seconds() + cpu_clock() - started

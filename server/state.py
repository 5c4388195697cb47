"""What one app instance holds: config, Redis, active rules, metrics and the check services."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from heuristics.rules import Rules
from server.metrics import Metrics
from server.redis_conn import RedisHandle


@dataclass
class ActiveRules:
    """The rules in force; swapped atomically (one reference assignment) on reload."""

    rules: Rules
    lock: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> Rules:
        return self.rules

    def replace(self, rules: Rules) -> None:
        with self.lock:
            self.rules = rules


@dataclass
class Haris:
    redis: RedisHandle
    rules: ActiveRules
    metrics: Metrics
    # Services offered to signals through CheckContext.services (banks, protected people, …).
    services: dict[str, Any] = field(default_factory=dict)


def haris() -> Haris:
    return current_app.extensions["haris"]

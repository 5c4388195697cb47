"""What one app holds: its Redis connections and stores, the rules in force, metrics, and the
per-worker lookups that signals call during a check."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import redis
from flask import Flask, current_app

from heuristics.rules import load_default_rules, load_rules
from server.lookups.rules import ActiveRules
from server.storage import Stores
from server.storage.connection import RedisHandle, connect
from server.storage.migrate import migrate
from server.web.metrics import Metrics

log = logging.getLogger("haris.redis")


@dataclass
class AppState:
    redis: RedisHandle
    stores: Stores
    rules: ActiveRules
    metrics: Metrics
    # The check services offered to signals through CheckContext.services, by the names of
    # heuristics.services (banks, reuse, protected people): see server.lookups.
    lookups: dict[str, Any] = field(default_factory=dict)
    # "Now" for every check (account age): one place to pin the day a published example or a
    # test is about, instead of the wall clock.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # The campaign aggregate (heuristics.campaigns; tables in the limiter store: server/storage/campaigns.py).
    campaigns: Any = None
    # Where a check's contribution to it goes (heuristics.campaigns.Contributions): None, the
    # aggregate at once; with HARIS_CAMPAIGN_HOLD_SECONDS, server.storage.campaigns.HeldContributions,
    # which writes them after the next clock boundary.
    contributions: Any = None


def app_state() -> AppState:
    """The current app's state (needs an app context)."""
    return current_app.extensions["haris"]


def init_app(app: Flask) -> None:
    settings = app.config
    handle = connect(settings)
    try:
        migrate(handle.client, cluster=handle.cluster)
    except (redis.RedisError, OSError):
        log.warning("Redis unreachable at start-up: old key names are renamed at the next start")
    stores = Stores.over(handle.client, settings)
    try:
        # Second factors stored in the clear by an earlier version (or under a previous secret)
        # are sealed under the current key now, not only at their account's next sign-in.
        stores.users.seal_second_factors()
    except (redis.RedisError, OSError):
        log.warning("Redis unreachable at start-up: second factors are sealed at the next start or sign-in")
    rules = load_rules(settings["HARIS_RULES_FILE"]) if settings["HARIS_RULES_FILE"] else load_default_rules()
    app.extensions["haris"] = AppState(
        redis=handle,
        stores=stores,
        rules=ActiveRules(rules, stores.rules),
        metrics=Metrics(settings["HARIS_METRICS_DELAY"]),
    )

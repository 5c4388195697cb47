"""Redis storage: every store of the main Redis, behind one accessor (:func:`stores`).

Each store module opens with its key table and lifetimes (docs/privacy.md gathers them). Stores
raise ``redis.RedisError`` (or ``OSError``) when Redis cannot answer; routes do not catch it: each
blueprint answers it once (``server.web.errors.answer_storage_errors``, the console's error page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis
from flask import current_app

from server.storage.audit import AuditLog
from server.storage.banks import BankStore
from server.storage.cases import CaseStore
from server.storage.devices import DeviceStore
from server.storage.extractor_health import ExtractorHealthStore
from server.storage.protected import ProtectedStore
from server.storage.reports import ReportStore
from server.storage.rules import RulesStore
from server.storage.sealed import Sealer
from server.storage.users import TOTP_PURPOSE, UserStore


@dataclass(frozen=True)
class Stores:
    """The stores of one app, made once; each is a thin object over the same Redis client."""

    client: redis.Redis
    audit: AuditLog
    reports: ReportStore
    users: UserStore
    cases: CaseStore
    rules: RulesStore
    banks: BankStore
    protected: ProtectedStore
    extractor_health: ExtractorHealthStore

    @property
    def devices(self) -> DeviceStore:
        """The browsers each console account signed in from, on the users store's clock (read at
        each use: tests move that clock, and the devices' days must move with it)."""
        return DeviceStore(self.client, clock=self.users.clock)

    @classmethod
    def over(cls, client: redis.Redis, config: Mapping[str, Any]) -> Stores:
        secret = config["HARIS_SECRET_KEY"].encode("utf-8")
        previous = [old.encode("utf-8") for old in config["HARIS_SECRET_KEY_FALLBACKS"]]
        # A secret made up at start (development without HARIS_SECRET_KEY) dies with the process:
        # a second factor sealed under it could not be read after a restart, nor by the CLI.
        sealer = None if config.get("HARIS_SECRET_KEY_GENERATED") else Sealer(secret, TOTP_PURPOSE, previous)
        return cls(
            client=client,
            audit=AuditLog(client),
            reports=ReportStore(
                client,
                secret,
                max_pending=config["HARIS_MAX_PENDING_REPORTS"],
                hold_hours=config["HARIS_REPORT_HOLD_HOURS"],
                max_stored=config["HARIS_MAX_STORED_REPORTS"],
                rejected_hours=config["HARIS_REJECTED_REPORT_HOURS"],
            ),
            users=UserStore(client, sealer=sealer),
            cases=CaseStore(client),
            rules=RulesStore(client),
            banks=BankStore(client),
            protected=ProtectedStore(client),
            extractor_health=ExtractorHealthStore(client),
        )


def stores() -> Stores:
    """The current app's stores (needs an app context, as flaskr's ``get_db``)."""
    return current_app.extensions["haris"].stores

"""The audit trail: who changed what (and who read the protected-people registry or exported a
bank), about what, and when, through whichever door.

Redis key:
- ``haris:audit`` — a Redis stream, one entry per privileged action (report confirmed or rejected,
  bank entry added, imported, removed or exported, protected person registered, changed, deleted,
  listed, viewed or named by a trainer's check, or a listing or check refused past a trainer's
  allowance, rules published, console accounts and API keys
  created and revoked, passwords, second factors and sessions changed, cases). Fields: ``actor``
  (console username, ``key:<label>`` for an API key, ``cli``, ``sighup`` or ``sign-in form``),
  ``action``, ``target`` (an id), ``detail`` (JSON: bank, label, status, counts — never profile
  data, a password or a key).
  Entries older than ``AUDIT_RETENTION_SECONDS`` (one year) are trimmed on every write
  (``XADD … MINID``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

AUDIT_KEY = "haris:audit"
AUDIT_RETENTION_SECONDS = 365 * 24 * 3600
# Entries that record a read, not a change (the audit page can show either kind alone).
READ_ACTIONS = frozenset(
    # A refused check (too many protected people named to one trainer) is an attempted read, as a
    # refused listing (too many shown to her: server.services.registry_listing) is.
    {
        "protected.listed",
        "protected.viewed",
        "protected.matched",
        "protected.match_refused",
        "protected.list_refused",
        "bank.exported",
        "case.listed",
        "case.viewed",
    }
)


@dataclass
class AuditLog:
    client: redis.Redis
    retention_seconds: int = AUDIT_RETENTION_SECONDS

    def record(self, actor: str, action: str, target: str, **detail: Any) -> None:
        oldest_ms = int((time.time() - self.retention_seconds) * 1000)
        self.client.xadd(
            AUDIT_KEY,
            {
                "actor": actor,
                "action": action,
                "target": target,
                "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
            },
            minid=oldest_ms,
            approximate=False,
        )

    def recent(
        self, limit: int = 200, keep: Callable[[dict[str, Any]], bool] | None = None, scan: int = 20_000
    ) -> list[dict[str, Any]]:
        """Newest first: the ``limit`` newest entries ``keep`` accepts (all without it), among at
        most ``scan`` newest entries (a bounded read however rare the kept ones are)."""
        return self.page(limit, keep, scan)[0]

    def page(
        self,
        limit: int = 200,
        keep: Callable[[dict[str, Any]], bool] | None = None,
        scan: int = 20_000,
        before: str | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """:meth:`recent`, from just before the entry ``before`` (an id a page gave) if given; and
        where the next page starts (None at the trail's end). Every entry can be reached, page
        after page: with only the newest ones, whoever floods the trail (a stolen session loading
        a page that is audited, a few hundred times) hid what it did before."""
        entries: list[dict[str, Any]] = []
        last = "(" + before if before else "+"
        read = 0
        while read < scan:
            count = min(1_000, scan - read) if keep else limit - len(entries)
            batch = self.client.xrevrange(AUDIT_KEY, max=last, count=count)
            if not batch:
                return entries, None
            read += len(batch)
            for entry_id, fields in batch:
                last = "(" + entry_id.decode()  # the next read starts just before it (exclusive)
                entry = _entry(entry_id, fields)
                if keep is None or keep(entry):
                    entries.append(entry)
                    if len(entries) == limit:
                        return entries, entry["id"]
            if len(batch) < count:
                return entries, None
        return entries, last[1:]


def _entry(entry_id: bytes, fields: dict[bytes, bytes]) -> dict[str, Any]:
    at_ms = int(entry_id.decode().split("-", 1)[0])
    return {
        "id": entry_id.decode(),
        "at": at_ms // 1000,
        "actor": fields[b"actor"].decode(),
        "action": fields[b"action"].decode(),
        "target": fields[b"target"].decode(),
        "detail": json.loads(fields.get(b"detail", b"{}")),
    }

"""The audit trail of console and trainer decisions: who decided what, about what, and when.

Redis key:
- ``haris:audit`` — a Redis stream, one entry per decision (report confirmed or rejected, bank
  entry added or imported, protected person changed, account revoked from the console). Fields:
  ``actor`` (console username, or ``key:<label>`` for an API key), ``action``, ``target`` (an id),
  ``detail`` (JSON: bank, label, status — never profile data). Entries older than
  ``AUDIT_RETENTION_SECONDS`` (one year) are trimmed on every write (``XADD … MINID``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis

AUDIT_KEY = "haris:audit"
AUDIT_RETENTION_SECONDS = 365 * 24 * 3600


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

    def recent(self, limit: int = 200) -> list[dict[str, Any]]:
        """Newest first."""
        entries = []
        for entry_id, fields in self.client.xrevrange(AUDIT_KEY, count=limit):
            at_ms = int(entry_id.decode().split("-", 1)[0])
            entries.append(
                {
                    "at": at_ms // 1000,
                    "actor": fields[b"actor"].decode(),
                    "action": fields[b"action"].decode(),
                    "target": fields[b"target"].decode(),
                    "detail": json.loads(fields.get(b"detail", b"{}")),
                }
            )
        return entries

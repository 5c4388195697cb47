"""User reports of a profile: kept for trainers to review, without any reporter identity.

Redis keys:
- ``haris:report:<id>`` — JSON of what the user chose to send (platform, profile fields,
  avatar_hash, reason, note) and when; expires after ``REPORT_TTL_SECONDS``.
- ``haris:reports:pending`` — sorted set of pending report ids by time; ids whose report has
  expired are pruned when the queue is read.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis

REPORT_TTL_SECONDS = 30 * 24 * 3600
_REPORT = "haris:report:"
_PENDING = "haris:reports:pending"


@dataclass
class ReportStore:
    client: redis.Redis
    ttl: int = REPORT_TTL_SECONDS

    def add(self, report: dict[str, Any]) -> str:
        report_id = secrets.token_hex(8)
        now = int(time.time())
        record = dict(report, id=report_id, created_at=now, status="pending")
        with self.client.pipeline() as pipe:
            pipe.set(_REPORT + report_id, json.dumps(record, ensure_ascii=False), ex=self.ttl)
            pipe.zadd(_PENDING, {report_id: now})
            pipe.zremrangebyscore(_PENDING, 0, now - self.ttl)
            pipe.execute()
        return report_id

    def get(self, report_id: str) -> dict[str, Any] | None:
        raw = self.client.get(_REPORT + report_id)
        return json.loads(raw) if raw else None

    def pending(self, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Pending reports, newest first."""
        self.client.zremrangebyscore(_PENDING, 0, int(time.time()) - self.ttl)
        ids = [i.decode() for i in self.client.zrevrange(_PENDING, offset, offset + limit - 1)]
        reports = [self.get(report_id) for report_id in ids]
        return [r for r in reports if r is not None]

    def resolve(self, report_id: str, status: str, **fields: Any) -> dict[str, Any] | None:
        """Mark a report confirmed or rejected and take it off the queue (its record keeps its TTL)."""
        record = self.get(report_id)
        if record is None:
            return None
        record.update(fields, status=status)
        with self.client.pipeline() as pipe:
            pipe.set(_REPORT + report_id, json.dumps(record, ensure_ascii=False), keepttl=True)
            pipe.zrem(_PENDING, report_id)
            pipe.execute()
        return record

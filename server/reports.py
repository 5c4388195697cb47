"""User reports of a profile: kept for trainers to review, without any reporter identity.

Redis keys:
- ``haris:report:<id>`` — JSON of what the user chose to send (platform, profile fields,
  avatar_hash, reason, note) and when; expires after ``REPORT_TTL_SECONDS``.
- ``haris:reports:pending`` — sorted set of pending report ids by time; ids whose report has
  expired are pruned when the queue is read.
- ``haris:reports:decided`` — sorted set of confirmed/rejected report ids by decision time, for
  the console's "recently decided" list; pruned like the pending set (the records expire with
  their original TTL, which a decision does not extend).
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
_DECIDED = "haris:reports:decided"


class AlreadyDecided(Exception):
    """The report was confirmed or rejected by someone else first."""


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

    def count_pending(self) -> int:
        return int(self.client.zcard(_PENDING))

    def decided(self, limit: int = 50) -> list[dict[str, Any]]:
        """Recently confirmed or rejected reports, newest decision first."""
        self.client.zremrangebyscore(_DECIDED, 0, int(time.time()) - self.ttl)
        ids = [i.decode() for i in self.client.zrevrange(_DECIDED, 0, limit - 1)]
        reports = [self.get(report_id) for report_id in ids]
        return [r for r in reports if r is not None]

    def resolve(self, report_id: str, status: str, **fields: Any) -> dict[str, Any] | None:
        """Mark a report confirmed or rejected and take it off the queue (its record keeps its TTL).

        None if there is no such report; AlreadyDecided if it was not pending. Taking the id off
        the pending set is the atomic step: of two concurrent decisions only one removes it.
        """
        record = self.get(report_id)
        if record is None:
            return None
        if record.get("status") != "pending" or not self.client.zrem(_PENDING, report_id):
            raise AlreadyDecided(report_id)
        now = int(time.time())
        record.update(fields, status=status, decided_at=now)
        with self.client.pipeline() as pipe:
            pipe.set(_REPORT + report_id, json.dumps(record, ensure_ascii=False), keepttl=True)
            pipe.zadd(_DECIDED, {report_id: now})
            pipe.execute()
        return record

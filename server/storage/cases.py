"""Escalation cases in Redis (the model is :mod:`server.escalation.model`).

Redis keys (every one expires; docs/privacy.md says what a seized copy reveals):
- ``haris:{cases}:case:<id>`` — JSON of the case: the suspect's and the impersonated person's accounts,
  findings at opening, notes (private ones too), evidence metadata (hashes, times, who), platform
  statuses, history. Expires ``OPEN_TTL_SECONDS`` (180 days) after its last change while open,
  ``CLOSED_TTL_SECONDS`` (365 days) after its last change once closed.
- ``haris:{cases}:case:<id>:file:<nn>`` — the bytes of evidence file ``nn`` exactly as uploaded (at most
  20 files of 5 MiB, 40 MiB per case); expires with the record (every write renews both).
- ``haris:{cases}:index`` — sorted set: case id → time of its last change, for the console's list. Its TTL
  is the longest a case can live, renewed on every write; ids whose record expired are pruned
  whenever the set is read.

Writes to a case are optimistic transactions (WATCH the record, write record and files in one
MULTI), so two trainers changing one case at once cannot lose each other's change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import redis

from server.escalation.model import CASE_ID, Case
from server.storage.optimistic import watched

OPEN_TTL_SECONDS = 180 * 24 * 3600
CLOSED_TTL_SECONDS = 365 * 24 * 3600
_RECORD = "haris:{cases}:case:"
_INDEX = "haris:{cases}:index"
MAX_LISTED = 5000
_RETRIES = 10

T = TypeVar("T")


class CaseNotFound(LookupError):
    """No such case (never created, or expired)."""


class CaseBusy(RuntimeError):
    """The case kept changing under this write; the caller may try again."""


def _file_key(case_id: str, evidence_id: str) -> str:
    return f"{_RECORD}{case_id}:file:{evidence_id}"


def ttl_for(case: Case) -> int:
    return CLOSED_TTL_SECONDS if case.state == "closed" else OPEN_TTL_SECONDS


@dataclass
class CaseStore:
    client: redis.Redis

    def create(self, case: Case) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            self._write(pipe, case, {})
            pipe.execute()

    def get(self, case_id: str) -> Case | None:
        if not CASE_ID.match(case_id):
            return None
        raw = self.client.get(_RECORD + case_id)
        return Case.model_validate_json(raw) if raw else None

    def update(
        self, case_id: str, change: Callable[[Case], T], files: Callable[[Case], Mapping[str, bytes]] | None = None
    ) -> tuple[Case, T]:
        """Apply ``change`` to the stored case (it mutates the case and returns a result) and store
        it with the new ``files`` it names, atomically. Raises CaseNotFound, or CaseBusy after
        repeated concurrent changes. Exceptions from ``change`` leave the case untouched."""
        if not CASE_ID.match(case_id):
            raise CaseNotFound(case_id)
        key = _RECORD + case_id

        def attempt(pipe: redis.client.Pipeline) -> tuple[Case, T]:
            raw = pipe.get(key)
            if raw is None:
                raise CaseNotFound(case_id)
            case = Case.model_validate_json(raw)
            result = change(case)
            new_files = files(case) if files else {}
            pipe.multi()
            self._write(pipe, case, new_files)
            pipe.execute()
            return case, result

        return watched(self.client, key, attempt, _RETRIES, CaseBusy(case_id))

    def _write(self, pipe: redis.client.Pipeline, case: Case, files: Mapping[str, bytes]) -> None:
        ttl = ttl_for(case)
        pipe.set(_RECORD + case.id, case.model_dump_json(exclude_none=True), ex=ttl)
        for item in case.evidence:
            key = _file_key(case.id, item.id)
            if item.id in files:
                pipe.set(key, files[item.id], ex=ttl)
            else:
                pipe.expire(key, ttl)
        pipe.zadd(_INDEX, {case.id: case.updated_at})
        pipe.expire(_INDEX, CLOSED_TTL_SECONDS)

    def file(self, case_id: str, evidence_id: str) -> bytes | None:
        return self.client.get(_file_key(case_id, evidence_id))

    def files(self, case: Case) -> dict[str, bytes]:
        """Every evidence file of a case that is still stored, by evidence id."""
        if not case.evidence:
            return {}
        values = self.client.mget([_file_key(case.id, item.id) for item in case.evidence])
        return {item.id: value for item, value in zip(case.evidence, values, strict=True) if value is not None}

    def recent(self, limit: int = 100, offset: int = 0) -> list[Case]:
        """Cases by last change, newest first; expired ids are dropped from the index."""
        ids = [raw.decode() for raw in self.client.zrevrange(_INDEX, offset, offset + limit - 1)]
        if not ids:
            return []
        records = self.client.mget([_RECORD + case_id for case_id in ids])
        gone = [case_id for case_id, raw in zip(ids, records, strict=True) if raw is None]
        if gone:
            self.client.zrem(_INDEX, *gone)
        return [Case.model_validate_json(raw) for raw in records if raw is not None]

    def count(self) -> int:
        return int(self.client.zcard(_INDEX))

    def all(self) -> list[Case]:
        """Every live case (at most MAX_LISTED, newest first), for outcome figures."""
        return self.recent(limit=MAX_LISTED)

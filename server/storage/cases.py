"""Escalation cases in Redis (the model is :mod:`server.escalation.model`).

Redis keys (every one expires; docs/privacy.md says what a seized copy reveals):
- ``haris:{cases}:case:<id>`` — JSON of the case: the suspect's and the impersonated person's accounts,
  findings at opening, notes (private ones too), evidence metadata (hashes, times, who), platform
  statuses, history. Expires ``OPEN_TTL_SECONDS`` (180 days) after its last change while open,
  ``CLOSED_TTL_SECONDS`` (365 days) after its last change once closed.
- ``haris:{cases}:case:<id>:file:<nn>`` — the bytes of evidence file ``nn`` exactly as uploaded (at most
  20 files of 5 MiB, 40 MiB per case); expires with the record (every write renews both).
- ``haris:{cases}:case:<id>:summary`` — hash, the case's summary
  (:class:`~server.escalation.model.CaseListing`): ``row`` (JSON: state, kind, platform, the
  suspect's URL, the impersonated person's name, created/updated/closed times, how many evidence
  files) and ``statuses`` (JSON: per platform, the report date, outcome and re-check date).
  Written with the record in the same transaction, with the same TTL. The case list reads only
  ``row`` and ``statuses``, the outcome figures only ``statuses``: their cost is bounded per case
  whatever its notes, history and evidence hold. A case stored before summaries existed gets
  one the first time a list reads it (from its record, with the record's remaining TTL).
  ``updated`` (its last change's time, as in ``row``) tells a stale summary without the record:
  a worker of a version before summaries (a rolling upgrade) changes the record and the
  index's score (the same time) but not the summary, so a summary whose time is not its
  index score is built again from the record, as a missing one is. Two changes in the same
  second, the second by such a worker, are not told apart (times are whole seconds).
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

from server.escalation.model import CASE_ID, Case, CaseListing, CaseStatuses
from server.storage.optimistic import watched

OPEN_TTL_SECONDS = 180 * 24 * 3600
CLOSED_TTL_SECONDS = 365 * 24 * 3600
_RECORD = "haris:{cases}:case:"
_INDEX = "haris:{cases}:index"
# The summary hash's fields: what the list shows but statuses, and the statuses (all the outcome
# figures read).
_ROW = "row"
_STATUSES = "statuses"
_UPDATED = "updated"  # the case's updated_at: compared with its index score (stale summaries)
MAX_LISTED = 5000
_RETRIES = 10

T = TypeVar("T")


class CaseNotFound(LookupError):
    """No such case (never created, or expired)."""


class CaseBusy(RuntimeError):
    """The case kept changing under this write; the caller may try again."""


def _file_key(case_id: str, evidence_id: str) -> str:
    return f"{_RECORD}{case_id}:file:{evidence_id}"


def _summary_key(case_id: str) -> str:
    return f"{_RECORD}{case_id}:summary"


def _summary_fields(listing: CaseListing) -> dict[str, str]:
    return {
        _ROW: listing.model_dump_json(exclude={"statuses"}, exclude_none=True),
        _STATUSES: CaseStatuses(statuses=listing.statuses).model_dump_json(exclude_none=True),
        _UPDATED: str(listing.updated_at),
    }


def _listing(row: bytes | None, statuses: bytes | None) -> CaseListing | None:
    """The summary as stored, or None when it is missing or unreadable (then built again from
    the record)."""
    if row is None or statuses is None:
        return None
    try:
        listed = CaseStatuses.model_validate_json(statuses).statuses
        return CaseListing.model_validate_json(row).model_copy(update={"statuses": listed})
    except ValueError:  # pydantic's ValidationError
        return None


def _number(raw: bytes) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


def _statuses(raw: bytes | None) -> CaseStatuses | None:
    if raw is None:
        return None
    try:
        return CaseStatuses.model_validate_json(raw)
    except ValueError:
        return None


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
        summary = _summary_key(case.id)
        pipe.hset(summary, mapping=_summary_fields(CaseListing.of(case)))
        pipe.expire(summary, ttl)
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

    def recent(self, limit: int = 100, offset: int = 0) -> list[CaseListing]:
        """The summaries of cases by last change, newest first: never a case's record (but once
        for a case stored before summaries existed). Ids whose case expired are dropped from the
        index."""
        scored = self._ids(limit, offset)
        if not scored:
            return []
        with self.client.pipeline(transaction=False) as pipe:
            for case_id in scored:
                pipe.hmget(_summary_key(case_id), [_ROW, _STATUSES])
            found = {case_id: _listing(*fields) for case_id, fields in zip(scored, pipe.execute(), strict=True)}
        for case_id, listing in found.items():
            if listing is not None and listing.updated_at != scored[case_id]:
                found[case_id] = None  # changed by a worker that wrote no summary: built again
        self._complete(found, lambda listing: listing)
        return [listing for listing in found.values() if listing is not None]

    def statuses(self) -> list[CaseStatuses]:
        """Where every live case (at most MAX_LISTED, newest first) was reported and with what
        outcome, for the outcome figures: each case's summary's ``statuses`` alone."""
        scored = self._ids(MAX_LISTED, 0)
        if not scored:
            return []
        with self.client.pipeline(transaction=False) as pipe:
            for case_id in scored:
                pipe.hmget(_summary_key(case_id), [_STATUSES, _UPDATED])
            replies = dict(zip(scored, pipe.execute(), strict=True))
        # A summary written before it carried ``updated``: its time from its row (bounded too).
        undated = [case_id for case_id, (raw, updated) in replies.items() if raw is not None and updated is None]
        dated = self._updated_from_rows(undated)
        found: dict[str, CaseStatuses | None] = {}
        for case_id, (raw, updated) in replies.items():
            at = dated.get(case_id) if updated is None else _number(updated)
            found[case_id] = _statuses(raw) if at == scored[case_id] else None  # None: built again
        self._complete(found, lambda listing: CaseStatuses(statuses=listing.statuses))
        return [statuses for statuses in found.values() if statuses is not None]

    def count(self) -> int:
        return int(self.client.zcard(_INDEX))

    def _ids(self, limit: int, offset: int) -> dict[str, int]:
        """The ids of cases by last change, newest first, with the time of that change (the
        index's score, written with the record by every version)."""
        found = self.client.zrevrange(_INDEX, offset, offset + limit - 1, withscores=True)
        return {raw.decode(): int(score) for raw, score in found}

    def _updated_from_rows(self, case_ids: list[str]) -> dict[str, int]:
        """The last change's time each of these cases' summaries holds in its ``row``."""
        if not case_ids:
            return {}
        with self.client.pipeline(transaction=False) as pipe:
            for case_id in case_ids:
                pipe.hget(_summary_key(case_id), _ROW)
            rows = pipe.execute()
        dated = {}
        for case_id, row in zip(case_ids, rows, strict=True):
            if row is None:  # gone meanwhile: built again from the record, or dropped with it
                continue
            try:
                dated[case_id] = CaseListing.model_validate_json(row).updated_at
            except ValueError:  # unreadable: built again from the record
                continue
        return dated

    def _complete(self, found: dict[str, T | None], part: Callable[[CaseListing], T]) -> None:
        """Fill in, from their records, the summaries ``found`` lacks (None), as ``part`` of the
        summary the caller read: a case stored before summaries existed gets one, kept. Ids whose
        record expired are dropped from the index and from ``found``."""
        missing = [case_id for case_id, value in found.items() if value is None]
        gone = []
        for case_id in missing:
            listing = self._summarise(case_id)
            if listing is None:
                gone.append(case_id)
                del found[case_id]
            else:
                found[case_id] = part(listing)
        if gone:
            self.client.zrem(_INDEX, *gone)

    def _summarise(self, case_id: str) -> CaseListing | None:
        """Write the summary of a case from its record, with the record's remaining TTL; None when
        the record is gone. WATCHed: a change to the case meanwhile (which writes its own
        summary) is never overwritten with an older one."""
        key = _RECORD + case_id

        def attempt(pipe: redis.client.Pipeline) -> CaseListing | None:
            raw = pipe.get(key)
            left = pipe.pttl(key)
            if raw is None:
                return None
            listing = CaseListing.of(Case.model_validate_json(raw))
            summary = _summary_key(case_id)
            pipe.multi()
            pipe.hset(summary, mapping=_summary_fields(listing))
            if left > 0:  # every record has one; a record without one keeps a summary without one
                pipe.pexpire(summary, left)
            pipe.execute()
            return listing

        return watched(self.client, key, attempt, _RETRIES, CaseBusy(case_id))

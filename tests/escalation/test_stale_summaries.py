"""During a rolling upgrade a worker of a version before summaries changes a case's record and
its index score (the change's time) but leaves its summary as it was. The list and the outcome
figures tell such a summary by its time — not the index's score — without reading the record,
and build it again from the record, once (``server.storage.cases``)."""

from __future__ import annotations

from collections.abc import Callable

import redis
from flask import Flask

from heuristics.profile import Platform
from server.escalation.model import Case, Outcome, PlatformStatus
from server.storage.cases import OPEN_TTL_SECONDS, CaseStore
from tests.escalation.test_case_summaries import KEY, _case, _legacy


def _changed_by_an_old_worker(redis_client: redis.Redis, case: Case, seconds_later: int = 5) -> Case:
    """What a worker before summaries does to a case: its record and index score, no summary."""
    changed = case.model_copy(
        update={
            "state": "closed",
            "closed_at": case.updated_at + seconds_later,
            "updated_at": case.updated_at + seconds_later,
            "statuses": {"x": PlatformStatus(reported_on="2026-05-29", outcome=Outcome.REMOVED)},
        }
    )
    _legacy(redis_client, changed, ttl=OPEN_TTL_SECONDS)
    return changed


def _record_reads(redis_client: redis.Redis) -> int:
    return int(redis_client.info("commandstats").get("cmdstat_get", {}).get("calls", 0))


def test_a_summary_left_stale_by_an_old_worker_is_built_again(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    client = app.test_client()
    store = CaseStore(redis_client)
    case = _case(3, Platform.X, statuses={})
    store.create(case)
    (listed,) = client.get("/v1/cases", headers=KEY).get_json()["cases"]
    assert listed["state"] == "open"
    reads = _record_reads(redis_client)
    client.get("/v1/cases", headers=KEY)
    assert _record_reads(redis_client) == reads  # a fresh summary: the record is not read

    changed = _changed_by_an_old_worker(redis_client, case)
    (listed,) = client.get("/v1/cases", headers=KEY).get_json()["cases"]
    assert (listed["state"], listed["updated_at"], listed["reported_on"]) == ("closed", changed.updated_at, ["x"])
    reads = _record_reads(redis_client)
    client.get("/v1/cases", headers=KEY)
    assert _record_reads(redis_client) == reads  # built again once, then read alone

    # The outcome figures, from a summary written before it carried its time apart (its row's).
    again = _changed_by_an_old_worker(redis_client, changed)
    summary = f"haris:{{cases}}:case:{case.id}:summary"
    redis_client.hdel(summary, "updated")
    redis_client.hset(summary, "statuses", '{"statuses": {}}')
    (statuses,) = store.statuses()
    assert statuses.statuses["x"].outcome == Outcome.REMOVED
    assert int(redis_client.hget(summary, "updated")) == again.updated_at
    reads = _record_reads(redis_client)
    store.statuses()
    assert _record_reads(redis_client) == reads

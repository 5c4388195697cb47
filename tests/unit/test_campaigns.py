"""Creation times from ids and join dates, trait keys, and the counting aggregate."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from heuristics.campaigns import AggregateSettings, CampaignAggregate, MemoryCellStore
from heuristics.campaigns.creation import anchor_tables, burst_times, estimate, from_id, isotonic
from heuristics.campaigns.traits import bio_bands, handle_template, traits
from heuristics.profile import Platform, Profile

CLOCK = datetime(2026, 1, 10, tzinfo=UTC).timestamp()
SMALL = AggregateSettings(cells=1 << 12, seen_bits=1 << 14)


def test_snowflake_ids_are_exact_and_old_ids_fall_between_their_anchors() -> None:
    moment = datetime(2021, 4, 14, 15, 30, 6, tzinfo=UTC)
    snowflake = ((int(moment.timestamp() * 1000) - 1_288_834_974_657) << 22) | 99
    found = from_id(Platform.X, str(snowflake))
    assert found is not None and found.source == "snowflake" and found.time == moment
    old = from_id(Platform.X, "616224899")  # between the anchors of 2012-05-23 and 2012-07-02
    assert old is not None and old.source == "id_anchors"
    assert datetime(2012, 5, 23, tzinfo=UTC) < old.time < datetime(2012, 7, 3, tzinfo=UTC)
    assert 0 < old.precision_seconds <= 21 * 86_400
    assert from_id(Platform.X, "12") is None  # before the first anchor: unknown
    assert from_id(Platform.FACEBOOK, "100004000000000") is None


def test_anchor_tables_are_monotone_and_isotonic_pools_violations() -> None:
    assert isotonic([1.0, 3.0, 2.0, 4.0]) == [1.0, 2.5, 2.5, 4.0]
    for table in anchor_tables().values():
        assert list(table.ids) == sorted(table.ids) and list(table.times) == sorted(table.times)


def test_joined_date_time_and_month_give_their_precision() -> None:
    assert estimate(Profile(joined="2013-03"), Platform.X).precision_seconds == 31 * 43_200
    exact = estimate(Profile(joined="2013-03-05T10:11:12+02:00"), Platform.X)
    assert exact is not None and exact.time == datetime(2013, 3, 5, 8, 11, 12, tzinfo=UTC)
    times = burst_times(Profile(joined="2013-03-05"), Platform.INSTAGRAM)
    assert times.hour is None and times.day_from_joined


def test_handle_templates_and_bio_bands() -> None:
    assert handle_template("maria_7734") == "a_0000"
    assert handle_template("Sara58291034") == "a00000000"
    assert handle_template("johnsmith") is None
    bio = "Proud mother, teacher and citizen. Love my country and my family."
    assert bio_bands(bio) == bio_bands(bio.upper() + "  https://t.co/x")
    assert bio_bands("short") is None


def replay(store: object, profiles: list[Profile], settings: AggregateSettings = SMALL) -> list[dict[str, float]]:
    aggregate = CampaignAggregate(store, settings, clock=lambda: CLOCK, rng=np.random.default_rng(3))  # type: ignore[arg-type]
    seen = []
    for profile in profiles:
        found = traits(profile, Platform.X)
        seen.append({name: count.others for name, count in aggregate.lookup(found).families.items()})
        aggregate.contribute(found)
    return seen


def burst(count: int) -> list[Profile]:
    made = datetime(2025, 6, 1, 3, 0, tzinfo=UTC).timestamp()
    return [
        Profile(account_id=str(((int((made + 60 * n) * 1000) - 1_288_834_974_657) << 22) | n), handle=f"sara{1000 + n}")
        for n in range(count)
    ]


def test_counts_are_of_other_accounts_never_above_those_added_and_once_per_account() -> None:
    # Without noise and pre-set bits the count is exact: the accounts before this one.
    exact = AggregateSettings(cells=1 << 12, seen_bits=1 << 14, noise=0, seen_prefill=0)
    hours = [c["hour"] for c in replay(MemoryCellStore(), [*burst(12), *burst(12)], exact)]
    assert hours[:12] == list(range(12))
    assert max(hours[12:]) <= 11  # the same twelve accounts again add nothing
    # With them, a count never exceeds the accounts added before, and still grows.
    hours = [c["hour"] for c in replay(MemoryCellStore(), [*burst(12), *burst(12)])]
    assert hours[0] == 0 and all(h <= n for n, h in enumerate(hours[:12]))
    assert hours[11] >= 3
    assert max(hours[12:]) <= 11


def test_redis_store_gives_the_same_answers_as_memory(limiter_client: object) -> None:
    from server.storage.campaigns import RedisCellStore

    profiles = burst(20)
    assert replay(RedisCellStore(limiter_client), profiles) == replay(MemoryCellStore(), profiles)  # type: ignore[arg-type]


@pytest.mark.parametrize("noise", [0, 2])
def test_a_capped_flood_cannot_lift_a_count_past_what_it_added(noise: int) -> None:
    settings = AggregateSettings(cells=1 << 12, seen_bits=1 << 14, noise=noise, seen_prefill=0)
    aggregate = CampaignAggregate(MemoryCellStore(), settings, clock=lambda: CLOCK, rng=np.random.default_rng(5))
    target = traits(burst(1)[0], Platform.X)
    before = aggregate.lookup(target).others("hour")
    for profile in burst(5)[1:]:
        aggregate.contribute(traits(profile, Platform.X))
    assert aggregate.lookup(target).others("hour") <= before + 4


def test_the_epoch_key_is_read_once_a_minute_and_again_after_a_store_restart() -> None:
    class CountingStore(MemoryCellStore):
        def __init__(self) -> None:
            super().__init__()
            self.key_reads = 0

        def epoch_key(self, epoch: int, candidate: bytes, ttl: int) -> bytes:
            self.key_reads += 1
            return super().epoch_key(epoch, candidate, ttl)

    now = [CLOCK]
    store = CountingStore()
    aggregate = CampaignAggregate(store, SMALL, clock=lambda: now[0], rng=np.random.default_rng(3))
    target = traits(burst(1)[0], Platform.X)
    for _ in range(5):
        aggregate.lookup(target)
    assert store.key_reads == 2  # the previous and the current epoch, once
    store.keys.clear()  # the store restarted: another process makes new keys
    aggregate.contribute(traits(burst(2)[1], Platform.X))
    now[0] += 61
    aggregate.lookup(target)
    assert store.key_reads == 4
    assert aggregate._key(aggregate._epoch()) == store.keys[aggregate._epoch()]


def test_reading_creates_no_table_in_redis(limiter_client: object) -> None:
    from server.storage.campaigns import RedisCellStore

    aggregate = CampaignAggregate(RedisCellStore(limiter_client), SMALL, clock=lambda: CLOCK)  # type: ignore[arg-type]
    assert aggregate.lookup(traits(burst(1)[0], Platform.X)).others("hour") == 0
    assert sorted(limiter_client.keys("haris:campaign:*")) == sorted(  # type: ignore[attr-defined]
        f"haris:campaign:key:{aggregate._epoch() + d}".encode() for d in (-1, 0)
    )

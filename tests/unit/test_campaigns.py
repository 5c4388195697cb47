"""Creation times from ids and join dates, trait keys, and the counting aggregate."""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, datetime

import numpy as np
import pytest

from heuristics.campaigns import SERVICE, AggregateSettings, CampaignAggregate, CampaignCheck, MemoryCellStore
from heuristics.campaigns.creation import anchor_tables, burst_times, estimate, from_id, isotonic
from heuristics.campaigns.traits import bio_bands, handle_template, traits
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Platform, Profile
from heuristics.rules import load_default_rules
from heuristics.signals.campaign import CampaignCreationBurst

CLOCK = datetime(2026, 1, 10, tzinfo=UTC).timestamp()
SMALL = AggregateSettings(cells=1 << 12, seen_bits=1 << 14)
DAY = 86_400


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


def test_bio_bands_are_those_of_a_minhash_made_from_its_seed() -> None:
    """bio_bands reuses the permutations MinHash(num_perm=16, seed=20) draws; the bands are those
    of a MinHash made from the seed each time (the readable reference)."""
    from datasketch import MinHash

    from heuristics.campaigns.traits import BANDS, NUM_PERM, SHINGLE, normalised_bio

    def reference(bio: str) -> list[str]:
        text = normalised_bio(bio)
        minhash = MinHash(num_perm=NUM_PERM, seed=20)
        minhash.update_batch([text[i : i + SHINGLE].encode("utf-8") for i in range(len(text) - SHINGLE + 1)])
        rows = NUM_PERM // BANDS
        return [".".join(str(int(v)) for v in minhash.hashvalues[b * rows : (b + 1) * rows]) for b in range(BANDS)]

    bios = [
        "Proud mother, teacher and citizen. Love my country and my family.",
        "ناشطة في حقوق المرأة. صحفية. الآراء آرائي الشخصية فقط",
        "Journaliste indépendante — Tunis / Paris. DM ouverts.",
        "x" * 24,
    ]
    for bio in bios:
        assert bio_bands(bio) == reference(bio)


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


@pytest.mark.parametrize("noise", [0, 1, 2])
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
    from server.storage.campaigns import PREFIX, RedisCellStore

    aggregate = CampaignAggregate(RedisCellStore(limiter_client), SMALL, clock=lambda: CLOCK)  # type: ignore[arg-type]
    assert aggregate.lookup(traits(burst(1)[0], Platform.X)).others("hour") == 0
    assert sorted(limiter_client.keys("haris:*campaign*")) == sorted(  # type: ignore[attr-defined]
        f"{PREFIX}key:{aggregate._epoch() + d}".encode() for d in (-1, 0)
    )


def test_an_epochs_key_and_table_expire_at_one_moment_whoever_made_them(limiter_client: object) -> None:
    """A seized limiter store shows each key's TTL. Counted from when the key was made, the
    epoch key's TTL would date the epoch's first check, and the table's its first contribution,
    to the second; both expire instead a day after the following epoch ends, the same moment
    whenever in the epoch they were made."""
    from server.storage.campaigns import PREFIX, RedisCellStore

    # No pre-filled seen bits (a 15% chance that the account's bit is set, and nothing added).
    settings = dataclasses.replace(SMALL, seen_prefill=0.0)
    epoch_seconds = settings.epoch_days * DAY
    start = (CLOCK // epoch_seconds) * epoch_seconds
    expiries = []
    for made in (start + DAY, start + 9 * DAY + 3_723):
        limiter_client.flushdb()  # type: ignore[attr-defined]
        aggregate = CampaignAggregate(RedisCellStore(limiter_client), settings, clock=lambda made=made: made)  # type: ignore[arg-type]
        assert aggregate.contribute(traits(burst(1)[0], Platform.X))
        epoch = aggregate._epoch()
        ttls = [limiter_client.ttl(f"{PREFIX}{name}") for name in (f"key:{epoch}", str(epoch), f"key:{epoch - 1}")]  # type: ignore[attr-defined]
        expiries.append([made + ttl for ttl in ttls])
    for first, second in zip(*expiries, strict=True):
        assert abs(first - second) <= 5  # seconds of the test's own run, not the days between the two
    assert abs(expiries[0][0] - (start + 2 * epoch_seconds + DAY)) <= 5


# campaign.creation_burst: a burst is measured against the background of its time.

EXACT = AggregateSettings(cells=1 << 16, seen_bits=1 << 18, noise=0, seen_prefill=0)
SEEN_AT = datetime(2026, 11, 1, tzinfo=UTC)


def x_account(moment: float, sequence: int) -> Profile:
    return Profile(account_id=str(((int(moment * 1000) - 1_288_834_974_657) << 22) | sequence))


def burst_after(created: list[float], target: float, settings: AggregateSettings = EXACT) -> Detection | None:
    """campaign.creation_burst for an account made at ``target`` once accounts made at ``created``
    were checked (the default rules' params)."""
    aggregate = CampaignAggregate(MemoryCellStore(), settings, clock=lambda: CLOCK, rng=np.random.default_rng(7))
    for n, moment in enumerate(created):
        aggregate.contribute(traits(x_account(moment, n), Platform.X))
    check = CampaignCheck(aggregate)
    context = CheckContext(Platform.X, SEEN_AT, services={SERVICE: check})
    rule = load_default_rules().rules[CampaignCreationBurst.code]
    return CampaignCreationBurst().detect(x_account(target, 999_999), context, rule.params)  # type: ignore[arg-type]


def test_a_batch_in_a_quiet_period_is_a_burst_named_by_its_narrowest_window() -> None:
    made = datetime(2024, 3, 5, 9, 0, tzinfo=UTC).timestamp()
    quiet = [made - 40 * DAY + n * 6 * DAY for n in range(12)]  # one account every six days
    found = burst_after([*quiet, *(made + 60 * n for n in range(8))], made + 300)
    assert found is not None
    assert found.evidence["window"] == "hour" and found.evidence["accounts"] == 9
    assert found.evidence["expected"] < 1


def test_as_many_accounts_in_a_busy_period_are_no_burst() -> None:
    made = datetime(2024, 3, 5, 9, 0, tzinfo=UTC).timestamp()
    # 8 an hour around the clock for two weeks: the same 8 in the account's hour are ordinary there.
    busy = [made - 7 * DAY + n * 450 for n in range(14 * 24 * 8)]
    assert burst_after(busy, made + 300) is None


def test_an_account_made_days_before_a_batch_shares_its_week_not_its_burst() -> None:
    made = datetime(2024, 3, 5, 9, 0, tzinfo=UTC).timestamp()
    batch = [made + 60 * n for n in range(60)]
    assert burst_after(batch, made - 3 * DAY) is None
    inside = burst_after(batch, made + 1_800)
    assert inside is not None and inside.evidence["window"] == "hour"


def test_a_batch_past_what_a_counter_holds_is_still_a_burst() -> None:
    # 600 accounts within a day overflow the one-byte counters (255 an epoch): the background
    # comes from the sampled counts, and the batch still stands out from its quiet weeks.
    made = datetime(2024, 3, 5, 0, 0, tzinfo=UTC).timestamp()
    quiet = [made - 50 * DAY + n * 5 * DAY for n in range(20)]
    found = burst_after([*quiet, *(made + 140 * n for n in range(600))], made + 40_000)
    assert found is not None and found.strength > 0.4
    assert found.evidence["window"] in {"day", "week"}


def test_the_newest_accounts_are_not_a_weekly_burst_against_their_one_sided_weeks() -> None:
    # Checked accounts get denser towards today (the newest are checked most): the last week
    # holds far more than the eight weeks before, spread evenly. That is no burst.
    now = SEEN_AT.timestamp()
    rng = np.random.default_rng(3)
    recent = sorted(now - rng.exponential(20 * DAY, 400))
    assert burst_after([t for t in recent if t < now - 3_600], now - 2 * DAY) is None


@pytest.mark.parametrize("setting", ["HARIS_CAMPAIGN_CONTRIBUTIONS", "HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS"])
def test_every_campaign_threshold_sits_above_what_one_anonymous_client_may_add(setting: str) -> None:
    """A flood from one client — or from every /64 of one IPv6 /48 — adds at most its allowance
    in any hour (a moving window, counted under the hour's key and the previous hour's:
    tests/api/test_campaigns.py, tests/api/test_network_limits.py); a limit of a shorter period,
    as many times as it fits in an hour. No campaign signal of the default rules may fire on that
    alone (docs/campaigns.md)."""
    from limits import parse_many

    from server.config import DEFAULTS

    per_hour = min(item.amount * math.ceil(3_600 / item.get_expiry()) for item in parse_many(DEFAULTS[setting]))
    rules = load_default_rules()
    for code, rule in rules.rules.items():
        if code.startswith("campaign."):
            assert rule.params.min_others > per_hour, code  # type: ignore[attr-defined]


def test_a_new_tables_noise_and_seen_bits_come_from_the_systems_randomness() -> None:
    """Unseeded, a table is drawn from the operating system (never replayable from a worker's
    memory): its counters uniform over 0..noise, a share seen_prefill of its bits set, and two
    draws different. Seeded, it is reproducible (tests and evaluation)."""
    from heuristics.campaigns.aggregate import initial_table

    settings = AggregateSettings()  # the defaults: 2^16 counters, noise 0–1, 2^21 bits, 15% set
    first, second = initial_table(settings), initial_table(settings)
    assert first != second and len(first) == 1 + settings.cells + settings.seen_bits // 8 and first[0] == 1
    counters = np.frombuffer(first[1 : 1 + settings.cells], dtype=np.uint8)
    assert set(np.unique(counters)) == set(range(settings.noise + 1))
    assert abs(counters.mean() - settings.noise / 2) < 0.02
    bits = np.unpackbits(np.frombuffer(first[1 + settings.cells :], dtype=np.uint8))
    assert abs(bits.mean() - settings.seen_prefill) < 0.005
    seeded = [initial_table(settings, np.random.default_rng(3)) for _ in range(2)]
    assert seeded[0] == seeded[1]
    aggregate = CampaignAggregate(MemoryCellStore(), settings)
    assert aggregate.rng is None and aggregate._key(1) != CampaignAggregate(MemoryCellStore(), settings)._key(1)

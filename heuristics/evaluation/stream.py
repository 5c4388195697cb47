"""Evaluation in stream: labelled profiles checked one after another through a fresh campaign
aggregate, as a server would see them — each check sees only the checks before it.

The order is random (seeded); with ``fraction`` < 1 only a random share of the profiles is ever
checked (the others are never seen, as most accounts of a campaign are never checked by anyone).
The aggregate is :class:`~heuristics.campaigns.CampaignAggregate`, the server's own counting code,
over a :class:`~heuristics.campaigns.MemoryCellStore` (tested equal to the Redis store).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from heuristics.campaigns import SERVICE, AggregateSettings, CampaignAggregate, CampaignCheck, MemoryCellStore
from heuristics.campaigns.creation import burst_times
from heuristics.context import CheckContext
from heuristics.engine import score
from heuristics.evaluation.datasets import Example
from heuristics.evaluation.run import Scored
from heuristics.rules import Rules
from heuristics.signals import registry

# The aggregate's clock during a replay: one fixed instant, so the whole stream falls in one
# epoch (a replay takes minutes; the server's epochs are 15 days).
REPLAY_CLOCK = datetime(2026, 1, 10, tzinfo=UTC).timestamp()


@dataclass(frozen=True)
class StreamRun:
    scored: list[Scored]
    # Strength (0–1) of each recorded signal per scored example, when asked for (fitting).
    strengths: np.ndarray | None = None
    codes: tuple[str, ...] = ()
    # The bare baseline on the same stream: earlier-checked accounts created within a day.
    baseline: list[float] = field(default_factory=list)


def stream_order(count: int, fraction: float, seed: int) -> list[int]:
    """The examples checked, in the order they are checked."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(count)
    keep = rng.random(count) < fraction
    return [int(i) for i in order if keep[i]]


def replay(
    examples: Sequence[Example],
    rules: Rules,
    fraction: float = 1.0,
    seed: int = 0,
    settings: AggregateSettings | None = None,
    record: Sequence[str] = (),
    progress: Callable[[int], None] | None = None,
) -> StreamRun:
    """Check the examples in a random order through one fresh aggregate; score each before it
    is added (as the server does)."""
    aggregate = CampaignAggregate(
        MemoryCellStore(),
        settings or AggregateSettings(),
        clock=lambda: REPLAY_CLOCK,
        rng=np.random.default_rng(seed + 1_000_003),
    )
    signals = registry()
    scored: list[Scored] = []
    rows: list[list[float]] = []
    baseline: list[float] = []
    seen_days: list[float] = []
    for index in stream_order(len(examples), fraction, seed):
        example = examples[index]
        check = CampaignCheck(aggregate)
        base = example.context()
        context = CheckContext(base.platform, base.now, base.contacts, base.avatar, {SERVICE: check})
        scored.append(Scored(example, score(example.profile, context, rules)))
        if record:
            row = []
            for code in record:
                detection = signals[code].detect(example.profile, context, rules.rules[code].params)
                row.append(min(detection.strength, 1.0) if detection is not None and detection.strength > 0 else 0.0)
            rows.append(row)
        when = burst_times(example.profile, example.platform).day
        if when is None:
            baseline.append(0.0)
        else:
            low, high = bisect.bisect_left(seen_days, when - 86_400), bisect.bisect_right(seen_days, when + 86_400)
            baseline.append(float(high - low))
            bisect.insort(seen_days, when)
        check.contribute(example.profile, example.platform, base.avatar)
        if progress is not None:
            progress(1)
    strengths = np.array(rows) if record else None
    return StreamRun(scored, strengths, tuple(record), baseline)


def holdout_split(examples: Sequence[Example], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Stratified (dev, held-out) indices: ``share`` of each class held out."""
    rng = np.random.default_rng(seed)
    held: list[int] = []
    for label in (True, False):
        members = [i for i, e in enumerate(examples) if e.fake == label]
        rng.shuffle(members)
        held += members[: round(share * len(members))]
    held_set = set(held)
    return [i for i in range(len(examples)) if i not in held_set], sorted(held)

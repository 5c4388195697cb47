"""The adversary who takes the running limiter store: can it tell, for a known account, whether it
was checked? (docs/campaigns.md, "What the aggregate reveals")

It holds every table and the epoch key (the disk holds none of them: that adversary learns
nothing). For each candidate account it knows every trait (creation time, handle, bio, photo),
reads the counters at those traits' places and the account's seen bit, and scores "checked" by
the best test the layout allows: the seen bit, then (among candidates with the same bit) how far
each counter is above what the noise alone can reach — over every family, or over the fine ones
only (the wide creation windows' counters hold many accounts each); whichever tells best. The
seen bit alone and the counters alone are printed too. Half the candidates were checked
(once), half never; the other checks are ordinary traffic. Printed: the ROC-AUC of that score
(0.5 = chance), and how often a counter at a candidate's fine traits is above the noise's
maximum, for checked and never-checked candidates (when the second is near the first, such a
counter confirms nothing).

    .venv/bin/python -m bench.campaign_adversary [--traffic 5000] [--candidates 1000] [--seed 0]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from heuristics.campaigns import AggregateSettings, CampaignAggregate, MemoryCellStore
from heuristics.campaigns.traits import traits
from heuristics.evaluation.metrics import roc_auc
from heuristics.profile import Platform, Profile

EPOCH_MS = 1_288_834_974_657
# Creation windows of a week and more (and their sampled twins): many accounts share each counter.
WIDE_FAMILIES = frozenset({"week", "season", "day_sampled", "week_sampled", "season_sampled"})
CLOCK = datetime(2026, 1, 10, tzinfo=UTC).timestamp()
WORDS = ["sun", "river", "book", "tea", "city", "music", "night", "garden", "sea", "road", "light", "stone"]


def account(rng: np.random.Generator, number: int) -> Profile:
    created = rng.uniform(datetime(2016, 3, 1, tzinfo=UTC).timestamp(), CLOCK - 86_400)
    snowflake = ((int(created * 1000) - EPOCH_MS) << 22) | number
    handle = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(rng.integers(4, 10))))
    if rng.random() < 0.5:
        handle += str(int(rng.integers(10, 10_000)))
    bio = " ".join(rng.choice(WORDS, size=int(rng.integers(0, 12))))
    return Profile(account_id=str(snowflake), handle=handle, bio=bio)


@dataclass(frozen=True)
class Reading:
    """What the adversary tells at one traffic level."""

    auc: float  # the best test: the seen bit, then the counters
    seen_auc: float  # the seen bit alone
    counters_auc: float  # the counters alone (best of every family and the fine ones, no seen bit)
    seen_unchecked: float  # share of never-checked candidates whose seen bit is set
    above_checked: float  # share with a fine counter above the noise's maximum
    above_unchecked: float


def run(traffic: int, candidates: int, seed: int, settings: AggregateSettings) -> Reading:
    rng = np.random.default_rng(seed)
    aggregate = CampaignAggregate(MemoryCellStore(), settings, clock=lambda: CLOCK, rng=np.random.default_rng(seed))
    people = [account(rng, n) for n in range(candidates)]
    checked = rng.random(candidates) < 0.5
    others = [account(rng, candidates + n) for n in range(traffic)]
    stream = [*(p for p, c in zip(people, checked, strict=True) if c), *others]
    order = rng.permutation(len(stream))
    for i in order:
        aggregate.contribute(traits(stream[i], Platform.X))
    # The tests, the best one counts: the seen bit alone (set for every account added, and for
    # the pre-filled share of the others: on a busy server the counters blur, this does not); the
    # seen bit, then (among candidates with the same bit) the counters at the candidate's traits
    # summed (as far as each stands above the noise) — every family's, or only the fine families'
    # (hour, day, name, bio, photo): the wide creation windows hold many accounts each, so their
    # counters are above the noise for checked and unchecked candidates alike and only blur.
    scores: dict[str, list[float]] = {"seen": [], "all": [], "fine": [], "all counters": [], "fine counters": []}
    seen_unchecked = above_checked = above_unchecked = 0
    for person, was_checked in zip(people, checked, strict=True):
        # What a holder of the store and its key reads: the account's seen bit and its traits' counters.
        found = traits(person, Platform.X)
        seen, values = aggregate.probe(found)
        fine = [f.name not in WIDE_FAMILIES for f in found.families for _ in f.write]
        excess = [max(0, value - settings.noise / 2) for value in values]
        fine_excess = sum(e for e, f in zip(excess, fine, strict=True) if f)
        scores["seen"].append(float(seen))
        scores["all"].append(float(seen) * 1e6 + sum(excess))
        scores["fine"].append(float(seen) * 1e6 + fine_excess)
        scores["all counters"].append(sum(excess))
        scores["fine counters"].append(fine_excess)
        above = any(value > settings.noise for value, f in zip(values, fine, strict=True) if f)
        seen_unchecked += int(not was_checked and seen)
        above_checked += int(was_checked and above)
        above_unchecked += int(not was_checked and above)
    labels = checked.tolist()
    auc = {name: roc_auc(values, labels) for name, values in scores.items()}
    unchecked = max(1, int((~checked).sum()))
    return Reading(
        max(auc["seen"], auc["all"], auc["fine"]),
        auc["seen"],
        max(auc["all counters"], auc["fine counters"]),
        seen_unchecked / unchecked,
        above_checked / max(1, int(checked.sum())),
        above_unchecked / unchecked,
    )


def table(traffics: tuple[int, ...] = (500, 5_000, 50_000), candidates: int = 1_000, seed: int = 0,
          settings: AggregateSettings | None = None) -> str:  # fmt: skip
    """The table of docs/campaigns.md ("What the aggregate reveals")."""
    rows = [
        "| other checks in the window | adversary ROC-AUC (checked vs not) | the seen bit alone "
        "| the counters alone | seen bit set: never checked "
        "| a counter above the noise: checked | never checked |",
        "|---|---|---|---|---|---|---|",
    ]
    for traffic in traffics:
        r = run(traffic, candidates, seed, settings or AggregateSettings())
        rows.append(
            f"| {traffic:,} | {r.auc:.3f} | {r.seen_auc:.3f} | {r.counters_auc:.3f} | {100 * r.seen_unchecked:.0f}% "
            f"| {100 * r.above_checked:.0f}% | {100 * r.above_unchecked:.0f}% |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traffic", type=int, default=5_000)
    parser.add_argument("--candidates", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--prefill", type=float, default=AggregateSettings().seen_prefill,
                        help="the seen bitmap's pre-filled share (to weigh other designs)")  # fmt: skip
    args = parser.parse_args()
    traffics = (args.traffic // 10, args.traffic, args.traffic * 10)
    print(table(traffics, args.candidates, args.seed, AggregateSettings(seen_prefill=args.prefill)))


if __name__ == "__main__":
    main()

"""What ``HARIS_CAMPAIGN_HOLD_SECONDS`` costs detection on the generated streams
(bench/campaign_stream.py; docs/campaigns.md, "Any client reads the seen bit too").

The stream replay (``heuristics.evaluation.stream.replay``) gives its checks no time: the
aggregate's clock is one fixed instant and each check sees every check before it, so only the
order counts. A hold needs times, so here the checks come at a steady pace: the stream's checks
spread evenly over ``span`` seconds (check k at k · span / checks), each still scored at the
stream's fixed "now" and in one epoch of the aggregate (so the hold is the only difference).

The hold as one worker applies it (``server.storage.campaigns.HeldContributions``): a
contribution made at stream time t is held and becomes visible to checks at stream times
≥ (floor(t / H) + 1) · H, written with the others held in that interval in a shuffled order.
(On the server the release is done by the first request that ends after the boundary, in its
teardown, so that request itself still misses them: one check later than modelled here.)
H = 0 is the replay itself (tested equal).

    .venv/bin/python -m bench.campaign_hold          # the table of docs/campaigns.md
"""

from __future__ import annotations

import argparse
import bisect
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.campaign_stream import SEEDS, StreamSpec, examples, replay_figures
from heuristics import evaluation as ev
from heuristics.campaigns import SERVICE, AggregateSettings, CampaignAggregate, CampaignCheck, MemoryCellStore, Traits
from heuristics.campaigns.creation import burst_times
from heuristics.context import CheckContext
from heuristics.engine import score
from heuristics.evaluation.datasets import Example
from heuristics.evaluation.run import Scored
from heuristics.evaluation.stream import REPLAY_CLOCK, stream_order
from heuristics.rules import Rules, load_default_rules

HOLDS = (0, 60, 600, 3_600)
HOUR = 3_600.0
DAY = 86_400.0
# How long the stream's checks take: a busy server where every check is of these accounts, a
# day, and the aggregate's epoch (15 days: what one table holds at least).
SPANS: tuple[tuple[str, float], ...] = (("1 hour", HOUR), ("1 day", DAY), ("15 days", 15 * DAY))


def visible_from(contributed_at: float, hold: float) -> float:
    """The first stream time at which a check sees a contribution made at ``contributed_at``."""
    if hold <= 0:
        return contributed_at
    return (math.floor(contributed_at / hold) + 1) * hold


@dataclass(frozen=True)
class HeldRun:
    scored: list[Scored]
    baseline: list[float]  # the bare within-a-day count, every earlier check seen (no hold)
    written: list[int]  # per check: how many earlier checks' contributions it saw (written before it)

    @property
    def hidden(self) -> float:
        """The mean share of the earlier checks a check did not see yet."""
        shares = [1 - seen / position for position, seen in enumerate(self.written) if position]
        return statistics.mean(shares) if shares else 0.0


def replay_held(
    items: Sequence[Example], rules: Rules, fraction: float, seed: int, hold: float, pace: float
) -> HeldRun:
    """``heuristics.evaluation.stream.replay`` with check k at stream time k · ``pace`` and each
    contribution held until the next multiple of ``hold`` (0: written at its check)."""
    aggregate = CampaignAggregate(
        MemoryCellStore(), AggregateSettings(), clock=lambda: REPLAY_CLOCK, rng=np.random.default_rng(seed + 1_000_003)
    )
    shuffle = np.random.default_rng(seed + 2_000_003)
    held: list[tuple[float, Traits]] = []  # (visible from, traits), in the order made
    scored: list[Scored] = []
    baseline: list[float] = []
    seen_days: list[float] = []
    written: list[int] = []
    for position, index in enumerate(stream_order(len(items), fraction, seed)):
        now = position * pace
        due = [traits for at, traits in held if at <= now]
        if due:
            held = [(at, traits) for at, traits in held if at > now]
            for picked in shuffle.permutation(len(due)):  # written in no order of arrival, as the server does
                aggregate.contribute(due[int(picked)])
        written.append(position - len(held))
        example = items[index]
        check = CampaignCheck(aggregate)
        base = example.context()
        context = CheckContext(base.platform, base.now, base.contacts, base.avatar, {SERVICE: check})
        scored.append(Scored(example, score(example.profile, context, rules)))
        when = burst_times(example.profile, example.platform).day
        if when is None:
            baseline.append(0.0)
        else:
            low, high = bisect.bisect_left(seen_days, when - DAY), bisect.bisect_right(seen_days, when + DAY)
            baseline.append(float(high - low))
            bisect.insort(seen_days, when)
        traits = check.traits_of(example.profile, example.platform, base.avatar)
        held.append((visible_from(now, hold), traits))
    return HeldRun(scored, baseline, written)


@dataclass(frozen=True)
class HoldResult:
    checks: int
    auc: float
    baseline: float
    high_precision: float | None
    high_recall: float
    hidden: float


def measure_held(spec: StreamSpec, rules: Rules, fraction: float, seed: int, hold: float, span: float) -> HoldResult:
    items = examples(spec, seed)
    checks = len(stream_order(len(items), fraction, seed))
    run = replay_held(items, rules, fraction, seed, hold, span / max(checks, 1))
    result, labels, precision, recall = replay_figures(run.scored, rules)
    return HoldResult(len(run.scored), result.roc_auc, ev.roc_auc(run.baseline, labels), precision, recall, run.hidden)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def hold_table(
    rules: Rules,
    seeds: Sequence[int] = SEEDS,
    holds: Sequence[float] = HOLDS,
    spans: Sequence[tuple[str, float]] = SPANS,
    spec: StreamSpec = StreamSpec(),  # noqa: B008 - frozen
    fraction: float = 1.0,
) -> str:
    lines = [
        f"| stream's checks spread over | hold H | checks per H | earlier checks not yet seen, mean "
        f"| ROC-AUC (means of seeds {', '.join(map(str, seeds))}) | change | baseline: created within a day, "
        'no hold | beats it | "high" precision (lowest seed) / recall |',
        "|---|---|---|---|---|---|---|---|---|",
    ]

    def row(span_label: str, hold: float, span: float) -> str:
        results = [measure_held(spec, rules, fraction, seed, hold, span) for seed in seeds]
        checks = statistics.mean(r.checks for r in results)
        precisions = [r.high_precision for r in results if r.high_precision is not None]
        auc = statistics.mean(r.auc for r in results)
        reference.setdefault("auc", auc)
        change = round(auc - reference["auc"], 4) + 0.0  # no "-0.0000"
        return (
            f"| {span_label} | {f'{hold:g} s' if hold else 'none'} "
            f"| {f'{checks * hold / span:,.1f}' if hold else '–'} "
            f"| {100 * statistics.mean(r.hidden for r in results):.1f}% "
            f"| {auc:.3f} | {change:+.4f} | {statistics.mean(r.baseline for r in results):.3f} "
            f"| {sum(r.auc > r.baseline for r in results)} of {len(results)} "
            f"| {_pct(min(precisions) if precisions else None)} / "
            f"{_pct(statistics.mean(r.high_recall for r in results))} |"
        )

    reference: dict[str, float] = {}
    lines.append(row("any", 0, 0))  # no hold: the replay itself, whatever the pace
    lines += [row(label, hold, span) for label, span in spans for hold in holds if hold > 0]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hold", type=float, nargs="+", default=list(HOLDS), help="holds in seconds")
    parser.add_argument("--span-hours", type=float, nargs="+", help="how long the stream's checks take")
    args = parser.parse_args(argv)
    spans = SPANS if not args.span_hours else tuple((f"{h:g} h", h * HOUR) for h in args.span_hours)
    print(hold_table(load_default_rules(), holds=args.hold, spans=spans))


if __name__ == "__main__":
    main()

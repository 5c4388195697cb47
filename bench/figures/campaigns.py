"""Figures of docs/campaigns.md: the stream evaluation on Cresci 2015 (given by path) and on
generated streams of human-looking fakes, the precision of creation times from ids, the
live-memory adversary's advantage, and how many genuine handles share a template."""

from __future__ import annotations

import collections
import csv
import dataclasses
import itertools
import re
import statistics
from collections.abc import Callable

from bench.campaign_adversary import table as adversary_table_text
from bench.campaign_hold import hold_table
from bench.campaign_stream import below_thresholds_table, grid_table
from bench.figures import Inputs, figure
from bench.figures.evaluation import CRESCI_HINT, _cresci
from heuristics import evaluation as ev
from heuristics.campaigns.creation import from_id
from heuristics.campaigns.traits import name_family
from heuristics.evaluation.datasets import twitter_time
from heuristics.evaluation.stream import holdout_split, replay
from heuristics.profile import Platform
from heuristics.rules import Rules, load_default_rules

DAY = 86_400
HOLDOUT = 0.3
SEED = 0


def _campaign_only(rules: Rules) -> Rules:
    """The default rules with every signal but the campaign ones and activity.low_for_age off:
    what the aggregate adds where profile metadata cannot tell (human-looking fakes)."""
    kept = {code for code in rules.rules if code.startswith("campaign.") or code == "activity.low_for_age"}
    switched = {
        code: dataclasses.replace(rule, enabled=code in kept and rule.enabled) for code, rule in rules.rules.items()
    }
    return dataclasses.replace(rules, version=f"{rules.version}, campaign signals only", rules=switched)


def _row(label: str, examples: list[ev.Example], rules: Rules, fraction: float) -> str:
    run = replay(examples, rules, fraction, SEED)
    labels = [s.example.fake for s in run.scored]
    whole = ev.evaluate(run.scored, rules, 0)
    _, held = holdout_split(examples, HOLDOUT, SEED)
    refs = {examples[i].ref for i in held}
    part = [s for s in run.scored if s.example.ref in refs]
    held_out = ev.evaluate(part, rules, 0)
    high = whole.cutoffs[1]
    baseline = ev.roc_auc(run.baseline, labels)
    precision = "n/a" if high.true_pos + high.false_pos == 0 else f"{100 * high.precision:.1f}%"
    return (
        f"| {label} | {fraction:g} | {len(run.scored):,} | {whole.roc_auc:.4f} "
        f"| {precision} / {100 * high.recall:.1f}% | {held_out.roc_auc:.4f} | {baseline:.4f} |"
    )


@figure("campaigns-stream", needs=("cresci",))
def stream_table(inputs: Inputs) -> str:
    """`flask evaluate --stream` on Cresci 2015 E13 + INT: every check, the held-out 30%, the bare
    within-a-day baseline, at fractions 1.0 and 0.1, with all signals and with campaign signals only."""
    examples = _cresci(inputs)
    rules = load_default_rules()
    rows = [
        '| rules | fraction checked | checks | stream ROC-AUC | "high" precision / recall | held-out 30% ROC-AUC '
        "| baseline: created within a day |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, chosen in ((rules.version, rules), ("campaign signals only", _campaign_only(rules))):
        rows += [_row(label, examples, chosen, fraction) for fraction in (1.0, 0.1)]
    return "\n".join(rows)


@figure("campaigns-creation-precision", needs=("cresci",))
def creation_precision(inputs: Inputs) -> str:
    """How far the id-anchored creation time is from the true one (``created_at``) on Cresci 2015
    (never used to build the anchors), absolute and between two accounts made within a day."""
    rows = []
    covered = 0
    for path in inputs.files("cresci", CRESCI_HINT):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                created, found = twitter_time(row.get("created_at", "")), from_id(Platform.X, row.get("id"))
                if created is None or found is None:
                    continue
                error = abs(found.time.timestamp() - created.timestamp())
                covered += error <= found.precision_seconds
                rows.append((int(row["id"]), created.timestamp(), found.time.timestamp(), error / 86_400))
    rows.sort()
    errors = [r[3] for r in rows]
    relative = [abs((b[2] - a[2]) - (b[1] - a[1])) / 60 for a, b in itertools.pairwise(rows) if abs(b[1] - a[1]) < DAY]
    top, relative_top = statistics.quantiles(errors, n=10)[-1], statistics.quantiles(relative, n=10)[-1]
    return "\n".join(
        [
            "| X accounts dated by their id | median error | 90th percentile | within the stated precision "
            "| made within a day of each other: error on the time between them, median | 90th percentile |",
            "|---|---|---|---|---|---|",
            f"| {len(errors):,} | {statistics.median(errors):.2f} days | {top:.2f} days "
            f"| {100 * covered / len(errors):.0f}% | {statistics.median(relative):.0f} min | {relative_top:.0f} min |",
        ]
    )


@figure("campaigns-adversary")
def adversary_table(inputs: Inputs) -> str:
    """bench/campaign_adversary.py: the live-memory adversary's ROC-AUC for "checked vs not"."""
    return adversary_table_text()


@figure("campaigns-generated-stream")
def generated_stream_table(inputs: Inputs) -> str:
    """bench/campaign_stream.py --grid: generated streams of human-looking fakes made in batches and
    genuine accounts, one parameter varied at a time, against the bare within-a-day count."""
    return grid_table(load_default_rules())


@figure("campaigns-hold")
def hold_cost(inputs: Inputs) -> str:
    """bench/campaign_hold.py: what HARIS_CAMPAIGN_HOLD_SECONDS costs detection on the realistic
    generated stream, its checks spread over an hour, a day or an epoch of the aggregate."""
    return hold_table(load_default_rules())


@figure("campaigns-below-thresholds")
def below_thresholds(inputs: Inputs) -> str:
    """bench/campaign_stream.py --below: where the generated streams' loss to the bare count lies —
    the burst alone, and the burst with the exact count below its thresholds."""
    return below_thresholds_table(load_default_rules())


# How coarse a handle template could be: each row reads the template of name_family one way
# coarser, as an operator's cheapest remaining variations would need (docs/campaigns.md, Limits).
TEMPLATE_READINGS: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("as read (separators one, none at either end, a leet digit a letter)", lambda t: t),
    ("and a separator optional (`maria7734` = `maria_7734`)", lambda t: t.replace("_", "") or None),
    ("and any number of digits (`maria_773` = `maria_7734`)", lambda t: re.sub("0+", "0", t)),
    ("as read, templates with a digit only (no `a_a`)", lambda t: t if "0" in t else None),
)


@figure("campaigns-template-shapes", needs=("cresci",))
def template_shapes(inputs: Inputs) -> str:
    """Cresci 2015 E13 + INT accounts whose handle template (as ``campaign.template_name`` keys
    it: template and creation week) is shared with at least 2 other accounts of the files, for
    the template as read and for coarser readings that would close the remaining evasions."""
    examples = _cresci(inputs)
    keyed = []
    for example in examples:
        found = name_family(example.profile, Platform.X)
        if found is not None:
            _, _, template, week = found.write[0].split("|")
            keyed.append((example.fake, template, week))
    genuine = sum(not e.fake for e in examples)
    rows = [
        f"| handle template | genuine accounts (of {genuine:,}) sharing it with ≥ 2 others made the same week "
        "| fake accounts |",
        "|---|---|---|",
    ]
    for label, read in TEMPLATE_READINGS:
        shapes = [(fake, read(template), week) for fake, template, week in keyed]
        counts = collections.Counter((shape, week) for _, shape, week in shapes if shape)
        shared = [fake for fake, shape, week in shapes if shape and counts[shape, week] >= 3]
        rows.append(f"| {label} | {shared.count(False):,} | {shared.count(True):,} |")
    return "\n".join(rows)

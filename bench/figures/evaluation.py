"""docs/evaluation.md and the README: how good the default rules are, on labelled public data."""

from __future__ import annotations

import dataclasses
import json
import math
import statistics
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.figures import ROOT, Inputs, figure
from bench.figures.app import throwaway_app
from heuristics import CheckContext, Profile, load_default_rules, score
from heuristics import evaluation as ev
from heuristics.profile import Platform
from heuristics.rules import Rules

INSTAFAKE = ROOT / "tests" / "data" / "instafake-dev.jsonl"
CRESCI_HINT = "the Cresci 2015 E13 genuine and INT fake CSVs; see docs/evaluation.md"
SEEDS = range(5)  # fold draws for cross-validated figures: the headline is seed 0, the range all five
TABLE_HEADER = [
    "| data set | profiles (fake / genuine) | ROC-AUC | PR-AUC | medium or above: precision / recall "
    "| high: precision / recall |",
    "|---|---|---|---|---|---|",
]


def _pct(value: float) -> str:
    if math.isnan(value):
        return "—"
    return "100%" if value == 1 else "0%" if value == 0 else f"{100 * value:.1f}%"


def _profiles(result: ev.Evaluation) -> str:
    return f"{result.count:,} ({result.fakes:,} / {result.count - result.fakes:,})"


def _row(label: str, result: ev.Evaluation) -> str:
    medium, high = result.cutoffs
    return (
        f"| {label} | {_profiles(result)} | {result.roc_auc:.4f} | {result.pr_auc:.4f} "
        f"| {_pct(medium.precision)} / {_pct(medium.recall)} | {_pct(high.precision)} / {_pct(high.recall)} |"
    )


def _evaluation(examples: Sequence[ev.Example], rules: Rules) -> ev.Evaluation:
    return ev.evaluate(ev.run(examples, rules), rules, worst=0)


def _cresci(inputs: Inputs) -> list[ev.Example]:
    return [e for path in inputs.files("cresci", CRESCI_HINT) for e in ev.load_dataset(path, "cresci")]


@figure("evaluation-instafake")
def instafake_table(inputs: Inputs) -> str:
    """The fitting procedure's 5-fold cross-validated ROC-AUC (seeds 0–4), and the default rules
    in-sample, on InstaFake dev."""
    rules = load_default_rules()
    examples = ev.load_dataset(INSTAFAKE)
    cv = [ev.fit_rules(examples, rules, l2=1.0, folds=5, seed=seed).cv_auc for seed in SEEDS]
    result = _evaluation(examples, rules)
    profiles = _profiles(result)
    return "\n".join(
        [
            *TABLE_HEADER,
            f"| InstaFake dev (Instagram): the fitting procedure, **5-fold cross-validated** (seed 0; seeds 0–4) "
            f"| {profiles} | **{cv[0]:.4f}** ({min(cv):.4f}–{max(cv):.4f}) | — | — | — |",
            _row(f"InstaFake dev: default rules {rules.version}, points fitted on this file (in-sample)", result),
        ]
    )


@figure("evaluation-cresci", needs=("cresci",))
def cresci_table(inputs: Inputs) -> str:
    """The default rules on Cresci 2015 E13 + INT, where no points were fitted."""
    rules = load_default_rules()
    result = _evaluation(_cresci(inputs), rules)
    label = f"Cresci 2015 E13 + INT (X, 2013–15; no points fitted on it): default rules {rules.version}"
    return "\n".join([*TABLE_HEADER, _row(label, result)])


@figure("evaluation-cresci-handle-mismatch", needs=("cresci",))
def cresci_handle_mismatch(inputs: Inputs) -> str:
    """`name.handle_mismatch` on Cresci 2015: the measurement behind it being off by default."""
    code = "name.handle_mismatch"
    rules = load_default_rules()
    switched_on = dataclasses.replace(
        rules,
        version=f"{rules.version} with {code} on",
        rules={**rules.rules, code: dataclasses.replace(rules.rules[code], enabled=True)},
    )
    examples = _cresci(inputs)
    off, on = _evaluation(examples, rules), _evaluation(examples, switched_on)
    [stats] = [s for s in on.signals if s.code == code]
    return "\n".join(
        [
            f"| `{code}` on Cresci 2015 | fires on fakes | fires on genuine | lift | ROC-AUC with it on "
            f"| ROC-AUC off ({rules.version}) |",
            "|---|---|---|---|---|---|",
            f"| {on.count:,} profiles | {_pct(stats.fake_rate)} | {_pct(stats.genuine_rate)} | {stats.lift:.2f} "
            f"| {on.roc_auc:.4f} | {off.roc_auc:.4f} |",
        ]
    )


# The InstaFake columns, for reference models that see the raw data rather than the signals.
INSTAFAKE_COLUMNS = (
    "userFollowerCount",
    "userFollowingCount",
    "userBiographyLength",
    "userMediaCount",
    "userHasProfilPic",
    "userIsPrivate",
    "usernameDigitCount",
    "usernameLength",
)
FLAGS = {"userHasProfilPic", "userIsPrivate"}


def _instafake_columns(path: Path) -> tuple[np.ndarray, np.ndarray]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    x = np.array([[float(row[c]) for c in INSTAFAKE_COLUMNS] for row in rows])
    y = np.array([bool(int(row["isFake"])) for row in rows])
    return x, y


def _cv_auc_of_sklearn(x: np.ndarray, y: np.ndarray, seed: int) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    aucs = []
    for test in ev.stratified_folds(y, 5, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x[train], y[train])
        aucs.append(ev.roc_auc(model.decision_function(x[test]), y[test]))
    return float(np.mean(aucs))


@figure("evaluation-baselines")
def baselines(inputs: Inputs) -> str:
    """Logistic regressions over InstaFake's raw columns (scikit-learn) and Haris's fit, refitted
    on the same folds: what the readable rules give up, if anything."""
    x, y = _instafake_columns(INSTAFAKE)
    logged = x.copy()
    counts = [j for j, c in enumerate(INSTAFAKE_COLUMNS) if c not in FLAGS]
    logged[:, counts] = np.log1p(x[:, counts])
    examples = ev.load_dataset(INSTAFAKE)
    rules = load_default_rules()
    models: list[tuple[str, list[float]]] = [
        (
            "logistic regression (scikit-learn defaults) on the 8 raw columns, standardised",
            [_cv_auc_of_sklearn(x, y, seed) for seed in SEEDS],
        ),
        (
            "the same on log(1 + value) of the 6 count and length columns",
            [_cv_auc_of_sklearn(logged, y, seed) for seed in SEEDS],
        ),
        (
            "Haris's fit (`evaluate --fit`): sign-bounded, over what the signals detect",
            [ev.fit_rules(examples, rules, l2=1.0, folds=5, seed=seed).cv_auc for seed in SEEDS],
        ),
    ]
    lines = [
        "| model, refitted in each fold (InstaFake dev, 5-fold CV, seeds 0–4) | mean ROC-AUC | lowest–highest seed |",
        "|---|---|---|",
    ]
    for name, aucs in models:
        lines.append(f"| {name} | {statistics.mean(aucs):.4f} | {min(aucs):.4f}–{max(aucs):.4f} |")
    return "\n".join(lines)


@figure("evaluation-holdout")
def holdout(inputs: Inputs) -> str:
    """200 random 70/30 refits on InstaFake dev: how much one held-out figure varies by chance."""
    examples = ev.load_dataset(INSTAFAKE)
    repeats, share = 200, 0.3
    aucs = ev.holdout_aucs(examples, load_default_rules(), repeats=repeats, test_share=share, seed=0)
    fakes = round(share * sum(e.fake for e in examples))
    low, high = np.percentile(aucs, [5, 95])
    return "\n".join(
        [
            f"| refit on a random {1 - share:.0%}, scored on the other {share:.0%} ({fakes} fakes); "
            f"{repeats} draws, seed 0 | ROC-AUC |",
            "|---|---|",
            f"| mean | {statistics.mean(aucs):.4f} |",
            f"| standard deviation | {statistics.stdev(aucs):.4f} |",
            f"| 5th–95th percentile | {low:.4f}–{high:.4f} |",
            f"| lowest–highest | {min(aucs):.4f}–{max(aucs):.4f} |",
        ]
    )


@figure("evaluation-full-output", fast=True)
def full_output(inputs: Inputs) -> str:
    """The report of `flask --app server evaluate tests/data/instafake-dev.jsonl`, run for real."""
    with throwaway_app() as app:
        result = app.test_cli_runner().invoke(args=["evaluate", str(INSTAFAKE)])
    if result.exit_code != 0:
        raise RuntimeError(f"evaluate failed: {result.output}")
    report = result.stdout.rstrip("\n").replace(str(INSTAFAKE), INSTAFAKE.relative_to(ROOT).as_posix())
    return f"```\n{report}\n```"


# Ordinary people whose accounts are new or bare: who the rules wrongly rate high, shown rather
# than hidden. Seen on one fixed day, on Instagram.
SEEN_ON = datetime(2026, 11, 23, 12, tzinfo=UTC)
NEW_OR_BARE_ACCOUNTS: dict[str, dict[str, Any]] = {
    "private, a dozen posts, an Arabic name, two years old": dict(
        handle="mohamed.saleh", display_name="محمد صالح", private=True, posts=12, followers=85,
        following=190, bio="", joined="2024-10", has_avatar=True,
    ),
    "reader who never posts, private, a year old": dict(
        handle="noor.h", display_name="Noor H", private=True, posts=0, followers=80, following=250,
        bio="", joined="2025-11", has_avatar=True,
    ),
    "new private account, 2 months, no photo, empty bio": dict(
        handle="sara_ahmed", display_name="سارة أحمد", private=True, posts=2, followers=30,
        following=120, joined="2026-09", has_avatar=False, bio="",
    ),
    "a week old, no photo, no posts, following friends": dict(
        handle="hala.k", display_name="Hala K", posts=0, followers=5, following=40,
        joined="2026-11-16", has_avatar=False, bio="",
    ),
    "a month old, a photo, no posts yet, following 150": dict(
        handle="rania.m", display_name="رانيا", posts=0, followers=12, following=150,
        joined="2026-10-20", has_avatar=True, bio="",
    ),
}  # fmt: skip


@figure("evaluation-new-accounts", fast=True)
def new_accounts(inputs: Inputs) -> str:
    """The risk of ordinary people whose accounts are new or bare, on a fixed day."""
    rules = load_default_rules()
    lines = [f"| ordinary person (Instagram, seen {SEEN_ON:%Y-%m-%d}) | risk | level | findings |", "|---|---|---|---|"]
    for name, fields in NEW_OR_BARE_ACCOUNTS.items():
        report = score(Profile(**fields), CheckContext(platform=Platform.INSTAGRAM, now=SEEN_ON), rules)
        findings = ", ".join(f"`{f.code}`" for f in report.findings) or "none"
        lines.append(f"| {name} | {report.risk} | {report.level.value} | {findings} |")
    return "\n".join(lines)

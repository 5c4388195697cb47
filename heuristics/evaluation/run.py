"""Running the engine over labelled examples and summing up one rules version's performance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from heuristics.engine import score
from heuristics.evaluation.datasets import Example
from heuristics.evaluation.metrics import (
    CalibrationBin,
    CutoffStats,
    SignalStats,
    at_cutoff,
    average_precision,
    calibration,
    json_float,
    roc_auc,
    signal_stats,
)
from heuristics.findings import Finding, Report
from heuristics.rules import Rules


@dataclass(frozen=True, slots=True)
class Scored:
    example: Example
    report: Report


def run(examples: Sequence[Example], rules: Rules, progress: Callable[[int], None] | None = None) -> list[Scored]:
    """Score every example; ``progress(n)`` is called after each one (for a progress bar)."""
    scored = []
    for example in examples:
        scored.append(Scored(example, score(example.profile, example.context(), rules)))
        if progress is not None:
            progress(1)
    return scored


@dataclass(frozen=True, slots=True)
class Mistake:
    ref: str
    fake: bool
    risk: int
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "label": "fake" if self.fake else "genuine",
            "risk": self.risk,
            "findings": [{"code": f.code, "points": f.points, "evidence": f.evidence} for f in self.findings],
        }


@dataclass(frozen=True)
class Evaluation:
    rules_version: str
    count: int
    fakes: int
    roc_auc: float
    pr_auc: float
    cutoffs: list[CutoffStats]
    calibration: list[CalibrationBin]
    signals: list[SignalStats]
    false_positives: list[Mistake]
    false_negatives: list[Mistake]
    unavailable: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_version": self.rules_version,
            "count": self.count,
            "fakes": self.fakes,
            "genuine": self.count - self.fakes,
            "roc_auc": json_float(self.roc_auc),
            "pr_auc": json_float(self.pr_auc),
            "cutoffs": [c.to_dict() for c in self.cutoffs],
            "calibration": [b.to_dict() for b in self.calibration],
            "signals": [s.to_dict() for s in self.signals],
            "worst_false_positives": [m.to_dict() for m in self.false_positives],
            "worst_false_negatives": [m.to_dict() for m in self.false_negatives],
            "unavailable": self.unavailable,
        }


def evaluate(scored: Sequence[Scored], rules: Rules, worst: int = 5) -> Evaluation:
    """All the metrics for one rules version over scored examples.

    Scores are the engine's logit (finer than the rounded risk, so ties at risk 0 or 100 do not
    blur the AUC); cut-offs and calibration use the risk a user sees.
    """
    labels = [s.example.fake for s in scored]
    logits = [s.report.logit for s in scored]
    risks = [s.report.risk for s in scored]
    reports = [s.report for s in scored]
    cutoffs = [at_cutoff(risks, labels, rules.medium, "medium"), at_cutoff(risks, labels, rules.high, "high")]
    # The genuine profiles the rules rate riskiest, and the fakes they rate safest.
    genuine = sorted((s for s in scored if not s.example.fake), key=lambda s: -s.report.logit)[:worst]
    fakes = sorted((s for s in scored if s.example.fake), key=lambda s: s.report.logit)[:worst]

    def mistake(s: Scored) -> Mistake:
        return Mistake(s.example.ref, s.example.fake, s.report.risk, s.report.findings)

    unavailable: dict[str, int] = {}
    for report in reports:
        for code in report.unavailable:
            unavailable[code] = unavailable.get(code, 0) + 1
    return Evaluation(
        rules_version=rules.version,
        count=len(scored),
        fakes=sum(labels),
        roc_auc=roc_auc(logits, labels),
        pr_auc=average_precision(logits, labels),
        cutoffs=cutoffs,
        calibration=calibration(risks, labels),
        signals=signal_stats(reports, labels, [rule.code for rule in rules.enabled()]),
        false_positives=[mistake(s) for s in genuine],
        false_negatives=[mistake(s) for s in fakes],
        unavailable=unavailable,
    )

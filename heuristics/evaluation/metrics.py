"""How well scores separate fakes from genuine profiles: ROC-AUC, average precision, cut-offs,
calibration and per-signal rates. numpy only; labels are ``True`` for fake."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from heuristics.findings import Report


def _arrays(scores: Sequence[float], labels: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    if s.shape != y.shape or s.ndim != 1:
        raise ValueError("scores and labels must be sequences of the same length")
    return s, y


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Probability that a random fake scores above a random genuine profile (ties count half).

    Computed from average ranks (the Mann–Whitney U statistic). NaN without both classes.
    """
    s, y = _arrays(scores, labels)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return math.nan
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_scores = s[order]
    # Average rank (1-based) for each run of tied scores.
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], len(s)]
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2
    u = ranks[y].sum() - positives * (positives + 1) / 2
    return float(u / (positives * negatives))


def average_precision(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """PR-AUC as average precision: Σ (recallₖ − recallₖ₋₁) · precisionₖ over distinct thresholds.

    Tied scores form one threshold (no interpolation), as in scikit-learn.
    """
    s, y = _arrays(scores, labels)
    positives = int(y.sum())
    if positives == 0:
        return math.nan
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last_of_run = np.r_[s[1:] != s[:-1], True]
    true_pos = np.cumsum(y)[last_of_run]
    flagged = (np.arange(1, len(s) + 1))[last_of_run]
    precision = true_pos / flagged
    recall = true_pos / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


@dataclass(frozen=True, slots=True)
class CutoffStats:
    """Flag a profile when its risk is at or above ``cutoff``."""

    name: str
    cutoff: float
    true_pos: int
    false_pos: int
    false_neg: int
    true_neg: int

    @property
    def precision(self) -> float:
        flagged = self.true_pos + self.false_pos
        return self.true_pos / flagged if flagged else math.nan

    @property
    def recall(self) -> float:
        fakes = self.true_pos + self.false_neg
        return self.true_pos / fakes if fakes else math.nan

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        if math.isnan(p) or math.isnan(r) or p + r == 0:
            return 0.0 if not (math.isnan(p) and math.isnan(r)) else math.nan
        return 2 * p * r / (p + r)

    @property
    def false_positive_rate(self) -> float:
        genuine = self.false_pos + self.true_neg
        return self.false_pos / genuine if genuine else math.nan

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.name,
            "cutoff": self.cutoff,
            "true_pos": self.true_pos,
            "false_pos": self.false_pos,
            "false_neg": self.false_neg,
            "true_neg": self.true_neg,
            "precision": json_float(self.precision),
            "recall": json_float(self.recall),
            "f1": json_float(self.f1),
            "false_positive_rate": json_float(self.false_positive_rate),
        }


def at_cutoff(scores: Sequence[float], labels: Sequence[bool], cutoff: float, name: str = "") -> CutoffStats:
    s, y = _arrays(scores, labels)
    flagged = s >= cutoff
    return CutoffStats(
        name=name,
        cutoff=cutoff,
        true_pos=int((flagged & y).sum()),
        false_pos=int((flagged & ~y).sum()),
        false_neg=int((~flagged & y).sum()),
        true_neg=int((~flagged & ~y).sum()),
    )


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_risk: float  # mean predicted risk, 0–100
    fake_rate: float  # observed share of fakes, 0–1

    def to_dict(self) -> dict[str, Any]:
        return {
            "risk_from": self.low,
            "risk_to": self.high,
            "count": self.count,
            "mean_risk": json_float(self.mean_risk),
            "fake_rate": json_float(self.fake_rate),
        }


def calibration(scores: Sequence[float], labels: Sequence[bool], bins: int = 10) -> list[CalibrationBin]:
    """Risk (0–100) in equal-width bins: mean predicted risk vs the observed share of fakes.

    A bin's upper edge is exclusive except the last one (so risk 100 falls in 90–100).
    """
    s, y = _arrays(scores, labels)
    edges = np.linspace(0, 100, bins + 1)
    index = np.clip(np.searchsorted(edges, s, side="right") - 1, 0, bins - 1)
    table = []
    for b in range(bins):
        members = index == b
        count = int(members.sum())
        table.append(
            CalibrationBin(
                low=float(edges[b]),
                high=float(edges[b + 1]),
                count=count,
                mean_risk=float(s[members].mean()) if count else math.nan,
                fake_rate=float(y[members].mean()) if count else math.nan,
            )
        )
    return table


@dataclass(frozen=True, slots=True)
class SignalStats:
    """How often one signal fires among fakes and genuine profiles, and its mean strength."""

    code: str
    fake_rate: float
    genuine_rate: float
    mean_points_fake: float
    mean_points_genuine: float

    @property
    def lift(self) -> float:
        """fake_rate / genuine_rate: how many times likelier the signal is on a fake (inf if never on genuine)."""
        if self.genuine_rate == 0:
            return math.inf if self.fake_rate > 0 else math.nan
        return self.fake_rate / self.genuine_rate

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "fake_rate": json_float(self.fake_rate),
            "genuine_rate": json_float(self.genuine_rate),
            "lift": json_float(self.lift),
            "mean_points_fake": json_float(self.mean_points_fake),
            "mean_points_genuine": json_float(self.mean_points_genuine),
        }


def signal_stats(reports: Sequence[Report], labels: Sequence[bool], codes: Iterable[str]) -> list[SignalStats]:
    y = np.asarray(labels, dtype=bool)
    fakes, genuine = max(int(y.sum()), 1), max(int((~y).sum()), 1)
    stats = []
    for code in codes:
        points = np.array([sum(f.points for f in r.findings if f.code == code) for r in reports], dtype=float)
        fired = np.array([any(f.code == code for f in r.findings) for r in reports], dtype=bool)
        stats.append(
            SignalStats(
                code=code,
                fake_rate=float((fired & y).sum() / fakes),
                genuine_rate=float((fired & ~y).sum() / genuine),
                mean_points_fake=float(points[y].sum() / fakes),
                mean_points_genuine=float(points[~y].sum() / genuine),
            )
        )
    return stats


def json_float(value: float) -> float | None:
    """JSON has no NaN or infinity: they become null (``lift`` of a signal never seen on genuine)."""
    return None if not math.isfinite(value) else round(value, 4)

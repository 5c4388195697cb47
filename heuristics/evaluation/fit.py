"""Proposing points: sign-bounded, L2-regularised logistic regression over the signals' strengths,
with its cross-validated ROC-AUC.

scipy is imported inside :func:`fit_logistic`, not here: only fitting needs L-BFGS, and the server
imports this package (for ``flask evaluate``) in every worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from heuristics.evaluation.datasets import Example
from heuristics.evaluation.metrics import json_float, roc_auc
from heuristics.rules import Rules
from heuristics.signals import registry


def strengths(examples: Sequence[Example], rules: Rules, codes: Sequence[str]) -> np.ndarray:
    """The strength (0–1) each signal in ``codes`` detects on each example (0 when silent).

    Uses each rule's params, as the engine does, so fitted points slot straight back into the
    file. Signals needing services the dataset does not provide stay 0.
    """
    signals = registry()
    matrix = np.zeros((len(examples), len(codes)))
    for j, code in enumerate(codes):
        signal, params = signals[code], rules.rules[code].params
        if signal.needs:
            continue
        for i, example in enumerate(examples):
            detection = signal.detect(example.profile, example.context(), params)
            if detection is not None and detection.strength > 0:
                matrix[i, j] = min(detection.strength, 1.0)
    return matrix


def _log_loss_and_gradient(
    theta: np.ndarray, x: np.ndarray, y: np.ndarray, offset: np.ndarray, l2: float
) -> tuple[float, np.ndarray]:
    z = theta[0] + x @ theta[1:] + offset
    # log(1 + e^z) − y·z, computed without overflow.
    loss = float(np.sum(np.logaddexp(0.0, z) - y * z)) + 0.5 * l2 * float(theta[1:] @ theta[1:])
    residual = 1.0 / (1.0 + np.exp(-z)) - y
    gradient = np.empty_like(theta)
    gradient[0] = residual.sum()
    gradient[1:] = x.T @ residual + l2 * theta[1:]
    return loss, gradient


def fit_logistic(
    x: np.ndarray,
    y: np.ndarray,
    l2: float = 1.0,
    signs: Sequence[int] | None = None,
    offset: np.ndarray | None = None,
) -> tuple[float, np.ndarray]:
    """Minimise Σ log-loss + l2/2 · ‖w‖² (the bias is not penalised); return (bias, weights).

    ``signs[j]`` = +1 keeps weight j ≥ 0, −1 keeps it ≤ 0, 0 leaves it free: a fitted rule never
    flips meaning (a "no posts" finding that lowers the risk would explain nothing). This is
    scikit-learn's ``LogisticRegression(C=1/l2)`` with optional sign bounds.
    """
    y = np.asarray(y, dtype=float)
    offset = np.zeros(len(y)) if offset is None else offset
    bounds: list[tuple[float | None, float | None]] = [(None, None)]
    for sign in signs if signs is not None else [0] * x.shape[1]:
        bounds.append((0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None))
    from scipy.optimize import minimize

    result = minimize(
        _log_loss_and_gradient,
        np.zeros(x.shape[1] + 1),
        args=(x, y, offset, l2),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 5000, "gtol": 1e-8},
    )
    return float(result.x[0]), result.x[1:]


def stratified_folds(labels: Sequence[bool], k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Indices of ``k`` test folds, each with the same share of fakes (seeded, reproducible)."""
    y = np.asarray(labels, dtype=bool)
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for cls in (True, False):
        members = np.flatnonzero(y == cls)
        rng.shuffle(members)
        for position, index in enumerate(members):
            folds[position % k].append(int(index))
    return [np.array(sorted(f)) for f in folds]


def stratified_split(labels: Sequence[bool], test_share: float, rng: np.random.Generator) -> np.ndarray:
    """Indices of a random test set holding ``test_share`` of the fakes and of the genuine profiles."""
    y = np.asarray(labels, dtype=bool)
    test: list[int] = []
    for cls in (True, False):
        members = np.flatnonzero(y == cls)
        test.extend(int(i) for i in rng.choice(members, size=round(test_share * len(members)), replace=False))
    return np.array(sorted(test))


@dataclass(frozen=True)
class _Design:
    """What the fit sees: the fitted signals' strengths, and the fixed points of the others."""

    y: np.ndarray  # 1.0 for fake
    x_fit: np.ndarray  # strengths of the fitted columns
    offset: np.ndarray  # Σ points of the kept signals, per example
    signs: list[int]
    fitted: list[str]
    kept: list[str]
    current_logit: np.ndarray  # the current points' logit (without bias), per example


def _design(examples: Sequence[Example], rules: Rules, min_support: int) -> _Design:
    y = np.array([e.fake for e in examples], dtype=float)
    codes = [rule.code for rule in rules.enabled()]
    x = strengths(examples, rules, codes)
    support = (x > 0).sum(axis=0)
    fitted = [c for j, c in enumerate(codes) if support[j] >= min_support]
    kept = [c for c in codes if c not in fitted]
    current = np.array([rules.rules[c].points for c in codes])
    fit_cols = np.array([codes.index(c) for c in fitted], dtype=int)
    kept_cols = np.array([codes.index(c) for c in kept], dtype=int)
    offset = x[:, kept_cols] @ current[kept_cols] if len(kept_cols) else np.zeros(len(y))
    signs = [-1 if current[j] < 0 else 1 for j in fit_cols]
    return _Design(y, x[:, fit_cols], offset, signs, fitted, kept, x @ current)


def _refit_and_score(design: _Design, train: np.ndarray, test: np.ndarray, l2: float) -> np.ndarray:
    """Fit on ``train`` only and return the logits of ``test``: no label of ``test`` is seen."""
    bias, weights = fit_logistic(design.x_fit[train], design.y[train], l2, design.signs, design.offset[train])
    return bias + design.x_fit[test] @ weights + design.offset[test]


@dataclass(frozen=True)
class FitResult:
    bias: float
    points: dict[str, float]  # every rule's points: fitted ones, and unchanged ones that never fire
    fitted: list[str]  # codes whose points were fitted
    kept: list[str]  # codes that fire too rarely in the data to fit (points unchanged)
    # The current points scored on each test fold as they are (nothing refitted), mean over folds.
    # In-sample, not cross-validated, whenever those points were fitted on this same data.
    current_auc: float
    # The fitting procedure refitted on each training fold and scored on its test fold: the
    # cross-validated estimate for the proposal.
    cv_auc: float
    l2: float
    folds: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "bias": round(self.bias, 2),
            "points": {c: round(p, 2) for c, p in self.points.items()},
            "fitted": self.fitted,
            "kept": self.kept,
            "current_points_auc": json_float(self.current_auc),
            "cv_auc": json_float(self.cv_auc),
            "l2": self.l2,
            "folds": self.folds,
            "seed": self.seed,
        }


def fit_rules(
    examples: Sequence[Example],
    rules: Rules,
    l2: float = 1.0,
    folds: int = 5,
    min_support: int = 5,
    seed: int = 0,
) -> FitResult:
    """Propose points for the enabled rules by sign-bounded L2 logistic regression on all examples.

    A signal that fires on fewer than ``min_support`` examples keeps its points (the data says
    nothing about it) and enters the fit as a fixed offset. ``cv_auc`` refits within each of
    ``folds`` stratified folds (seeded); ``current_auc`` scores the current points on the same
    folds without refitting anything.
    """
    y = np.array([e.fake for e in examples], dtype=float)
    smaller_class = int(min(y.sum(), len(y) - y.sum()))
    if smaller_class < folds:
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} fakes and {folds} genuine profiles")
    design = _design(examples, rules, min_support)
    current, refitted = [], []
    for test in stratified_folds(design.y, folds, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        current.append(roc_auc(design.current_logit[test], design.y[test]))
        refitted.append(roc_auc(_refit_and_score(design, train, test, l2), design.y[test]))
    bias, weights = fit_logistic(design.x_fit, design.y, l2, design.signs, design.offset)
    points = {c: float(rules.rules[c].points) for c in rules.rules}
    points.update({c: float(w) for c, w in zip(design.fitted, weights, strict=True)})
    return FitResult(
        bias,
        points,
        design.fitted,
        design.kept,
        float(np.nanmean(current)),
        float(np.nanmean(refitted)),
        l2,
        folds,
        seed,
    )


def holdout_aucs(
    examples: Sequence[Example],
    rules: Rules,
    repeats: int = 200,
    test_share: float = 0.3,
    l2: float = 1.0,
    min_support: int = 5,
    seed: int = 0,
) -> list[float]:
    """ROC-AUC of ``repeats`` single held-out checks: refit on a random stratified share of the
    data, score the rest. Their spread says how much one held-out figure varies by chance."""
    design = _design(examples, rules, min_support)
    rng = np.random.default_rng(seed)
    aucs = []
    for _ in range(repeats):
        test = stratified_split(design.y.astype(bool), test_share, rng)
        train = np.setdiff1d(np.arange(len(design.y)), test)
        aucs.append(roc_auc(_refit_and_score(design, train, test, l2), design.y[test]))
    return aucs

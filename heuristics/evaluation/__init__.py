"""How good are the rules? Labelled datasets, metrics, running the engine, and a weight fit.

Pure library (numpy; scipy only inside the fit): the CLI (``flask --app server evaluate``) and
``bench/figures`` format what these modules compute. Labels are ``True`` for fake, ``False`` for
genuine; scores are the engine's logit or risk.

- :mod:`~heuristics.evaluation.datasets` — public datasets as :class:`Example` objects, read
  through what a profile page shows.
- :mod:`~heuristics.evaluation.metrics` — ROC-AUC, average precision, cut-offs, calibration,
  per-signal rates.
- :mod:`~heuristics.evaluation.run` — scoring examples with one rules version; :class:`Evaluation`.
- :mod:`~heuristics.evaluation.fit` — sign-bounded logistic regression over the signals'
  strengths, cross-validated.
"""

from heuristics.evaluation.datasets import (
    FORMATS,
    DatasetError,
    Example,
    cresci_profile,
    detect_format,
    instafake_profile,
    load_dataset,
)
from heuristics.evaluation.fit import (
    FitResult,
    fit_logistic,
    fit_rules,
    holdout_aucs,
    stratified_folds,
    stratified_split,
    strengths,
)
from heuristics.evaluation.metrics import (
    CalibrationBin,
    CutoffStats,
    SignalStats,
    at_cutoff,
    average_precision,
    calibration,
    roc_auc,
    signal_stats,
)
from heuristics.evaluation.run import Evaluation, Mistake, Scored, evaluate, run

__all__ = [
    "FORMATS",
    "CalibrationBin",
    "CutoffStats",
    "DatasetError",
    "Evaluation",
    "Example",
    "FitResult",
    "Mistake",
    "Scored",
    "SignalStats",
    "at_cutoff",
    "average_precision",
    "calibration",
    "cresci_profile",
    "detect_format",
    "evaluate",
    "fit_logistic",
    "fit_rules",
    "holdout_aucs",
    "instafake_profile",
    "load_dataset",
    "roc_auc",
    "run",
    "signal_stats",
    "stratified_folds",
    "stratified_split",
    "strengths",
]

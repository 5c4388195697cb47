"""How good are the rules? Metrics over labelled profiles, dataset adapters, and a weight fit.

Pure library (numpy and scipy only): the CLI (``flask --app server evaluate``) formats what this
module computes. Labels are ``True`` for fake, ``False`` for genuine; scores are the engine's risk.

Dataset adapters turn public datasets' columns into :class:`Profile` objects using only what a
profile page shows, so the numbers measure the engine as the extension will run it:

- ``requests`` — JSONL, one ``POST /v1/check`` body per line plus ``"label": "fake" | "genuine"``
  (optionally ``"now"``: the ISO time the profile was seen, for age signals).
- ``instafake`` — the InstaFake dataset (Akyon & Kalfaoglu 2019): counts, bio length, picture,
  private, username length and digit count. The text fields are synthesised honestly (see
  :func:`instafake_profile`).
- ``cresci`` — Cresci et al. 2015 CSVs (raw Twitter user objects). Only page-visible fields are
  read; the join date and the time the profile was seen (``updated``) come from the row.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import ValidationError
from scipy.optimize import minimize

from heuristics.context import CheckContext
from heuristics.engine import score
from heuristics.findings import Finding, Report
from heuristics.profile import Contact, Platform, Profile
from heuristics.rules import Rules
from heuristics.signals import registry

DatasetFormat = Literal["auto", "requests", "instafake", "cresci"]
FORMATS: tuple[str, ...] = ("auto", "requests", "instafake", "cresci")


class DatasetError(ValueError):
    """A labelled file that cannot be read; ``where`` names the file and line."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled profile. ``ref`` says where it came from (file:line), never who it is."""

    profile: Profile
    fake: bool
    ref: str
    platform: Platform = Platform.OTHER
    now: datetime | None = None
    contacts: tuple[Contact, ...] = ()

    def context(self) -> CheckContext:
        if self.now is None:
            return CheckContext(platform=self.platform, contacts=self.contacts)
        return CheckContext(platform=self.platform, now=self.now, contacts=self.contacts)


# ---------------------------------------------------------------------------------------------
# Dataset adapters


def _label(value: Any, where: str) -> bool:
    if value in ("fake", 1, True, "1"):
        return True
    if value in ("genuine", 0, False, "0"):
        return False
    raise DatasetError(where, f"label must be 'fake' or 'genuine', not {value!r}")


def _jsonl(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                row = json.loads(line)
            except ValueError:
                raise DatasetError(where, "not valid JSON") from None
            if not isinstance(row, dict):
                raise DatasetError(where, "each line must be a JSON object")
            yield where, row


def load_requests(path: Path) -> list[Example]:
    """JSONL of check requests, each with ``label`` (fake | genuine) and optionally ``now``."""
    examples = []
    for where, row in _jsonl(path):
        try:
            platform = Platform(row.get("platform", "other"))
            profile = Profile.model_validate(row.get("profile") or {})
            contacts = tuple(Contact.model_validate(c) for c in row.get("contacts") or ())
            now = datetime.fromisoformat(row["now"]) if row.get("now") else None
        except (ValidationError, ValueError, TypeError) as error:
            raise DatasetError(where, f"invalid check request: {error}") from None
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        examples.append(Example(profile, _label(row.get("label"), where), where, platform, now, contacts))
    return examples


# Letters with vowels, so a synthesised handle never looks vowel-less ("random"), and a digit
# that never forms a year (a year is discounted by handle.digits).
_HANDLE_LETTERS = "saramona"
_HANDLE_DIGIT = "7"
_BIO_FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def instafake_profile(row: dict[str, Any]) -> Profile:
    """Map one InstaFake row onto the fields a page shows.

    - followers, following, posts, has_avatar, private: the counts and flags as they are.
    - handle: ``usernameLength`` characters with the ``usernameDigitCount`` digits at the end in
      one run (the common "name + digits" shape; the dataset does not say where digits were).
      The letters contain vowels, and the digits (all 7s) never form a year.
    - bio: ``userBiographyLength`` characters of plain words (0 → an empty bio, which the page
      shows as empty). Link-only bios cannot be told apart in this dataset.
    - display name, join date, verification: unknown (None), so their signals do not fire.
    """
    length = int(row["usernameLength"])
    digits = min(int(row["usernameDigitCount"]), length)
    letters = length - digits
    handle = (_HANDLE_LETTERS * (letters // len(_HANDLE_LETTERS) + 1))[:letters] + _HANDLE_DIGIT * digits
    bio_length = int(row["userBiographyLength"])
    bio = (_BIO_FILLER * (bio_length // len(_BIO_FILLER) + 1))[:bio_length]
    return Profile(
        handle=handle or None,
        bio=bio,
        followers=int(row["userFollowerCount"]),
        following=int(row["userFollowingCount"]),
        posts=int(row["userMediaCount"]),
        has_avatar=bool(int(row["userHasProfilPic"])),
        private=bool(int(row["userIsPrivate"])),
    )


def load_instafake(path: Path) -> list[Example]:
    examples = []
    for where, row in _jsonl(path):
        try:
            profile = instafake_profile(row)
        except (KeyError, ValueError, TypeError, ValidationError) as error:
            raise DatasetError(where, f"not an InstaFake row: {error}") from None
        examples.append(Example(profile, _label(row.get("isFake"), where), where, Platform.INSTAGRAM))
    return examples


def _twitter_time(value: str) -> datetime | None:
    """``Fri Apr 06 10:58:22 +0000 2007`` (API) or ``2015-02-14 10:54:49`` (crawl time)."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        parts = value.split()
        if len(parts) != 6:
            return None
        try:  # reorder to RFC 2822: "Fri, 06 Apr 2007 10:58:22 +0000"
            stamp = parsedate_to_datetime(f"{parts[0]}, {parts[2]} {parts[1]} {parts[5]} {parts[3]} {parts[4]}")
        except (TypeError, ValueError):
            return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _count(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def cresci_profile(row: dict[str, str]) -> tuple[Profile, datetime | None]:
    """Map one Cresci 2015 user row (a Twitter user object) onto page-visible fields.

    Read: screen_name, name, description, statuses/followers/friends counts, created_at,
    verified, protected, default_profile_image. Not read (a page does not show them, or they
    describe the crawler): favourites, listed, lang, time zone, colours, the dataset column.
    The second value is when the profile was seen (``updated``), the "now" for age signals.
    """
    created = _twitter_time(row.get("created_at", ""))
    profile = Profile(
        account_id=(row.get("id") or "").strip() or None,
        handle=(row.get("screen_name") or "").strip() or None,
        display_name=(row.get("name") or "").strip() or None,
        bio=row.get("description") or "",
        followers=_count(row.get("followers_count", "")),
        following=_count(row.get("friends_count", "")),
        posts=_count(row.get("statuses_count", "")),
        joined=created.date().isoformat() if created and created.year >= 1990 else None,
        verified=(row.get("verified") or "").strip() in {"1", "true", "True"},
        private=(row.get("protected") or "").strip() in {"1", "true", "True"},
        has_avatar=(row.get("default_profile_image") or "").strip() not in {"1", "true", "True"},
    )
    return profile, _twitter_time(row.get("updated", ""))


def load_cresci(path: Path, fake: bool | None = None) -> list[Example]:
    """A Cresci CSV; the label comes from the file name (…fake… / …genuine…) unless given."""
    if fake is None:
        name = path.name.lower()
        if ("fake" in name) == ("genuine" in name):
            raise DatasetError(path.name, "cannot tell the label: name the file …fake… or …genuine…")
        fake = "fake" in name
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 2):
            where = f"{path.name}:{number}"
            try:
                profile, seen = cresci_profile(row)
            except (ValidationError, ValueError) as error:
                raise DatasetError(where, f"not a Twitter user row: {error}") from None
            examples.append(Example(profile, fake, where, Platform.X, seen))
    return examples


def detect_format(path: Path) -> str:
    if path.suffix.lower() == ".csv":
        return "cresci"
    for _, row in _jsonl(path):
        return "instafake" if "isFake" in row else "requests"
    raise DatasetError(path.name, "the file is empty")


def load_dataset(path: str | Path, fmt: str = "auto") -> list[Example]:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(str(path), "no such file")
    fmt = detect_format(path) if fmt == "auto" else fmt
    loaders: dict[str, Callable[[Path], list[Example]]] = {
        "requests": load_requests,
        "instafake": load_instafake,
        "cresci": load_cresci,
    }
    if fmt not in loaders:
        raise DatasetError(str(path), f"unknown format {fmt!r}")
    examples = loaders[fmt](path)
    if not examples:
        raise DatasetError(path.name, "no examples")
    return examples


# ---------------------------------------------------------------------------------------------
# Metrics


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
            "precision": _json_float(self.precision),
            "recall": _json_float(self.recall),
            "f1": _json_float(self.f1),
            "false_positive_rate": _json_float(self.false_positive_rate),
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
            "mean_risk": _json_float(self.mean_risk),
            "fake_rate": _json_float(self.fake_rate),
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
            "fake_rate": _json_float(self.fake_rate),
            "genuine_rate": _json_float(self.genuine_rate),
            "lift": _json_float(self.lift),
            "mean_points_fake": _json_float(self.mean_points_fake),
            "mean_points_genuine": _json_float(self.mean_points_genuine),
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


def _json_float(value: float) -> float | None:
    """JSON has no NaN or infinity: they become null (``lift`` of a signal never seen on genuine)."""
    return None if not math.isfinite(value) else round(value, 4)


# ---------------------------------------------------------------------------------------------
# Running the engine over a dataset


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
            "roc_auc": _json_float(self.roc_auc),
            "pr_auc": _json_float(self.pr_auc),
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


# ---------------------------------------------------------------------------------------------
# Proposing weights: regularised logistic regression over the signals' strengths


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


@dataclass(frozen=True)
class FitResult:
    bias: float
    points: dict[str, float]  # every rule's points: fitted ones, and unchanged ones that never fire
    fitted: list[str]  # codes whose points were fitted
    kept: list[str]  # codes that fire too rarely in the data to fit (points unchanged)
    cv_auc_before: float
    cv_auc_after: float
    l2: float
    folds: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "bias": round(self.bias, 2),
            "points": {c: round(p, 2) for c, p in self.points.items()},
            "fitted": self.fitted,
            "kept": self.kept,
            "cv_auc_before": _json_float(self.cv_auc_before),
            "cv_auc_after": _json_float(self.cv_auc_after),
            "l2": self.l2,
            "folds": self.folds,
        }


def _fold_auc(scores_for: Callable[[np.ndarray, np.ndarray], np.ndarray], y: np.ndarray, k: int, seed: int) -> float:
    aucs = []
    for test in stratified_folds(y, k, seed):
        train = np.setdiff1d(np.arange(len(y)), test)
        aucs.append(roc_auc(scores_for(train, test), y[test]))
    return float(np.nanmean(aucs))


def fit_rules(
    examples: Sequence[Example],
    rules: Rules,
    l2: float = 1.0,
    folds: int = 5,
    min_support: int = 5,
    seed: int = 0,
) -> FitResult:
    """Propose points for the enabled rules by cross-validated, sign-bounded L2 logistic regression.

    A signal that fires on fewer than ``min_support`` examples keeps its points (the data says
    nothing about it) and enters the fit as a fixed offset. Returns the CV ROC-AUC of the
    current rules and of the proposal, on the same folds.
    """
    y = np.array([e.fake for e in examples], dtype=float)
    smaller_class = int(min(y.sum(), len(y) - y.sum()))
    if smaller_class < folds:
        raise ValueError(f"{folds}-fold cross-validation needs at least {folds} fakes and {folds} genuine profiles")
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
    fx = x[:, fit_cols]

    def current_scores(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        return x[test] @ current

    def fitted_scores(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        bias, weights = fit_logistic(fx[train], y[train], l2, signs, offset[train])
        return bias + fx[test] @ weights + offset[test]

    before = _fold_auc(current_scores, y, folds, seed)
    after = _fold_auc(fitted_scores, y, folds, seed)
    bias, weights = fit_logistic(fx, y, l2, signs, offset)
    points = {c: float(rules.rules[c].points) for c in rules.rules}
    points.update({c: float(w) for c, w in zip(fitted, weights, strict=True)})
    return FitResult(bias, points, fitted, kept, before, after, l2, folds)


def rewrite_rules_text(text: str, bias: float, points: dict[str, float], version: str) -> str:
    """The rules file with new bias, points and version, keeping its comments and params."""

    def sub_once(pattern: str, replacement: str | Callable[[re.Match[str]], str], source: str, what: str) -> str:
        result, n = re.subn(pattern, replacement, source, count=1, flags=re.M)
        if n != 1:
            raise ValueError(f"cannot find {what} in the rules file")
        return result

    text = sub_once(r'^version\s*=\s*"[^"\n]*"', f'version = "{version}"', text, "version")
    text = sub_once(r"^bias\s*=\s*[-+0-9.eE]+", f"bias = {bias:.2f}", text, "bias")
    for code, value in points.items():
        header = re.escape(f'[signals."{code}"]')
        text = sub_once(
            rf"(^{header}[^\[]*?^points\s*=\s*)[-+0-9.eE]+",
            lambda m, v=value: f"{m.group(1)}{v:.2f}",
            text,
            f"signals.{code}.points",
        )
    return text

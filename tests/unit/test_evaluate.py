"""Metrics on small hand-computed cases, checked against scikit-learn; adapters; the weight fit."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

from heuristics import evaluation as ev
from heuristics.findings import Finding, Level, Report
from heuristics.profile import Platform
from heuristics.rules import load_default_rules, parse_rules
from heuristics.rules.rewrite import rewrite_rules_text

ROOT = Path(__file__).resolve().parents[2]

# --- ROC-AUC and average precision, by hand ---------------------------------------------------


def test_roc_auc_counts_correctly_ordered_pairs() -> None:
    # Fakes score 0.35 and 0.8, genuine 0.1 and 0.4: 3 of the 4 (fake, genuine) pairs are in order.
    assert ev.roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75


def test_roc_auc_counts_ties_as_half() -> None:
    assert ev.roc_auc([0.5, 0.5], [True, False]) == 0.5
    # Pairs: (0.9 vs 0.2) 1, (0.9 vs 0.9) ½, (0.2 vs 0.2) ½, (0.2 vs 0.9) 0 → 2/4.
    assert ev.roc_auc([0.9, 0.2, 0.2, 0.9], [True, True, False, False]) == 0.5


def test_roc_auc_extremes_and_one_class() -> None:
    assert ev.roc_auc([1, 2, 3, 4], [False, False, True, True]) == 1.0
    assert ev.roc_auc([4, 3, 2, 1], [False, False, True, True]) == 0.0
    assert math.isnan(ev.roc_auc([1, 2], [True, True]))


def test_average_precision_by_hand() -> None:
    # Ranked: 0.8 fake (P 1, R ½), 0.4 genuine, 0.35 fake (P ⅔, R 1) → ½·1 + ½·⅔.
    assert ev.average_precision([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(5 / 6)


def test_average_precision_treats_tied_scores_as_one_threshold() -> None:
    # Threshold 1 flags a fake and a genuine (P ½, R ½); threshold 0 adds a fake (P ⅔, R 1).
    assert ev.average_precision([1, 1, 0], [True, False, True]) == pytest.approx(0.5 * 0.5 + 0.5 * 2 / 3)


@pytest.mark.parametrize("seed", range(5))
def test_metrics_agree_with_scikit_learn_on_random_tied_data(seed: int) -> None:
    rng = np.random.default_rng(seed)
    labels = rng.random(300) < 0.3
    # Integers 0–20 give many ties, like risks do.
    scores = np.round(rng.normal(labels * 1.5, 1.0) * 4) + 10
    assert ev.roc_auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert ev.average_precision(scores, labels) == pytest.approx(average_precision_score(labels, scores), abs=1e-12)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        ev.roc_auc([1, 2, 3], [True, False])


# --- cut-offs, calibration, signal rates -----------------------------------------------------


def test_cutoff_counts_and_rates() -> None:
    risks = [10, 45, 70, 90, 30, 75]
    labels = [False, False, True, True, True, False]
    stats = ev.at_cutoff(risks, labels, 40, "medium")
    # Flagged (≥ 40): 45 g, 70 f, 90 f, 75 g → TP 2, FP 2; missed fake 30 → FN 1; TN 1 (10).
    assert (stats.true_pos, stats.false_pos, stats.false_neg, stats.true_neg) == (2, 2, 1, 1)
    assert stats.precision == 0.5
    assert stats.recall == pytest.approx(2 / 3)
    assert stats.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))
    assert stats.false_positive_rate == pytest.approx(2 / 3)
    assert ev.at_cutoff(risks, labels, 70).true_pos == 2  # the cut-off itself is flagged


def test_cutoff_with_nothing_flagged_has_no_precision() -> None:
    stats = ev.at_cutoff([1, 2], [True, False], 50)
    assert math.isnan(stats.precision) and stats.recall == 0 and stats.f1 == 0
    assert stats.to_dict()["precision"] is None  # JSON has no NaN


def test_calibration_bins() -> None:
    table = ev.calibration([0, 5, 15, 100, 95, 10], [False, True, False, True, True, False])
    assert [b.count for b in table] == [2, 2, 0, 0, 0, 0, 0, 0, 0, 2]
    assert table[0].mean_risk == 2.5 and table[0].fake_rate == 0.5
    assert table[1].mean_risk == 12.5 and table[1].fake_rate == 0.0  # 10 opens the 10–20 bin
    assert table[9].fake_rate == 1.0 and table[9].mean_risk == 97.5  # 100 is in the last bin
    assert math.isnan(table[5].mean_risk)


def _report(*codes: str) -> Report:
    return Report(5, Level.LOW, tuple(Finding(c, 1.0, {}) for c in codes), "t", 0.0)


def test_signal_rates_and_lift() -> None:
    reports = [_report("a", "b"), _report("a"), _report(), _report("a"), _report("b")]
    labels = [True, True, False, False, False]
    a, b, c = ev.signal_stats(reports, labels, ["a", "b", "c"])
    assert a.fake_rate == 1.0 and a.genuine_rate == pytest.approx(1 / 3) and a.lift == pytest.approx(3.0)
    assert b.fake_rate == 0.5 and b.lift == pytest.approx(1.5)
    assert a.mean_points_fake == 1.0 and a.mean_points_genuine == pytest.approx(1 / 3)
    assert math.isnan(c.lift) and c.to_dict()["lift"] is None
    only_fake = ev.signal_stats([_report("x"), _report()], [True, False], ["x"])[0]
    assert math.isinf(only_fake.lift)


# --- the logistic fit ------------------------------------------------------------------------


def _synthetic(n: int = 600, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3))
    logit = -1.0 + 3.0 * x[:, 0] + 1.0 * x[:, 1] - 2.0 * x[:, 2]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return x, y


@pytest.mark.parametrize("l2", [0.1, 1.0, 10.0])
def test_unbounded_fit_equals_scikit_learn_logistic_regression(l2: float) -> None:
    x, y = _synthetic()
    bias, weights = ev.fit_logistic(x, y, l2=l2)
    reference = LogisticRegression(C=1 / l2, tol=1e-10, max_iter=10_000).fit(x, y)
    assert bias == pytest.approx(reference.intercept_[0], abs=1e-4)
    assert weights == pytest.approx(reference.coef_[0], abs=1e-4)


def test_sign_bounds_keep_a_rule_from_flipping_meaning() -> None:
    x, y = _synthetic()
    _, free = ev.fit_logistic(x, y, l2=1.0)
    assert free[2] < 0
    _, bounded = ev.fit_logistic(x, y, l2=1.0, signs=[1, 1, 1])
    assert bounded[2] == 0.0 and bounded[0] > 0


def test_stratified_folds_partition_and_balance() -> None:
    labels = [True] * 20 + [False] * 80
    folds = ev.stratified_folds(labels, 5, seed=3)
    every = np.concatenate(folds)
    assert sorted(every.tolist()) == list(range(100))
    assert all(sum(labels[i] for i in fold) == 4 and len(fold) == 20 for fold in folds)
    assert [f.tolist() for f in folds] == [f.tolist() for f in ev.stratified_folds(labels, 5, seed=3)]


def test_stratified_split_keeps_the_share_of_each_class() -> None:
    labels = [True] * 20 + [False] * 80
    rng = np.random.default_rng(5)
    test = ev.stratified_split(labels, 0.3, rng)
    assert len(test) == 30 and sum(labels[i] for i in test) == 6
    assert len(set(test.tolist())) == 30
    assert ev.stratified_split(labels, 0.3, rng).tolist() != test.tolist()  # a new draw each call


def test_cross_validation_refits_inside_the_folds_so_shuffled_labels_score_chance() -> None:
    # Strong signals, then labels shuffled: a fit that saw the test labels would still score
    # well; one refitted on the training folds only scores about 0.5.
    rng = np.random.default_rng(3)
    rows = []
    for i in range(400):
        fake = i % 4 == 0
        rows.append(
            _instafake_row(
                userFollowerCount=int(rng.integers(0, 30) if fake else rng.integers(60, 900)),
                userMediaCount=int(rng.integers(0, 3) if fake else rng.integers(20, 200)),
                userHasProfilPic=int(not fake or rng.random() < 0.3),
                isFake=int(fake),
            )
        )
    examples = [ev.Example(ev.instafake_profile(r), bool(r["isFake"]), f"r{i}") for i, r in enumerate(rows)]
    labels = [e.fake for e in examples]
    rng.shuffle(labels)
    shuffled = [ev.Example(e.profile, fake, e.ref) for e, fake in zip(examples, labels, strict=True)]
    fit = ev.fit_rules(shuffled, load_default_rules(), folds=5)
    assert abs(fit.cv_auc - 0.5) < 0.1, fit.cv_auc
    holdout = ev.holdout_aucs(shuffled, load_default_rules(), repeats=10, seed=1)
    assert len(holdout) == 10 and abs(float(np.mean(holdout)) - 0.5) < 0.1
    # The same data with its real labels: the refitted procedure separates them.
    assert ev.fit_rules(examples, load_default_rules(), folds=5).cv_auc > 0.9


def test_the_fit_seed_draws_other_folds_and_is_reproducible() -> None:
    examples = ev.load_dataset(Path(__file__).parents[1] / "data" / "instafake-dev.jsonl")[:300]
    rules = load_default_rules()
    first, again, other = (ev.fit_rules(examples, rules, folds=3, seed=s) for s in (0, 0, 1))
    assert first.cv_auc == again.cv_auc and first.seed == 0 and other.seed == 1
    assert first.cv_auc != other.cv_auc
    assert first.bias == other.bias  # the proposal itself is fitted on all examples: no seed


def test_fitting_is_the_only_part_that_imports_scipy() -> None:
    # scipy costs start-up time in every server worker; only the fit needs it.
    code = "import sys; import heuristics.evaluation, server.cli.evaluate; print('scipy.optimize' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603
    assert result.stdout.strip() == "False"


def test_rewrite_rules_keeps_comments_and_params() -> None:
    rules = load_default_rules()
    points = {code: 0.5 for code in rules.rules}
    text = rewrite_rules_text(rules.source, -1.25, points, "fitted-1")
    new = parse_rules(text)
    assert new.version == "fitted-1" and new.bias == -1.25
    assert all(rule.points == 0.5 for rule in new.rules.values())
    assert new.rules["activity.follow_ratio"].params == rules.rules["activity.follow_ratio"].params
    assert text.splitlines()[0] == rules.source.splitlines()[0]  # the comment header survives


def _instafake_row(**overrides: int) -> dict[str, int]:
    row = {
        "userFollowerCount": 12,
        "userFollowingCount": 900,
        "userBiographyLength": 0,
        "userMediaCount": 0,
        "userHasProfilPic": 0,
        "userIsPrivate": 1,
        "usernameDigitCount": 3,
        "usernameLength": 11,
        "isFake": 1,
    }
    row.update(overrides)
    return row


def test_fit_rules_improves_on_bad_points_and_keeps_silent_signals(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(300):
        fake = i % 3 == 0
        rows.append(
            _instafake_row(
                userFollowerCount=int(rng.integers(0, 40) if fake else rng.integers(20, 900)),
                userFollowingCount=int(rng.integers(300, 3000) if fake else rng.integers(50, 600)),
                userMediaCount=int(rng.integers(0, 4) if fake else rng.integers(0, 200)),
                userHasProfilPic=int(rng.random() < (0.5 if fake else 0.98)),
                isFake=int(fake),
            )
        )
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    examples = ev.load_dataset(path)
    # Start from deliberately poor points: the fit must do better, cross-validated.
    text = rewrite_rules_text(load_default_rules().source, 0.0, {"activity.follow_ratio": 0.01}, "poor")
    rules = parse_rules(text)
    fit = ev.fit_rules(examples, rules, folds=3)
    assert fit.cv_auc > fit.current_auc
    assert "activity.follow_ratio" in fit.fitted and fit.points["activity.follow_ratio"] > 0.5
    assert "account.new" in fit.kept and fit.points["account.new"] == rules.rules["account.new"].points
    assert fit.points["account.verified"] < 0


# --- dataset adapters ------------------------------------------------------------------------


def test_instafake_row_becomes_page_fields() -> None:
    profile = ev.instafake_profile(_instafake_row(userBiographyLength=70))
    assert profile.handle is not None and len(profile.handle) == 11
    assert sum(ch.isdigit() for ch in profile.handle) == 3 and profile.handle.endswith("777")
    assert profile.bio is not None and len(profile.bio) == 70
    assert (profile.followers, profile.following, profile.posts) == (12, 900, 0)
    assert profile.has_avatar is False and profile.private is True
    assert profile.display_name is None and profile.joined is None
    assert ev.instafake_profile(_instafake_row(userBiographyLength=0)).bio == ""


def test_synthetic_instafake_handles_only_trigger_digit_rules_through_their_digits() -> None:
    from heuristics.signals import registry

    signals = registry()
    for length in range(1, 31):
        profile = ev.instafake_profile(_instafake_row(usernameLength=length, usernameDigitCount=0))
        context = ev.Example(profile, True, "x").context()
        for code in ("handle.random", "handle.digits"):
            assert signals[code].detect(profile, context, signals[code].Params()) is None, (code, length)


def test_requests_jsonl_with_labels(tmp_path: Path) -> None:
    path = tmp_path / "checks.jsonl"
    lines = [
        {"platform": "x", "profile": {"handle": "a1", "posts": 0}, "label": "fake", "now": "2026-01-02T00:00:00"},
        {"platform": "instagram", "profile": {"followers": 400}, "label": "genuine"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n\n", encoding="utf-8")
    first, second = ev.load_dataset(path)
    assert first.fake and first.platform is Platform.X and first.now is not None and first.now.tzinfo is not None
    assert not second.fake and second.profile.followers == 400 and second.ref == "checks.jsonl:2"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"platform": "x", "label": "maybe"}', "label"),
        ('{"platform": "myspace", "label": "fake"}', "invalid check request"),
        ('{"profile": {"followers": -1}, "label": "fake"}', "invalid check request"),
        ("[1, 2]", "JSON object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_request_lines_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"platform": "x", "label": "fake"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ev.DatasetError) as error:
        ev.load_dataset(path)
    assert error.value.where == "bad.jsonl:2" and message in str(error.value)


# A hand-written row in the Cresci/Twitter column layout (not taken from the dataset).
CRESCI_HEADER = (
    "id,name,screen_name,statuses_count,followers_count,friends_count,favourites_count,listed_count,"
    "created_at,url,lang,default_profile_image,protected,verified,description,updated,dataset"
)
CRESCI_ROW = (
    '"12345","Test Person","tp_2013","3","7","850","999","5","Sat Mar 02 10:00:00 +0000 2013",'
    '"http://example.org","en","1",,,"","2013-04-01 12:00:00","TEST"'
)


def test_cresci_row_uses_only_page_fields(tmp_path: Path) -> None:
    path = tmp_path / "sample-fake.csv"
    path.write_text(CRESCI_HEADER + "\n" + CRESCI_ROW + "\n", encoding="utf-8")
    (example,) = ev.load_dataset(path)
    profile = example.profile
    assert example.fake and example.platform is Platform.X and example.ref == "sample-fake.csv:2"
    assert (profile.handle, profile.display_name, profile.bio) == ("tp_2013", "Test Person", "")
    assert (profile.posts, profile.followers, profile.following) == (3, 7, 850)
    assert profile.joined == "2013-03-02" and profile.has_avatar is False
    assert profile.verified is False and profile.private is False
    assert example.now is not None and example.now.isoformat() == "2013-04-01T12:00:00+00:00"
    # Seen 30 days after joining: the age signal measures from when the profile was seen.
    report = ev.run([example], load_default_rules())[0].report
    assert any(f.code == "account.new" and f.evidence["age_days"] == 30 for f in report.findings)


def test_cresci_label_must_be_in_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "sample.csv"
    path.write_text(CRESCI_HEADER + "\n" + CRESCI_ROW + "\n", encoding="utf-8")
    with pytest.raises(ev.DatasetError):
        ev.load_dataset(path)


def test_missing_or_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ev.DatasetError):
        ev.load_dataset(tmp_path / "none.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ev.DatasetError):
        ev.load_dataset(empty)


def test_evaluate_reports_worst_mistakes_with_findings() -> None:
    rules = load_default_rules()
    fake_looking_genuine = ev.Example(ev.instafake_profile(_instafake_row()), False, "g1", Platform.INSTAGRAM)
    ordinary_fake = ev.Example(
        ev.instafake_profile(
            _instafake_row(userFollowerCount=400, userFollowingCount=300, userMediaCount=80, userHasProfilPic=1)
        ),
        True,
        "f1",
        Platform.INSTAGRAM,
    )
    plain = ev.Example(ev.instafake_profile(_instafake_row(userFollowerCount=300, userMediaCount=50)), False, "g2")
    result = ev.evaluate(ev.run([fake_looking_genuine, ordinary_fake, plain], rules), rules, worst=1)
    assert result.roc_auc == 0.0  # the one fake scores below both genuine profiles
    assert [m.ref for m in result.false_positives] == ["g1"]
    assert result.false_positives[0].findings and result.false_negatives[0].ref == "f1"
    as_json = json.loads(json.dumps(result.to_dict()))
    assert as_json["worst_false_positives"][0]["label"] == "genuine"
    assert {c["level"] for c in as_json["cutoffs"]} == {"medium", "high"}


def test_fit_needs_enough_of_each_class_for_its_folds() -> None:
    profile = ev.instafake_profile(_instafake_row())
    examples = [ev.Example(profile, i < 3, f"line {i}") for i in range(40)]  # 3 fakes, 37 genuine
    with pytest.raises(ValueError, match="5-fold cross-validation needs at least 5 fakes"):
        ev.fit_rules(examples, load_default_rules(), folds=5)
    assert ev.fit_rules(examples, load_default_rules(), folds=3).folds == 3


@given(
    st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=2, max_size=40).filter(
        lambda pairs: len({label for _, label in pairs}) == 2
    )
)
def test_roc_auc_equals_the_share_of_ordered_pairs(pairs: list[tuple[int, bool]]) -> None:
    # The definition, counted pair by pair (O(n²)): independent of the rank formula.
    fakes = [s for s, fake in pairs if fake]
    genuine = [s for s, fake in pairs if not fake]
    wins = sum(1.0 if f > g else 0.5 if f == g else 0.0 for f in fakes for g in genuine)
    scores, labels = zip(*pairs, strict=True)
    assert ev.roc_auc(scores, labels) == pytest.approx(wins / (len(fakes) * len(genuine)))

"""The default rules are good on real labelled data, reproducible, and do not rate established
ordinary people high."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from heuristics import CheckContext, Profile, load_default_rules, score
from heuristics import evaluation as ev
from heuristics.findings import Level
from heuristics.profile import Platform
from tests.unit.helpers import NOW

INSTAFAKE = Path(__file__).parent.parent / "data" / "instafake-dev.jsonl"
TARGET_AUC = 0.985


@pytest.fixture(scope="module")
def instafake() -> list[ev.Example]:
    return ev.load_dataset(INSTAFAKE)


def test_default_rules_keep_their_in_sample_auc_on_instafake(instafake: list[ev.Example]) -> None:
    # In-sample (the default points were fitted on this file): a regression gate, not an estimate
    # of quality on unseen profiles — that is the cross-validated test below. It can still fail:
    # flat points (all six fitted signals at 1.0) give about 0.97.
    rules = load_default_rules()
    result = ev.evaluate(ev.run(instafake, rules), rules)
    assert result.count == 835 and result.fakes == 140
    assert result.roc_auc >= TARGET_AUC


def test_the_fitting_procedure_meets_the_target_out_of_sample(instafake: list[ev.Example]) -> None:
    # The default points were fitted on this file, so their AUC above is in-sample; the honest
    # estimate for unseen profiles is the cross-validated AUC of the procedure that made them.
    fit = ev.fit_rules(instafake, load_default_rules(), l2=1.0, folds=5)
    assert fit.cv_auc >= TARGET_AUC


def test_default_points_are_reproduced_by_the_documented_fit(instafake: list[ev.Example]) -> None:
    # A reproducibility check, not a quality one: the expected values are the fit's own output.
    rules = load_default_rules()
    fit = ev.fit_rules(instafake, rules, l2=1.0, folds=5)
    assert fit.bias == pytest.approx(rules.bias, abs=0.02)
    for code in fit.fitted:
        assert fit.points[code] == pytest.approx(rules.rules[code].points, abs=0.02), code


ORDINARY_PEOPLE: dict[str, dict[str, Any]] = {
    "private, few posts, Arabic name": dict(
        handle="mohamed.saleh92", display_name="محمد صالح", private=True, posts=12, followers=85, following=190, bio=""
    ),
    "new private account": dict(
        handle="sara_ahmed",
        display_name="سارة أحمد",
        private=True,
        posts=2,
        followers=30,
        following=120,
        joined="2026-09",
    ),
    "private, no photo": dict(
        handle="hala.k",
        display_name="Hala K",
        private=True,
        posts=5,
        followers=60,
        following=150,
        has_avatar=False,
        bio="",
    ),
    "reader who never posts": dict(
        handle="noor.h", display_name="Noor H", private=True, posts=0, followers=80, following=250, bio=""
    ),
    "quiet activist": dict(
        handle="youssef_writes", display_name="يوسف", posts=3, followers=20, following=60, bio="حقوق الإنسان"
    ),
    "new account, few followers": dict(
        handle="rania_m", display_name="رانيا", posts=15, followers=12, following=80, joined="2026-08-15"
    ),
    "older account, a handful of everything": dict(
        handle="ahmad1990", display_name="Ahmad", posts=4, followers=45, following=140, joined="2019-05", bio=""
    ),
}


@pytest.mark.parametrize("name", sorted(ORDINARY_PEOPLE))
def test_ordinary_people_are_not_rated_high(name: str) -> None:
    # No metadata signal reads the platform (only an X account id would date an account), so one
    # platform covers the others. New accounts that are also bare *are* rated high: a known issue
    # (docs/evaluation.md, "Known issues"), shown there rather than hidden by these cases.
    fields = {"has_avatar": True, **ORDINARY_PEOPLE[name]}
    report = score(Profile(**fields), CheckContext(platform=Platform.INSTAGRAM, now=NOW), load_default_rules())
    assert report.level is not Level.HIGH, (name, report.risk, report.findings)


def test_the_ordinary_profiles_score_alike_on_every_platform() -> None:
    # Why one platform is enough above: if a signal starts reading the platform, this fails and
    # the cases above should cover each platform again.
    rules = load_default_rules()
    for name, fields in ORDINARY_PEOPLE.items():
        risks = {
            score(Profile(**{"has_avatar": True, **fields}), CheckContext(platform=platform, now=NOW), rules).risk
            for platform in (Platform.INSTAGRAM, Platform.FACEBOOK, Platform.X)
        }
        assert len(risks) == 1, (name, risks)


def test_a_typical_throwaway_is_rated_high() -> None:
    profile = Profile(handle="sara19283746", posts=0, followers=3, following=1500, has_avatar=False, bio="")
    report = score(profile, CheckContext(platform=Platform.INSTAGRAM, now=NOW), load_default_rules())
    assert report.level is Level.HIGH


@pytest.mark.parametrize("age_days", [0, 7, 14, 30])
def test_newness_alone_never_reaches_high(age_days: int) -> None:
    """An account in its first month, as bare as it can be — no photo, no posts, no followers,
    following many, an empty bio — is a person's first weeks as much as a bulk fake: never "high"
    on that alone (rules 2026.12.1: the activity signals fade in over young_grace_days). Older and
    still that bare, it is no longer newness (docs/evaluation.md, "Known issues")."""
    joined = (NOW.date() - timedelta(days=age_days)).isoformat()
    for following in (0, 150, 900):
        profile = Profile(posts=0, followers=0, following=following, joined=joined, has_avatar=False, bio="")
        report = score(profile, CheckContext(platform=Platform.INSTAGRAM, now=NOW), load_default_rules())
        assert report.level is not Level.HIGH, (age_days, following, report.risk)

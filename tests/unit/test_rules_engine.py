"""The rules file is validated with errors that name the key; the engine adds points honestly."""

from __future__ import annotations

import math

import pytest

from heuristics import CheckContext, Profile, load_default_rules, score
from heuristics.context import ServiceUnavailable
from heuristics.findings import Detection
from heuristics.rules import RulesError, default_rules_text, parse_rules
from heuristics.signals import Signal, SignalParams, register, registry
from tests.unit.helpers import NOW

MINIMAL = 'version = "t1"\nbias = -2.0\n[levels]\nmedium = 40\nhigh = 70\n'


def test_default_rules_load_and_cover_every_signal() -> None:
    rules = load_default_rules()
    assert set(rules.rules) == set(registry())
    assert rules.version


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("not toml [", "(file)"),
        ("bias = 1\n[levels]\nmedium = 1\nhigh = 2\n", "version"),
        (MINIMAL.replace("bias = -2.0", 'bias = "x"'), "bias"),
        (MINIMAL.replace("high = 70", "high = 170"), "levels.high"),
        (MINIMAL.replace("medium = 40", "medium = 80"), "levels.medium"),
        (MINIMAL + "colour = 1\n", "levels.colour"),
        (MINIMAL.replace('version = "t1"', 'version = "t1"\nextra = 1'), "extra"),
        (MINIMAL + '[signals."no.such"]\npoints = 1\n', "signals.no.such"),
        (MINIMAL + '[signals."account.new"]\nenabled = true\n', "signals.account.new.points"),
        (MINIMAL + '[signals."account.new"]\npoints = nan\n', "signals.account.new.points"),
        (MINIMAL + '[signals."account.new"]\npoints = 1\nenabled = "yes"\n', "signals.account.new.enabled"),
        (MINIMAL + '[signals."account.new"]\npoints = 1\nmax_days = "long"\n', "signals.account.new.max_days"),
        (MINIMAL + '[signals."account.new"]\npoints = 1\nmax_dayz = 3\n', "signals.account.new.max_dayz"),
    ],
)
def test_invalid_rules_name_the_offending_key(text: str, key: str) -> None:
    with pytest.raises(RulesError) as error:
        parse_rules(text)
    assert error.value.key == key


def test_risk_is_sigmoid_of_bias_plus_points_and_findings_are_ordered() -> None:
    rules = load_default_rules()
    # Age unknown: the activity signals count in full (a new account gets grace, rules 2026.12.1).
    profile = Profile(handle="sara19283746", posts=0, followers=0, has_avatar=False)
    report = score(profile, CheckContext(now=NOW), rules)
    points = [f.points for f in report.findings]
    assert points == sorted(points, reverse=True)
    logit = rules.bias + sum(points)
    assert report.risk == round(100 / (1 + math.exp(-logit)))
    assert report.level.value == "high"
    assert report.rules_version == rules.version


def test_empty_profile_is_low_with_no_findings() -> None:
    report = score(Profile(), CheckContext(now=NOW), load_default_rules())
    assert report.findings == () and report.level.value == "low"


def test_disabled_signal_does_not_run() -> None:
    text = default_rules_text().replace(
        '[signals."activity.few_posts"]\n', '[signals."activity.few_posts"]\nenabled = false\n'
    )
    report = score(Profile(posts=0), CheckContext(now=NOW), parse_rules(text))
    assert "activity.few_posts" not in [f.code for f in report.findings]


def test_levels_follow_cut_offs() -> None:
    text = MINIMAL.replace("bias = -2.0", "bias = 0.0")  # risk 50 with no findings
    assert score(Profile(), CheckContext(now=NOW), parse_rules(text)).level.value == "medium"
    text = MINIMAL.replace("bias = -2.0", "bias = 3.0")
    assert score(Profile(), CheckContext(now=NOW), parse_rules(text)).level.value == "high"


class _NeedsStore(Signal[SignalParams]):
    code = "test.needs_store"
    description = "Test signal that needs a service."
    needs = frozenset({"store"})
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        context.service("store").lookup()
        return Detection({"ok": True})


class _DownStore:
    def lookup(self) -> None:
        raise ServiceUnavailable


class _UpStore:
    def lookup(self) -> None:
        return None


def test_signals_whose_service_is_missing_or_down_are_listed_unavailable() -> None:
    register(_NeedsStore())
    try:
        rules = parse_rules(MINIMAL + '[signals."test.needs_store"]\npoints = 1.0\n')
        missing = score(Profile(), CheckContext(now=NOW), rules)
        down = score(Profile(), CheckContext(now=NOW, services={"store": _DownStore()}), rules)
        up = score(Profile(), CheckContext(now=NOW, services={"store": _UpStore()}), rules)
    finally:
        registry().remove("test.needs_store")
    assert missing.unavailable == ("test.needs_store",) and not missing.findings
    assert down.unavailable == ("test.needs_store",)
    assert up.unavailable == () and up.findings[0].code == "test.needs_store"

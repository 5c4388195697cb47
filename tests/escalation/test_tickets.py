"""Takedown tickets: every platform, every language, the four DSA Art. 16(2) elements."""

from __future__ import annotations

import re

import pytest

from heuristics.profile import Platform
from heuristics.signals import registry
from server.escalation.model import TAKEDOWN_PLATFORMS
from server.escalation.platforms import procedures
from server.escalation.tickets import DSA_SECTIONS, LOCALES, build_ticket, strings, text_for
from tests.escalation.samples import NOTIFIER, PRIVATE, TRAINER, TRAINER_KEY, sample_case

PLATFORMS = [*TAKEDOWN_PLATFORMS, Platform.OTHER]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_ticket_carries_the_four_dsa_elements(platform: Platform, locale: str) -> None:
    case, _ = sample_case(platform if platform in TAKEDOWN_PLATFORMS else Platform.X)
    ticket = build_ticket(case, platform, locale, case.notifier)
    text = ticket.text
    sections = ticket.sections
    # (a) a substantiated explanation: every reason, named in this language, with Haris's facts.
    reasons = "\n".join(sections[DSA_SECTIONS["a"]])
    for code in case.reasons:
        assert text_for(f"reason.{code}", locale) in reasons and code in reasons
    assert "name_similarity=0.97" in reasons
    # (b) the exact URL of the account.
    assert case.suspect.profile_url in "\n".join(sections[DSA_SECTIONS["b"]])
    # (c) the notifier's name and e-mail.
    notifier = "\n".join(sections[DSA_SECTIONS["c"]])
    assert NOTIFIER.name in notifier and NOTIFIER.email in notifier
    # (d) the good-faith statement, in this language.
    assert strings(locale)["good_faith"] in sections[DSA_SECTIONS["d"]]
    for letter, section in DSA_SECTIONS.items():
        assert f"({letter})" in sections[section][0] or f"point {letter}" in sections[section][0] or locale == "ar"
    # The DSA sections and the rest appear in the text, in order.
    positions = [text.index(sections[key][0]) for key in sections]
    assert positions == sorted(positions)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("platform", TAKEDOWN_PLATFORMS)
def test_original_and_suspect_side_by_side_with_policy_and_where_to_file(platform: Platform, locale: str) -> None:
    case, _ = sample_case(platform)
    ticket = build_ticket(case, platform, locale, case.notifier)
    pair = "\n".join(ticket.sections["pair"])
    for value in (case.impersonated.profile_url, case.suspect.profile_url, "2014-03-02", "2026-05-20", "Hala Ahed"):
        assert value in pair
    rules = procedures()[platform]
    policy = "\n".join(ticket.sections["policy"])
    assert rules.policy_url in policy
    for item in rules.checklist:
        assert text_for(f"checklist.{item}", locale) in policy
    filing = "\n".join(ticket.sections["filing"])
    for channel in rules.channels:
        assert channel.target in filing
    unverified = text_for("unverified", locale)
    assert any(not c.verified for c in rules.channels) == (unverified in filing)


def test_x_asks_for_two_identity_elements() -> None:
    case, _ = sample_case(Platform.X)
    met = build_ticket(case, Platform.X, "en", case.notifier).text
    assert "[met] It uses at least two elements" in met
    # Only the name left: the ticket says a second element is still to be shown.
    case.check.findings = [f for f in case.check.findings if f.code == "account.new"]  # type: ignore[union-attr]
    case.evidence = []
    case.suspect = case.suspect.model_copy(update={"handle": "someone_else", "avatar_hash": None})
    case.impersonated = case.impersonated.model_copy(update={"profile_url": "https://x.com/zz"})
    missing = build_ticket(case, Platform.X, "en", case.notifier).text
    assert "[not shown yet] Only 1 identity element(s) shown (name)" in missing


def test_no_trainer_and_no_private_note_in_any_ticket() -> None:
    for platform in TAKEDOWN_PLATFORMS:
        case, _ = sample_case(platform)
        for locale in LOCALES:
            text = build_ticket(case, platform, locale, case.notifier).text
            for marker in (TRAINER, TRAINER_KEY, PRIVATE):
                assert marker not in text


def test_a_missing_notifier_is_a_visible_blank_to_fill() -> None:
    case, _ = sample_case(Platform.TELEGRAM)
    for locale in LOCALES:
        notifier = build_ticket(case, Platform.TELEGRAM, locale, None).sections["notifier"]
        assert sum(strings(locale)["notifier.missing"] in line for line in notifier) == 2


def test_every_string_exists_in_every_language_with_the_same_placeholders() -> None:
    english = strings("en")
    for locale in LOCALES:
        assert set(strings(locale)) == set(english), locale
        for key, text in strings(locale).items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", english[key])), (locale, key)
    assert {f"reason.{code}" for code in registry()} <= set(english)
    for rules in procedures().values():
        keys = [f"checklist.{item}" for item in rules.checklist] + [f"channel.{c.kind}" for c in rules.channels]
        assert set(keys) <= set(english)
        for point in rules.points:
            assert f"point.{point}" in english or {f"point.{point}.met", f"point.{point}.missing"} <= set(english)

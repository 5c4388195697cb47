"""Name matching per check, on held-out names (tests/data/names-held-out.tsv, never seen by the
learned table): a clone among many contacts is named, a namesake or a brother is not. The full
measurement (1,000 checks a set, 300 and 50 contacts) is bench/names_checks.py."""

from __future__ import annotations

import random
from pathlib import Path

from bench.names_checks import ARABIC_SOUNDS, contacts_set, official_set, words_of
from bench.names_data import read_sample
from heuristics.rules import load_default_rules

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "names-held-out.tsv"
MATCH = load_default_rules().rules["impersonation.contact"].params.min_similarity  # type: ignore[attr-defined]


def rate(scores: list[float]) -> float:
    return sum(score >= MATCH for score in scores) / len(scores)


def test_a_clone_among_a_hundred_contacts_is_named_and_a_namesake_is_not() -> None:
    outcomes = contacts_set(words_of(read_sample(SAMPLE)), 40, 100, random.Random(1))
    assert rate(outcomes.hits) >= 0.9, outcomes.examples
    assert rate(outcomes.alarms["namesake"]) <= 0.05, outcomes.examples


def test_official_names_are_named_and_their_brothers_and_namesakes_are_not() -> None:
    words = words_of(read_sample(SAMPLE))
    assert len([word for word in words if ARABIC_SOUNDS & set(word.arabic)]) >= 100
    outcomes = official_set(words, 40, 50, random.Random(2))
    assert rate(outcomes.hits) >= 0.9, outcomes.examples
    assert rate(outcomes.alarms["relative"]) <= 0.05, outcomes.examples
    assert rate(outcomes.alarms["namesake"]) <= 0.05, outcomes.examples

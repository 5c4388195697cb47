"""bench/campaign_hold.py models HARIS_CAMPAIGN_HOLD_SECONDS in stream time: a contribution made
at t is seen by checks at ≥ (floor(t / H) + 1) · H, and no hold is the stream replay itself."""

from __future__ import annotations

import pytest

from bench.campaign_hold import replay_held, visible_from
from bench.campaign_stream import StreamSpec, examples
from heuristics.evaluation.stream import replay
from heuristics.rules import load_default_rules

# A tiny stream with one large tight batch, so the campaign signals fire when they see it.
TINY = StreamSpec(genuine=30, fakes=40, batch_min=40, batch_max=40, spread_hours=1)


@pytest.mark.parametrize(
    ("made", "hold", "seen_from"),
    [(0, 60, 60), (59.5, 60, 60), (60, 60, 120), (61, 60, 120), (3_599, 600, 3_600), (42, 0, 42)],
)
def test_a_contribution_is_seen_from_the_next_multiple_of_the_hold(made: float, hold: float, seen_from: float) -> None:
    assert visible_from(made, hold) == seen_from


def test_checks_see_only_what_was_contributed_before_the_last_boundary() -> None:
    items = examples(TINY, 0)[:7]
    # checks at 0, 10, …, 60 s with a 30 s hold: those at 0–20 s are written at 30 s, 30–50 s at 60 s
    held = replay_held(items, load_default_rules(), 1.0, 0, hold=30, pace=10)
    assert held.written == [0, 0, 0, 3, 3, 3, 6]
    assert held.hidden == pytest.approx((1 + 1 + 0 + 1 / 4 + 2 / 5 + 0) / 6)
    unheld = replay_held(items, load_default_rules(), 1.0, 0, hold=0, pace=10)
    assert unheld.written == list(range(7)) and unheld.hidden == 0


def test_no_hold_is_the_stream_replay_and_a_hold_past_the_stream_hides_every_burst() -> None:
    items, rules = examples(TINY, 1), load_default_rules()
    expected = replay(items, rules, 1.0, 1)
    unheld = replay_held(items, rules, 1.0, 1, hold=0, pace=0)
    assert [s.report.logit for s in unheld.scored] == [s.report.logit for s in expected.scored]
    assert unheld.baseline == expected.baseline

    def campaign_findings(scored: list) -> int:  # type: ignore[type-arg]
        return sum(f.code.startswith("campaign.") for s in scored for f in s.report.findings)

    assert campaign_findings(unheld.scored) > 0
    hidden = replay_held(items, rules, 1.0, 1, hold=3_600, pace=1)  # the stream takes 70 s: nothing written in it
    assert hidden.written == [0] * len(items) and campaign_findings(hidden.scored) == 0
    assert hidden.baseline == expected.baseline  # the bare count is the reference, never held

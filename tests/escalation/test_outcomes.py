"""Removal rates per platform over 7 and 30 days, on a fixed calendar."""

from __future__ import annotations

from datetime import date

from heuristics.profile import Platform
from server.escalation.model import Outcome, PlatformStatus
from server.escalation.outcomes import removal_rates
from tests.escalation.samples import sample_case

TODAY = date(2026, 6, 30)


def case_with(statuses: dict[str, tuple[str, Outcome, str | None]]):  # type: ignore[no-untyped-def]
    case, _ = sample_case(Platform.X)
    case.statuses = {
        platform: PlatformStatus(reported_on=reported, outcome=outcome, rechecked_on=rechecked)
        for platform, (reported, outcome, rechecked) in statuses.items()
    }
    return case


def test_rates_per_platform_and_window() -> None:
    cases = [
        case_with(
            {
                "x": ("2026-06-29", Outcome.REMOVED, "2026-06-30"),
                "instagram": ("2026-06-01", Outcome.REMOVED, "2026-06-20"),
            }
        ),
        case_with({"x": ("2026-06-24", Outcome.STILL_UP, "2026-06-30")}),  # 7 days ago: in the 7-day window
        case_with({"x": ("2026-06-23", Outcome.REMOVED, "2026-06-25")}),  # 8 days ago: 30 days only
        case_with({"x": ("2026-05-31", Outcome.REMOVED, "2026-06-02")}),  # 31 days ago: in neither
        case_with({"telegram": ("2026-06-30", Outcome.PENDING, None), "other": ("2026-06-30", Outcome.REMOVED, None)}),
    ]
    week = {row.platform: row for row in removal_rates(cases, TODAY, 7)}
    month = {row.platform: row for row in removal_rates(cases, TODAY, 30)}
    assert list(week) == ["facebook", "instagram", "x", "telegram"]
    assert (week["x"].reported, week["x"].removed, week["x"].still_up) == (2, 1, 1)
    assert week["x"].removal_rate == 0.5 and week["x"].median_days_to_removal == 1
    assert (month["x"].reported, month["x"].removed) == (3, 2) and month["x"].median_days_to_removal == 1.5
    assert month["instagram"].removal_rate == 1.0 and month["instagram"].median_days_to_removal == 19
    assert week["instagram"].reported == 0 and week["instagram"].removal_rate is None
    assert (week["telegram"].reported, week["telegram"].pending) == (1, 1)
    assert week["facebook"].removal_rate is None

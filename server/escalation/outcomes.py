"""Removal rates per platform: of the reports filed in the last N days, how many accounts are gone.

A report counts in a window when its ``reported_on`` date falls in the last N days (today
included). ``removed`` is the outcome a trainer recorded on a re-check; the days to removal are
from ``reported_on`` to that re-check, so they are an upper bound (the account may have gone
earlier than the day someone looked).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from server.escalation.model import TAKEDOWN_PLATFORMS, Case, CaseStatuses, Outcome

WINDOWS = (7, 30)


@dataclass(frozen=True)
class PlatformOutcome:
    platform: str
    reported: int
    removed: int
    still_up: int
    pending: int
    median_days_to_removal: float | None

    @property
    def removal_rate(self) -> float | None:
        return self.removed / self.reported if self.reported else None


def removal_rates(cases: Iterable[Case | CaseStatuses], today: date, days: int) -> list[PlatformOutcome]:
    """One row per takedown platform, in a fixed order, for reports filed in the last ``days``
    (from cases, or from their summaries' statuses: the same figures)."""
    first_day = today - timedelta(days=days - 1)
    counts = {platform.value: {outcome: 0 for outcome in Outcome} for platform in TAKEDOWN_PLATFORMS}
    delays: dict[str, list[int]] = {platform.value: [] for platform in TAKEDOWN_PLATFORMS}
    for case in cases:
        for platform, status in case.statuses.items():
            if platform not in counts:
                continue
            reported = date.fromisoformat(status.reported_on)
            if not first_day <= reported <= today:
                continue
            counts[platform][status.outcome] += 1
            if status.outcome is Outcome.REMOVED and status.rechecked_on:
                delays[platform].append((date.fromisoformat(status.rechecked_on) - reported).days)
    return [
        PlatformOutcome(
            platform=platform,
            reported=sum(by_outcome.values()),
            removed=by_outcome[Outcome.REMOVED],
            still_up=by_outcome[Outcome.STILL_UP],
            pending=by_outcome[Outcome.PENDING],
            median_days_to_removal=statistics.median(delays[platform]) if delays[platform] else None,
        )
        for platform, by_outcome in counts.items()
    ]

"""Extractor health: taking the coarse counts opted-in browsers send, and telling maintainers,
per platform and extractor version, when the share of profile pages read badly jumps — a
platform changed its layout (docs/extension.md, "Knowing when a platform changes").

A visit *fails* when the extension did not read a complete profile on a profile's address:
``incomplete`` (core fields missing), ``no_profile`` or ``error``. The failure share of the last
``RECENT_DAYS`` days is compared with the ``BASELINE_DAYS`` before them (:func:`is_jump`); some
failure is normal (suspended accounts, pages closed early, slow networks), so only a rise is a
signal. Counts are rounded by each browser to multiples of 5 and anyone can send some, so the
rule asks for enough visits and a rise that chance does not explain.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from server.schemas import (
    HEALTH_DAYS,
    HEALTH_OUTCOMES,
    ExtractorHealthReport,
    ExtractorHealthRow,
    ExtractorHealthTable,
    HealthDay,
    HealthShare,
)
from server.state import app_state
from server.storage.extractor_health import MISSING, counter_field, parse_field
from server.web.errors import APIError

FAILED = ("incomplete", "no_profile", "error")


@dataclass(frozen=True)
class JumpRule:
    """When a failure share counts as a jump (config as data; docs/extension.md explains it)."""

    recent_days: int = 3
    baseline_days: int = 7
    min_recent_visits: int = 30
    min_baseline_visits: int = 30
    min_rise: float = 0.15  # failure share points above the baseline
    min_z: float = 3.0  # one-sided two-proportion z statistic
    alone_share: float = 0.5  # without any baseline: a version failing on half its pages
    versions_shown: int = 5  # per platform, the versions with the most visits in the window


RULE = JumpRule()


@dataclass(frozen=True)
class Share:
    visits: int
    failures: int

    @property
    def share(self) -> float | None:
        return self.failures / self.visits if self.visits else None

    def __add__(self, other: Share) -> Share:
        return Share(self.visits + other.visits, self.failures + other.failures)


def is_jump(recent: Share, baseline: Share, rule: JumpRule = RULE) -> bool:
    """Whether the recent failure share is well above the baseline's: enough recent visits, a rise
    of at least ``min_rise``, and a two-proportion z statistic of at least ``min_z``. Without a
    baseline of ``min_baseline_visits``, only a share of ``alone_share`` or more is a jump."""
    if recent.visits < rule.min_recent_visits or recent.share is None:
        return False
    if baseline.visits < rule.min_baseline_visits or baseline.share is None:
        return recent.share >= rule.alone_share
    rise = recent.share - baseline.share
    if rise < rule.min_rise:
        return False
    pooled = (recent.failures + baseline.failures) / (recent.visits + baseline.visits)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / recent.visits + 1 / baseline.visits))
    return spread == 0 or rise / spread >= rule.min_z


def record_reads(body: ExtractorHealthReport) -> int:
    """Add one browser's counts to the day's sums; how many visits they stand for. Raises
    APIError 422 for counts that contradict themselves."""
    increments: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    for index, reads in enumerate(body.extractors):
        pair = (reads.platform.value, reads.version)
        if pair in seen:
            raise APIError(
                422, "duplicate_extractor", "Each platform and version may appear once.", f"extractors.{index}"
            )
        seen.add(pair)
        for name, count in reads.missing.items():
            if count > reads.incomplete:
                raise APIError(
                    422,
                    "missing_exceeds_incomplete",
                    "A field cannot be missing from more visits than were incomplete.",
                    f"extractors.{index}.missing.{name.value}",
                )
            increments[counter_field(*pair, MISSING + name.value)] = count
        for outcome in HEALTH_OUTCOMES:
            increments[counter_field(*pair, outcome)] = getattr(reads, outcome)
    visits = sum(reads.visits for reads in body.extractors)
    if visits == 0:
        raise APIError(422, "no_visits", "The counts stand for no visit.", "extractors")
    app_state().stores.extractor_health.add({name: count for name, count in increments.items() if count})
    return visits


def _share(days: list[dict[str, int]]) -> Share:
    visits = sum(day.get(outcome, 0) for day in days for outcome in HEALTH_OUTCOMES)
    return Share(visits, sum(day.get(outcome, 0) for day in days for outcome in FAILED))


def health_table(today: date | None = None, days: int = HEALTH_DAYS, rule: JumpRule = RULE) -> ExtractorHealthTable:
    """Per platform and extractor version, each of the last ``days`` days (ending ``today``, the
    server's UTC day), the shares the jump rule compares, and whether it flags a jump."""
    today = today or app_state().clock().date()
    span = max(days, rule.recent_days + rule.baseline_days)
    window = [today - timedelta(days=offset) for offset in range(span - 1, -1, -1)]
    stored = app_state().stores.extractor_health.days(window)
    # (platform, version) → day → outcome or "missing:<field>" → visits
    counts: dict[tuple[str, str], dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for day, fields in stored.items():
        for name, value in fields.items():
            parsed = parse_field(name)
            if parsed is not None:
                platform, version, outcome = parsed
                counts[(platform, version)][day][outcome] = value
    recent_days = window[-rule.recent_days :]
    baseline_days = window[-(rule.recent_days + rule.baseline_days) : -rule.recent_days]
    platform_baseline: dict[str, Share] = defaultdict(lambda: Share(0, 0))
    for (platform, _), by_day in counts.items():
        platform_baseline[platform] += _share([by_day.get(day, {}) for day in baseline_days])
    shown = window[-days:]
    rows = []
    for (platform, version), by_day in sorted(counts.items()):
        recent = _share([by_day.get(day, {}) for day in recent_days])
        baseline = _share([by_day.get(day, {}) for day in baseline_days])
        if baseline.visits < rule.min_baseline_visits:
            baseline = platform_baseline[platform]
        missing: dict[str, int] = defaultdict(int)
        for day in shown:
            for outcome, value in by_day.get(day, {}).items():
                if outcome.startswith(MISSING):
                    missing[outcome.removeprefix(MISSING)] += value
        rows.append(
            ExtractorHealthRow(
                platform=platform,
                version=version,
                days=[_day(day, by_day.get(day, {})) for day in shown],
                recent=_share_out(recent),
                baseline=_share_out(baseline),
                missing=dict(sorted(missing.items(), key=lambda item: (-item[1], item[0]))),
                jump=is_jump(recent, baseline, rule),
            )
        )
    # Anyone may send counts for made-up versions: the ones most visited are shown.
    by_visits = sorted(rows, key=lambda row: -sum(day.visits for day in row.days))
    kept: dict[str, int] = defaultdict(int)
    shown_rows = []
    for row in by_visits:
        kept[row.platform] += 1
        if kept[row.platform] <= rule.versions_shown:
            shown_rows.append(row)
    shown_rows.sort(key=lambda row: (row.platform, row.version))
    return ExtractorHealthTable(first_day=shown[0].isoformat(), last_day=today.isoformat(), extractors=shown_rows)


def _day(day: date, fields: dict[str, int]) -> HealthDay:
    share = _share([fields])
    return HealthDay(
        day=day.isoformat(),
        visits=share.visits,
        failure_share=share.share,
        **{outcome: fields.get(outcome, 0) for outcome in HEALTH_OUTCOMES},
    )


def _share_out(share: Share) -> HealthShare:
    return HealthShare(visits=share.visits, failures=share.failures, share=share.share)

"""When was an account created? From what its page shows: its id, else its join date.

- **X snowflake ids** (issued since February 2016) carry their creation time to the millisecond.
- **Older X ids, Telegram ids** grow with time without carrying it: they are dated by monotone
  interpolation between public anchors (``id_anchors.toml``, each table citing its source). The
  absolute error is that of the anchors (days; measured in docs/campaigns.md), but the mapping is
  the same for every check, so two ids close together map to times close together: the relative
  time of two accounts, which is what a burst is about, is much finer than the absolute one.
- **Otherwise the join date** the page shows: a month on X ("Joined March 2013"), a day or a full
  time where a page or a client gives one.

:func:`estimate` returns the best absolute estimate (for evidence and for ages);
:func:`burst_times` the times the creation-burst buckets use, each from one consistent source.
"""

from __future__ import annotations

import bisect
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from heuristics.platforms import X_MIN_SNOWFLAKE_ID, X_SNOWFLAKE_EPOCH_MS
from heuristics.profile import Platform, Profile

_MAX_SNOWFLAKE = 2**63 - 1
_MAX_ID_DIGITS = 19


@dataclass(frozen=True, slots=True)
class CreationEstimate:
    """An account's creation time, how far off it may be (± seconds) and where it comes from:
    ``snowflake`` (the X id), ``id_anchors`` (the id between public anchors) or ``joined``."""

    time: datetime
    precision_seconds: int
    source: str

    def evidence(self) -> dict[str, object]:
        return {
            "created": self.time.strftime("%Y-%m-%dT%H:%MZ" if self.precision_seconds < 3_600 else "%Y-%m-%d"),
            "precision_days": round(self.precision_seconds / 86_400, 2),
            "created_from": self.source,
        }


@dataclass(frozen=True, slots=True)
class AnchorTable:
    """Anchors made monotone (isotonic in the id), for linear interpolation."""

    ids: tuple[int, ...]
    times: tuple[float, ...]
    source: str

    def estimate(self, account_id: int) -> tuple[float, float] | None:
        """(unix time, ± seconds) for an id within the anchors' range; None outside it (an id
        past the last anchor could be any time since)."""
        if not self.ids or account_id < self.ids[0] or account_id > self.ids[-1]:
            return None
        right = bisect.bisect_left(self.ids, account_id)
        if self.ids[right] == account_id:
            return self.times[right], 0.0
        left = right - 1
        span = self.ids[right] - self.ids[left]
        share = (account_id - self.ids[left]) / span
        time = self.times[left] + share * (self.times[right] - self.times[left])
        # The account was made between its two anchors: at worst half their gap away.
        return time, (self.times[right] - self.times[left]) / 2


def isotonic(values: list[float]) -> list[float]:
    """Pool adjacent violators: the closest non-decreasing sequence (least squares)."""
    blocks: list[list[float]] = []  # [mean, weight]
    for value in values:
        blocks.append([value, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight = blocks.pop()
            blocks[-1] = [(blocks[-1][0] * blocks[-1][1] + mean * weight) / (blocks[-1][1] + weight),
                          blocks[-1][1] + weight]  # fmt: skip
    out: list[float] = []
    for mean, weight in blocks:
        out += [mean] * int(weight)
    return out


def _unix(value: object) -> float:
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


@cache
def anchor_tables() -> dict[Platform, AnchorTable]:
    text = resources.files(__package__).joinpath("id_anchors.toml").read_text(encoding="utf-8")
    tables = {}
    for name, table in tomllib.loads(text).items():
        points = sorted((int(i), _unix(t)) for i, t in table["anchors"])
        times = isotonic([t for _, t in points])
        tables[Platform(name)] = AnchorTable(tuple(i for i, _ in points), tuple(times), table["source"])
    return tables


def _numeric_id(account_id: str | None) -> int | None:
    if not account_id or not account_id.isascii() or not account_id.isdigit() or len(account_id) > _MAX_ID_DIGITS:
        return None
    return int(account_id)


def from_id(platform: Platform, account_id: str | None) -> CreationEstimate | None:
    """The creation time an id gives: exact for X snowflakes, interpolated between anchors."""
    number = _numeric_id(account_id)
    if number is None:
        return None
    if platform is Platform.X and X_MIN_SNOWFLAKE_ID <= number <= _MAX_SNOWFLAKE:
        millis = (number >> 22) + X_SNOWFLAKE_EPOCH_MS
        return CreationEstimate(datetime.fromtimestamp(millis / 1000, tz=UTC), 1, "snowflake")
    table = anchor_tables().get(platform)
    found = table.estimate(number) if table else None
    if found is None:
        return None
    time, precision = found
    return CreationEstimate(datetime.fromtimestamp(time, tz=UTC), max(1, round(precision)), "id_anchors")


def from_joined(profile: Profile) -> CreationEstimate | None:
    joined = profile.joined_time
    if joined is None:
        return None
    return CreationEstimate(joined.time, joined.precision_seconds, "joined")


def estimate(profile: Profile, platform: Platform) -> CreationEstimate | None:
    """The most precise of what the id and the join date say."""
    found = [e for e in (from_id(platform, profile.account_id), from_joined(profile)) if e is not None]
    return min(found, key=lambda e: e.precision_seconds, default=None)


# Buckets of creation time: an hour and a day. A source is used for a bucket only if it can
# place accounts within it relative to each other.
HOUR = 3_600
DAY = 86_400


@dataclass(frozen=True, slots=True)
class BurstTimes:
    """The creation times the burst buckets use (unix seconds), or None when nothing places the
    account finely enough. One consistent source: the id where it dates the account (so every
    check of a burst is placed the same way whatever join date it carries, and ids between two
    anchors keep their order and spacing), else a join date given to the second; a join date
    naming only the day places the day bucket alone. Measured on Cresci 2015, the id's place
    beats the join day for the day bucket too (docs/campaigns.md)."""

    hour: float | None
    day: float | None
    day_from_joined: bool = False  # the day bucket comes from a join date naming only the day


def burst_times(profile: Profile, platform: Platform) -> BurstTimes:
    by_id = from_id(platform, profile.account_id)
    joined = profile.joined_time
    exact = joined is not None and joined.unit == "time"
    if by_id is not None and by_id.source == "snowflake":
        hour = by_id.time.timestamp()
    elif exact and joined is not None:
        hour = joined.time.timestamp()
    elif by_id is not None:
        hour = by_id.time.timestamp()  # relative placement: see the module docstring
    else:
        hour = None
    if hour is None and joined is not None and joined.unit == "day":
        return BurstTimes(None, joined.time.timestamp(), day_from_joined=True)
    return BurstTimes(hour, hour)

"""``activity.low_for_age``: an old account with almost nothing to show for its age — few posts
a year and few followers. Kept dormant until used, or farmed and sold: a campaign buys accounts
that are old so that ``account.new`` cannot see them. A new account with no posts is ordinary
(the activity signals give it grace); an account years old with none is not."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from heuristics.campaigns import estimate
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class LowForAgeParams(SignalParams):
    # Older than this the account is judged by its rate; full weight from full_age_days.
    min_age_days: Annotated[int, Field(ge=1, le=36_500)] = 180
    full_age_days: Annotated[int, Field(ge=1, le=36_500)] = 730
    # Posts a year at which it stops firing; strongest at zero (log scale).
    posts_per_year: Annotated[float, Field(gt=0, le=1_000_000)] = 20.0
    # Followers a year of age at which the follower part stops counting.
    followers_per_year: Annotated[float, Field(gt=0, le=1_000_000)] = 10.0


def _shortfall(rate: float, limit: float) -> float:
    return max(0.0, 1.0 - math.log1p(rate) / math.log1p(limit))


class LowForAge(Signal):
    code = "activity.low_for_age"
    description = (
        "An account older than min_age_days (full weight at full_age_days) with fewer than posts_per_year posts"
        " a year of its age, and few followers for it: dormant or farmed."
    )
    Params = LowForAgeParams

    def detect(self, profile: Profile, context: CheckContext, params: LowForAgeParams) -> Detection | None:  # type: ignore[override]
        created = estimate(profile, context.platform)
        if created is None or profile.posts is None:
            return None
        age_days = (context.now - created.time).total_seconds() / 86_400
        if age_days < params.min_age_days:
            return None
        years = age_days / 365.25
        posts_rate = profile.posts / years
        posts_part = _shortfall(posts_rate, params.posts_per_year)
        if posts_part <= 0:
            return None
        followers_part = 1.0
        if profile.followers is not None:
            followers_part = 0.5 + 0.5 * _shortfall(profile.followers / years, params.followers_per_year)
        ramp = min(1.0, (age_days - params.min_age_days) / max(params.full_age_days - params.min_age_days, 1) + 0.25)
        evidence = {"age_days": round(age_days), "posts_per_year": round(posts_rate, 1)}
        return Detection(evidence, posts_part * followers_part * ramp)

"""Low activity: few posts, few followers, following many more accounts than follow back."""

from __future__ import annotations

import math

from pydantic import Field, ValidationInfo, field_validator

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.account_age import account_created
from heuristics.signals.base import Signal, SignalParams

# How long a new account may look bare without it counting fully: an ordinary person's first
# weeks have few posts, few followers and more follows than followers. 0: no grace (as before
# rules 2026.12.1; InstaFake shows no ages, so its fitted points are unaffected).
MAX_GRACE_DAYS = 3_650


def young_factor(profile: Profile, context: CheckContext, grace_days: int) -> float:
    """1.0 for an account of unknown age or at least ``grace_days`` old; its age ÷ ``grace_days``
    below that (a day-old account's bareness says almost nothing)."""
    known = account_created(profile, context) if grace_days else None
    if known is None:
        return 1.0
    age_days = (context.now.date() - known[0]).days
    return min(1.0, max(age_days, 0) / grace_days)


class GraceParams(SignalParams):
    young_grace_days: int = Field(0, ge=0, le=MAX_GRACE_DAYS)


def _log_shortfall(value: int, limit: int) -> float:
    """1.0 at zero, fading to 0.0 at ``limit`` on a log scale (1 vs 10 matters more than 91 vs 100)."""
    return max(0.0, 1.0 - math.log1p(value) / math.log1p(limit))


class FewPostsParams(GraceParams):
    max_posts: int = Field(10, ge=1, le=1_000_000)


class FewPosts(Signal):
    code = "activity.few_posts"
    description = (
        "Few or no posts: strongest at zero, fading to none at max_posts;"
        " scaled down for accounts younger than young_grace_days."
    )
    Params = FewPostsParams

    def detect(self, profile: Profile, context: CheckContext, params: FewPostsParams) -> Detection | None:  # type: ignore[override]
        if profile.posts is None or profile.posts >= params.max_posts:
            return None
        value = _log_shortfall(profile.posts, params.max_posts)
        value *= young_factor(profile, context, params.young_grace_days)
        return Detection({"posts": profile.posts}, value)


class FewFollowersParams(GraceParams):
    max_followers: int = Field(50, ge=1, le=1_000_000_000)


class FewFollowers(Signal):
    code = "activity.few_followers"
    description = (
        "Few followers: strongest at zero, fading to none at max_followers;"
        " scaled down for accounts younger than young_grace_days."
    )
    Params = FewFollowersParams

    def detect(self, profile: Profile, context: CheckContext, params: FewFollowersParams) -> Detection | None:  # type: ignore[override]
        if profile.followers is None or profile.followers >= params.max_followers:
            return None
        value = _log_shortfall(profile.followers, params.max_followers)
        value *= young_factor(profile, context, params.young_grace_days)
        return Detection({"followers": profile.followers}, value)


class FollowRatioParams(GraceParams):
    min_following: int = Field(default=100, ge=0, le=1_000_000_000)
    min_ratio: float = Field(default=2.0, ge=1.0, le=1_000_000)
    full_ratio: float = Field(default=20.0, gt=1.0, le=1_000_000)

    @field_validator("full_ratio")
    @classmethod
    def _full_above_min(cls, value: float, info: ValidationInfo) -> float:
        if value <= info.data.get("min_ratio", 1.0):
            raise ValueError("must be greater than min_ratio")
        return value


class FollowRatio(Signal):
    code = "activity.follow_ratio"
    description = (
        "Follows many more accounts than follow it back (mass-following to look connected): "
        "none at min_ratio, growing on a log scale to full points at full_ratio."
    )
    Params = FollowRatioParams

    def detect(self, profile: Profile, context: CheckContext, params: FollowRatioParams) -> Detection | None:  # type: ignore[override]
        if profile.following is None or profile.followers is None or profile.following < params.min_following:
            return None
        ratio = profile.following / max(profile.followers, 1)
        if ratio <= params.min_ratio:
            return None
        # Log scale: doubt grows with each multiple, so 6× sits halfway between 2× and 20×.
        strength = min(1.0, math.log(ratio / params.min_ratio) / math.log(params.full_ratio / params.min_ratio))
        strength *= young_factor(profile, context, params.young_grace_days)
        return Detection(
            {"following": profile.following, "followers": profile.followers, "ratio": round(ratio, 1)},
            strength,
        )

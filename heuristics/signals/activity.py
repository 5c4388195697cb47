"""``activity.*``: few posts, few followers, following many more accounts than follow back, and
little activity for an account's age."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from heuristics.campaigns import estimate
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.account import account_created
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


class ActivityFewPostsParams(GraceParams):
    max_posts: int = Field(10, ge=1, le=1_000_000)


class ActivityFewPosts(Signal[ActivityFewPostsParams]):
    code = "activity.few_posts"
    description = (
        "Few or no posts: strongest at zero, fading to none at max_posts;"
        " scaled down for accounts younger than young_grace_days."
    )
    Params = ActivityFewPostsParams

    def detect(self, profile: Profile, context: CheckContext, params: ActivityFewPostsParams) -> Detection | None:
        if profile.posts is None or profile.posts >= params.max_posts:
            return None
        value = _log_shortfall(profile.posts, params.max_posts)
        value *= young_factor(profile, context, params.young_grace_days)
        return Detection({"posts": profile.posts}, value)


class ActivityFewFollowersParams(GraceParams):
    max_followers: int = Field(50, ge=1, le=1_000_000_000)


class ActivityFewFollowers(Signal[ActivityFewFollowersParams]):
    code = "activity.few_followers"
    description = (
        "Few followers: strongest at zero, fading to none at max_followers;"
        " scaled down for accounts younger than young_grace_days."
    )
    Params = ActivityFewFollowersParams

    def detect(self, profile: Profile, context: CheckContext, params: ActivityFewFollowersParams) -> Detection | None:
        if profile.followers is None or profile.followers >= params.max_followers:
            return None
        value = _log_shortfall(profile.followers, params.max_followers)
        value *= young_factor(profile, context, params.young_grace_days)
        return Detection({"followers": profile.followers}, value)


class ActivityFollowRatioParams(GraceParams):
    min_following: int = Field(default=100, ge=0, le=1_000_000_000)
    min_ratio: float = Field(default=2.0, ge=1.0, le=1_000_000)
    full_ratio: float = Field(default=20.0, gt=1.0, le=1_000_000)

    @field_validator("full_ratio")
    @classmethod
    def _full_above_min(cls, value: float, info: ValidationInfo) -> float:
        if value <= info.data.get("min_ratio", 1.0):
            raise ValueError("must be greater than min_ratio")
        return value


class ActivityFollowRatio(Signal[ActivityFollowRatioParams]):
    code = "activity.follow_ratio"
    description = (
        "Follows many more accounts than follow it back (mass-following to look connected): "
        "none at min_ratio, growing on a log scale to full points at full_ratio."
    )
    Params = ActivityFollowRatioParams

    def detect(self, profile: Profile, context: CheckContext, params: ActivityFollowRatioParams) -> Detection | None:
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


class ActivityLowForAgeParams(SignalParams):
    # Older than this the account is judged by its rate; full weight from full_age_days.
    min_age_days: Annotated[int, Field(ge=1, le=36_500)] = 180
    full_age_days: Annotated[int, Field(ge=1, le=36_500)] = 730
    # Posts a year at which it stops firing; strongest at zero (log scale).
    posts_per_year: Annotated[float, Field(gt=0, le=1_000_000)] = 20.0
    # Followers a year of age at which the follower part stops counting.
    followers_per_year: Annotated[float, Field(gt=0, le=1_000_000)] = 10.0


def _shortfall(rate: float, limit: float) -> float:
    return max(0.0, 1.0 - math.log1p(rate) / math.log1p(limit))


class ActivityLowForAge(Signal[ActivityLowForAgeParams]):
    """``activity.low_for_age``: an old account with almost nothing to show for its age — few posts
    a year and few followers. Kept dormant until used, or farmed and sold: a campaign buys accounts
    that are old so that ``account.new`` cannot see them. A new account with no posts is ordinary
    (the activity signals give it grace); an account years old with none is not."""

    code = "activity.low_for_age"
    description = (
        "An account older than min_age_days (full weight at full_age_days) with fewer than posts_per_year posts"
        " a year of its age, and few followers for it: dormant or farmed."
    )
    Params = ActivityLowForAgeParams

    def detect(self, profile: Profile, context: CheckContext, params: ActivityLowForAgeParams) -> Detection | None:
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

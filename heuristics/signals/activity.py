"""Low activity: few posts, few followers, following many more accounts than follow back."""

from __future__ import annotations

import math

from pydantic import Field, ValidationInfo, field_validator

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


def _log_shortfall(value: int, limit: int) -> float:
    """1.0 at zero, fading to 0.0 at ``limit`` on a log scale (1 vs 10 matters more than 91 vs 100)."""
    return max(0.0, 1.0 - math.log1p(value) / math.log1p(limit))


class FewPostsParams(SignalParams):
    max_posts: int = Field(10, ge=1, le=1_000_000)


class FewPosts(Signal):
    code = "activity.few_posts"
    description = "Few or no posts: strongest at zero, fading to none at max_posts."
    Params = FewPostsParams

    def detect(self, profile: Profile, context: CheckContext, params: FewPostsParams) -> Detection | None:  # type: ignore[override]
        if profile.posts is None or profile.posts >= params.max_posts:
            return None
        return Detection({"posts": profile.posts}, _log_shortfall(profile.posts, params.max_posts))


class FewFollowersParams(SignalParams):
    max_followers: int = Field(50, ge=1, le=1_000_000_000)


class FewFollowers(Signal):
    code = "activity.few_followers"
    description = "Few followers: strongest at zero, fading to none at max_followers."
    Params = FewFollowersParams

    def detect(self, profile: Profile, context: CheckContext, params: FewFollowersParams) -> Detection | None:  # type: ignore[override]
        if profile.followers is None or profile.followers >= params.max_followers:
            return None
        return Detection({"followers": profile.followers}, _log_shortfall(profile.followers, params.max_followers))


class FollowRatioParams(SignalParams):
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
        return Detection(
            {"following": profile.following, "followers": profile.followers, "ratio": round(ratio, 1)},
            strength,
        )

"""What the campaign signals share: the check's counts and a strength that grows with them."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from heuristics.campaigns import SERVICE, CampaignCheck, Counts
from heuristics.context import CheckContext
from heuristics.images import AvatarFingerprint
from heuristics.profile import Profile
from heuristics.signals.base import SignalParams


class CountParams(SignalParams):
    """Fires when at least ``min_others`` other accounts share the trait; full strength at
    ``full_others``, on a log scale. Both are above what one anonymous client may add to the
    aggregate (``HARIS_CAMPAIGN_CONTRIBUTIONS``, docs/campaigns.md)."""

    min_others: Annotated[float, Field(ge=1, le=10_000)] = 4
    full_others: Annotated[float, Field(ge=1, le=100_000)] = 20

    @field_validator("full_others")
    @classmethod
    def _full_above_min(cls, value: float, info: ValidationInfo) -> float:
        if value <= info.data.get("min_others", 1):
            raise ValueError("must be greater than min_others")
        return value


def counts(profile: Profile, context: CheckContext) -> Counts:
    check: CampaignCheck = context.service(SERVICE)
    avatar = context.avatar if isinstance(context.avatar, AvatarFingerprint) else None
    return check.counts(profile, context.platform, avatar)


def strength(others: float, params: CountParams) -> float:
    """0 below ``min_others``; from 0.5 there to 1.0 at ``full_others`` (log scale)."""
    if others < params.min_others:
        return 0.0
    span = math.log(params.full_others / params.min_others)
    return min(1.0, 0.5 + 0.5 * math.log(others / params.min_others) / span)

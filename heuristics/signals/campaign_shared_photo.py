"""``campaign.shared_photo`` (formerly ``avatar.reused``): the same photo, or a near-copy, is
shown by several other accounts checked recently.

The count cannot tell the photo's owner from its copies: once a campaign has checked her photo
under made-up ids, her own account shows a "shared" photo too. So an account known to be older
than ``established_days`` is never flagged by this signal: clone and entrapment accounts are new,
and a profile's age comes from the page the person is looking at, which a campaign cannot fake.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.campaigns import SERVICE
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals._campaign import CountParams, counts, strength
from heuristics.signals.avatar_reused import established
from heuristics.signals.base import Signal


class SharedPhotoParams(CountParams):
    established_days: Annotated[int, Field(ge=0, le=36_500)] = 365


class SharedPhoto(Signal):
    code = "campaign.shared_photo"
    description = (
        "At least min_others other accounts checked recently show the same photo or a near-copy; full points at"
        " full_others. Accounts older than established_days are not flagged (the photo's owner looks shared too)."
    )
    needs = frozenset({SERVICE})
    Params = SharedPhotoParams

    def detect(self, profile: Profile, context: CheckContext, params: SharedPhotoParams) -> Detection | None:  # type: ignore[override]
        found = counts(profile, context).family("photo")
        if found is None or established(profile, context, params.established_days):
            return None
        value = strength(found.others, params)
        return Detection({"accounts": round(found.others) + 1}, value) if value > 0 else None

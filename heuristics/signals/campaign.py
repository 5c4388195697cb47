"""``campaign.*``: traces of a coordinated campaign — accounts made together, on one template,
with one photo or bio — counted over other recently checked accounts (:mod:`heuristics.campaigns`,
the ``campaigns`` service: its counts are of the OTHER accounts, read once per check).

- ``campaign.creation_burst``: the account was created within an hour or a day of several other
  accounts checked recently — the trace of accounts made in a batch.

  Aged or repurposed accounts escape it (bought years after they were made, they were made with
  many others unrelated to this campaign's); activists who open accounts together trip it, which
  is why the message says what was seen, not "fake".
- ``campaign.template_name``: the handle follows the same template (letters, then exactly so
  many digits, …) as several other accounts checked recently that were created the same week.
- ``campaign.template_bio``: the bio is a near-copy (MinHash of its 4-grams) of the bios of
  several other accounts checked recently.
- ``campaign.shared_photo`` (formerly ``avatar.reused``): the same photo, or a near-copy, is
  shown by several other accounts checked recently.

  The count cannot tell the photo's owner from its copies: once a campaign has checked her photo
  under made-up ids, her own account shows a "shared" photo too. So an account known to be older
  than ``established_days`` is never flagged by this signal: clone and entrapment accounts are new,
  and a profile's age comes from the page the person is looking at, which a campaign cannot fake.
"""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from heuristics.campaigns import SERVICE, CampaignCheck, Counts, estimate
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.account import established
from heuristics.signals.base import Signal, SignalParams


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
    return check.counts(profile, context.platform, context.avatar)


def strength(others: float, params: CountParams) -> float:
    """0 below ``min_others``; from 0.5 there to 1.0 at ``full_others`` (log scale)."""
    if others < params.min_others:
        return 0.0
    span = math.log(params.full_others / params.min_others)
    return min(1.0, 0.5 + 0.5 * math.log(others / params.min_others) / span)


class CampaignCreationBurstParams(CountParams):
    # An account created within a day (but not an hour) counts 1/day_factor of one within an hour.
    day_factor: Annotated[float, Field(ge=1, le=100)] = 3.0


class CampaignCreationBurst(Signal[CampaignCreationBurstParams]):
    code = "campaign.creation_burst"
    description = (
        "At least min_others other accounts checked recently were created within an hour of this one"
        " (one created within a day counts 1/day_factor); full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CampaignCreationBurstParams

    def detect(self, profile: Profile, context: CheckContext, params: CampaignCreationBurstParams) -> Detection | None:
        found = counts(profile, context)
        hour, day = found.others("hour"), found.others("day")
        # Accounts made within the hour are within the day too: the day adds only those beyond.
        weighted = hour + max(0.0, day - hour) / params.day_factor
        value = strength(weighted, params)
        if value <= 0:
            return None
        window, others = ("hour", hour) if hour >= params.min_others else ("day", max(day, hour))
        evidence: dict[str, object] = {"accounts": round(others) + 1, "window": window}
        created = estimate(profile, context.platform)
        if created is not None:
            evidence.update(created.evidence())
        return Detection(evidence, value)


class CampaignTemplateName(Signal[CountParams]):
    code = "campaign.template_name"
    description = (
        "At least min_others other accounts created the same week and checked recently have a handle of the same"
        " template (e.g. a_0000); full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CountParams

    def detect(self, profile: Profile, context: CheckContext, params: CountParams) -> Detection | None:
        found = counts(profile, context).family("name")
        if found is None:
            return None
        value = strength(found.others, params)
        if value <= 0:
            return None
        evidence = {"accounts": round(found.others) + 1, **found.family.evidence}
        return Detection(evidence, value)


class CampaignTemplateBio(Signal[CountParams]):
    code = "campaign.template_bio"
    description = (
        "At least min_others other accounts checked recently have a near-identical bio; full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CountParams

    def detect(self, profile: Profile, context: CheckContext, params: CountParams) -> Detection | None:
        found = counts(profile, context).family("bio")
        if found is None:
            return None
        value = strength(found.others, params)
        return Detection({"accounts": round(found.others) + 1}, value) if value > 0 else None


class CampaignSharedPhotoParams(CountParams):
    established_days: Annotated[int, Field(ge=0, le=36_500)] = 365


class CampaignSharedPhoto(Signal[CampaignSharedPhotoParams]):
    code = "campaign.shared_photo"
    description = (
        "At least min_others other accounts checked recently show the same photo or a near-copy; full points at"
        " full_others. Accounts older than established_days are not flagged (the photo's owner looks shared too)."
    )
    needs = frozenset({SERVICE})
    Params = CampaignSharedPhotoParams

    def detect(self, profile: Profile, context: CheckContext, params: CampaignSharedPhotoParams) -> Detection | None:
        found = counts(profile, context).family("photo")
        if found is None or established(profile, context, params.established_days):
            return None
        value = strength(found.others, params)
        return Detection({"accounts": round(found.others) + 1}, value) if value > 0 else None

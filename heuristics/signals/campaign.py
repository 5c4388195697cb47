"""``campaign.*``: traces of a coordinated campaign — accounts made together, on one template,
with one photo or bio — counted over other recently checked accounts (:mod:`heuristics.campaigns`,
the ``campaigns`` service: its counts are of the OTHER accounts, read once per check).

- ``campaign.creation_burst``: the account was created within an hour, a day or a week of several
  other accounts checked recently, many more than the accounts checked here from around that time
  would put in such a window — the trace of accounts made in a batch. Measured against the
  background, a burst means the same on a quiet server and a busy one, in a quiet year of the
  platform and a busy one.

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

No signal here flags one of a **protected person's own registered accounts** (the registry's
:meth:`~heuristics.services.ProtectedRegistry.owns`, asked only when a signal would fire). The
counts are of what clients sent, and a client may send made-up accounts around any profile it
has seen: one address adding one an hour puts "accounts" created within minutes of a defender's,
with her bio and photo, into the weeks the counts cover (docs/campaigns.md, "Poisoning and
floods"). For an anonymous check this counts as a registry match (``HARIS_REGISTRY_LIMIT``):
past the limit the check is answered as if nobody were registered, so the silence is no faster
an oracle on the registry than a name is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator

from heuristics.campaigns import SERVICE, CampaignCheck, Counts, estimate
from heuristics.campaigns.traits import SAMPLED
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.account import established, registered_own_account
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


def created(profile: Profile, context: CheckContext) -> float | None:
    """When the account was created, as the creation buckets place it (the check's traits, made
    once per check)."""
    check: CampaignCheck = context.service(SERVICE)
    return check.traits_of(profile, context.platform, context.avatar).created


def strength(others: float, params: CountParams) -> float:
    """0 below ``min_others``; from 0.5 there to 1.0 at ``full_others`` (log scale)."""
    if others < params.min_others:
        return 0.0
    span = math.log(params.full_others / params.min_others)
    return min(1.0, 0.5 + 0.5 * math.log(others / params.min_others) / span)


def family_detection(profile: Profile, context: CheckContext, params: CountParams, family: str) -> Detection | None:
    """The detection of a trait family's count (template_name, template_bio, shared_photo): the
    accounts sharing the trait, this one included, and the family's own evidence."""
    found = counts(profile, context).family(family)
    if found is None:
        return None
    value = strength(found.others, params)
    if value <= 0 or registered_own_account(profile, context):
        return None
    return Detection({"accounts": round(found.others) + 1, **found.family.evidence}, value)


# The levels of campaign.creation_burst: a narrow window measured against the wider one around it.
BURST_LEVELS = (("hour", "day"), ("day", "week"), ("week", "season"))
# A count this large may sit on a saturated counter (one byte each, 255 an epoch): the wider
# count then comes from the sampled twin (traits.BACKGROUND_SAMPLE); past the sample's range too,
# the background is unknown and the level says nothing rather than find bursts in a busy period.
SATURATED_COUNT = 240
# A narrower window is named when its strength is within this of the strongest level's.
NARROWER_TOLERANCE = 0.05


class CampaignCreationBurstParams(SignalParams):
    """A level (hour in its day, day in its week, week in its eight weeks) fires when its count of
    other accounts reaches ``min_others`` (above what one anonymous client may add in any hour:
    docs/campaigns.md) and exceeds the background by ``min_excess`` times; full strength
    at ``full_excess`` times (log scale). The background is what the wider count, spread evenly,
    would put in the narrow window; ``prior_accounts`` is added to both sides of the ratio, so a
    handful of accounts in an empty period is not an "infinite" excess."""

    min_others: Annotated[float, Field(ge=1, le=10_000)] = 3
    min_excess: Annotated[float, Field(gt=1, le=1_000)] = 2.0
    full_excess: Annotated[float, Field(gt=1, le=100_000)] = 30.0
    prior_accounts: Annotated[float, Field(gt=0, le=1_000)] = 1.0

    @field_validator("full_excess")
    @classmethod
    def _full_above_min(cls, value: float, info: ValidationInfo) -> float:
        if value <= info.data.get("min_excess", 1):
            raise ValueError("must be greater than min_excess")
        return value


@dataclass(frozen=True, slots=True)
class Burst:
    """One level's reading: ``others`` in the narrow ``window`` where ``expected`` were."""

    window: str
    others: float
    expected: float
    excess: float


def _span(window: tuple[float, float] | None, now: float) -> tuple[float, float] | None:
    """A window's creation times that can exist (none after the check)."""
    if window is None or window[0] >= now:
        return None
    return window[0], min(window[1], now)


def background(found: Counts, name: str) -> float | None:
    """The count of a wide window: the full count, or where it may be saturated, the larger of it
    and the sampled count scaled up; None when that saturates too."""
    full = found.others(name)
    if full < SATURATED_COUNT:
        return full
    sampled = found.family(name + SAMPLED)
    if sampled is None or sampled.others >= SATURATED_COUNT:
        return None
    return max(full, sampled.others * sampled.family.evidence.get("sample", 1))


def bursts(found: Counts, created: float, now: float, params: CampaignCreationBurstParams) -> list[Burst]:
    """Each level where the narrow count stands out from its background (docs/campaigns.md).

    The background of a narrow window is the wider count less the narrow one, spread evenly over
    the rest of the wider window (times after the check excluded). The widest level is skipped
    when the day of the check cuts the eight weeks short and the account sits in the last third
    of what remains: its later side has not happened yet, and the newest accounts are checked the
    most, so an even spread of the earlier side would understate the background."""
    found_bursts = []
    for narrow_name, wide_name in BURST_LEVELS:
        narrow, wide = found.family(narrow_name), found.family(wide_name)
        if narrow is None or wide is None:
            continue
        others, around = narrow.others, background(found, wide_name)
        inner, outer = _span(narrow.family.window, now), _span(wide.family.window, now)
        if others < params.min_others or around is None or inner is None or outer is None:
            continue
        around = max(around, others)
        cut = wide.family.window is not None and outer[1] < wide.family.window[1]
        if wide_name == "season" and cut and outer[1] - created < (created - outer[0]) / 2:
            continue
        inner_width = max(inner[1] - inner[0], 1.0)
        rest = max(outer[1] - outer[0] - inner_width, inner_width)
        expected = (around - others) * inner_width / rest
        excess = (others + params.prior_accounts) / (expected + params.prior_accounts)
        if excess >= params.min_excess and _reaches(found, narrow_name, others, inner_width, now, params):
            found_bursts.append(Burst(narrow_name, others, expected, excess))
    return found_bursts


def _reaches(found: Counts, narrow_name: str, others: float, width: float, now: float,
             params: CampaignCreationBurstParams) -> bool:  # fmt: skip
    """Whether a burst in the narrow window reaches down to the account: the next narrower count
    is not ``min_excess`` times below what the burst's density would put there. An account made
    three days before a batch shares the batch's week, not its day."""
    below = next((n for n, w in BURST_LEVELS if w == narrow_name), None)
    finer = found.family(below) if below else None
    span = _span(finer.family.window, now) if finer is not None else None
    if finer is None or span is None:
        return True
    density_share = others * max(span[1] - span[0], 1.0) / width
    return (finer.others + params.prior_accounts) * params.min_excess >= density_share + params.prior_accounts


class CampaignCreationBurst(Signal[CampaignCreationBurstParams]):
    code = "campaign.creation_burst"
    description = (
        "At least min_others other accounts checked recently were created within an hour, a day or a week of this"
        " one, at least min_excess times more than the accounts checked here from around that time would put in"
        " such a window; full points at full_excess times (log scale)."
    )
    needs = frozenset({SERVICE})
    Params = CampaignCreationBurstParams

    def detect(self, profile: Profile, context: CheckContext, params: CampaignCreationBurstParams) -> Detection | None:
        found_counts = counts(profile, context)  # first: a store that cannot answer says so
        when = created(profile, context)
        if when is None:
            return None
        found = bursts(found_counts, when, context.now.timestamp(), params)
        if not found or registered_own_account(profile, context):
            return None

        def value(burst: Burst) -> float:
            return min(1.0, math.log(burst.excess) / math.log(params.full_excess))

        # The narrowest window that says (nearly) as much as the strongest: "within an hour" tells
        # more than "within a day" about the same accounts.
        best = max(value(b) for b in found)
        chosen = next(b for b in found if value(b) >= best - NARROWER_TOLERANCE)
        evidence: dict[str, object] = {
            "accounts": round(chosen.others) + 1,
            "window": chosen.window,
            "expected": round(chosen.expected, 1),
        }
        estimated = estimate(profile, context.platform)
        if estimated is not None:
            evidence.update(estimated.evidence())
        return Detection(evidence, value(chosen))


class CampaignTemplateName(Signal[CountParams]):
    code = "campaign.template_name"
    description = (
        "At least min_others other accounts created the same week and checked recently have a handle of the same"
        " template (e.g. a_0000); full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CountParams

    def detect(self, profile: Profile, context: CheckContext, params: CountParams) -> Detection | None:
        return family_detection(profile, context, params, "name")


class CampaignTemplateBio(Signal[CountParams]):
    code = "campaign.template_bio"
    description = (
        "At least min_others other accounts checked recently have a near-identical bio; full points at full_others."
    )
    needs = frozenset({SERVICE})
    Params = CountParams

    def detect(self, profile: Profile, context: CheckContext, params: CountParams) -> Detection | None:
        return family_detection(profile, context, params, "bio")


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
        found = family_detection(profile, context, params, "photo")  # reads the aggregate first, as the others do
        return None if found is None or established(profile, context, params.established_days) else found

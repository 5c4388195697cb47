"""``account.*``: what the account's age and the platform's badge say."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.platforms import created_from_id
from heuristics.profile import Profile
from heuristics.services import PROTECTED, ProtectedRegistry
from heuristics.signals.base import Signal, SignalParams


def account_created(profile: Profile, context: CheckContext) -> tuple[date, str] | None:
    """When the account was created and from what: its id (exact on X) or its join date. Worked
    out once per check (several signals ask; the join date is parsed from its text)."""
    known = context.memo.get(_CREATED)
    if known is not None and known[0] is profile:
        return known[1]
    found = _account_created(profile, context)
    context.memo[_CREATED] = (profile, found)
    return found


_CREATED = "account.created"


def _account_created(profile: Profile, context: CheckContext) -> tuple[date, str] | None:
    created = created_from_id(context.platform, profile.account_id)
    if created is not None:
        return created, "account_id"
    joined = profile.joined_date
    if joined is not None:
        return joined, "joined"
    return None


def established(profile: Profile, context: CheckContext, established_days: int) -> bool:
    """Whether the account is known to be at least ``established_days`` old (0: never)."""
    known = account_created(profile, context)
    return established_days > 0 and known is not None and (context.now.date() - known[0]).days >= established_days


def registered_own_account(profile: Profile, context: CheckContext) -> bool:
    """Whether the profile is one of a protected person's own registered accounts. Signals whose
    evidence others can plant (counts of what clients sent, a bank entry made from a report of
    her stolen photo) ask it, only when they would fire, and then stay silent: their finding
    would flag her real account to everyone. For an anonymous check the registry counts the
    question as a match (``HARIS_REGISTRY_LIMIT``), so the silence is no faster an oracle on the
    registry than a name is."""
    registry: ProtectedRegistry | None = context.services.get(PROTECTED)
    return registry is not None and registry.owns(profile, context.platform)


class AccountNewParams(SignalParams):
    full_days: int = Field(30, ge=0, le=36_500)
    max_days: int = Field(180, ge=1, le=36_500)


class AccountNew(Signal[AccountNewParams]):
    """``account.new``: the account was created recently (from the join date, or from an X id)."""

    code = "account.new"
    description = "Account created recently: full points up to full_days, fading to none at max_days."
    Params = AccountNewParams

    def detect(self, profile: Profile, context: CheckContext, params: AccountNewParams) -> Detection | None:
        known = account_created(profile, context)
        if known is None:
            return None
        created, source = known
        age_days = (context.now.date() - created).days
        if age_days < -2 or age_days >= params.max_days:
            return None  # a join date in the future is bad data, not evidence
        age_days = max(age_days, 0)
        if age_days <= params.full_days:
            strength = 1.0
        else:
            strength = (params.max_days - age_days) / (params.max_days - params.full_days)
        return Detection({"age_days": age_days, "source": source}, strength)


class AccountVerified(Signal[SignalParams]):
    """``account.verified``: the platform vouches for the account. Negative points: it lowers risk."""

    code = "account.verified"
    description = "Platform verification badge (paid badges exist, so keep its weight modest)."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        return Detection({"verified": True}) if profile.verified else None

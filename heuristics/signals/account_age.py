"""``account.new``: the account was created recently (from the join date, or from an X id)."""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.platforms import created_from_id
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class AccountAgeParams(SignalParams):
    full_days: int = 30
    max_days: int = 180


class NewAccount(Signal):
    code = "account.new"
    description = "Account created recently: full points up to full_days, fading to none at max_days."
    Params = AccountAgeParams

    def detect(self, profile: Profile, context: CheckContext, params: AccountAgeParams) -> Detection | None:  # type: ignore[override]
        created = created_from_id(context.platform, profile.account_id)
        source = "account_id"
        if created is None:
            created, source = profile.joined_date, "joined"
        if created is None:
            return None
        age_days = (context.now.date() - created).days
        if age_days < -2 or age_days >= params.max_days:
            return None  # a join date in the future is bad data, not evidence
        age_days = max(age_days, 0)
        if age_days <= params.full_days:
            strength = 1.0
        else:
            strength = (params.max_days - age_days) / (params.max_days - params.full_days)
        return Detection({"age_days": age_days, "source": source}, strength)

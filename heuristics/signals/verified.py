"""``account.verified``: the platform vouches for the account. Negative points: it lowers risk."""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class Verified(Signal):
    code = "account.verified"
    description = "Platform verification badge (paid badges exist, so keep its weight modest)."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        return Detection({"verified": True}) if profile.verified else None

"""``avatar.reused``: the same avatar is shown by several different accounts.

Impersonation and entrapment networks reuse one stolen photo across many accounts. The ``reuse``
service keeps, per avatar, only keyed hashes of the account ids that showed it, for a limited time.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.banks import ReuseCounter
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.images import AvatarFingerprint
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams

MAX_WINDOW_DAYS = 90  # the reuse store keeps observations this long at most


class ReusedParams(SignalParams):
    min_accounts: Annotated[int, Field(ge=2)] = 3
    window_days: Annotated[int, Field(ge=1, le=MAX_WINDOW_DAYS)] = 30
    # Accounts at which the signal reaches full strength.
    full_accounts: Annotated[int, Field(ge=2)] = 6


class AvatarReused(Signal):
    code = "avatar.reused"
    description = (
        "The avatar (or a near-duplicate) was seen on at least min_accounts different accounts in window_days."
    )
    needs = frozenset({"reuse"})
    Params = ReusedParams

    def detect(self, profile: Profile, context: CheckContext, params: ReusedParams) -> Detection | None:  # type: ignore[override]
        if not isinstance(context.avatar, AvatarFingerprint) or not profile.account_id:
            return None
        reuse: ReuseCounter = context.service("reuse")
        account = f"{context.platform.value}:{profile.account_id}"
        count = reuse.observe(context.avatar, account, params.window_days * 86_400)
        if count < params.min_accounts:
            return None
        span = max(params.full_accounts - params.min_accounts, 1)
        strength = 0.5 + 0.5 * min(1.0, (count - params.min_accounts) / span)
        return Detection({"count": count, "window_days": params.window_days}, strength)

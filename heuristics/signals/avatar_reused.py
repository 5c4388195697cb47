"""``avatar.reused``: the same avatar is shown by several different accounts.

Impersonation and entrapment networks reuse one stolen photo across many accounts. The ``reuse``
service keeps, per avatar, only keyed hashes of the account ids that showed it, for a limited time.

The count cannot tell the photo's owner from its copies: once clones of a woman defender's
account exist, or once a campaign has checked her photo under made-up account ids, her own
account shows a "reused" photo too. So an account known to be older than ``established_days`` is
still counted (it helps flag the copies) but never flagged by this signal: clone and entrapment
accounts are new, and a profile's age comes from the page the person is looking at, which a
campaign cannot fake.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.banks import ReuseCounter
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.images import AvatarFingerprint
from heuristics.profile import Profile
from heuristics.signals.account_age import account_created
from heuristics.signals.base import Signal, SignalParams

MAX_WINDOW_DAYS = 90  # the reuse store keeps observations this long at most


class ReusedParams(SignalParams):
    min_accounts: Annotated[int, Field(ge=2, le=10_000)] = 3
    window_days: Annotated[int, Field(ge=1, le=MAX_WINDOW_DAYS)] = 30
    # Accounts at which the signal reaches full strength.
    full_accounts: Annotated[int, Field(ge=2, le=10_000)] = 6
    # An account at least this old (from its id or join date) is not flagged; 0: no exemption.
    established_days: Annotated[int, Field(ge=0, le=36_500)] = 365


class AvatarReused(Signal):
    code = "avatar.reused"
    description = (
        "The avatar (or a near-duplicate) was seen on at least min_accounts different accounts in window_days;"
        " accounts older than established_days are counted but not flagged (the photo's owner looks reused too)."
    )
    needs = frozenset({"reuse"})
    Params = ReusedParams

    def detect(self, profile: Profile, context: CheckContext, params: ReusedParams) -> Detection | None:  # type: ignore[override]
        if not isinstance(context.avatar, AvatarFingerprint) or not profile.account_id:
            return None
        reuse: ReuseCounter = context.service("reuse")
        account = f"{context.platform.value}:{profile.account_id}"
        count = reuse.observe(context.avatar, account, params.window_days * 86_400)
        if count < params.min_accounts or established(profile, context, params.established_days):
            return None
        span = max(params.full_accounts - params.min_accounts, 1)
        strength = 0.5 + 0.5 * min(1.0, (count - params.min_accounts) / span)
        return Detection({"count": count, "window_days": params.window_days}, strength)


def established(profile: Profile, context: CheckContext, established_days: int) -> bool:
    """Whether the account is known to be at least ``established_days`` old (0: never)."""
    known = account_created(profile, context)
    return established_days > 0 and known is not None and (context.now.date() - known[0]).days >= established_days

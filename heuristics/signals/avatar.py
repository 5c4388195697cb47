"""``avatar.*``: what the profile photo says.

- ``avatar.known_bad``: the avatar is a near-duplicate of a photo in a hash bank. Banks are
  trainer-vetted, but a bank entry can still be wrong, or be a campaign's work: a defender's own
  photo reported as an "entrapment" photo would then flag her real account to everyone. As with
  ``avatar.reused``, an account known to be older than ``established_days`` (from its id, or the
  join date the page shows) is not flagged: entrapment accounts are made for the purpose, and the
  owner of a stolen photo is the old account that had it first. Nor is one of a protected person's
  own registered accounts, whatever its age (:func:`~heuristics.signals.account.registered_own_account`):
  the fakes reported with her stolen photo may have put it in a bank before she was registered.
- ``avatar.missing_or_default``: the profile shows no photo of its own. Either the page says there
  is no avatar, or the avatar matches the ``platform-defaults`` bank (silhouettes, initials on a
  colour) when the ``banks`` service is there.
- ``avatar.reused``: the same avatar is shown by several different accounts. Impersonation and
  entrapment networks reuse one stolen photo across many accounts. The ``reuse`` service keeps,
  per avatar, only keyed hashes of the account ids that showed it, for a limited time. The count
  cannot tell the photo's owner from its copies: once clones of a woman defender's account
  exist, or once a campaign has checked her photo under made-up account ids, her own account
  shows a "reused" photo too. So an account known to be older than ``established_days`` is still
  counted (it helps flag the copies) but never flagged by this signal: clone and entrapment
  accounts are new, and a profile's age comes from the page the person is looking at, which a
  campaign cannot fake. A protected person's own registered accounts are never flagged either.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.findings import Detection
from heuristics.images import MATCH_THRESHOLD
from heuristics.profile import Profile
from heuristics.services import BANKS, REUSE, REUSE_MAX_WINDOW_DAYS, BankLookup, ReuseCounter
from heuristics.signals.account import established, registered_own_account
from heuristics.signals.base import Signal, SignalParams


class AvatarKnownBadParams(SignalParams):
    # Operators can demand closer matches than the fingerprint's own threshold (never looser:
    # the index only finds candidates within it).
    max_distance: Annotated[int, Field(ge=0, le=MATCH_THRESHOLD)] = MATCH_THRESHOLD
    # A match at distance 0 counts fully; the strength falls linearly to ``min_strength`` at the
    # match threshold (a looser match is still the same photo, but less certainly).
    min_strength: Annotated[float, Field(ge=0, le=1)] = 0.7
    # An account at least this old (from its id or join date) is not flagged; 0: no exemption.
    established_days: Annotated[int, Field(ge=0, le=36_500)] = 365


class AvatarKnownBad(Signal[AvatarKnownBadParams]):
    code = "avatar.known_bad"
    description = (
        "The avatar matches a bank of known entrapment, stolen or stock photos (evidence: bank, label, distance);"
        " accounts older than established_days are not flagged."
    )
    needs = frozenset({BANKS})
    Params = AvatarKnownBadParams

    def detect(self, profile: Profile, context: CheckContext, params: AvatarKnownBadParams) -> Detection | None:
        if context.avatar is None:
            return None
        banks: BankLookup = context.service(BANKS)
        found = banks.match(context.avatar)
        if found is None or found.distance > params.max_distance:
            return None
        if established(profile, context, params.established_days) or registered_own_account(profile, context):
            return None
        strength = 1.0 - (1.0 - params.min_strength) * found.distance / MATCH_THRESHOLD
        evidence = {"bank": found.entry.bank, "label": found.entry.label.value, "distance": found.distance}
        return Detection(evidence, strength)


class AvatarMissingOrDefault(Signal[SignalParams]):
    code = "avatar.missing_or_default"
    description = "No profile picture, or one matching the platform-defaults bank."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        if profile.has_avatar is False:
            return Detection({"avatar": "missing"})
        banks: BankLookup | None = context.services.get(BANKS)
        if banks is None or context.avatar is None:
            return None
        try:
            found = banks.match(context.avatar, defaults=True)
        except ServiceUnavailable:
            # The missing-avatar half needs no service; the default half is simply not checked.
            return None
        if found is None:
            return None
        return Detection({"avatar": "default", "distance": found.distance})


class AvatarReusedParams(SignalParams):
    min_accounts: Annotated[int, Field(ge=2, le=10_000)] = 3
    window_days: Annotated[int, Field(ge=1, le=REUSE_MAX_WINDOW_DAYS)] = 30
    # Accounts at which the signal reaches full strength.
    full_accounts: Annotated[int, Field(ge=2, le=10_000)] = 6
    # An account at least this old (from its id or join date) is not flagged; 0: no exemption.
    established_days: Annotated[int, Field(ge=0, le=36_500)] = 365


class AvatarReused(Signal[AvatarReusedParams]):
    code = "avatar.reused"
    description = (
        "The avatar (or a near-duplicate) was seen on at least min_accounts different accounts in window_days;"
        " accounts older than established_days are counted but not flagged (the photo's owner looks reused too)."
    )
    needs = frozenset({REUSE})
    Params = AvatarReusedParams

    def detect(self, profile: Profile, context: CheckContext, params: AvatarReusedParams) -> Detection | None:
        if context.avatar is None or not profile.account_id:
            return None
        reuse: ReuseCounter = context.service(REUSE)
        account = f"{context.platform.value}:{profile.account_id}"
        count = reuse.observe(context.avatar, account, params.window_days * 86_400)
        if count < params.min_accounts or established(profile, context, params.established_days):
            return None
        if registered_own_account(profile, context):
            return None
        span = max(params.full_accounts - params.min_accounts, 1)
        strength = 0.5 + 0.5 * min(1.0, (count - params.min_accounts) / span)
        return Detection({"count": count, "window_days": params.window_days}, strength)

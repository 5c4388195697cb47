"""``avatar.missing_or_default``: the profile shows no photo of its own.

Either the page says there is no avatar, or the avatar matches the ``platform-defaults`` bank
(silhouettes, initials on a colour) when the ``banks`` service is there.
"""

from __future__ import annotations

from heuristics.banks import BankLookup
from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.findings import Detection
from heuristics.images import AvatarFingerprint
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class AvatarMissing(Signal):
    code = "avatar.missing_or_default"
    description = "No profile picture, or one matching the platform-defaults bank."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        if profile.has_avatar is False:
            return Detection({"avatar": "missing"})
        banks: BankLookup | None = context.services.get("banks")
        if banks is None or not isinstance(context.avatar, AvatarFingerprint):
            return None
        try:
            found = banks.match(context.avatar, defaults=True)
        except ServiceUnavailable:
            # The missing-avatar half needs no service; the default half is simply not checked.
            return None
        if found is None:
            return None
        return Detection({"avatar": "default", "distance": found.distance})

"""``avatar.missing_or_default``: the profile shows no photo of its own."""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class AvatarMissing(Signal):
    code = "avatar.missing_or_default"
    description = "No profile picture (or the platform's default silhouette)."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        if profile.has_avatar is False:
            return Detection({"avatar": "missing"})
        return None

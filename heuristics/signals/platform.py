"""``platform.*``: what the platform itself says about the account.

``platform.labelled_scam``: the platform marks the account SCAM or FAKE (Telegram).
"""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class PlatformLabelledScam(Signal[SignalParams]):
    code = "platform.labelled_scam"
    description = "The platform's own SCAM/FAKE label next to the name: a verdict it reached on reports."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        return Detection({"label": profile.platform_label.value}) if profile.platform_label else None

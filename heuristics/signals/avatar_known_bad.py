"""``avatar.known_bad``: the avatar is a near-duplicate of a photo in a hash bank."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.banks import BankLookup
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams


class KnownBadParams(SignalParams):
    # Operators can demand closer matches than the fingerprint's own threshold (never looser:
    # the index only finds candidates within it).
    max_distance: Annotated[int, Field(ge=0, le=MATCH_THRESHOLD)] = MATCH_THRESHOLD
    # A match at distance 0 counts fully; the strength falls linearly to ``min_strength`` at the
    # match threshold (a looser match is still the same photo, but less certainly).
    min_strength: float = 0.7


class AvatarKnownBad(Signal):
    code = "avatar.known_bad"
    description = (
        "The avatar matches a bank of known entrapment, stolen or stock photos (evidence: bank, label, distance)."
    )
    needs = frozenset({"banks"})
    Params = KnownBadParams

    def detect(self, profile: Profile, context: CheckContext, params: KnownBadParams) -> Detection | None:  # type: ignore[override]
        if not isinstance(context.avatar, AvatarFingerprint):
            return None
        banks: BankLookup = context.service("banks")
        found = banks.match(context.avatar)
        if found is None or found.distance > params.max_distance:
            return None
        strength = 1.0 - (1.0 - params.min_strength) * found.distance / MATCH_THRESHOLD
        evidence = {"bank": found.entry.bank, "label": found.entry.label.value, "distance": found.distance}
        return Detection(evidence, strength)

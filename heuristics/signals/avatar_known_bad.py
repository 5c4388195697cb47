"""``avatar.known_bad``: the avatar is a near-duplicate of a photo in a hash bank.

Banks are trainer-vetted, but a bank entry can still be wrong, or be a campaign's work: a
defender's own photo reported as an "entrapment" photo would then flag her real account to
everyone. As with ``avatar.reused``, an account known to be older than ``established_days`` (from
its id, or the join date the page shows) is not flagged: entrapment accounts are made for the
purpose, and the owner of a stolen photo is the old account that had it first.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from heuristics.banks import BankLookup
from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.profile import Profile
from heuristics.signals.avatar_reused import established
from heuristics.signals.base import Signal, SignalParams


class KnownBadParams(SignalParams):
    # Operators can demand closer matches than the fingerprint's own threshold (never looser:
    # the index only finds candidates within it).
    max_distance: Annotated[int, Field(ge=0, le=MATCH_THRESHOLD)] = MATCH_THRESHOLD
    # A match at distance 0 counts fully; the strength falls linearly to ``min_strength`` at the
    # match threshold (a looser match is still the same photo, but less certainly).
    min_strength: Annotated[float, Field(ge=0, le=1)] = 0.7
    # An account at least this old (from its id or join date) is not flagged; 0: no exemption.
    established_days: Annotated[int, Field(ge=0, le=36_500)] = 365


class AvatarKnownBad(Signal):
    code = "avatar.known_bad"
    description = (
        "The avatar matches a bank of known entrapment, stolen or stock photos (evidence: bank, label, distance);"
        " accounts older than established_days are not flagged."
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
        if established(profile, context, params.established_days):
            return None
        strength = 1.0 - (1.0 - params.min_strength) * found.distance / MATCH_THRESHOLD
        evidence = {"bank": found.entry.bank, "label": found.entry.label.value, "distance": found.distance}
        return Detection(evidence, strength)

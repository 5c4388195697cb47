"""What the impersonation signals share: the name threshold, whether a profile *is* the account
it resembles, and the strength of a finding.

A name match alone fires the finding at ``name_strength``; the checked photo matching the
person's photo adds ``avatar_boost`` (evidence ``avatar_distance``). The photo alone, under another
name, fires at ``name_strength`` too: a friend's photo on a stranger's account is the entrapment
pattern itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from heuristics.context import CheckContext
from heuristics.matching import best_match
from heuristics.profile import Platform, Profile
from heuristics.signals.base import SignalParams


class ImpersonationParams(SignalParams):
    min_similarity: float = Field(0.92, gt=0, le=1, description="Name similarity (0–1) that counts as a match.")
    name_strength: float = Field(0.8, gt=0, le=1, description="Strength of a finding on the name alone.")
    avatar_boost: float = Field(0.2, ge=0, le=1, description="Added to the strength when the avatar matches too.")


def strength(params: ImpersonationParams, avatar_matches: bool = False) -> float:
    """A name match alone gives ``name_strength``; a matching avatar adds ``avatar_boost``.

    Evidence key ``avatar_distance`` carries the photo match."""
    return min(1.0, params.name_strength + (params.avatar_boost if avatar_matches else 0.0))


def clean_handle(handle: str | None) -> str:
    return (handle or "").strip().lstrip("@").casefold()


def is_same_account(
    profile: Profile, platform: Platform, accounts: Iterable[tuple[Platform | None, str | None, str | None]]
) -> bool:
    """True when the checked profile is one of ``accounts`` ((platform, account_id, handle) each)
    on the same platform (or no platform given): the same account id when both ids are known —
    only the id then, since X, Instagram and Telegram give a released handle to anyone who asks,
    and a clone holding the old handle is not the person — else the same handle."""
    handle = clean_handle(profile.handle)
    for account_platform, account_id, account_handle in accounts:
        if account_platform not in (None, platform, Platform.OTHER) and platform is not Platform.OTHER:
            continue
        if profile.account_id and account_id:
            if profile.account_id == account_id:
                return True
        elif handle and handle == clean_handle(account_handle):
            return True
    return False


def names_of(profile: Profile) -> list[str]:
    """The names a profile shows, display name first."""
    return [name for name in (profile.display_name, profile.handle) if name and name.strip()]


def avatar_distance(context: CheckContext, hashes: Iterable[str | None]) -> int | None:
    """Phash distance from the checked avatar to the closest of ``hashes`` that it matches (both
    stages of :mod:`heuristics.matching`: a candidate, confirmed), else None."""
    if context.avatar is None:
        return None
    found = best_match(context.avatar, list(hashes))
    return None if found is None else found.distance

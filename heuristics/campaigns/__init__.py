"""Coordinated campaigns: accounts made together, on one template, with one photo or bio.

- :mod:`~heuristics.campaigns.creation` — when an account was created, from its id or join date.
- :mod:`~heuristics.campaigns.traits` — the traits a campaign's accounts share, as keys.
- :mod:`~heuristics.campaigns.aggregate` — counting other recently checked accounts per trait,
  in a store that cannot confirm which accounts were checked.

Signals see one check through :class:`CampaignCheck` (the ``campaigns`` service): its counts are
read once per check, before the check adds itself (``contribute``), so a count is always of the
OTHER accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from heuristics.campaigns.aggregate import (
    AggregateSettings,
    CampaignAggregate,
    CellStore,
    Counts,
    FamilyCount,
    MemoryCellStore,
)
from heuristics.campaigns.creation import CreationEstimate, estimate
from heuristics.campaigns.traits import Traits, traits
from heuristics.images import AvatarFingerprint
from heuristics.profile import Platform, Profile

SERVICE = "campaigns"


class Contributions(Protocol):
    """Where a check's contribution goes: the aggregate itself (written at once), or a holder that
    writes it later (the server's ``HeldContributions``). Whether the account was added now."""

    def contribute(self, traits: Traits) -> bool: ...


@dataclass
class CampaignCheck:
    """One check's view of the aggregate: counts read at most once, then one contribution, through
    ``contributions`` (default: the aggregate, at once)."""

    aggregate: CampaignAggregate
    contributions: Contributions | None = None
    _traits: Traits | None = None
    _counts: Counts | None = None
    _key: tuple[Profile, Platform, object] | None = field(default=None, repr=False)

    def traits_of(self, profile: Profile, platform: Platform, avatar: AvatarFingerprint | None) -> Traits:
        key = (profile, platform, avatar)
        if self._traits is None or self._key != key:
            self._traits, self._counts, self._key = traits(profile, platform, avatar), None, key
        return self._traits

    def counts(self, profile: Profile, platform: Platform, avatar: AvatarFingerprint | None) -> Counts:
        found = self.traits_of(profile, platform, avatar)
        if self._counts is None:
            self._counts = self.aggregate.lookup(found)
        return self._counts

    def may_add(self, profile: Profile, platform: Platform, avatar: AvatarFingerprint | None) -> bool:
        """Whether ``contribute`` could add this account, from what this check has already read:
        False when the account has no id or no trait to count (``contribute`` adds nothing: an
        anonymous client's hourly allowance, and its /48's, were spent on it, and the client's
        next check that could add lost its place) or when its counts found the account's seen bit
        set (``Counts.maybe_counted``; a contribution would change nothing, so no allowance need be
        spent on it); True when they did not, or were not read (the campaign signals disabled or
        unavailable)."""
        found = self.traits_of(profile, platform, avatar)
        if found.account is None or not found.families:
            return False
        return self._counts is None or not self._counts.maybe_counted

    def contribute(self, profile: Profile, platform: Platform, avatar: AvatarFingerprint | None) -> bool:
        return (self.contributions or self.aggregate).contribute(self.traits_of(profile, platform, avatar))


__all__ = [
    "SERVICE",
    "AggregateSettings",
    "CampaignAggregate",
    "CampaignCheck",
    "CellStore",
    "Contributions",
    "Counts",
    "CreationEstimate",
    "FamilyCount",
    "MemoryCellStore",
    "Traits",
    "estimate",
    "traits",
]

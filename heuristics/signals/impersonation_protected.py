"""``impersonation.protected_person``: the profile's name matches a person a trainer registered as
protected (a known defender, a frequent target of clones), but it is none of their accounts.

The registry is the ``protected`` service of the check context (the server keeps it in Redis and
an in-memory name index per worker); it raises ``ServiceUnavailable`` when it cannot answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.images import AvatarFingerprint
from heuristics.names import NameSimilarity
from heuristics.profile import Platform, Profile
from heuristics.signals._impersonation import (
    ImpersonationParams,
    avatar_distance,
    is_same_account,
    names_of,
    strength,
)
from heuristics.signals.base import Signal, SignalParams

SERVICE = "protected"


@dataclass(frozen=True, slots=True)
class ProtectedMatch:
    """A protected person whose registered name matched, and their genuine accounts."""

    person_id: str
    name: str
    similarity: NameSimilarity | None  # None when listed for photo matching only
    accounts: tuple[tuple[Platform | None, str | None, str | None], ...]  # (platform, account_id, handle)
    avatar_hashes: tuple[str, ...] = ()


class ProtectedRegistry(Protocol):
    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        """Protected people with a name at least ``min_similarity`` alike, best first."""
        ...

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        """Protected people with a registered photo matching ``fingerprint`` (both stages of
        :mod:`heuristics.matching`), with the phash distance, closest first (one per person)."""
        ...


class ImpersonatesProtectedPerson(Signal):
    code = "impersonation.protected_person"
    description = "Name matches a protected person registered by a trainer, but the account is none of theirs."
    needs = frozenset({SERVICE})
    Params = ImpersonationParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        assert isinstance(params, ImpersonationParams)
        registry: ProtectedRegistry = context.service(SERVICE)
        best: ProtectedMatch | None = None
        for name in names_of(profile):
            for match in registry.match(name, params.min_similarity):
                if is_same_account(profile, context.platform, match.accounts):
                    return None  # the person's own account
                if best is None or match.similarity.score > best.similarity.score:
                    best = match
        if best is not None:
            evidence = {"protected_person": best.name, "protected_id": best.person_id, **best.similarity.evidence()}
            distance = avatar_distance(context, best.avatar_hashes)
            if distance is not None:
                evidence["avatar_distance"] = distance
            return Detection(evidence, strength=strength(params, avatar_matches=distance is not None))
        return self._photo_only(profile, context, registry, params)

    @staticmethod
    def _photo_only(
        profile: Profile, context: CheckContext, registry: ProtectedRegistry, params: ImpersonationParams
    ) -> Detection | None:
        """A protected person's photo on an account that is none of theirs, whatever its name."""
        if context.avatar is None:
            return None
        found = (
            (distance, person)
            for distance, person in registry.photo_matches(context.avatar)
            if not is_same_account(profile, context.platform, person.accounts)
        )
        closest = next(found, None)
        if closest is None:
            return None
        distance, person = closest
        evidence = {
            "protected_person": person.name,
            "protected_id": person.person_id,
            "name_similarity": 0.0,
            "avatar_distance": distance,
        }
        return Detection(evidence, strength=strength(params))

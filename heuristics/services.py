"""The library ↔ server contract on one page: the services a check may call, by name, and what
they answer.

The library scores a profile without Flask or Redis. Three signals need state that only a server
has: photos trainers banked as known-bad (:data:`BANKS`), how many accounts recently showed the
same photo (:data:`REUSE`), and the people trainers registered as protected (:data:`PROTECTED`).
A server puts objects implementing these protocols in ``CheckContext.services`` under these
names (Haris's own are in ``server/lookups``). A signal names the services it needs
(``Signal.needs``); when one is missing, or raises :class:`~heuristics.context.ServiceUnavailable`,
the engine lists the signal as unavailable rather than treating it as clean.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from heuristics.banks import BankMatch
from heuristics.images import AvatarFingerprint
from heuristics.names import NameSimilarity
from heuristics.profile import Platform, Profile

BANKS = "banks"
REUSE = "reuse"
PROTECTED = "protected"

# The longest window ``avatar.reused`` may count over: a reuse store keeps observations this long at most.
REUSE_MAX_WINDOW_DAYS = 90


class BankLookup(Protocol):
    """The ``banks`` service."""

    def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> BankMatch | None:
        """The closest entry within the match threshold: of the defaults bank if ``defaults``,
        else of every other bank."""
        ...


class ReuseCounter(Protocol):
    """The ``reuse`` service."""

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        """Record that ``account`` (``platform:account_id``) shows this avatar; return how many
        distinct accounts showed it (or a near-duplicate) within the window, this one included."""
        ...


# One genuine account of a person: (platform, account id, handle); either of the last two may be None.
Account = tuple[Platform | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class ProtectedMatch:
    """A protected person whose registered name (or photo) matched, and their genuine accounts."""

    person_id: str
    name: str
    similarity: NameSimilarity | None  # None when found by photo
    accounts: tuple[Account, ...]
    avatar_hashes: tuple[str, ...] = ()


class ProtectedRegistry(Protocol):
    """The ``protected`` service."""

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        """Protected people with a name at least ``min_similarity`` alike, best first."""
        ...

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        """Protected people with a registered photo within the match threshold of ``fingerprint``,
        with that distance, closest first (one entry per person)."""
        ...

    def owns(self, profile: Profile, platform: Platform) -> bool:
        """Whether ``profile`` is one of a protected person's own registered accounts (the rule of
        :func:`heuristics.signals.impersonation.is_same_account`)."""
        ...

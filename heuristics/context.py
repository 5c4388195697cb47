"""Everything a check knows besides the profile: time, the user's contacts, the avatar, and
lookups into shared state that the server provides (hash banks, protected people, reuse counts).

The library only knows these services by name and protocol (:mod:`heuristics.services`); the
server registers objects for them. A signal
declares the services it ``needs``; when one is missing the engine lists the signal as
unavailable instead of silently treating it as clean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from heuristics.profile import Contact, Platform

if TYPE_CHECKING:  # images imports numpy and Pillow; a context needs only the type
    from heuristics.images import AvatarFingerprint


class ServiceUnavailable(Exception):
    """Raised by a service when its backing store cannot answer right now."""


@dataclass(frozen=True)
class CheckContext:
    platform: Platform = Platform.OTHER
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    contacts: Sequence[Contact] = ()
    # The checked avatar's fingerprint, when the client sent one.
    avatar: AvatarFingerprint | None = None
    # The server's objects for heuristics.services, by name.
    services: Mapping[str, Any] = field(default_factory=dict)
    # What signals work out from the profile and share within this check, by name (a profile's
    # creation date: heuristics.signals.account.account_created), each with the profile it is of.
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def service(self, name: str) -> Any:
        return self.services[name]

"""Everything a check knows besides the profile: time, the user's contacts, the avatar, and
lookups into shared state that the server provides (hash banks, protected people, reuse counts).

The library only knows these services by name; the server registers objects for them. A signal
declares the services it ``needs``; when one is missing the engine lists the signal as
unavailable instead of silently treating it as clean.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from heuristics.profile import Contact, Platform


class ServiceUnavailable(Exception):
    """Raised by a service when its backing store cannot answer right now."""


@dataclass(frozen=True)
class CheckContext:
    platform: Platform = Platform.OTHER
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    contacts: Sequence[Contact] = ()
    # The checked avatar's fingerprint (see heuristics.images), when the client sent one.
    avatar: Any | None = None
    services: Mapping[str, Any] = field(default_factory=dict)

    def service(self, name: str) -> Any:
        return self.services[name]

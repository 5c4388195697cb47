"""What the API, the console and the CLI do, one function per operation.

Routes read a request and call one of these; so do console pages and CLI commands, so an
operation is checked, stored and audited the same way whichever door it came through. Services
take plain values (validated bodies, an :class:`Actor`) and never a request; they reach Redis
through ``server.storage.stores()`` and raise :class:`~server.web.errors.APIError` with a stable
code for what a caller got wrong. A Redis failure is not caught here: each door answers it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Actor:
    """Who acts: a console username, ``key:<label>`` for an API key, or ``cli``; their role; and
    the door they used. The audit trail records the name."""

    name: str
    role: str
    door: Literal["console", "api", "cli"]

    @property
    def label(self) -> str:
        """The name without the API's ``key:`` prefix: a key's label, a username, ``cli`` (what a
        record's ``created_by`` keeps)."""
        return self.name.removeprefix("key:")


CLI_ACTOR = Actor("cli", "maintainer", "cli")

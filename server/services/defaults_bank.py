"""Who may write the ``platform-defaults`` bank: maintainers only, from every door.

A picture in that bank silences every bank entry and every protected person's registered photo
that it confirms against at check time (``server.lookups.banks.best_match``,
``server.lookups.protected.ProtectedLookup.photo_matches``) and refuses new ones (422
``common_picture``); a picture taken out of it lets the next bank entry of it flag everyone who
shows it. Whoever writes it decides what the other banks may say, so it is written by those who
publish the rules. Reading and exporting it stay a trainer's.
"""

from __future__ import annotations

from heuristics.banks import DEFAULTS_BANK
from server.roles import Role, role_grants
from server.services import Actor
from server.web.errors import APIError

# The stable reason of a write to the defaults bank by someone who is not a maintainer (the code is
# the API's ``forbidden``, as for any role a key lacks).
DEFAULTS_MAINTAINER_ONLY = "defaults_maintainer_only"


def may_write_bank(bank: str, role: Role | str) -> bool:
    """Whether someone holding ``role`` may add to, import into or remove from ``bank``: anyone
    with a trainer's role, but only a maintainer for the defaults bank (module docstring). The
    console asks it to leave that bank out of a trainer's forms."""
    return bank != DEFAULTS_BANK or role_grants(Role(role), Role.MAINTAINER)


def refuse_defaults_write(bank: str, actor: Actor) -> None:
    """403 ``forbidden`` (reason ``defaults_maintainer_only``) when ``actor`` may not write ``bank``
    (:func:`may_write_bank`). Every write of every door asks this (add, import, remove, a report
    confirmed into a bank), before any work."""
    if not may_write_bank(bank, actor.role):
        raise APIError(
            403,
            "forbidden",
            f"Only a maintainer may change the {DEFAULTS_BANK} bank: its pictures silence every other bank.",
            "bank",
            reason=DEFAULTS_MAINTAINER_ONLY,
        )

"""Who may do what: the two roles of API keys and console accounts."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    TRAINER = "trainer"
    MAINTAINER = "maintainer"


# A maintainer can do everything a trainer can.
_GRANTS = {Role.TRAINER: {Role.TRAINER}, Role.MAINTAINER: {Role.TRAINER, Role.MAINTAINER}}


def role_grants(held: Role, needed: Role) -> bool:
    """Whether someone holding ``held`` may do what needs ``needed``."""
    return needed in _GRANTS[held]

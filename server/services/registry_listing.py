"""The registry's listing, a page at a time, counted against the reader's
``HARIS_REGISTRY_LIST_LIMIT``: what ``GET /v1/protected`` and the console's list both call.

Every page is audited (``protected.listed``), but audited is not bounded: a stolen trainer key or
console password paged through everyone registered — names, accounts, photo fingerprints, the
list of targets — in minutes. So each trainer (a console account, or an API key by its label;
never an address: a thief has many) may be shown at most ``HARIS_REGISTRY_LIST_LIMIT`` distinct
people in any hour (a moving window across the hourly pepper, as ``HARIS_PROTECTED_MATCH_LIMIT``).

What is counted is people shown, not pages or requests: a page size could not change what a key
reads, and a person shown again within the clock hour counts once. The console sends her back
to the list after every save; a workshop registering twenty defenders in an hour sees the same
first page twenty times and spends it once. One person's record (``GET /v1/protected/{id}``, her
edit page) is a person shown too (:func:`person`). Maintainers are counted as trainers are: a
stolen maintainer key reads as much of the registry, and more besides.

Before any read, the allowance is asked whether it has room: once used up, every listing
request of hers is refused, 429 ``protected_list_limited`` with ``Retry-After``, the registry
unread, and the refusal audited once (``protected.list_refused``, target ``registry``: no person,
no cursor). The page that uses it up is shown in full: the limit is passed by one page at most
(and by pages read concurrently with it). Fails closed (503 ``limiter_unavailable``) when the
limiter store cannot say or count: what she is shown must be counted.
"""

from __future__ import annotations

from server.services import Actor, protected
from server.state import app_state
from server.storage.protected import ProtectedPerson
from server.web.errors import RetryLater
from server.web.limits import limits

REFUSED = "protected.list_refused"


class ListingLimited(RetryLater):
    """The trainer has been shown ``HARIS_REGISTRY_LIST_LIMIT`` protected people by the listing in
    the window: 429 ``protected_list_limited`` with ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "protected_list_limited",
            "The listing has shown this key as many protected people as an hour allows; retry later.",
            retry_after,
        )


def page(actor: Actor, after: str | None = None) -> tuple[list[ProtectedPerson], str | None]:
    """:func:`server.services.protected.people_page` for ``actor``, within her allowance (module
    docstring): :class:`ListingLimited` once it is used up; else the page, whose people not yet
    shown to her this hour are counted against it."""
    _refuse_when_used_up(actor)
    found, following = protected.people_page(actor, after)
    _count(actor, [person.id for person in found])
    return found, following


def person(person_id: str, actor: Actor) -> ProtectedPerson | None:
    """:func:`server.services.protected.person` (``GET /v1/protected/{id}``, her edit page) within
    the same allowance: one person shown is one person shown. Ids are found elsewhere than in the
    listing — the audit page (maintainers) names everyone registered in the year, by id — and
    opened one by one they read the registry, unbounded. A person the listing or her page
    already showed ``actor`` this clock hour is shown again whatever the allowance (her Edit
    link on a page just listed stays open); one new to her is refused once it is used up, and
    counted when shown."""
    if not limits().listed_this_hour(actor.name, person_id):
        _refuse_when_used_up(actor)
    found = protected.person(person_id, actor)
    if found is not None:
        _count(actor, [found.id])
    return found


def _refuse_when_used_up(actor: Actor) -> None:
    """:class:`ListingLimited` once ``actor``'s allowance is used up, the refusal audited."""
    standing = limits().protected_listing_of(actor.name).standing()
    if standing is not None and standing.used_up:
        app_state().stores.audit.record(actor.name, REFUSED, "registry")
        raise ListingLimited(standing.retry_after)


def _count(actor: Actor, shown: list[str]) -> None:
    """Count the people in ``shown`` not yet shown to ``actor`` this clock hour (each marked)."""
    fresh = limits().newly_listed(actor.name, shown)
    limits().protected_listing_of(actor.name).charge(fresh, refuse=False)

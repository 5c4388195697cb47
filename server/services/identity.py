"""Which account a report, a bank entry or a case names, checked before it is kept or acted on.

The adversary files reports. A report's URL may point at another account than the one it names
(``server.escalation.account_url``), and the account it names may be a protected person's own:
a campaign reports her genuine account as a fake so that a trainer confirms it, banks it or
files a takedown of it. Reports keep what they say (a trainer reads them); a case — whose notice
asks a platform to remove the account — and a bank entry — exported to partners as a bad
account's — refuse both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from heuristics.context import ServiceUnavailable
from heuristics.platforms import handle_from_url
from heuristics.profile import Platform, Profile
from server.escalation.account_url import handle_problem, problem_text, url_problem
from server.web.errors import APIError


def refuse_wrong_url(
    url: str | None, platform: Platform, handle: str | None, account_id: str | None, field: str
) -> None:
    """422 when ``url`` is not the address of the account (handle, account id) on ``platform``."""
    problem = url_problem(url, platform, handle, account_id, names_account=True)
    if problem is not None:
        message = f"The profile URL {problem_text(problem, platform)}."
        raise APIError(422, "invalid_value", message, field, reason=problem)


def refuse_impossible_handle(url: str | None, platform: Platform, handle: str | None, field: str) -> None:
    """422 when the handle, or the URL's (``<field>.handle``, ``<field>.profile_url``), is no
    handle the platform allows (a look-alike letter, a bidi control): the account named does not
    exist, and the one it reads as does."""
    for named, where in ((handle, "handle"), (handle_from_url(url), "profile_url")):
        problem = handle_problem(named, platform)
        if problem is not None:
            message = f"The handle {problem_text(problem, platform)}."
            raise APIError(422, "invalid_value", message, f"{field}.{where}", reason=problem)


def _read_registry(registry: Any, profile: Profile, read: Callable[[Any], Any], nothing: Any) -> Any:
    """``read(registry)``, or ``nothing`` when there is no registry or no account to look up; 503
    when the registry cannot be read: an answer of "no" would let the takedown through."""
    if registry is None or not (profile.account_id or profile.handle):
        return nothing
    try:
        return read(registry)
    except ServiceUnavailable:
        raise APIError(503, "storage_unavailable", "The protected-people registry cannot be checked now.") from None


def protected_owner(registry: Any, profile: Profile, platform: Platform) -> bool:
    """Whether ``profile`` is one of a protected person's registered accounts on ``platform``
    (``registry``: the ``protected`` lookup, None when the server has none). 503 when the
    registry cannot be read."""
    return bool(_read_registry(registry, profile, lambda r: r.owns(profile, platform), False))


def protected_owners(registry: Any, profile: Profile, platform: Platform) -> list[str]:
    """The ids of the protected people whose registered account ``profile`` is (none: not one);
    for a privileged page, which audits the read. 503 as :func:`protected_owner`."""
    return list(_read_registry(registry, profile, lambda r: r.owners(profile, platform), []))


def refuse_protected_account(registry: Any, profile: Profile, platform: Platform, field: str) -> None:
    """409 ``account_is_protected`` when ``profile`` is a protected person's own registered account."""
    if protected_owner(registry, profile, platform):
        raise APIError(
            409,
            "account_is_protected",
            "This account is a protected person's own registered account; it is not the impersonator.",
            field,
            reason="account_is_protected",
        )

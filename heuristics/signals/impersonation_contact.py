"""``impersonation.contact``: the profile's name matches one of the user's trusted contacts (sent
with this check only), but it is not that contact's account.

The profile's display name and handle are compared with each contact's display name and handle
(a clone often copies the handle with one character changed: ``mo.saleh`` → ``mo_saleh1``).
"""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.names import NameIndex
from heuristics.profile import Contact, Profile
from heuristics.signals._impersonation import (
    ImpersonationParams,
    avatar_distance,
    is_same_account,
    names_of,
    strength,
)
from heuristics.signals.base import Signal, SignalParams


def _contact_names(contacts: list[Contact]) -> list[tuple[str, str]]:
    """(contact number, name) for every display name and handle of the contacts."""
    return [
        (str(number), name)
        for number, contact in enumerate(contacts)
        for name in (contact.display_name, contact.handle)
        if name and name.strip()
    ]


class ImpersonatesContact(Signal):
    code = "impersonation.contact"
    description = "Name matches a trusted contact of the user (any script or spelling) but the account is not theirs."
    Params = ImpersonationParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        assert isinstance(params, ImpersonationParams)
        contacts = list(context.contacts)
        if not contacts:
            return None
        names = names_of(profile)
        entries = _contact_names(contacts)
        best = None
        if names and entries:
            index = NameIndex(entries)
            for name in names:
                for match in index.search(name, params.min_similarity, limit=len(contacts)):
                    contact = contacts[int(match.key)]
                    if _is_contact(profile, context, contact):
                        # The profile is this contact (or one of several contacts with that name).
                        return None
                    if best is None or match.similarity.score > best[1].similarity.score:
                        best = (contact, match)
        if best is not None:
            contact, match = best
            evidence = {"contact": contact.display_name or match.name, **match.similarity.evidence()}
            distance = avatar_distance(context, [contact.avatar_hash])
            if distance is not None:
                evidence["avatar_distance"] = distance
            return Detection(evidence, strength=strength(params, avatar_matches=distance is not None))
        return _photo_only(profile, context, contacts, params)


def _is_contact(profile: Profile, context: CheckContext, contact: Contact) -> bool:
    return is_same_account(profile, context.platform, [(contact.platform, contact.account_id, contact.handle)])


def _photo_only(
    profile: Profile, context: CheckContext, contacts: list[Contact], params: ImpersonationParams
) -> Detection | None:
    """A contact's photo on an account that is not theirs, whatever name it shows."""
    others = [c for c in contacts if c.avatar_hash and not _is_contact(profile, context, c)]
    if context.avatar is None or not others:
        return None
    distances = [avatar_distance(context, [c.avatar_hash]) for c in others]
    found = [(d, c) for d, c in zip(distances, others, strict=True) if d is not None]
    if not found:
        return None
    distance, contact = min(found, key=lambda pair: pair[0])
    evidence = {
        "contact": contact.display_name or contact.handle or "",
        "name_similarity": 0.0,
        "avatar_distance": distance,
    }
    return Detection(evidence, strength=strength(params))

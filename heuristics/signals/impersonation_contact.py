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
from heuristics.signals._impersonation import ImpersonationParams, is_same_account, names_of, strength
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
        names = names_of(profile)
        contacts = list(context.contacts)
        entries = _contact_names(contacts)
        if not names or not entries:
            return None
        index = NameIndex(entries)
        best = None
        for name in names:
            for match in index.search(name, params.min_similarity, limit=len(contacts)):
                contact = contacts[int(match.key)]
                if is_same_account(profile, context.platform, [(contact.platform, contact.account_id, contact.handle)]):
                    # The profile is this contact (or one of several contacts with that name).
                    return None
                if best is None or match.similarity.score > best[1].similarity.score:
                    best = (contact, match)
        if best is None:
            return None
        contact, match = best
        evidence = {"contact": contact.display_name or match.name, **match.similarity.evidence()}
        return Detection(evidence, strength=strength(params))

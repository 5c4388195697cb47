"""``impersonation.contact``: the profile's name matches one of the user's trusted contacts (sent
with this check only), but it is not that contact's account."""

from __future__ import annotations

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.names import NameIndex
from heuristics.profile import Profile
from heuristics.signals._impersonation import ImpersonationParams, is_same_account, names_of, strength
from heuristics.signals.base import Signal, SignalParams


class ImpersonatesContact(Signal):
    code = "impersonation.contact"
    description = "Name matches a trusted contact of the user (any script or spelling) but the account is not theirs."
    Params = ImpersonationParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        assert isinstance(params, ImpersonationParams)
        names = names_of(profile)
        contacts = [c for c in context.contacts if c.display_name and c.display_name.strip()]
        if not names or not contacts:
            return None
        index = NameIndex((str(number), c.display_name or "") for number, c in enumerate(contacts))
        best = None
        for name in names:
            for match in index.search(name, params.min_similarity, limit=len(contacts)):
                contact = contacts[int(match.key)]
                if is_same_account(profile, context.platform, [(contact.platform, contact.account_id, contact.handle)]):
                    # The profile is this contact (or one of several contacts with that name).
                    return None
                if best is None or match.similarity.score > best.similarity.score:
                    best = match
        if best is None:
            return None
        evidence = {"contact": best.name, **best.similarity.evidence()}
        return Detection(evidence, strength=strength(params))

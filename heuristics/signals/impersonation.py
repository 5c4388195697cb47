"""``impersonation.*``: the profile passes itself off as someone the user trusts.

- ``impersonation.contact``: its name matches one of the user's trusted contacts (sent with this
  check only), but it is not that contact's account. The profile's display name and handle are
  compared with each contact's display name and handle (a clone often copies the handle with one
  character changed: ``mo.saleh`` → ``mo_saleh1``).
- ``impersonation.protected_person``: its name matches a person a trainer registered as protected
  (a known defender, a frequent target of clones), but it is none of their accounts. The registry
  is the ``protected`` service (:mod:`heuristics.services`); it raises ``ServiceUnavailable`` when
  it cannot answer.

Both are one flow (:func:`impersonation`) over two sources of candidates. A name match alone fires
the finding at ``name_strength``; the checked photo matching the person's photo adds
``avatar_boost`` (evidence ``avatar_distance``). The photo alone, under another name, fires at
``name_strength`` too: a friend's photo on a stranger's account is the entrapment pattern itself.
The profile being one of the person's own accounts silences both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pydantic import Field

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.matching import best_match
from heuristics.names import NameIndex, NameSimilarity
from heuristics.profile import Contact, Platform, Profile
from heuristics.services import PROTECTED, Account, ProtectedRegistry
from heuristics.signals.base import Signal, SignalParams
from heuristics.text import as_displayed


class ImpersonationParams(SignalParams):
    min_similarity: float = Field(0.92, gt=0, le=1, description="Name similarity (0–1) that counts as a match.")
    name_strength: float = Field(0.8, gt=0, le=1, description="Strength of a finding on the name alone.")
    avatar_boost: float = Field(0.2, ge=0, le=1, description="Added to the strength when the avatar matches too.")


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone the profile may be passing itself off as."""

    who: dict[str, str]  # how the finding's evidence names them
    accounts: tuple[Account, ...]  # their genuine accounts
    avatar_hashes: tuple[str | None, ...] = ()  # their photos' fingerprints


def impersonation(
    profile: Profile,
    context: CheckContext,
    params: ImpersonationParams,
    by_name: Iterable[tuple[Candidate, NameSimilarity]],
    by_photo: Callable[[], Iterable[tuple[int, Candidate]]],
) -> Detection | None:
    """The finding for the closest candidate: by name (the best-named one; silent when the profile
    is one of theirs), else by photo alone (``by_photo``: closest first, asked only with an avatar)."""
    best: tuple[Candidate, NameSimilarity] | None = None
    for candidate, similarity in by_name:
        if is_same_account(profile, context.platform, candidate.accounts):
            return None  # the person's own account (or one of several people with that name)
        if best is None or similarity.score > best[1].score:
            best = (candidate, similarity)
    if best is not None:
        candidate, similarity = best
        evidence: dict[str, object] = {**candidate.who, **similarity.evidence()}
        distance = avatar_distance(context, candidate.avatar_hashes)
        if distance is not None:
            evidence["avatar_distance"] = distance
        return Detection(evidence, strength=strength(params, avatar_matches=distance is not None))
    if context.avatar is None:
        return None
    for distance, candidate in by_photo():
        if not is_same_account(profile, context.platform, candidate.accounts):
            evidence = {**candidate.who, "name_similarity": 0.0, "avatar_distance": distance}
            return Detection(evidence, strength=strength(params))
    return None


def strength(params: ImpersonationParams, avatar_matches: bool = False) -> float:
    """A name match alone gives ``name_strength``; a matching avatar adds ``avatar_boost``.

    Evidence key ``avatar_distance`` carries the photo match."""
    return min(1.0, params.name_strength + (params.avatar_boost if avatar_matches else 0.0))


def clean_handle(handle: str | None) -> str:
    return (handle or "").strip().lstrip("@").casefold()


def handle_key(handle: str | None, platform: Platform | str | None) -> str:
    """A handle as ``platform`` tells handles apart: case never counts, and on Facebook dots do
    not either (facebook.com/mo.saleh and facebook.com/mosaleh are one account: nobody can
    register one while the other exists). Instagram's dots count; X and Telegram allow none."""
    cleaned = clean_handle(handle)
    return cleaned.replace(".", "") if platform == Platform.FACEBOOK else cleaned  # a StrEnum: its value too


def is_same_account(profile: Profile, platform: Platform, accounts: Iterable[Account]) -> bool:
    """True when the checked profile is one of ``accounts`` ((platform, account_id, handle) each)
    on the same platform (or no platform given): the same account id when both ids are known —
    only the id then, since X, Instagram and Telegram give a released handle to anyone who asks,
    and a clone holding the old handle is not the person — else the same handle as the checked
    platform compares them (:func:`handle_key`)."""
    handle = handle_key(profile.handle, platform)
    for account_platform, account_id, account_handle in accounts:
        if account_platform not in (None, platform, Platform.OTHER) and platform is not Platform.OTHER:
            continue
        if profile.account_id and account_id:
            if profile.account_id == account_id:
                return True
        elif handle and handle == handle_key(account_handle, platform):
            return True
    return False


# What sets a tagline apart from the name in a display name: "Hala Ahed | محامية", "Hala Ahed -
# Human rights lawyer", "Hala Ahed (lawyer)", "هالة عاهد، محامية". A hyphen or dot inside a word
# (Al-Amin, Ha·la) is not one.
_TAGLINE = re.compile(r"\s[-–—|/•·:]\s|[|()\[\]{}«»,،]")
MAX_SEGMENTS = 3


def names_of(profile: Profile) -> list[str]:
    """The names a profile shows, display name first; a display name that sets a tagline apart
    also gives its first ``MAX_SEGMENTS`` pieces, each compared alone (a name followed by words
    that are not a name reads as the name to a person, not to an alignment of all its words); a
    name under a bidi override also gives its letters as shown. At most 10 names, each once
    (whatever its spacing and case: a name repeated as its own tagline would be searched again in
    every name index, a body made to be slow)."""
    names = [name for name in (profile.display_name, profile.handle) if name and name.strip()]
    if profile.display_name:
        pieces = [piece for piece in _TAGLINE.split(profile.display_name) if piece.strip()]
        if len(pieces) > 1:
            names.extend(_distinct(pieces)[:MAX_SEGMENTS])
    # A bidi override shows letters in another order than they are stored ("\u202edehA alaH"
    # shows "Hala Ahed"): the name as shown is compared too.
    names.extend(shown for name in list(names) if (shown := as_displayed(name)) != name)
    return _distinct(names)


def _distinct(names: Iterable[str]) -> list[str]:
    """``names`` in order, without one that differs from an earlier one only by spacing or case."""
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(" ".join(name.split()).casefold(), name)
    return list(first.values())


def avatar_distance(context: CheckContext, hashes: Iterable[str | None]) -> int | None:
    """Phash distance from the checked avatar to the closest of ``hashes`` that it matches (both
    stages of :mod:`heuristics.matching`: a candidate, confirmed), else None."""
    if context.avatar is None:
        return None
    found = best_match(context.avatar, list(hashes))
    return None if found is None else found.distance


# --- impersonation.contact ------------------------------------------------------------------


def _contact_candidate(contact: Contact, shown_as: str) -> Candidate:
    account = (contact.platform, contact.account_id, contact.handle)
    return Candidate({"contact": shown_as}, (account,), (contact.avatar_hash,))


class ImpersonationContact(Signal[ImpersonationParams]):
    code = "impersonation.contact"
    description = "Name matches a trusted contact of the user (any script or spelling) but the account is not theirs."
    Params = ImpersonationParams

    def detect(self, profile: Profile, context: CheckContext, params: ImpersonationParams) -> Detection | None:
        contacts = list(context.contacts)
        if not contacts:
            return None
        by_name = self._by_name(profile, contacts, params)
        return impersonation(profile, context, params, by_name, lambda: self._by_photo(context, contacts))

    @staticmethod
    def _by_name(
        profile: Profile, contacts: list[Contact], params: ImpersonationParams
    ) -> Iterator[tuple[Candidate, NameSimilarity]]:
        names = names_of(profile)
        # (contact number, name) for every display name and handle of the contacts.
        entries = [
            (str(number), name)
            for number, contact in enumerate(contacts)
            for name in (contact.display_name, contact.handle)
            if name and name.strip()
        ]
        if not names or not entries:
            return
        index = NameIndex(entries)
        for name in names:
            for match in index.search(name, params.min_similarity, limit=len(contacts)):
                contact = contacts[int(match.key)]
                yield _contact_candidate(contact, contact.display_name or match.name), match.similarity

    @staticmethod
    def _by_photo(context: CheckContext, contacts: list[Contact]) -> list[tuple[int, Candidate]]:
        """Contacts whose photo the checked avatar matches, closest first."""
        found = []
        for contact in contacts:
            distance = avatar_distance(context, [contact.avatar_hash]) if contact.avatar_hash else None
            if distance is not None:
                found.append((distance, _contact_candidate(contact, contact.display_name or contact.handle or "")))
        return sorted(found, key=lambda pair: pair[0])


# --- impersonation.protected_person ---------------------------------------------------------


class ImpersonationProtectedPerson(Signal[ImpersonationParams]):
    code = "impersonation.protected_person"
    description = "Name matches a protected person registered by a trainer, but the account is none of theirs."
    needs = frozenset({PROTECTED})
    Params = ImpersonationParams

    def detect(self, profile: Profile, context: CheckContext, params: ImpersonationParams) -> Detection | None:
        registry: ProtectedRegistry = context.service(PROTECTED)
        by_name = (
            (Candidate(_who(match.name, match.person_id), match.accounts, match.avatar_hashes), match.similarity)
            for name in names_of(profile)
            for match in registry.match(name, params.min_similarity)
            if match.similarity is not None
        )

        def by_photo() -> Iterator[tuple[int, Candidate]]:
            assert context.avatar is not None
            for distance, person in registry.photo_matches(context.avatar):
                yield distance, Candidate(_who(person.name, person.person_id), person.accounts)

        return impersonation(profile, context, params, by_name, by_photo)


def _who(name: str, person_id: str) -> dict[str, str]:
    return {"protected_person": name, "protected_id": person_id}

"""The ``protected`` lookup: the protected-people registry in this worker's memory — a
:class:`heuristics.names.NameIndex` of their names and a photo matcher of their photos — rebuilt
when the registry's version in Redis moves (``server.storage.protected``).

At most once per ``check_every`` seconds one request thread reads the version (one MGET of a
counter and a stamp); the others keep the copy they have. A worker that changed the registry itself sees the
change at once (``invalidate``); the others within a second.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from heuristics.context import ServiceUnavailable
from heuristics.images import AvatarFingerprint
from heuristics.keypoints import Keypoints
from heuristics.matching import PhotoMatcher
from heuristics.names import NameIndex, NameSimilarity
from heuristics.profile import Platform, Profile
from heuristics.services import Account, ProtectedMatch
from heuristics.signals.impersonation import handle_key, is_same_account
from server.lookups.versioned import VERSION_CHECK_SECONDS, Versioned
from server.storage.breaker import RedisBreaker
from server.storage.protected import ProtectedPerson, ProtectedStore
from server.storage.stamps import Version


@dataclass(frozen=True)
class _Registry:
    index: NameIndex
    people: dict[str, ProtectedPerson]
    photos: PhotoMatcher  # every registered photo of every person …
    photo_owner: list[str]  # … and whose it is (person id, by position in photos)
    # Every person's registered accounts by account id and by handle (casefolded, no "@").
    accounts: dict[tuple[str, str], list[Account]]


def _accounts(person: ProtectedPerson) -> tuple[Account, ...]:
    """``person``'s registered accounts as the signals compare them: (platform, id, handle)."""
    return tuple((a.platform, a.account_id, a.handle) for a in person.accounts)


def _as_match(person: ProtectedPerson, name: str, similarity: NameSimilarity | None) -> ProtectedMatch:
    """``person`` as the signal sees them, found under ``name`` (``similarity`` None: by photo)."""
    return ProtectedMatch(person.id, name, similarity, _accounts(person), tuple(person.avatar_hashes))


def _account_index(people: Mapping[str, ProtectedPerson]) -> dict[tuple[str, str], list[Account]]:
    """Every registered account under its id and its handle's keys (:meth:`ProtectedLookup.owns`)."""
    index: dict[tuple[str, str], list[Account]] = {}
    for person in people.values():
        for account in _accounts(person):
            _, account_id, handle = account
            for key in {("id", account_id or ""), *(("handle", found) for found in _handle_keys(handle))}:
                if key[1]:
                    index.setdefault(key, []).append(account)
    return index


def _handle_keys(handle: str | None) -> set[str]:
    """A handle's keys under any platform's rules (:func:`handle_key`): a superset of the
    candidates, which :func:`is_same_account` then decides on."""
    return {handle_key(handle, None), handle_key(handle, Platform.FACEBOOK)}


def _photo_index(
    people: dict[str, ProtectedPerson], keypoints: Mapping[str, Mapping[str, str]]
) -> tuple[PhotoMatcher, list[str]]:
    fingerprints: list[AvatarFingerprint] = []
    owners: list[str] = []
    for person in people.values():
        own = keypoints.get(person.id, {})
        for value in person.avatar_hashes:
            try:
                found = AvatarFingerprint.from_hex(value)
                if value in own and not found.legacy:
                    found = replace(found, keypoints=Keypoints.from_bytes(base64.b64decode(own[value])))
            except ValueError:
                continue  # one unparsable stored value must not hide the person's other photos
            fingerprints.append(found)
            owners.append(person.id)
    return PhotoMatcher(fingerprints), owners


# How far a picture is from the closest entry of the defaults bank that the known-bad confirmation
# finds it a copy of, None when it is no default
# (``server.lookups.banks.BanksLookup.default_distance``); ServiceUnavailable when the banks
# cannot be read.
DefaultsCheck = Callable[[AvatarFingerprint], int | None]


class ProtectedLookup:
    """The ``protected`` service of :mod:`heuristics.services`.

    ``default_distance`` (the banks' own confirmation, given at start-up:
    ``server.lookups.init_app``) makes :meth:`photo_matches` ignore a registered photo that a
    checked platform default, logo or stock photo of the ``platform-defaults`` bank is at least as
    close to as to her photo, as :func:`server.lookups.banks.best_match` does for bank entries."""

    def __init__(
        self,
        store: ProtectedStore,
        check_every: float = VERSION_CHECK_SECONDS,
        default_distance: DefaultsCheck | None = None,
    ) -> None:
        self.store = store
        self.default_distance = default_distance
        self.copy: Versioned[Version, _Registry] = Versioned(
            store.version, self._load, RedisBreaker("protected people registry unreachable"), check_every
        )

    @property
    def breaker(self) -> RedisBreaker:
        return self.copy.breaker

    @property
    def check_every(self) -> float:
        return self.copy.every

    @check_every.setter
    def check_every(self, seconds: float) -> None:
        self.copy.every = seconds

    def invalidate(self) -> None:
        """Read the version at the next match (this worker changed the registry itself)."""
        self.copy.invalidate()

    def _load(self, version: Version, previous: _Registry | None) -> _Registry:
        people = {p.id: p for p in self.store.all()}
        # Constant work: an anonymous check's search must not cost more for a probe near a
        # registered name than for one near none (docs/privacy.md; the contacts' index, the
        # client's own names, keeps the faster plain search).
        index = NameIndex(((p.id, name) for p in people.values() for name in p.display_names), constant_work=True)
        photos = _photo_index(people, self.store.keypoints(list(people)))
        return _Registry(index, people, *photos, _account_index(people))

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        registry = self.copy.current()
        return [
            _as_match(registry.people[found.key], found.name, found.similarity)
            for found in registry.index.search(name, min_similarity)
        ]

    def owns(self, profile: Profile, platform: Platform) -> bool:
        registry = self.copy.current()
        found = [
            *registry.accounts.get(("id", profile.account_id or ""), ()),
            *registry.accounts.get(("handle", handle_key(profile.handle, platform)), ()),
        ]
        return bool(found) and is_same_account(profile, platform, found)

    def owners(self, profile: Profile, platform: Platform) -> list[str]:
        """The ids of the protected people whose registered account ``profile`` is (:meth:`owns`):
        for the privileged console, which audits that read (``server.console.views``)."""
        if not self.owns(profile, platform):
            return []
        registry = self.copy.current()
        return [p.id for p in registry.people.values() if is_same_account(profile, platform, _accounts(p))]

    def owned_by_handle_only(self, profile: Profile, platform: Platform) -> list[tuple[ProtectedPerson, int]]:
        """The registered accounts (person, index in her accounts) on ``platform`` known by their
        handle only that make ``profile`` — which has an account id — one of a protected person's
        own accounts, when no registered account id does: recording the profile's id on them
        turns the handle into a mere hint (:func:`is_same_account` then compares the ids). Empty
        otherwise. For the privileged console only; :meth:`owns` is unchanged."""
        if not profile.account_id or not self.owns(profile, platform):
            return []
        registry = self.copy.current()
        if is_same_account(profile, platform, registry.accounts.get(("id", profile.account_id), ())):
            return []  # owned by its id too: nothing a handle decides
        return [
            (person, number)
            for person in registry.people.values()
            for number, account in enumerate(person.accounts)
            if account.platform == platform
            and account.account_id is None
            and is_same_account(profile, platform, [(account.platform, None, account.handle)])
        ]

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        """The registered people whose photo ``fingerprint`` confirms against, closest first, one
        each; but not those whose photo is no closer to it than a confirmed platform default is
        (``default_distance``): a registered photo of hers that a default, a logo or a stock
        photo of the defaults bank copies — registered before that picture joined the bank (new
        ones are refused, ``common_picture``) — would take everyone showing that picture for her
        impersonator. Her photo itself (closer to hers than to the default it was cropped from)
        still names her: dropping every match of a picture that is *a* default let one imported
        defaults entry with keypoints (which her photo, cropped from it, confirms against, though
        it does not confirm hers: refused as hers it was not) hide every clone showing her real
        photo (tests/security/test_redteam_session12_defaults_hide_her.py). A tie is the
        default's: her registered photo is the stock picture itself.

        Constant work on that account: how close the picture is to a default is asked of every
        picture, before the registry and whatever it holds, and the registry's photos are then
        matched all the same; the matches are filtered after. So what it costs depends on the
        checked picture and the defaults bank, never on whether someone registered matches.
        When the banks cannot be read the picture counts as no default (the registry answers as
        it did before the defaults bank existed)."""
        default = self._default_distance(fingerprint)
        found = self._photo_matches(fingerprint)
        return found if default is None else [(distance, match) for distance, match in found if distance < default]

    def registered_photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        """The registered people whose photo ``fingerprint`` confirms against, a platform default
        or not: what a write refuses (``server.services.reports.refuse_protected_photo``). The
        exemption of :meth:`photo_matches` is for checks; asked by a bank write it let a
        maintainer's key put her photo in the defaults bank once a picture it copies was there,
        and a clone showing her photo named nobody
        (tests/security/test_redteam_session12_defaults_hide_her.py). Privileged writes only:
        its cost tells nothing an anonymous client could time."""
        return self._photo_matches(fingerprint)

    def _default_distance(self, fingerprint: AvatarFingerprint) -> int | None:
        if self.default_distance is None:
            return None
        try:
            return self.default_distance(fingerprint)
        except ServiceUnavailable:
            return None

    def _photo_matches(self, fingerprint: AvatarFingerprint) -> list[tuple[int, ProtectedMatch]]:
        registry = self.copy.current()
        found: list[tuple[int, ProtectedMatch]] = []
        seen: set[str] = set()
        for match in registry.photos.matches(fingerprint):  # closest first
            person = registry.people[registry.photo_owner[match.index]]
            if person.id in seen:
                continue
            seen.add(person.id)
            name = person.display_names[0] if person.display_names else person.id
            found.append((match.distance, _as_match(person, name, None)))
        return found

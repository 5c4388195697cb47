"""Scoring one profile and explaining it: the one check of the API, the console and case opening.

The path of a check, from the route to the signals and back:

1. the route reads and validates the body (``server.api.check``, ``server.web.body``);
2. :func:`run_check` fingerprints the avatar bytes and drops them, builds a
   :class:`heuristics.context.CheckContext` with this worker's lookups (``server.lookups``), and
   scores with the rules in force (``heuristics.engine.score``);
3. each finding is explained in the caller's language (``server.i18n``) and, for an anonymous
   caller, stripped of who a protected person is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence

from heuristics.campaigns import SERVICE as CAMPAIGNS
from heuristics.campaigns import CampaignCheck
from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.engine import score
from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint
from heuristics.matching import parse
from heuristics.profile import Contact, Platform, Profile
from heuristics.services import BANKS, REUSE, ProtectedMatch, ProtectedRegistry
from heuristics.services import PROTECTED as REGISTRY
from server.i18n import render
from server.lookups.reuse import ReadOnlyReuse, ReuseLookup
from server.schemas import CheckRequest, CheckResponse, FindingOut
from server.services.avatars import fingerprint_from
from server.state import app_state

# What an anonymous answer may say about a protected person: how alike the names are and how
# close the photo is — never who she is (name, id, her registered name's normalised form).
ANONYMOUS_EVIDENCE = {"impersonation.protected_person": frozenset({"name_similarity", "avatar_distance"})}


def contact_photo_candidates(contacts: Sequence[Contact], avatar: AvatarFingerprint | None) -> int:
    """How many distinct contact photos ``impersonation.contact`` confirms against the checked
    photo's pixels: those whose phash is a candidate of it (each a confirmation at up to 36 places
    of the pixels, :mod:`heuristics.matching`). Without pixels a confirmation compares two hashes,
    as cheap as the candidate test: none is counted. Identical photos share their places."""
    if avatar is None or avatar.source is None or avatar.legacy:
        return 0
    found = 0
    for value in {contact.avatar_hash for contact in contacts if contact.avatar_hash}:
        stored = parse(value)
        if stored is not None and not stored.legacy and avatar.distance(stored) <= MATCH_THRESHOLD:
            found += 1
    return found


class _CountedRegistry:
    """The protected-people registry for an anonymous check: its first match counts against
    ``HARIS_REGISTRY_LIMIT`` (``allowed()``). When that is refused, the check gets no match from
    then on — and none came before, that one being the first — so it is answered as if nobody
    were registered, scored once: scoring it again would make a refused match cost more than a
    miss, and timing would tell what the answer hides."""

    def __init__(self, registry: ProtectedRegistry, allowed: Callable[[], bool] | None) -> None:
        self._registry = registry
        self._allowed = allowed
        self._counted = False
        self._refused = False

    def _admitted(self, found: bool) -> bool:
        if found and not self._counted:
            self._counted = True
            self._refused = self._allowed is not None and not self._allowed()
        return not self._refused

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        if self._refused:
            return ()
        found = self._registry.match(name, min_similarity)
        return found if self._admitted(bool(found)) else ()

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        if self._refused:
            return ()
        found = self._registry.photo_matches(fingerprint)
        return found if self._admitted(bool(found)) else ()

    def owns(self, profile: Profile, platform: Platform) -> bool:
        if self._refused:
            return False
        return self._registry.owns(profile, platform) and self._admitted(True)


class _NoMatches:
    """The registry for a client known to be past ``HARIS_REGISTRY_LIMIT``: as if nobody were
    registered, without asking the registry (a match and a miss then cost the same)."""

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        return ()

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        return ()

    def owns(self, profile: Profile, platform: Platform) -> bool:
        return False


def run_check(
    body: CheckRequest,
    avatar: bytes | None,
    locale: str,
    privileged: bool,
    registry_allowed: Callable[[], bool] | None = None,
    registry_open: Callable[[], bool] | None = None,
    may_contribute: Callable[[], bool] | None = None,
    vouched: bool = True,
    charge_contacts: Callable[[int], None] | None = None,
) -> CheckResponse:
    """Score one profile and explain it.

    ``privileged`` (a trainer or maintainer: the console, or the API with a key) sees who a
    protected-person finding is about; anyone else gets :data:`ANONYMOUS_EVIDENCE` only. For an
    anonymous check, ``registry_open()`` (no Redis call) says whether the caller may still be
    answered from the registry at all, and at its first match ``registry_allowed()`` counts it
    (``HARIS_REGISTRY_LIMIT``, both from the route): when either says no, the check is answered as
    if nobody were registered, and a client known to be past the limit does not reach the
    registry (:class:`_CountedRegistry`); when ``registry_open()`` raises ServiceUnavailable (the
    count cannot be made), the registry is left out and its signal listed as unavailable. A
    privileged check adds its account to the campaign aggregate; an anonymous one only when ``may_contribute()`` says so
    (``HARIS_CAMPAIGN_CONTRIBUTIONS``, and per IPv6 /48 ``HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS``,
    counted by the route). A check of what someone else sent —
    a report's page, where a trainer reads what an anonymous reporter filed — is not ``vouched``
    for and adds nothing — not to the campaign aggregate (a trainer's contribution has no cap, so it
    must stand for a profile the trainer looked at, never for whatever a reporter made up), nor to
    the reuse counts (only counted there: :class:`~server.lookups.reuse.ReadOnlyReuse`), nor to the
    check metrics.
    ``charge_contacts(n)`` (the route's rate limit) is called before scoring with the number of
    contact photos to be confirmed against the checked photo's pixels (:func:`contact_photo_candidates`).
    """
    state = app_state()
    rules = state.rules.current()
    # The bytes are decoded and fingerprinted here and then dropped: never stored, never logged.
    # Sent bytes win over a sent hash (the hash may come from an older fingerprint version).
    avatar_fingerprint = fingerprint_from(avatar, body.avatar_hash, "avatar_hash")
    del avatar
    if charge_contacts is not None:  # the route's charge for matching the contacts, photos included
        charge_contacts(contact_photo_candidates(body.contacts or (), avatar_fingerprint))
    services = dict(state.lookups)
    if not vouched and isinstance(services.get(REUSE), ReuseLookup):
        # What a reporter sent is counted, never recorded: recorded, a made-up account would join
        # the reuse counts under a made-up photo, and the reporter's next check of that photo
        # would show, by its count, that a trainer had opened the report.
        services[REUSE] = ReadOnlyReuse(services[REUSE])
    if BANKS in services:  # the bank versions are read once for the check's avatar signals
        services[BANKS] = services[BANKS].for_check()
    campaign = None
    if state.campaigns is not None:
        campaign = services[CAMPAIGNS] = CampaignCheck(state.campaigns, state.contributions)
    if not privileged and REGISTRY in services:
        try:
            registry_is_open = registry_open is None or registry_open()
        except ServiceUnavailable:  # its answers could not be counted: not asked, listed unavailable
            del services[REGISTRY]
        else:
            services[REGISTRY] = (
                _CountedRegistry(services[REGISTRY], registry_allowed) if registry_is_open else _NoMatches()
            )
    context = CheckContext(
        platform=body.platform,
        now=state.clock(),
        contacts=tuple(body.contacts or ()),
        avatar=avatar_fingerprint,
        services=services,
    )
    report = score(body.profile or Profile(), context, rules)
    if vouched:
        # A report's page checks what its filer sent, at each view and twice (with and without
        # the filer's figures): neither is a check someone made, and counted they would make
        # /metrics say how often trainers read a report rather than what clients met.
        state.metrics.count_check(report)
    profile = body.profile or Profile()
    if (
        campaign is not None
        and profile.account_id
        and campaign.may_add(profile, body.platform, avatar_fingerprint)
        and vouched
        and (privileged or (may_contribute is not None and may_contribute()))
    ):
        # After scoring: a check's counts are of the OTHER accounts (heuristics.campaigns). A
        # count that cannot be added is lost; the answer stands. An account this check's read
        # found already counted (its seen bit set) is not offered again: the contribution would
        # add nothing, and an anonymous client's allowance is kept for one that can (a repeated
        # check of one account costs no allowance and no Redis round trip for it).
        # Written now, or held to the next clock boundary (HARIS_CAMPAIGN_HOLD_SECONDS: state.contributions).
        with contextlib.suppress(ServiceUnavailable):
            campaign.contribute(profile, body.platform, avatar_fingerprint)
    # The answer is made here from the engine's own values, so it is built without validating it
    # again (pydantic's model_construct): this is the hot path of every check.
    findings = []
    for f in report.findings:
        evidence = f.evidence
        if not privileged and f.code in ANONYMOUS_EVIDENCE:
            evidence = {key: value for key, value in evidence.items() if key in ANONYMOUS_EVIDENCE[f.code]}
        findings.append(
            FindingOut.model_construct(
                code=f.code, points=f.points, message=render(f.code, evidence, locale), evidence=evidence
            )
        )
    return CheckResponse.model_construct(
        risk=report.risk,
        level=report.level.value,
        findings=findings,
        avatar_hash=avatar_fingerprint.hex if avatar_fingerprint else None,
        rules_version=report.rules_version,
        unavailable=list(report.unavailable),
        locale=locale,
    )

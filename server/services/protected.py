"""Protected people: what ``/v1/protected`` and the console's protected-people pages both do.

Each change is stored, made visible to this worker's lookup at once (the others within a
second), and recorded in the audit trail — whichever door it came through. Genuine photos are
fingerprinted here and dropped: only their fingerprints and keypoints are kept.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Protocol

from pydantic import TypeAdapter, ValidationError

from heuristics.images import AvatarFingerprint, ImageRejected, fingerprint_bytes
from heuristics.profile import AccountId, Platform
from heuristics.services import PROTECTED
from server.schemas import CheckResponse, ProtectedCreate, ProtectedPersonOut
from server.services import Actor
from server.services.avatars import (
    MAX_AVATAR_BYTES,
    fingerprint_from,
    image_error,
    never_confirms,
    refuse_common_picture,
    refuse_flat_picture,
    refuse_legacy,
)
from server.state import app_state
from server.storage.protected import ID, ProtectedAccount, ProtectedBusy, ProtectedChanged, ProtectedPerson
from server.web.body import decode_base64
from server.web.errors import APIError, RetryLater
from server.web.limits import limits

# Where a username given up can be registered by anyone (Facebook: its vanity names): an account
# of hers known there by its username only is whoever holds that username today.
HANDLES_REUSED = frozenset({Platform.X, Platform.INSTAGRAM, Platform.TELEGRAM, Platform.FACEBOOK})
_ACCOUNT_ID: TypeAdapter[str] = TypeAdapter(AccountId)
_BUSY = "The person is being changed by someone else; try again."
_CHANGED = "Someone else changed this person since the record was read; nothing was saved."


def photo_fingerprint(data: bytes, field: str) -> tuple[str, str]:
    """A genuine photo's fingerprint hex and its keypoints (base64); the bytes are not kept. A flat
    picture is refused here; a common one (``common_picture``) where the registry's doors take
    it: :func:`with_sent_photos` with the photo's pixels, :func:`refuse_hashes_that_never_confirm`
    for every hash new to her (the console's uploads among them)."""
    return _encoded(_genuine_photo(data, field))


def _genuine_photo(data: bytes, field: str) -> AvatarFingerprint:
    try:
        made = fingerprint_bytes(data).with_keypoints()
    except ImageRejected as error:
        raise image_error(error, field) from None
    refuse_flat_picture(made, field)
    return made


def _encoded(made: AvatarFingerprint) -> tuple[str, str]:
    assert made.keypoints is not None
    return made.hex, base64.b64encode(made.keypoints.to_bytes()).decode()


def with_sent_photos(body: ProtectedCreate) -> tuple[ProtectedCreate, dict[str, str]]:
    """The body with the photos it sent (base64) replaced by their fingerprints, and their keypoints."""
    if not body.avatars:
        return body, {}
    made: dict[str, str] = {}
    for number, avatar in enumerate(body.avatars):
        field = f"avatars.{number}"
        photo = _genuine_photo(decode_base64(avatar, field, MAX_AVATAR_BYTES), field)
        # With its pixels, a crop of a default is found too (geometrically, against its keypoints).
        refuse_common_picture(photo, field)
        hex_value, keypoints = _encoded(photo)
        made[hex_value] = keypoints
    return body.model_copy(update={"avatars": [], "avatar_hashes": [*body.avatar_hashes, *made]}), made


def refuse_hashes_that_never_confirm(body: ProtectedCreate, already: Collection[str] = ()) -> None:
    """422 naming ``avatar_hashes.N`` for a sent hash that is no fingerprint (``invalid_value``)
    or one that never confirms a match (``legacy_fingerprint``): the impersonation signal counts
    a photo only when it is confirmed, so such a hash gives the person no photo protection while
    her record shows a photo hash. Hashes in ``already`` (the person's own, stored before this
    check existed) are kept as they are, so that her record stays editable."""
    for number, value in enumerate(body.avatar_hashes):
        if value not in already:
            found = fingerprint_from(None, value, f"avatar_hashes.{number}")
            assert found is not None
            refuse_legacy(found, f"avatar_hashes.{number}")
            refuse_common_picture(found, f"avatar_hashes.{number}")


def register(body: ProtectedCreate, actor: Actor, keypoints: Mapping[str, str] | None = None) -> str:
    """Register a person (``keypoints``: of photos already fingerprinted, by fingerprint hex); the id."""
    refuse_hashes_that_never_confirm(body)
    body, made = with_sent_photos(body)
    state = app_state()
    person_id = state.stores.protected.add(body, created_by=actor.label, keypoints={**(keypoints or {}), **made})
    _changed()
    state.stores.audit.record(actor.name, "protected.created", person_id)
    return person_id


def replace(
    person_id: str,
    body: ProtectedCreate,
    actor: Actor,
    keypoints: Mapping[str, str] | None = None,
    expected_version: str | None = None,
) -> bool:
    """Replace a person's names, accounts, photos and note; False when there is no such person.

    Her record is read once, by the store, and the new hashes are checked against that very
    record (the hashes already hers are kept as they are): checked against an earlier read, a
    hash another trainer removed meanwhile was written back unchecked. 409 ``protected_busy``
    when her record keeps changing. With ``expected_version`` (``record_version`` of the record
    the edit was made from: the console's edit page carries it), 409 ``protected_changed`` when
    her record has moved on since, and nothing is written: a whole-record replace made from an
    older read would silently undo the other trainer's change."""
    sent = body
    body, made = with_sent_photos(body)

    def check(current: ProtectedPerson) -> None:
        refuse_hashes_that_never_confirm(sent, already=current.avatar_hashes)

    try:
        replaced = app_state().stores.protected.replace(
            person_id, body, {**(keypoints or {}), **made}, check, expected_version
        )
    except ProtectedBusy:
        raise APIError(409, "protected_busy", _BUSY, reason="protected_busy") from None
    except ProtectedChanged:
        raise APIError(409, "protected_changed", _CHANGED, reason="protected_changed") from None
    if not replaced:
        return False
    _changed()
    app_state().stores.audit.record(actor.name, "protected.edited", person_id)
    return True


def delete(person_id: str, actor: Actor) -> bool:
    """Stop protecting a person; False when there is no such person."""
    state = app_state()
    if not state.stores.protected.delete(person_id):
        return False
    _changed()
    state.stores.audit.record(actor.name, "protected.deleted", person_id)
    return True


def people(actor: Actor) -> list[ProtectedPerson]:
    """Every protected person. The read is audited (``protected.listed``): after an account or key
    is compromised, the organisation must know whether the registry was read — who is on it
    must then be warned."""
    state = app_state()
    found = state.stores.protected.all()
    state.stores.audit.record(actor.name, "protected.listed", "registry", people=len(found))
    return found


# People on a page of the registry's listing (``GET /v1/protected``, the console's list), as a page
# of the case list: a request reads the ids and this many records, however many are registered.
PAGE_SIZE = 50


def people_page(actor: Actor, after: str | None = None) -> tuple[list[ProtectedPerson], str | None]:
    """A page of protected people (:meth:`ProtectedStore.page`: in the order of their ids, from
    just after ``after``) and where the next starts (None: the last page). Each page is a read of
    the registry, audited as :func:`people` is (``protected.listed``, how many people, and
    ``after`` when given). 422 ``invalid_value`` (``cursor``) for an ``after`` that is no id."""
    if after is not None and not ID.fullmatch(after):
        raise APIError(422, "invalid_value", "cursor is the `next` of a previous page.", "cursor")
    state = app_state()
    found, following = state.stores.protected.page(after, PAGE_SIZE)
    detail = {"after": after} if after is not None else {}
    state.stores.audit.record(actor.name, "protected.listed", "registry", people=len(found), **detail)
    return found, following


def person(person_id: str, actor: Actor) -> ProtectedPerson | None:
    """One protected person, or None; a read that finds someone is audited (``protected.viewed``)."""
    state = app_state()
    found = state.stores.protected.get(person_id)
    if found is not None:
        state.stores.audit.record(actor.name, "protected.viewed", person_id)
    return found


MATCH_FINDING = "impersonation.protected_person"


class _Finding(Protocol):
    @property
    def code(self) -> str: ...

    @property
    def evidence(self) -> Mapping[str, Any]: ...


def people_named(findings: Iterable[_Finding]) -> list[str]:
    """The ids of the protected people a check's findings name (its ``MATCH_FINDING``s), each
    once, in order: what reading that check's answer, or a case's snapshot of one, tells of the
    registry."""
    named = (f.evidence.get("protected_id") for f in findings if f.code == MATCH_FINDING)
    return list(dict.fromkeys(person for person in named if isinstance(person, str) and person))


def record_matches(result: CheckResponse, actor: Actor, also: Iterable[str] = ()) -> list[str]:
    """A privileged check's answer names the protected people a profile is taken for (her name
    and id; ``also``: ids a page names besides its findings): each is a read of the registry,
    audited as ``protected.matched`` with her id only — never what was checked. Unaudited, a
    stolen trainer key or session probed the registry name by name, unbounded, where listing it
    leaves a trace. Anonymous checks name nobody and are never recorded. The ids named."""
    audit = app_state().stores.audit
    recorded: list[str] = []
    for person_id in dict.fromkeys([*people_named(result.findings), *also]):
        if isinstance(person_id, str) and person_id:
            audit.record(actor.name, "protected.matched", person_id)
            recorded.append(person_id)
    return recorded


def record_owned(person_ids: Iterable[str], actor: Actor) -> None:
    """A privileged page said that an account is a protected person's own (the report queue's
    warning): a read of the registry, audited as a check naming her is (``protected.matched``,
    her id only)."""
    audit = app_state().stores.audit
    for person_id in dict.fromkeys(person_ids):
        audit.record(actor.name, "protected.matched", person_id)


class MatchesLimited(RetryLater):
    """The trainer has been named ``HARIS_PROTECTED_MATCH_LIMIT`` protected people: her checks
    are refused until the window has room (429 ``protected_matches_limited``, ``Retry-After``)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "protected_matches_limited",
            "This account's checks have named as many protected people as an hour allows; retry later.",
            retry_after,
        )


def refuse_when_matches_used_up(actor: Actor) -> None:
    """Before a trainer's check that may name protected people (``/v1/check`` with a key, the
    console's manual check): :class:`MatchesLimited` once ``actor`` has been named
    ``HARIS_PROTECTED_MATCH_LIMIT`` of them in the window; the refusal is audited
    (``protected.match_refused``, no person, nothing of the check).

    Why the whole check is refused, and before it runs: a stolen key could otherwise walk names
    against the registry. Answering the check with the registry's part left out would tell the
    trainer "not a protected person" about a clone of one — a wrong answer where the check exists
    to protect her. Refusing only the checks that match would say which ones match (the refusal
    itself the oracle). So once used up, every check of that trainer is refused, whatever it is,
    until the window has room; the check that uses it up is answered in full (the limit is then
    passed by at most one check's matches, and by concurrent checks read before it was used up).
    Fails closed (503 ``limiter_unavailable``) when the limiter store cannot say: her answers
    must be counted. Anonymous checks never come here."""
    standing = limits().protected_matches_of(actor.name).standing()
    if standing is not None and standing.used_up:
        app_state().stores.audit.record(actor.name, "protected.match_refused", "registry")
        raise MatchesLimited(standing.retry_after)


def count_matches(actor: Actor, named: Iterable[str]) -> None:
    """Count the protected people ``named`` to ``actor`` (:func:`record_matches`) against
    ``HARIS_PROTECTED_MATCH_LIMIT``, each once an hour: what is limited is how many *people* her
    checks can name, not how many checks name one. A campaign of forty clones of one defender,
    checked one by one, names one person and must not lock her trainer out mid-campaign; a stolen
    key walking names names a new person at each hit. Never refuses this answer
    (:func:`refuse_when_matches_used_up` refuses the next checks). A store that cannot count fails
    closed, before the answer is sent."""
    fresh = limits().newly_named(actor.name, named)
    limits().protected_matches_of(actor.name).charge(fresh, refuse=False)


def record_and_count_named(person_ids: Iterable[str], actor: Actor) -> None:
    """Protected people a privileged page or answer named to ``actor`` (a case, a refused case, a
    report's warning): each audited (:func:`record_owned`) and counted against her
    ``HARIS_PROTECTED_MATCH_LIMIT`` (:func:`count_matches`)."""
    named = list(person_ids)
    record_owned(named, actor)
    count_matches(actor, named)


def record_account_id(person_id: str, index: int, expected: ProtectedAccount, account_id: str, actor: Actor) -> bool:
    """Record ``account_id`` on her ``index``-th account, known until now by its handle only (and
    still ``expected``); audited as any edit of her record (``protected.edited``). False when
    she or that account is gone or changed meanwhile. 422 ``invalid_value`` (``account_id``) for
    an id no account could have; 409 ``protected_busy`` when her record keeps changing."""
    try:
        account_id = _ACCOUNT_ID.validate_python(account_id.strip())
    except ValidationError:
        raise APIError(422, "invalid_value", "Not an account id.", "account_id") from None
    if not account_id:
        raise APIError(422, "invalid_value", "Not an account id.", "account_id")
    try:
        recorded = app_state().stores.protected.record_account_id(person_id, index, expected, account_id)
    except ProtectedBusy:
        raise APIError(409, "protected_busy", _BUSY, reason="protected_busy") from None
    if not recorded:
        return False
    _changed()
    app_state().stores.audit.record(actor.name, "protected.edited", person_id, account_id_recorded=index)
    return True


def accounts_without_id(person: ProtectedPerson) -> list[int]:
    """Her accounts (by index) on a platform that hands a released username to anyone, known by
    their handle only: whoever registers that username later is taken for her account, and a
    clone holding it is not flagged. Worked out on each read, never stored."""
    return [
        number
        for number, account in enumerate(person.accounts)
        if account.platform in HANDLES_REUSED and account.handle and not account.account_id
    ]


def shown(person: ProtectedPerson) -> ProtectedPersonOut:
    """A person as the API and the console show her: with the photo hashes that never confirm
    and the accounts known by their username only."""
    return ProtectedPersonOut(
        **person.model_dump(),
        never_confirm=[h for h in person.avatar_hashes if never_confirms(h)],
        accounts_without_id=accounts_without_id(person),
    )


def _changed() -> None:
    """This worker sees its own change at once; the others within the lookup's interval."""
    lookup = app_state().lookups.get(PROTECTED)
    if lookup is not None:
        lookup.invalidate()

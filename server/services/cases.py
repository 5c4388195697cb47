"""Escalation case operations, one function each, shared by the API (``server.api.cases``) and the
console (``server.console.case_pages``): the same checks, the same storage and one audit entry
(``server.storage.audit``) per operation, whichever door it came through.

Functions take plain values (stores, an :class:`Actor`, validated bodies, a clock) — never a
request — and raise :class:`~server.web.errors.APIError` with a stable code for what a client got wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import re
import secrets
import time
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from heuristics.campaigns import SERVICE as CAMPAIGNS
from heuristics.campaigns import CampaignAggregate, CampaignCheck
from heuristics.context import CheckContext
from heuristics.engine import score
from heuristics.images import AvatarFingerprint
from heuristics.profile import Contact, Platform, Profile
from heuristics.rules import Rules
from heuristics.services import PROTECTED, REUSE
from heuristics.signals import registry
from heuristics.signals.impersonation import is_same_account
from server.escalation import archive, misp, stix
from server.escalation.account_url import hides_another_address
from server.escalation.evidence import default_kind, image_fingerprint, sniff_media_type
from server.escalation.model import (
    MAX_CASE_EVIDENCE_BYTES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_HISTORY,
    MAX_NOTE_LENGTH,
    MAX_NOTES,
    Case,
    CaseCreate,
    CaseListing,
    CaseNote,
    CheckSnapshot,
    Evidence,
    EvidenceKind,
    FindingSnapshot,
    HistoryEntry,
    Notifier,
    PlatformStatus,
    StatusUpdate,
)
from server.escalation.outcomes import WINDOWS, PlatformOutcome, removal_rates
from server.escalation.tickets import LOCALES, build_ticket
from server.i18n import render
from server.lookups.reuse import ReadOnlyReuse, ReuseLookup
from server.services import Actor, protected
from server.services.identity import protected_owners, refuse_impossible_handle, refuse_wrong_url
from server.state import app_state
from server.storage.audit import AuditLog
from server.storage.cases import CaseBusy, CaseNotFound, CaseStore
from server.storage.optimistic import version_of
from server.storage.reports import ReportStore
from server.web.errors import APIError

ExportKind = Literal["ticket", "misp", "stix", "archive", "redacted"]
EXPORT_KINDS: tuple[ExportKind, ...] = ("ticket", "misp", "stix", "archive", "redacted")
MAX_SOURCE_URL = 2048
# C0 controls and DEL: never in an address a browser shows or sends (``_source_url``).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A user report's reason → the case's kind.
_KIND_OF_REASON = {"entrapment": "entrapment", "harassment": "campaign"}


def kind_of_report(report: dict[str, Any] | None) -> str:
    """The case kind a report stands for: from the reason most of its merged reports gave (the
    first report's among equals), not the first report's alone — whoever reported the account
    first (its operator, "other") would set the kind of every case opened from it, whatever the
    victims after it said (tests/security/test_redteam_reports_merge.py)."""
    report = report or {}
    first = str(report.get("reason"))
    counts = {str(reason): int(count) for reason, count in (report.get("reasons") or {}).items()}
    top = max(counts.values(), default=0)
    reason = first if counts.get(first, 0) >= top else min(r for r, n in counts.items() if n == top)
    return _KIND_OF_REASON.get(reason, "impersonation")


@dataclass(frozen=True)
class Export:
    data: bytes
    media_type: str
    filename: str
    manifest_sha256: str | None = None


def _now(now: int | None) -> int:
    return int(time.time()) if now is None else now


def _missing() -> APIError:
    return APIError(404, "not_found", "No such case (cases expire; see docs/escalation.md).")


def _busy() -> APIError:
    return APIError(409, "case_busy", "The case is being changed by someone else; try again.")


_STATUS_CHANGED = "Someone else recorded this platform's status since the page was opened; nothing was saved."


def _history(case: Case, actor: Actor, action: str, at: int, **detail: str) -> None:
    case.history.append(HistoryEntry(at=at, by=actor.name, by_role=actor.role, action=action, detail=detail))
    del case.history[:-MAX_HISTORY]


def _update(cases: CaseStore, case_id: str, change: Any, files: Any = None) -> tuple[Case, Any]:
    try:
        return cases.update(case_id, change, files)
    except CaseNotFound:
        raise _missing() from None
    except CaseBusy:
        raise _busy() from None


def get_case(cases: CaseStore, case_id: str) -> Case:
    case = cases.get(case_id)
    if case is None:
        raise _missing()
    return case


def view_case(cases: CaseStore, audit: AuditLog, case_id: str, actor: Actor) -> Case:
    """A case as a trainer reads it (``GET /v1/cases/{id}``, the case page): audited
    (``case.viewed``, the case id). A case holds the impersonated person, private notes and the
    protected person its snapshot names; after a stolen key or session the organisation must be
    able to tell whose cases were read, as it can for the registry (``protected.viewed``).

    A case that names protected people (:func:`people_a_case_names`) is a read of the registry, as
    opening it was: refused once the reader's ``HARIS_PROTECTED_MATCH_LIMIT`` is spent (429
    ``protected_matches_limited``, nothing shown), each person audited (``protected.matched``)
    and counted, once an hour per person. Without it a stolen key listed the cases and read
    every protected person any trainer's case named, audited but unbounded. A case naming
    nobody is never refused."""
    case = get_case(cases, case_id)
    named = people_a_case_names(case)
    if named:
        protected.refuse_when_matches_used_up(actor)
    audit.record(actor.name, "case.viewed", case.id)
    if named:
        protected.record_and_count_named(named, actor)
    return case


def list_recent_cases(
    cases: CaseStore, audit: AuditLog, actor: Actor, limit: int, offset: int = 0
) -> list[CaseListing]:
    """A page of cases' summaries, most recently changed first: audited (``case.listed``, how
    many), since a list names each case's impersonated person. Summaries only: a page costs the
    same whatever the cases' notes and evidence hold."""
    found = cases.recent(limit=limit, offset=offset)
    audit.record(actor.name, "case.listed", "cases", cases=len(found), offset=offset)
    return found


def check_snapshot(
    body: CaseCreate,
    avatar_hash: str | None,
    rules: Rules,
    services: Mapping[str, Any],
    now: int,
    campaigns: CampaignAggregate | None = None,
) -> CheckSnapshot:
    """Haris's findings on the suspect when the case opens, explained in every language. The
    impersonated person is the check's trusted contact, so a copied name or photo is measured.
    With ``campaigns`` (the app's aggregate) the campaign signals read its counts, as a check
    does; a snapshot never adds the suspect to them."""
    avatar = None
    if avatar_hash:
        try:
            avatar = AvatarFingerprint.from_hex(avatar_hash)
        except ValueError:
            raise APIError(
                422, "invalid_value", "Not an avatar fingerprint.", "suspect.avatar_hash", "avatar_fingerprint"
            ) from None
    original = body.impersonated
    contact = Contact(
        display_name=original.display_name,
        platform=original.platform,
        handle=original.account_handle,
        account_id=original.account_id,
    )
    profile = Profile.model_validate(body.suspect.model_dump(exclude={"avatar_hash"}))
    checked = dict(services)
    if isinstance(checked.get(REUSE), ReuseLookup):
        # A snapshot counts the suspect's photo, never records it: the suspect may be what a
        # reporter wrote, and its reuse count would then tell the reporter a case was opened.
        checked[REUSE] = ReadOnlyReuse(checked[REUSE])
    if campaigns is not None:
        # Read, never contributed: the suspect may be what a reporter wrote, and a trainer's
        # contribution has no cap (server.services.check), so a made-up account would join the
        # counts other people's checks read. Reading is what every check does.
        checked[CAMPAIGNS] = CampaignCheck(campaigns)
    context = CheckContext(
        platform=body.platform,
        now=datetime.fromtimestamp(now, UTC),
        contacts=(contact,),
        avatar=avatar,
        services=checked,
    )
    report = score(profile, context, rules)
    return CheckSnapshot(
        risk=report.risk,
        level=report.level.value,
        rules_version=report.rules_version,
        checked_at=now,
        findings=[
            FindingSnapshot(
                code=f.code,
                points=f.points,
                evidence=f.evidence,
                messages={locale: render(f.code, f.evidence, locale) for locale in LOCALES},
            )
            for f in report.findings
        ],
        unavailable=list(report.unavailable),
    )


def open_case(
    cases: CaseStore,
    reports: ReportStore,
    audit: AuditLog,
    body: CaseCreate,
    actor: Actor,
    rules: Rules,
    services: Mapping[str, Any],
    now: int | None = None,
    campaigns: CampaignAggregate | None = None,
) -> Case:
    """Open a case from a confirmed report or a manual check (``POST /v1/cases``). ``campaigns``
    (the app's aggregate, when it has one) lets the snapshot's campaign signals read their counts."""
    at = _now(now)
    known = registry()
    for index, code in enumerate(body.reasons or ()):
        if code not in known:
            raise APIError(422, "invalid_value", f"Unknown finding code {code!r}.", f"reasons.{index}")
    _refuse_wrong_accounts(body, services)
    report = None
    if body.report_id:
        report = reports.get(body.report_id)
        if report is None:
            raise APIError(422, "invalid_value", "No such report (reports expire after 30 days).", "report_id")
        if report.get("status") != "confirmed":
            raise APIError(409, "report_not_confirmed", "Confirm the report before opening a case from it.")
    # Only the trainer's fingerprint (sent, or from an avatar uploaded as evidence) stands for the
    # suspect's photo: a report's own avatar_hash was made by whoever filed it, and one made-up
    # fingerprint can stand for several people's photos (server.services.reports). Taken into the
    # case, it would put their photos in the notice's "copies her photo" claim and in the MISP and
    # STIX exports partners import, with nothing the trainer could see it stands for.
    avatar_hash = body.suspect.avatar_hash
    snapshot = check_snapshot(body, avatar_hash, rules, services, at, campaigns)
    reasons = list(dict.fromkeys(body.reasons or [f.code for f in snapshot.findings if f.points > 0]))
    kind = body.kind or kind_of_report(report)
    notes = [
        CaseNote(at=at, by=actor.name, by_role=actor.role, text=text, private=private)
        for text, private in ((body.notes, False), (body.private_notes, True))
        if text and text.strip()
    ]
    suspect = body.suspect.model_copy(update={"avatar_hash": avatar_hash})
    case = Case(
        id=secrets.token_hex(8),
        platform=body.platform,
        suspect=suspect,
        impersonated=body.impersonated,
        reasons=reasons,
        check=snapshot,
        notes=notes,
        report_id=body.report_id,
        notifier=body.notifier,
        tlp=body.tlp,
        kind=kind,  # type: ignore[arg-type]
        created_at=at,
        created_by=actor.name,
        created_by_role=actor.role,
        updated_at=at,
    )
    detail = {"platform": body.platform.value, "kind": case.kind} | ({"report": body.report_id} if report else {})
    _history(case, actor, "case.opened", at, **detail)
    cases.create(case)
    audit.record(actor.name, "case.opened", case.id, **detail)
    return case


class ProtectedAccountRefused(APIError):
    """409 ``account_is_protected``: the suspect is a protected person's own registered account
    (``server.services.identity.refuse_protected_account``'s answer), with whose (``owners``):
    the refusal says the registry holds that account, a read :func:`open_case_from_door` audits."""

    def __init__(self, owners: list[str]) -> None:
        super().__init__(
            409,
            "account_is_protected",
            "This account is a protected person's own registered account; it is not the impersonator.",
            "suspect",
            reason="account_is_protected",
        )
        self.owners = owners


def protected_people_named(case: Case) -> list[str]:
    """The ids of the protected people the case's snapshot names (its
    ``impersonation.protected_person`` finding): what a trainer reading the case learns of the
    registry."""
    return protected.people_named(case.check.findings) if case.check is not None else []


def people_a_case_names(case: Case) -> list[str]:
    """What reading the case tells of the registry: the people its snapshot names
    (:func:`protected_people_named`) and the impersonated person's registry id when she was
    picked from it (the case page links her record)."""
    named = protected_people_named(case)
    picked = case.impersonated.protected_id
    return list(dict.fromkeys([*named, picked] if picked else named))


def open_case_from_door(body: CaseCreate, actor: Actor) -> Case:
    """:func:`open_case` on the app's stores, rules and lookups, as both doors (``POST /v1/cases``
    and the console's form) run it for a trainer: a read of the protected registry, as her checks
    are. The snapshot scores the suspect against the registry and the case keeps the finding (the
    person's name and id) for every trainer who opens it: without this, a stolen key that opened
    cases of candidate names read the registry a person a case, unaudited and past
    ``HARIS_PROTECTED_MATCH_LIMIT``, where the same probe through ``/v1/check`` is audited and
    stops (tests/security/test_redteam_cases.py). Refused before anything is read once her
    allowance is spent (429 ``protected_matches_limited``); each person named audited
    (``protected.matched``, her id only) and counted. So is a refusal that says the suspect is a
    protected person's own account (409 ``account_is_protected``): without it, a key walked
    account ids against the registry, unaudited."""
    protected.refuse_when_matches_used_up(actor)
    state = app_state()
    stores = state.stores
    try:
        case = open_case(
            stores.cases,
            stores.reports,
            stores.audit,
            body,
            actor,
            state.rules.current(),
            state.lookups,
            campaigns=state.campaigns,
        )
    except ProtectedAccountRefused as refused:
        protected.record_and_count_named(refused.owners, actor)
        raise
    named = protected_people_named(case)
    protected.record_and_count_named(named, actor)
    return case


def _refuse_wrong_accounts(body: CaseCreate, services: Mapping[str, Any]) -> None:
    """A case's notice asks a platform to remove the suspect account: refused when its URL is
    another site's or another account's than the handle and id it names (a report's URL, made
    to send the takedown to the impersonated woman's own account), or when the suspect is a
    protected person's own registered account (``server.services.identity``)."""
    suspect, original = body.suspect, body.impersonated
    refuse_wrong_url(suspect.profile_url, body.platform, suspect.handle, suspect.account_id, "suspect.profile_url")
    refuse_impossible_handle(suspect.profile_url, body.platform, suspect.handle, "suspect")
    refuse_wrong_url(
        original.profile_url, original.platform, original.handle, original.account_id, "impersonated.profile_url"
    )
    handle = suspect.account_handle
    profile = Profile(account_id=suspect.account_id, handle=handle)
    original_account = (original.platform, original.account_id, original.account_handle)
    if is_same_account(profile, body.platform, [original_account]):
        raise APIError(
            422,
            "invalid_value",
            "The suspect is the impersonated person's own account.",
            "suspect.profile_url",
            reason="suspect_is_original",
        )
    owners = protected_owners(services.get(PROTECTED), profile, body.platform)
    if owners:
        raise ProtectedAccountRefused(owners)


def _source_url(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    value = value.strip()
    if len(value) > MAX_SOURCE_URL:
        raise APIError(422, "invalid_value", f"At most {MAX_SOURCE_URL} characters.", "source_url")
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed IPv6 bracket ("http://[::1"): no address, and was a 500
        raise APIError(422, "invalid_value", "An http(s) URL.", "source_url") from None
    # urlsplit drops tabs and line breaks before parsing, but the value is stored as sent: one
    # with a line break wrote a row of its own into the collection log as a spreadsheet with ";"
    # reads it (a forged "captured" line in the chain of custody). No address holds one.
    if parts.scheme not in {"http", "https"} or not parts.netloc or _CONTROL.search(value):
        raise APIError(422, "invalid_value", "An http(s) URL.", "source_url")
    # A U+202E or a zero-width character: the address the collection log, the notice and the case
    # page show would read as another than the one the file came from (no address holds one).
    if hides_another_address(value):
        raise APIError(
            422,
            "invalid_value",
            "An http(s) URL without spaces or characters that hide or reorder text.",
            "source_url",
            "url_hidden_characters",
        )
    return value


def add_evidence(
    cases: CaseStore,
    audit: AuditLog,
    case_id: str,
    data: bytes,
    filename: str | None,
    actor: Actor,
    source_url: str | None = None,
    kind: EvidenceKind | None = None,
    share: bool = False,
    now: int | None = None,
) -> Evidence:
    """Keep one evidence file, hashed (SHA-256) as it arrives, with the UTC time and who added it."""
    at = _now(now)
    if not data:
        raise APIError(422, "empty_file", "The file is empty.", "file")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise APIError(413, "file_too_large", f"An evidence file is at most {MAX_EVIDENCE_BYTES} bytes.", "file")
    source = _source_url(source_url)
    digest = hashlib.sha256(data).hexdigest()
    media_type = sniff_media_type(data)
    fingerprint = image_fingerprint(data, media_type)

    def change(case: Case) -> Evidence:
        if case.state != "open":
            raise APIError(409, "case_closed", "The case is closed; reopen it to add evidence.")
        if len(case.evidence) >= MAX_EVIDENCE_FILES:
            raise APIError(409, "too_many_files", f"A case keeps at most {MAX_EVIDENCE_FILES} files.", "file")
        if case.evidence_bytes() + len(data) > MAX_CASE_EVIDENCE_BYTES:
            raise APIError(413, "case_too_large", f"A case keeps at most {MAX_CASE_EVIDENCE_BYTES} bytes.", "file")
        if any(hmac.compare_digest(item.sha256, digest) for item in case.evidence):
            raise APIError(409, "duplicate_file", "This file is already in the case.", "file")
        item = Evidence(
            id=f"{len(case.evidence) + 1:02d}",
            filename=archive.safe_filename(filename, media_type),
            sha256=digest,
            size=len(data),
            media_type=media_type,
            kind=kind or default_kind(media_type),
            added_at=at,
            added_by=actor.name,
            added_by_role=actor.role,
            method=f"upload ({actor.door})",
            source_url=source,
            share=share,
            fingerprint=fingerprint,
        )
        case.evidence.append(item)
        case.updated_at = at
        _history(case, actor, "case.evidence_added", at, evidence=item.id, sha256=digest)
        return item

    _, item = _update(cases, case_id, change, lambda case: {case.evidence[-1].id: data})
    audit.record(actor.name, "case.evidence_added", case_id, evidence=item.id, sha256=digest, size=len(data))
    return item


def status_version(status: PlatformStatus | None) -> str:
    """The version of one platform's status as a page shows it ("-": none recorded yet), carried
    by the console's status form: a digest of all of it, kept nowhere."""
    return "-" if status is None else version_of(status)


def set_platform_status(
    cases: CaseStore,
    audit: AuditLog,
    case_id: str,
    update: StatusUpdate,
    actor: Actor,
    now: int | None = None,
    seen: str | None = None,
) -> Case:
    """Record where the case was reported, its reference number, and the outcome of a re-check.

    A new status replaces the platform's whole status. With ``seen`` (the :func:`status_version`
    of that platform's status when the trainer's page was shown), 409 ``status_changed`` and
    nothing written when another status was recorded since: a page opened before another
    trainer recorded "removed" would otherwise put back "pending" and lose her reference number.
    """
    at = _now(now)
    today = datetime.fromtimestamp(at, UTC).date()
    for field in ("reported_on", "rechecked_on"):
        value = getattr(update, field)
        if value and date.fromisoformat(value) > today:
            raise APIError(422, "invalid_value", "A date in the future.", field)
    if update.rechecked_on and update.rechecked_on < update.reported_on:
        raise APIError(422, "invalid_value", "Re-checked before it was reported.", "rechecked_on")

    def change(case: Case) -> None:
        if seen is not None and status_version(case.statuses.get(update.platform.value)) != seen:
            raise APIError(409, "status_changed", _STATUS_CHANGED, "platform", reason="status_changed")
        case.statuses[update.platform.value] = PlatformStatus(
            reported_on=update.reported_on,
            reference=update.reference or None,
            outcome=update.outcome,
            rechecked_on=update.rechecked_on,
            updated_at=at,
            updated_by=actor.name,
            updated_by_role=actor.role,
        )
        case.updated_at = at
        _history(case, actor, "case.status_set", at, platform=update.platform.value, outcome=update.outcome.value)

    case, _ = _update(cases, case_id, change)
    audit.record(actor.name, "case.status_set", case_id, platform=update.platform.value, outcome=update.outcome.value)
    return case


def add_note(
    cases: CaseStore, audit: AuditLog, case_id: str, text: str, private: bool, actor: Actor, now: int | None = None
) -> Case:
    at = _now(now)
    text = text.strip()
    if not text:
        raise APIError(422, "invalid_value", "The note is empty.", "text", "missing")
    if len(text) > MAX_NOTE_LENGTH:
        raise APIError(
            422, "invalid_value", f"At most {MAX_NOTE_LENGTH} characters.", "text", "string_too_long",
            {"max_length": MAX_NOTE_LENGTH},
        )  # fmt: skip

    def change(case: Case) -> None:
        if len(case.notes) >= MAX_NOTES:
            raise APIError(409, "too_many_notes", f"A case keeps at most {MAX_NOTES} notes.", "text")
        case.notes.append(CaseNote(at=at, by=actor.name, by_role=actor.role, text=text, private=private))
        case.updated_at = at
        _history(case, actor, "case.note_added", at, private="yes" if private else "no")

    case, _ = _update(cases, case_id, change)
    audit.record(actor.name, "case.note_added", case_id, private=private)
    return case


def set_state(
    cases: CaseStore, audit: AuditLog, case_id: str, state: Literal["open", "closed"], actor: Actor,
    now: int | None = None,
) -> Case:  # fmt: skip
    """Close a case (it then expires a year after its last change) or reopen it."""
    at = _now(now)
    action = "case.closed" if state == "closed" else "case.reopened"

    def change(case: Case) -> None:
        if case.state == state:
            raise APIError(409, "already_" + state, f"The case is already {state}.")
        case.state = state
        case.closed_at = at if state == "closed" else None
        case.updated_at = at
        _history(case, actor, action, at)

    case, _ = _update(cases, case_id, change)
    audit.record(actor.name, action, case_id)
    return case


def export_case(
    cases: CaseStore,
    audit: AuditLog,
    case_id: str,
    kind: str,
    actor: Actor,
    platform: Platform | None = None,
    locale: str = "en",
    default_notifier: Notifier | None = None,
) -> Export:
    """One export of a case (``GET /v1/cases/{id}/export/{kind}``), recorded in the audit trail
    with the archive's manifest hash, so a copy can later be checked against what left.

    A closed case still exports its records (the archive, the redacted copy, MISP, STIX): a court
    or a lawyer asks for them after the account is gone, and reopening a case only to export it
    would rewrite its history and its expiry. Such an export is audited with ``case_state:
    closed``. Its takedown notice is refused (409 ``case_closed``): a notice asks a platform to
    act now, on a case nobody is pursuing any more (the account removed, or the case closed as
    mistaken); reopen it to file one.

    The full archive of a case that names protected people is a read of the registry as its page
    is (:func:`view_case`): refused past the reader's ``HARIS_PROTECTED_MATCH_LIMIT`` (429
    ``protected_matches_limited``), each person audited and counted."""
    if kind not in EXPORT_KINDS:
        raise APIError(404, "not_found", f"No such export; one of {', '.join(EXPORT_KINDS)}.", "kind")
    if locale not in LOCALES:
        raise APIError(422, "invalid_value", f"locale is one of {', '.join(LOCALES)}.", "locale")
    case = get_case(cases, case_id)
    if kind == "ticket" and case.state == "closed":
        raise APIError(409, "case_closed", "The case is closed; reopen it to file a takedown notice.", "kind")
    # The full archive's case.json is the record the case page shows (the snapshot's finding: her
    # registry id and registered name): as counted as reading it, or it was the way around that
    # count. The share copies leave the registry out (``redact.shareable``).
    named = people_a_case_names(case) if kind == "archive" else []
    if named:
        protected.refuse_when_matches_used_up(actor)
    stem = f"haris-case-{case.id}"
    detail: dict[str, Any] = {"kind": kind}
    if case.state == "closed":
        detail["case_state"] = "closed"
    try:
        if kind == "ticket":
            chosen = platform or case.platform
            ticket = build_ticket(case, chosen, locale, case.notifier or default_notifier)
            result = Export(
                ticket.text.encode("utf-8"), "text/plain; charset=utf-8", f"{stem}-{chosen.value}-{locale}.txt"
            )
            detail |= {"platform": chosen.value, "locale": locale}
        elif kind == "stix":
            result = Export(_json(stix.bundle_json(case)), "application/json", f"{stem}-stix.json")
        else:
            files = _verified_files(cases, case)
            if kind == "misp":
                result = Export(_json(misp.event_json(case, files)), "application/json", f"{stem}-misp.json")
            else:
                redacted = kind == "redacted"
                data = archive.build_archive(case, files, redacted=redacted)
                manifest = _manifest_sha256(data)
                result = Export(data, "application/zip", f"{stem}-{kind}.zip", manifest)
                detail["manifest_sha256"] = manifest
    except archive.EvidenceMismatch as error:  # only that: another error is not a changed file
        raise APIError(409, "evidence_mismatch", str(error)) from None
    audit.record(actor.name, "case.exported", case.id, **detail)
    if named:
        protected.record_and_count_named(named, actor)
    return result


def _verified_files(cases: CaseStore, case: Case) -> dict[str, bytes]:
    files = cases.files(case)
    for item in case.evidence:
        data = files.get(item.id)
        if data is None or not hmac.compare_digest(hashlib.sha256(data).hexdigest(), item.sha256):
            raise archive.EvidenceMismatch(f"evidence {item.id} is missing or does not match the hash taken at capture")
    return files


def _manifest_sha256(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as written:
        return hashlib.sha256(written.read(archive.MANIFEST)).hexdigest()


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def outcomes(cases: CaseStore, now: int | None = None) -> dict[int, list[PlatformOutcome]]:
    """Removal rates per platform over the last 7 and 30 days, from the cases' summaries' statuses
    alone (never their records)."""
    today = datetime.fromtimestamp(_now(now), UTC).date()
    live = cases.statuses()
    return {days: removal_rates(live, today, days) for days in WINDOWS}

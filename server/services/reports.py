"""Reports: an anonymous user files one; a trainer confirms or rejects it (API and console alike).

A decision leaves one audit entry (``server.storage.audit``) whichever door it came through.

Only fingerprints the server computed reach a bank: confirming a report into a bank needs the
photo itself (``avatar``: the trainer saves it from the reported profile and uploads it; the
console shows it before it is banked), which the server fingerprints. The report's own
``avatar_hash`` was made by whoever filed it — one made-up fingerprint can stand for several
people's photos — and never enters a bank. A photo that matches a protected person's registered
photo is refused (409 ``matches_protected_person``): a campaign would report her own photo.
"""

from __future__ import annotations

import secrets
from typing import Any

from pydantic import ValidationError

from heuristics.banks import BankLabel
from heuristics.context import ServiceUnavailable
from heuristics.images import AvatarFingerprint
from heuristics.profile import Platform, Profile
from heuristics.services import PROTECTED as REGISTRY
from server.schemas import ConfirmRequest, RejectRequest, ReportRequest
from server.services import Actor
from server.services.avatars import fingerprint_base64, refuse_common_picture, refuse_foreign_fingerprint
from server.services.defaults_bank import refuse_defaults_write
from server.services.identity import refuse_protected_account, refuse_wrong_url
from server.state import app_state
from server.storage.banks import make_entry, report_note
from server.storage.reports import AlreadyDecided, QueueFull, ReportBusy, ReportChanged, profile_handle
from server.web.errors import APIError


def file_report(body: ReportRequest) -> str:
    """Queue an anonymous report (or add it to the pending report of the same account); the id
    to answer with.

    A report merged into a pending one is answered with a fresh random id, never the pending
    report's: that id would tell whoever reports an account twice (its own operator, say) that
    it is still waiting, and a new one that a trainer has decided on it in between.
    """
    refuse_foreign_fingerprint(body.avatar_hash, "avatar_hash")
    profile = body.profile
    if profile is not None:
        # A URL to another site or account than the one the report names (server.escalation.account_url).
        refuse_wrong_url(profile.profile_url, body.platform, profile.handle, profile.account_id, "profile.profile_url")
    try:
        report_id, merged = app_state().stores.reports.file(body.model_dump(mode="json", exclude_none=True))
    except QueueFull:
        raise APIError(503, "report_queue_full", "Too many reports wait for review; try again later.") from None
    fresh = secrets.token_hex(8)  # drawn for every filing: a merge's answer costs what a first report's does
    return fresh if merged else report_id


def _busy() -> APIError:
    return APIError(503, "report_busy", "Many reports of this account arrive at once; try again.")


def decide(report_id: str, confirm: bool, actor: Actor, body: ConfirmRequest | RejectRequest) -> dict[str, Any]:
    """Confirm or reject one pending report and record who did it. Raises APIError 404/409, and
    422/409 for a bank photo that is missing, not an image, or a protected person's."""
    stores = app_state().stores
    fields: dict[str, Any] = {"decided_by": actor.name}
    if body.note:
        fields["decision_note"] = body.note
    banked: AvatarFingerprint | None = None
    if isinstance(body, ConfirmRequest):
        fields.update({key: value for key, value in (("bank", body.bank), ("label", body.label)) if value})
        if body.bank and body.label:
            refuse_defaults_write(body.bank, actor)  # a trainer's confirmation never reaches it
            banked = bank_fingerprint(body.avatar)
            refuse_common_picture(banked, "avatar", body.bank)  # as a bank's own door does
            fields["banked_fingerprint"] = banked.hex
            if body.with_account_id:
                _refuse_protected_bank_account(report_id)
    try:
        record = stores.reports.resolve(
            report_id, "confirmed" if confirm else "rejected", seen_reports=body.seen_reports, **fields
        )
    except AlreadyDecided:
        raise APIError(409, "already_decided", "This report was already confirmed or rejected.") from None
    except ReportChanged:
        raise APIError(
            409,
            "report_changed",
            "More reports of this account arrived since it was shown; look at it again before deciding.",
            reason="report_changed",
        ) from None
    except ReportBusy:
        raise _busy() from None
    if record is None:
        raise APIError(404, "not_found", "No such report (reports expire after 30 days).")
    detail = {key: record[key] for key in ("bank", "label") if record.get(key)}
    if isinstance(body, ConfirmRequest) and body.bank and body.label and banked is not None:
        detail["bank_entry"] = record["bank_entry"] = _add_to_bank(
            record, body.bank, body.label, banked, actor, body.with_account_id
        )
    stores.audit.record(actor.name, "report." + record["status"], report_id, **detail)
    return record


def _refuse_protected_bank_account(report_id: str) -> None:
    """409 when the account id a report names (the reporter's word) is a protected person's own
    registered account's: a bank entry carries it to every organisation the bank is exported to
    as a bad account's, and the trainer has no way to see whose it is."""
    report = app_state().stores.reports.get(report_id)
    profile = (report or {}).get("profile") or {}
    account_id = profile.get("account_id")
    if not report or not account_id:
        return
    platform = Platform(report["platform"])
    registry = app_state().lookups.get(REGISTRY)
    # The account as the report names it, its handle too (as the report page's warning asks): a
    # person registered by her username only has no id to compare, and a forged report of her
    # handle with her real id banked that id (tests/security/test_redteam_reports_banks.py).
    try:
        account = Profile(account_id=account_id, handle=profile_handle(profile))
    except ValidationError:  # a record kept from before today's limits: its id alone
        account = Profile(account_id=account_id)
    refuse_protected_account(registry, account, platform, "with_account_id")


def bank_fingerprint(avatar_base64: str | None) -> AvatarFingerprint:
    """The fingerprint of the photo a trainer provides to bank, computed here (module docstring)."""
    if not avatar_base64:
        raise APIError(
            422,
            "photo_required",
            "A bank needs the reported profile's photo (avatar): a report's own fingerprint is never banked.",
            "avatar",
            reason="photo_required",
        )
    fingerprint = fingerprint_base64(avatar_base64, "avatar")
    refuse_protected_photo(fingerprint)
    return fingerprint


def refuse_protected_photo(fingerprint: AvatarFingerprint) -> None:
    """409 when the photo is a protected person's registered photo (it must never become "bad")."""
    registry = app_state().lookups.get(REGISTRY)
    if registry is None:
        return
    try:
        # Not ``photo_matches``: its exemption of platform defaults is a check's; a default that
        # copies her photo must not carry her photo into a bank (the defaults bank included).
        matches = registry.registered_photo_matches(fingerprint)
    except ServiceUnavailable:
        raise APIError(503, "storage_unavailable", "The protected-people registry cannot be checked now.") from None
    if matches:
        raise APIError(
            409,
            "matches_protected_person",
            "This photo matches a protected person's photo; it cannot go into a bank.",
            "avatar",
            reason="matches_protected_person",
        )


def _add_to_bank(
    record: dict[str, Any],
    bank: str,
    label: BankLabel,
    fingerprint: AvatarFingerprint,
    actor: Actor,
    with_account_id: bool,
) -> str:
    """The trainer's photo's fingerprint (and, if the trainer chose so, the reported account id)
    joins ``bank``. The account id is the reporter's word: nothing on the reported page shows it
    for most platforms, and a bank entry carries it to every organisation the bank is exported to
    as a bad account's."""
    profile = record.get("profile") or {}
    platform = record.get("platform")
    entry = make_entry(
        fingerprint,
        BankLabel(label),
        added_by=actor.role,  # a role, not a person: entries travel to other organisations in exports
        platform=Platform(platform) if platform else None,
        account_id=profile.get("account_id") if with_account_id else None,
        note=report_note(record["id"]),
    )
    app_state().stores.banks.add(bank, [entry])
    return entry.id

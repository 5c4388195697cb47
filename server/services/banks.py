"""Hash banks: what ``/v1/banks``, the console's bank pages and ``flask bank`` all do.

An entry added or a file imported from any door is checked, stored and audited the same way. A
photo is fingerprinted and dropped; only fingerprints (and, for photos, their keypoints) are kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import ValidationError

from heuristics.banks import DEFAULTS_BANK
from heuristics.context import ServiceUnavailable
from heuristics.images import AvatarFingerprint
from heuristics.profile import Platform, Profile
from heuristics.services import BANKS
from heuristics.services import PROTECTED as REGISTRY
from server.lookups.banks import BanksLookup
from server.schemas import BankEntryRequest, BankSummary
from server.services import Actor
from server.services.avatars import fingerprint_from, refuse_common_picture, refuse_legacy
from server.services.defaults_bank import refuse_defaults_write
from server.services.identity import refuse_protected_account
from server.services.reports import refuse_protected_photo
from server.state import app_state
from server.storage.banks import BANK_NAME, StoredEntry, make_entry
from server.web.errors import APIError


def valid_bank_name(bank: str) -> bool:
    """Whether ``bank`` is a bank name, the whole of it. ``BANK_NAME.match`` would not do: its "$"
    also matches before a final line break:
    "ngo-1\n" (``/v1/banks/ngo-1%0A/entries``) made a bank of its own, whose export put the break
    in the Content-Disposition header (a 500) on the API and the console's banks page. Every door
    (API, console, CLI) asks this one."""
    return BANK_NAME.fullmatch(bank) is not None


def bank_name(bank: str) -> str:
    """``bank`` when it is a valid bank name; 422 naming the ``bank`` field otherwise."""
    if not valid_bank_name(bank):
        raise APIError(422, "invalid_value", "Bank names are 1–64 of a-z, 0-9, '_' and '-'.", "bank")
    return bank


@dataclass(frozen=True)
class NewEntry:
    """An entry ready to store (:func:`new_entry`) and the picture it was made of: the photo's
    fingerprint with its pixels when one was sent (what confirms crops), dropped with it."""

    stored: StoredEntry
    picture: AvatarFingerprint


def new_entry(bank: str, body: BankEntryRequest, avatar: bytes | None, actor: Actor) -> NewEntry:
    """The entry of ``bank`` for one photo (fingerprinted, then dropped by the caller) or one
    fingerprint. A common picture is refused here, where the photo's pixels still are (what
    confirms a crop of a default against it): :func:`~server.services.avatars.refuse_common_picture`.

    The entry says who added it by role, not by name: entries travel to other organisations in
    exports (the audit trail names the person). Only a maintainer adds to the defaults bank
    (:func:`refuse_defaults_write`).
    """
    refuse_defaults_write(bank, actor)
    if bool(avatar) == bool(body.avatar_hash):
        raise APIError(422, "invalid_value", "Send exactly one of 'avatar' and 'avatar_hash'.", "avatar")
    found = fingerprint_from(avatar, body.avatar_hash, "avatar_hash")
    assert found is not None
    # Older exports' legacy entries still import (import_into_bank); one added now would grow the
    # bank's count and never warn anyone.
    refuse_legacy(found, "avatar_hash")
    refuse_common_picture(found, "avatar" if avatar else "avatar_hash", bank)
    # As for a report confirmed into a bank: a protected person's own photo never becomes "bad",
    # whichever door it is added through (a trainer may add a photo saved from a report by hand).
    refuse_protected_photo(found)
    refuse_protected_entry_account(body.platform, body.account_id, "account_id")
    return NewEntry(make_entry(found, body.label, actor.role, body.platform, body.account_id, body.note), found)


# Why a line of an imported bank file was refused: a stable code (``APIError.reason``, and in
# brackets at the end of the message) and what the message says. No part of the line is said back:
# the file is another organisation's, or whoever wrote it, and pydantic's message named an
# unknown key as written ("<img src=x>\u202e: Extra inputs are not permitted"), which the console's
# page showed and ``flask bank import`` printed to the terminal and its logs. A field is named only
# when it is one a bank entry has.
LINE_PROBLEMS = {
    "not_utf8": "is not valid UTF-8",
    "not_json": "is not valid JSON",
    "not_object": "is not a JSON object",
    "unknown_field": "has a field no bank entry has",
    "missing_field": "lacks the field {field}",
    "invalid_field": "has a value of {field} that is not valid",
}


def refuse_protected_entry_account(platform: Platform | None, account_id: str | None, field: str) -> None:
    """409 ``account_is_protected`` when an entry names a protected person's own registered
    account as the bad account: an export carries it to every partner as a bad account's, and a
    partner's file may name her account (a bait account there reported her). As for a report
    confirmed into a bank with its account id (``server.services.reports``)."""
    if platform is not None and account_id:
        registry = app_state().lookups.get(REGISTRY)
        refuse_protected_account(registry, Profile(account_id=account_id), platform, field)


def _refused_line(number: int, problem: str, field: str | None = None, status: int = 422) -> APIError:
    text = LINE_PROBLEMS[problem].format(field=field)
    code = "bad_json" if status == 400 else "invalid_value"
    values = {"line": number, "field": field or ""}
    return APIError(
        status, code, f"Line {number} {text} [{problem}].", f"line {number}", f"bank_line_{problem}", values
    )


def _entry_of_line(number: int, line: bytes | str) -> StoredEntry | None:
    """The entry on one line of an export (None for a blank line); :func:`_refused_line` otherwise."""
    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
    except UnicodeDecodeError:
        raise _refused_line(number, "not_utf8", status=400) from None
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested past the parser's depth ("[[[…")
        raise _refused_line(number, "not_json") from None
    if not isinstance(data, dict):
        raise _refused_line(number, "not_object")
    try:
        return StoredEntry.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        if first["type"] == "extra_forbidden" or field not in StoredEntry.model_fields:
            raise _refused_line(number, "unknown_field") from None
        problem = "missing_field" if first["type"] == "missing" else "invalid_field"
        raise _refused_line(number, problem, field) from None


def entries_from_jsonl(lines: Iterable[bytes | str]) -> list[StoredEntry]:
    """Every entry of an export file, all validated first; a bad line is named in ``field``
    (``line N``) with a stable problem code (:data:`LINE_PROBLEMS`), never with its content."""
    entries = []
    for number, line in enumerate(lines, start=1):
        entry = _entry_of_line(number, line)
        if entry is not None:
            entries.append(entry)
    return entries


def add_to_bank(bank: str, new: NewEntry, actor: Actor) -> int | None:
    """Store one entry (:func:`new_entry`'s, which refused a flat or common picture for this bank,
    and a write of the defaults bank by anyone but a maintainer) and record who added it. For the
    defaults bank, how many entries of the other banks a check of the picture confirms: from now
    on they are silenced for it (:meth:`~server.lookups.banks.BanksLookup.shadowed`), a count for
    the maintainer alone, never which entries. None for another bank, or when the banks cannot be
    read for it (the entry is stored all the same)."""
    bank = bank_name(bank)
    shadowed = _shadowed(new.picture) if bank == DEFAULTS_BANK else None
    stores = app_state().stores
    entry = new.stored
    stores.banks.add(bank, [entry])
    stores.audit.record(actor.name, "bank.added", entry.id, bank=bank, label=entry.label.value)
    return shadowed


def _shadowed(picture: AvatarFingerprint) -> int | None:
    banks = app_state().lookups.get(BANKS)
    if not isinstance(banks, BanksLookup):
        return None
    try:
        return banks.shadowed(picture)
    except ServiceUnavailable:
        return None


def import_into_bank(bank: str, entries: list[StoredEntry], actor: Actor) -> int:
    """Store imported entries and record who imported how many. An entry the bank holds already
    (same id, picture and label) is written again; another under a taken id is refused
    (:func:`refuse_id_reuse`).

    A file with an entry that matches a protected person's registered photo is refused whole
    (409 ``matches_protected_person``, naming its line), as a photo added by hand is: another
    organisation's bank may hold her photo, stolen by a bait account there. So is one naming her
    own registered account as the bad account (409 ``account_is_protected``), and, outside the
    defaults bank, one of a flat picture (422 ``low_information_fingerprint``) or of a picture
    that bank holds (422 ``common_picture``: :func:`~server.services.avatars.refuse_common_picture`).
    Into the defaults bank, a maintainer's import only (:func:`refuse_defaults_write`)."""
    refuse_defaults_write(bank, actor)
    refusals = {
        "matches_protected_person": "matches a protected person's photo",
        "account_is_protected": "names a protected person's own account",
    }
    for number, entry in enumerate(entries, start=1):
        found = entry.to_bank_entry(bank_name(bank)).fingerprint
        refuse_common_picture(found, "fingerprint", bank, entry=number)
        try:
            refuse_protected_photo(found)
            refuse_protected_entry_account(entry.platform, entry.account_id, "account_id")
        except APIError as error:
            if error.code not in refusals:
                raise
            message = f"Entry {number} {refusals[error.code]}; nothing was imported."
            raise APIError(409, error.code, message, f"entry {number}", reason=error.reason) from None
    refuse_id_reuse(bank, entries)
    stores = app_state().stores
    count = stores.banks.add(bank_name(bank), entries)
    stores.audit.record(actor.name, "bank.imported", bank, bank=bank, entries=count)
    return count


def refuse_id_reuse(bank: str, entries: list[StoredEntry]) -> None:
    """422 ``duplicate_entry_id`` for a file giving one id to two pictures or labels, 409 ``entry_id_taken`` for an
    entry whose id the bank holds for another picture or label (naming the entry; nothing is
    imported). Ids travel in exports: a partner holding this bank's export could otherwise send
    back its ids on other pictures, and the import silently overwrote the bank's entries (bait
    accounts' photos unbanked; the audit said only "imported N"). The same entries again (an
    export imported twice) still import: the note may differ (exports drop report references)."""
    first_line: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        if entry.id not in first_line:
            first_line[entry.id] = number
            continue
        first = entries[first_line[entry.id] - 1]
        if (first.fingerprint, first.label) != (entry.fingerprint, entry.label):  # a repeated line is harmless
            message = (
                f"Entry {number} has the id of entry {first_line[entry.id]} with another picture or label;"
                " nothing was imported."
            )
            raise APIError(422, "duplicate_entry_id", message, f"entry {number}", "duplicate_entry_id")
    stored = app_state().stores.banks.stored(bank, list(first_line))
    for entry_id, existing in stored.items():
        entry = entries[first_line[entry_id] - 1]
        if (existing.fingerprint, existing.label) != (entry.fingerprint, entry.label):
            number = first_line[entry_id]
            message = (
                f"Entry {number} has the id of an entry of this bank with another picture or label;"
                " nothing was imported. Remove that entry first (flask bank remove) if it is to go."
            )
            raise APIError(409, "entry_id_taken", message, f"entry {number}", "entry_id_taken")


def remove_from_bank(bank: str, entry_ids: list[str], actor: Actor) -> int:
    """Remove entries by id (a photo banked by mistake) and record who removed how many. Only a
    maintainer removes from the defaults bank (:func:`refuse_defaults_write`)."""
    refuse_defaults_write(bank, actor)
    stores = app_state().stores
    removed = stores.banks.remove(bank_name(bank), entry_ids)
    stores.audit.record(actor.name, "bank.removed", bank, bank=bank, entries=removed)
    return removed


def export_lines(bank: str, actor: Actor) -> list[str] | None:
    """A bank as JSONL lines, or None when there is no such bank. Audited (``bank.exported``):
    an export is how a bank leaves the server, to another organisation or to whoever holds a
    stolen key."""
    stores = app_state().stores
    if not valid_bank_name(bank) or not stores.banks.exists(bank):
        return None
    lines = [entry.exported() + "\n" for entry in stores.banks.entries(bank)]
    record_export(bank, len(lines), actor)
    return lines


def record_export(bank: str, entries: int, actor: Actor) -> None:
    """Record who exported how many entries of a bank (``flask bank export`` streams its own)."""
    app_state().stores.audit.record(actor.name, "bank.exported", bank, bank=bank, entries=entries)


def bank_summaries() -> list[BankSummary]:
    """Every bank with its counts, and (from this worker's indexes) its entries that never
    confirm a match or confirm without keypoints (docs/avatars.md, "Legacy entries")."""
    state = app_state()
    banks = state.stores.banks.banks()
    weak = state.lookups[BANKS].weak_entries()
    return [
        BankSummary(**b, never_confirm=weak.get(b["name"], (0, 0))[0], without_keypoints=weak.get(b["name"], (0, 0))[1])
        for b in banks
    ]

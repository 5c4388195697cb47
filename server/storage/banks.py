"""Hash banks in Redis: named sets of fingerprints of known-bad avatars (searched in memory by
``server.lookups.banks``, which rebuilds a bank's index when that bank's version key moves).

Only fingerprints are stored (:mod:`heuristics.images`), never the photos.

Redis keys (none expires: a bank is curated data, kept until an operator removes it; entries go
through :meth:`BankStore.remove`, ``flask bank remove``, which moves the version with them):
- ``haris:{banks}:names`` — set of bank names.
- ``haris:{banks}:bank:<name>:entries`` — hash: entry id → JSON entry (``fingerprint`` hex,
  ``keypoints`` (base64, for entries added from a photo: :mod:`heuristics.keypoints`, ≤ 5.8 KB),
  ``label``,
  ``platform``, ``account_id`` of the bad account if known, ``note``, ``added_at`` (Unix time),
  ``added_by`` (role)).
- ``haris:{banks}:bank:<name>:version`` — integer bumped on every change of that bank.
- ``haris:{banks}:bank:<name>:stamp`` — random token written with every change of that bank (in
  the same transaction): with the version, what a worker rebuilds its index by, so a bank lost
  and imported again never looks unchanged to a worker (:mod:`server.storage.stamps`).
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

import redis
from pydantic import BaseModel, ConfigDict, Field, field_validator

from heuristics.banks import BankEntry, BankLabel
from heuristics.images import AvatarFingerprint
from heuristics.keypoints import MAX_STORED_BYTES, Keypoints
from heuristics.profile import AccountId, HashHex, Platform
from server.storage.stamps import Version, as_version, new_stamp

BANK_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_NOTE_LENGTH = 1000
_BANKS = "haris:{banks}:names"
MAX_KEYPOINTS_BASE64 = 4 * ((MAX_STORED_BYTES + 2) // 3)
# How an entry's note names the user report it was confirmed from (report_note), and what an
# export takes out of notes (StoredEntry.exported): the writer and the reader of one format.
_REPORT_REFERENCE = re.compile(r"\breport [0-9a-f]{16}\b", re.IGNORECASE)
# What an export says of when an entry was added: its day (UTC midnight, Unix time). To the second,
# a partner's copy, or a seized one, dated a trainer's work, and lined up entries with the reports
# and checks of that moment; nothing reads an export's times but people (entries go in id order).
# The stored time keeps the second (the audit trail has it anyway).
EXPORTED_ADDED_AT_STEP = 86_400


def report_note(report_id: str) -> str:
    """The note of an entry confirmed from a user report (``server.services.reports``)."""
    return f"report {report_id}"


def _entries_key(bank: str) -> str:
    return f"haris:{{banks}}:bank:{bank}:entries"


def _version_key(bank: str) -> str:
    return f"haris:{{banks}}:bank:{bank}:version"


def _stamp_key(bank: str) -> str:
    return f"haris:{{banks}}:bank:{bank}:stamp"


class StoredEntry(BaseModel):
    """One bank entry as stored and as exported (one JSONL line)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
    fingerprint: HashHex
    # The picture's ORB keypoints when the entry was made from its photo: what confirms a match
    # geometrically (heuristics.matching). Entries made from a hash alone have none.
    keypoints: Annotated[str, Field(max_length=MAX_KEYPOINTS_BASE64)] | None = None
    label: BankLabel
    platform: Platform | None = None
    account_id: AccountId | None = None
    note: Annotated[str, Field(max_length=MAX_NOTE_LENGTH)] | None = None
    added_at: Annotated[int, Field(ge=0)]
    added_by: Annotated[str, Field(max_length=64)]

    @field_validator("fingerprint")
    @classmethod
    def _parsable(cls, value: str) -> str:
        AvatarFingerprint.from_hex(value)  # ValueError → validation error
        return value

    @field_validator("keypoints")
    @classmethod
    def _keypoints(cls, value: str | None) -> str | None:
        if value is not None:
            _parse_keypoints(value)  # ValueError → validation error
        return value

    def exported(self) -> str:
        """This entry as an export line carries it to other organisations (without the newline):
        every door that exports a bank (``GET /v1/banks/{bank}/export``, the console's download,
        ``flask bank export``) writes this. A note's references to this server's user reports
        (``report <id>``, which a report confirmed into a bank leaves) are taken out: a partner,
        or whoever seizes a partner's copy, could link the entry to the report with them. The
        link stays here, in the report's ``bank_entry`` and the audit trail's ``report.confirmed``.
        ``added_at`` goes out as its day (:data:`EXPORTED_ADDED_AT_STEP`)."""
        note = _REPORT_REFERENCE.sub("", self.note or "").strip(" \t\r\n,;") or None
        added_at = self.added_at - self.added_at % EXPORTED_ADDED_AT_STEP
        return self.model_copy(update={"note": note, "added_at": added_at}).model_dump_json(exclude_none=True)

    def to_bank_entry(self, bank: str) -> BankEntry:
        found = AvatarFingerprint.from_hex(self.fingerprint)
        if self.keypoints is not None and not found.legacy:
            found = replace(found, keypoints=_parse_keypoints(self.keypoints))
        return BankEntry(self.id, bank, self.label, found)


def _parse_keypoints(value: str) -> Keypoints:
    try:
        return Keypoints.from_bytes(base64.b64decode(value, validate=True))
    except binascii.Error:
        raise ValueError("keypoints are not base64") from None


def new_entry_id() -> str:
    return secrets.token_hex(8)


@dataclass
class BankStore:
    """Bank entries in Redis (see module doc for the keys). ``writes`` counts the changes made
    through this object: this process's lookup (``server.lookups.banks``) looks at the versions
    again at its next check when it moved, instead of waiting for its next periodic read."""

    client: redis.Redis
    writes: int = field(default=0, compare=False)

    def add(self, bank: str, entries: Iterable[StoredEntry]) -> int:
        """Add (or replace, by id) entries; returns how many were written."""
        mapping = {e.id: e.model_dump_json(exclude_none=True) for e in entries}
        if not mapping:
            return 0
        key = _entries_key(bank)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.sadd(_BANKS, bank)
            for start in range(0, len(mapping), 1000):
                chunk = dict(list(mapping.items())[start : start + 1000])
                pipe.hset(key, mapping=chunk)
            pipe.incr(_version_key(bank))
            pipe.set(_stamp_key(bank), new_stamp())
            pipe.execute()
        self.writes += 1
        return len(mapping)

    def remove(self, bank: str, entry_ids: Iterable[str]) -> int:
        """Remove entries by id; returns how many there were. The version moves in the same
        transaction, so every worker drops them within a second (an entry deleted by hand moves
        no version: workers would keep matching it until the bank next changed)."""
        ids = list(dict.fromkeys(entry_ids))
        if not ids:
            return 0
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hdel(_entries_key(bank), *ids)
            pipe.incr(_version_key(bank))
            pipe.set(_stamp_key(bank), new_stamp())
            removed = pipe.execute()[0]
        self.writes += 1
        return int(removed)

    def stored(self, bank: str, entry_ids: list[str]) -> dict[str, StoredEntry]:
        """The entries of ``bank`` among ``entry_ids`` (HMGET, 1,000 ids a command, one round trip)."""
        if not entry_ids:
            return {}
        with self.client.pipeline(transaction=False) as pipe:
            for start in range(0, len(entry_ids), 1000):
                pipe.hmget(_entries_key(bank), entry_ids[start : start + 1000])
            replies = [value for reply in pipe.execute() for value in reply]
        return {
            entry_id: StoredEntry.model_validate_json(value)
            for entry_id, value in zip(entry_ids, replies, strict=True)
            if value is not None
        }

    def banks(self) -> list[dict[str, Any]]:
        names = self.names()
        with self.client.pipeline(transaction=True) as pipe:
            for name in names:
                pipe.hlen(_entries_key(name))
                pipe.get(_version_key(name))
            replies = pipe.execute()
        return [
            {"name": name, "entries": int(replies[2 * i]), "version": int(replies[2 * i + 1] or 0)}
            for i, name in enumerate(names)
        ]

    def names(self) -> list[str]:
        return sorted(n.decode() for n in self.client.smembers(_BANKS))

    def exists(self, bank: str) -> bool:
        return bool(self.client.sismember(_BANKS, bank))

    def entries(self, bank: str) -> Iterator[StoredEntry]:
        """All entries of a bank, in id order (HSCAN: no single huge reply)."""
        rows = dict(self.client.hscan_iter(_entries_key(bank), count=2000))
        for entry_id in sorted(rows):
            yield StoredEntry.model_validate_json(rows[entry_id])

    def versions(self, known: Iterable[str] = ()) -> dict[str, Version]:
        """Every bank's version (counter and stamp): one round trip when the banks are the
        ``known`` ones (the set of names and their versions are read together), two when a bank
        came or went."""
        expected = sorted(known)
        # GETs, not one MGET: a Redis Cluster client refuses MGET inside a pipeline.
        with self.client.pipeline(transaction=False) as pipe:
            pipe.smembers(_BANKS)
            for name in expected:
                pipe.get(_version_key(name))
                pipe.get(_stamp_key(name))
            replies = pipe.execute()
        names = sorted(n.decode() for n in replies[0])
        if not names:
            return {}
        if names == expected:
            values = replies[1:]
        else:
            values = self.client.mget([key for name in names for key in (_version_key(name), _stamp_key(name))])
        return {name: as_version(values[2 * i], values[2 * i + 1]) for i, name in enumerate(names)}


def make_entry(
    fingerprint: AvatarFingerprint,
    label: BankLabel,
    added_by: str,
    platform: Platform | None = None,
    account_id: str | None = None,
    note: str | None = None,
) -> StoredEntry:
    if fingerprint.keypoints is None and fingerprint.source is not None:
        fingerprint = fingerprint.with_keypoints()  # made from the photo: keep what confirms it
    keypoints = fingerprint.keypoints
    return StoredEntry(
        id=new_entry_id(),
        fingerprint=fingerprint.hex,
        keypoints=base64.b64encode(keypoints.to_bytes()).decode() if keypoints is not None else None,
        label=label,
        platform=platform,
        account_id=account_id,
        note=note,
        added_at=int(time.time()),
        added_by=added_by,
    )

"""The evidence archive of a case, and its verification.

Layout (both the full archive and the redacted share copy)::

    manifest.json          {"format", "case", "redacted", "algorithm": "sha256", "files": {name: sha256}}
    case.json              the case record (the working copy: notes, statuses, history)
    collection_log.csv     utc_time, action, item, source_url, method, sha256, who
    evidence/<id>-<name>   the files exactly as captured, hashed when they arrived

Berkeley Protocol practice: each file's SHA-256 was taken at capture and is repeated in the
collection log with the UTC time, the source URL, the method and who collected it; evidence files
are kept apart from the working record and never rewritten. The manifest covers every other
entry, so :func:`verify` catches a changed byte, a missing file and an added one. The manifest
proves integrity, not authorship: compare its own SHA-256 (printed by ``flask --app server case
verify``) with the one the server's audit trail recorded at export.

Archives are deterministic (entries sorted, timestamps from the case, fixed permissions) and
bounded (at most :data:`MAX_EVIDENCE_FILES` files of :data:`MAX_EVIDENCE_BYTES`); :func:`verify`
refuses what looks like a zip bomb before decompressing it.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.escalation.model import (
    MAX_CASE_EVIDENCE_BYTES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_FILENAME_LENGTH,
    Case,
)
from server.escalation.redact import leaves_as_bytes, shareable
from server.escalation.tickets import one_line

FORMAT = "haris-case-archive/1"
MANIFEST = "manifest.json"
CASE_RECORD = "case.json"
COLLECTION_LOG = "collection_log.csv"
LOG_COLUMNS = ("utc_time", "action", "item", "source_url", "method", "sha256", "who")
# What verify accepts before reading anything: every entry of a real archive fits these.
MAX_ENTRIES = MAX_EVIDENCE_FILES + 3
MAX_RECORD_BYTES = 4 * 1024 * 1024  # manifest, case record, log
MAX_ARCHIVE_BYTES = MAX_CASE_EVIDENCE_BYTES + 3 * MAX_RECORD_BYTES
MAX_RATIO = 200  # deflate reaches ~1000:1 only on crafted input; real evidence compresses < 20:1
_ENTRY_NAME = re.compile(r"^(manifest\.json|case\.json|collection_log\.csv|evidence/[0-9]{2}-[A-Za-z0-9._-]{1,100})$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "text/html": "html",
    "multipart/related": "mhtml",
    "application/pdf": "pdf",
    "text/plain": "txt",
    "application/json": "json",
}


def safe_filename(name: str | None, media_type: str) -> str:
    """A file name safe in any archive and on any disk: ASCII letters, digits, ``.-_`` only, no
    directory, no leading dot, at most 100 characters, ending with the extension its bytes have."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _SAFE.sub("_", stem).strip("._-")[:80] or "file"
    extension = _EXTENSIONS.get(media_type, "bin")
    return f"{stem}.{extension}"[:MAX_FILENAME_LENGTH]


def _zip_time(timestamp: int) -> tuple[int, int, int, int, int, int]:
    moment = datetime.fromtimestamp(max(timestamp, 315532800), UTC)  # zip dates start in 1980
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _utc(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# Where a spreadsheet starts a cell: at the start of the value, and after a ";". Excel opens a
# .csv with the system's list separator, ";" where "," is the decimal comma (French, Arabic
# locales among them), and the csv module quotes a cell with "," but not one with ";": a source
# URL "https://x.com/a;=HYPERLINK(…)" became a cell "=HYPERLINK(…)" there. Quoting every cell does
# not help: Excel honours a quote only at the start of what it takes for a cell. Spaces before
# the sign count too (a spreadsheet may trim them), any Unicode space as well (a no-break or an
# ideographic one): the "'" goes before them. After a line break as well (a record kept from
# before line breaks became spaces here, see ``_cell``).
#
# The signs: "=", "+", "-", "@", and their full-width, small, superscript and subscript forms
# (every character NFKC makes one of the four: "＝" U+FF1D, "＋", "－", "＠", "﹦"…, and the Hebrew
# alternative plus U+FB29) and the minus signs U+2212, "⁻", "₋". Whether a spreadsheet opening a
# .csv starts a formula with "＝" was not found in Microsoft's, LibreOffice's or Google's own
# documentation; Japanese Excel converts full-width signs typed into a cell, and other projects'
# guards treat them as formula starts. A "'" before one costs a character in a rare cell, so they
# are guarded as the ASCII signs are (docs/escalation.md, "Evidence practice").
_SIGNS = "=+\\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b\u207a\u208a\u207c\u208c\u2212\u207b\u208b\ufb29"
# The Arabic semicolon "؛" (U+061B) is the list separator some Arabic Windows settings give, so
# it may split cells as ";" does (unverified; the "'" after it costs as little).
_FORMULA_START = re.compile(rf"(^|[;\u061b\n\r])(?=\s*[{_SIGNS}])")


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP CSV injection), in a locale whose
    separator is "," or ";", and that shows the value as it is (case.json keeps the exact value).

    First as the notice writes a value (:func:`server.escalation.tickets.one_line`): a line break
    or a control a space, so a value never adds a row of its own to the chain of custody; a
    character that hides or reorders text (a U+202E, a zero-width space) as ``<U+202E>``. A source
    URL "https://x.com/<U+202E>moc.live//:sptth" read, with the override at work, as another
    address than the one the file came from. Then a "'" before what would start a formula (at
    the start, after a ";")."""
    return _FORMULA_START.sub(r"\1'", one_line(value))


def collection_log(case: Case, names: Mapping[str, str | None]) -> bytes:
    """The chain of custody as CSV: every capture (with its hash) and every change of the case."""
    rows: list[tuple[int, tuple[str, ...]]] = []
    for item in case.evidence:
        where = names.get(item.id) or f"(not included) {item.id}"
        row = ("captured", where, item.source_url or "", item.method, item.sha256, item.added_by)
        rows.append((item.added_at, row))
    for entry in case.history:
        if entry.action == "case.evidence_added":
            continue  # the capture row above says it, with the hash
        detail = " ".join(f"{key}={value}" for key, value in sorted(entry.detail.items()))
        rows.append((entry.at, (entry.action, detail, "", "", "", entry.by)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for at, row in sorted(rows, key=lambda pair: pair[0]):
        writer.writerow([_utc(at), *(_cell(value) for value in row)])
    return out.getvalue().encode("utf-8")


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


class EvidenceMismatch(ValueError):
    """An evidence file whose stored bytes no longer match the hash taken at capture (or that is
    gone): the export is refused, never made. Only this is reported as a mismatch — any other
    error is not evidence of tampering."""


def build_archive(case: Case, files: Mapping[str, bytes], redacted: bool = False) -> bytes:
    """The zip of a case. ``files`` maps evidence id → bytes (as stored); a file whose bytes no
    longer match the hash taken at capture is refused (:class:`EvidenceMismatch`), never exported."""
    record = shareable(case) if redacted else case
    included = [item for item in record.evidence if not redacted or leaves_as_bytes(item)]
    names = {item.id: item.archive_name for item in included}
    entries: dict[str, bytes] = {}
    for item in included:
        data = files.get(item.id)
        if data is None or not hmac.compare_digest(hashlib.sha256(data).hexdigest(), item.sha256):
            raise EvidenceMismatch(f"evidence {item.id} does not match the hash taken at capture")
        entries[item.archive_name] = data
    entries[CASE_RECORD] = _json(record.model_dump(mode="json"))
    entries[COLLECTION_LOG] = collection_log(record, names)
    manifest = {
        "format": FORMAT,
        "case": case.id,
        "redacted": redacted,
        "algorithm": "sha256",
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(entries.items())},
    }
    entries[MANIFEST] = _json(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_zip_time(case.updated_at))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever the exporting machine
            archive.writestr(info, entries[name])
    return out.getvalue()


@dataclass
class Verification:
    problems: list[str] = field(default_factory=list)
    manifest_sha256: str | None = None
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """An entry's bytes, never more than ``limit`` whatever its header claims."""
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{info.filename} is larger than {limit} bytes")
    return data


def _refused_entry(info: zipfile.ZipInfo) -> str | None:
    if not _ENTRY_NAME.fullmatch(info.filename):
        return f"unexpected entry name {info.filename!r}"
    if info.flag_bits & 0x1:
        return f"{info.filename} is encrypted"
    limit = MAX_EVIDENCE_BYTES if info.filename.startswith("evidence/") else MAX_RECORD_BYTES
    if info.file_size > limit:
        return f"{info.filename} declares {info.file_size} bytes (limit {limit})"
    if info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return f"{info.filename} expands more than {MAX_RATIO} times: refused as a possible zip bomb"
    return None


def verify(path: Path | str) -> Verification:
    """Check an archive against its manifest; every problem found is listed."""
    result = Verification()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        return Verification([f"cannot read {path}: {error.strerror}"])
    if size > MAX_ARCHIVE_BYTES:
        return Verification([f"the file is {size} bytes; a case archive is at most {MAX_ARCHIVE_BYTES}"])
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                return Verification([f"{len(infos)} entries; a case archive has at most {MAX_ENTRIES}"])
            names = [info.filename for info in infos]
            if len(set(names)) != len(names):
                return Verification(["an entry name appears twice"])
            refused = [problem for info in infos if (problem := _refused_entry(info))]
            if refused:
                return Verification(refused)
            if MANIFEST not in names:
                return Verification(["manifest.json is missing"])
            manifest_bytes = _read_entry(archive, archive.getinfo(MANIFEST), MAX_RECORD_BYTES)
            result.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
            manifest = json.loads(manifest_bytes)
            listed = manifest.get("files") if isinstance(manifest, dict) else None
            if (
                not isinstance(manifest, dict)
                or manifest.get("format") != FORMAT
                or not isinstance(listed, dict)
                or not all(isinstance(digest, str) for digest in listed.values())
            ):
                result.problems.append("manifest.json is not a Haris case manifest")
                return result
            present = set(names) - {MANIFEST}
            for name in sorted(set(listed) - present):
                result.problems.append(f"missing: {_listed_name(name)}")
            for name in sorted(present - set(listed)):
                result.problems.append(f"not in the manifest: {name}")
            for info in infos:
                name = info.filename
                if name == MANIFEST or name not in listed:
                    continue
                limit = MAX_EVIDENCE_BYTES if name.startswith("evidence/") else MAX_RECORD_BYTES
                digest = hashlib.sha256(_read_entry(archive, info, limit)).hexdigest()
                result.files += 1
                if not hmac.compare_digest(digest, listed[name]):
                    result.problems.append(f"changed: {name} (sha256 {digest}, manifest {listed[name]})")
            if not result.problems:
                result.problems.extend(_log_problems(archive, listed))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, RuntimeError) as error:
        # json errors are ValueErrors; a damaged deflate stream raises zlib.error (an Exception)
        # through zipfile as BadZipFile or OSError.
        result.problems.append(f"not a readable case archive: {error}")
    except Exception as error:  # zlib.error and the like, from hostile bytes
        result.problems.append(f"not a readable case archive: {type(error).__name__}")
    return result


def _listed_name(name: str) -> str:
    """A name the manifest lists, as a problem names it. The manifest is whoever changed the
    archive's: ``flask case verify`` printed its names to the terminal as they came, and an
    escape sequence there ("\x1b]0;…\x07", "\x1b[2K") rewrote the terminal's title or erased the
    line that said FAIL; a U+202E reordered it. A name no archive has is shown as a Python
    literal (``repr`` writes every control and bidi character as an escape)."""
    return name if _ENTRY_NAME.fullmatch(name) else repr(name)


def _log_problems(archive: zipfile.ZipFile, listed: Mapping[str, str]) -> list[str]:
    """Each captured file's hash in the log must be the one the manifest has for it."""
    if COLLECTION_LOG not in listed:
        return ["collection_log.csv is missing"]
    text = _read_entry(archive, archive.getinfo(COLLECTION_LOG), MAX_RECORD_BYTES).decode("utf-8")
    problems = []
    for row in csv.DictReader(io.StringIO(text)):
        item = row.get("item") or ""
        if row.get("action") == "captured" and item in listed and row.get("sha256") != listed[item]:
            problems.append(f"collection log hash of {item} differs from the file's")
    return problems

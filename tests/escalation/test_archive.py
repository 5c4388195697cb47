"""The evidence archive: a manifest that verifies, catches a changed byte, a missing or an extra
file, refuses zip bombs and odd names, and comes out the same for the same case."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

import pytest

from heuristics.profile import Platform
from server.escalation import archive
from server.escalation.model import MAX_EVIDENCE_BYTES
from tests.escalation.samples import sample_case


def write(tmp_path: Path, data: bytes, name: str = "case.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def rezip(contents: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as written:
        for name, data in contents.items():
            written.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def built() -> bytes:
    case, files = sample_case(Platform.X)
    return archive.build_archive(case, files)


def test_layout_manifest_and_collection_log(built: bytes, tmp_path: Path) -> None:
    case, files = sample_case(Platform.X)
    contents = entries(built)
    assert set(contents) == {
        "manifest.json",
        "case.json",
        "collection_log.csv",
        *(e.archive_name for e in case.evidence),
    }
    manifest = json.loads(contents["manifest.json"])
    assert manifest["files"] == {n: hashlib.sha256(d).hexdigest() for n, d in contents.items() if n != "manifest.json"}
    for item in case.evidence:
        assert contents[item.archive_name] == files[item.id]
    rows = list(csv.DictReader(io.StringIO(contents["collection_log.csv"].decode())))
    captured = [row for row in rows if row["action"] == "captured"]
    assert [(r["item"], r["sha256"], r["source_url"], r["who"], r["method"]) for r in captured] == [
        (e.archive_name, e.sha256, e.source_url, e.added_by, e.method) for e in case.evidence
    ]
    assert captured[0]["utc_time"] == "2026-05-28T20:27:40Z"
    result = archive.verify(write(tmp_path, built))
    assert result.ok, result.problems
    assert result.files == len(contents) - 1
    assert result.manifest_sha256 == hashlib.sha256(contents["manifest.json"]).hexdigest()


def test_same_case_same_bytes() -> None:
    case, files = sample_case(Platform.TELEGRAM)
    assert archive.build_archive(case, files) == archive.build_archive(case, dict(reversed(files.items())))
    assert archive.build_archive(case, files, redacted=True) == archive.build_archive(case, files, redacted=True)


@pytest.mark.parametrize("target", ["case.json", "collection_log.csv", "evidence/02-profile.png", "manifest.json"])
def test_a_changed_byte_is_caught(built: bytes, tmp_path: Path, target: str) -> None:
    contents = entries(built)
    data = bytearray(contents[target])
    data[len(data) // 2] ^= 0x01
    contents[target] = bytes(data)
    result = archive.verify(write(tmp_path, rezip(contents)))
    assert not result.ok
    if target != "manifest.json":
        assert result.problems == [f"changed: {target} (sha256 {hashlib.sha256(data).hexdigest()}, "
                                   f"manifest {json.loads(contents['manifest.json'])['files'][target]})"]  # fmt: skip


def test_a_changed_byte_in_the_zip_itself_is_caught(built: bytes, tmp_path: Path) -> None:
    """Flip bytes all over the file: either verify fails, or the byte was zip bookkeeping (a time
    stamp, an attribute) and every entry still reads back exactly as exported."""
    original = entries(built)
    caught = 0
    for offset in range(0, len(built), max(1, len(built) // 60)):
        damaged = bytearray(built)
        damaged[offset] ^= 0xFF
        if not archive.verify(write(tmp_path, bytes(damaged))).ok:
            caught += 1
            continue
        assert entries(bytes(damaged)) == original, offset
    assert caught > 40


def test_missing_and_extra_files_are_caught(built: bytes, tmp_path: Path) -> None:
    contents = entries(built)
    del contents["evidence/03-saved-page.html"]
    assert archive.verify(write(tmp_path, rezip(contents))).problems == ["missing: evidence/03-saved-page.html"]
    contents = entries(built)
    contents["evidence/04-planted.png"] = b"\x89PNG planted"
    assert archive.verify(write(tmp_path, rezip(contents))).problems == ["not in the manifest: evidence/04-planted.png"]


def test_a_name_the_manifest_lists_reaches_no_terminal_as_it_came(built: bytes, tmp_path: Path) -> None:
    """Whoever changed the archive wrote its manifest: a listed name with an escape sequence (a
    terminal's title, an erased line) or a U+202E was printed by ``flask case verify`` as it came."""
    contents = entries(built)
    manifest = json.loads(contents["manifest.json"])
    hostile = ["evidence/\x1b]0;verified\x07", "\x1b[2K\rOK 3 files", "evidence/05-\u202egnp.exe"]
    manifest["files"].update(dict.fromkeys(hostile, "0" * 64))
    contents["manifest.json"] = json.dumps(manifest).encode()
    problems = archive.verify(write(tmp_path, rezip(contents))).problems
    assert sorted(problems) == sorted(f"missing: {name!r}" for name in hostile)
    assert not any(ch in "".join(problems) for ch in "\x1b\x07\r\u202e")
    # A name an archive could hold is named as it is.
    del contents["evidence/03-saved-page.html"]
    assert "missing: evidence/03-saved-page.html" in archive.verify(write(tmp_path, rezip(contents))).problems


def test_a_log_that_disagrees_with_the_files_is_caught(built: bytes, tmp_path: Path) -> None:
    contents = entries(built)
    manifest = json.loads(contents["manifest.json"])
    log = (
        contents["collection_log.csv"]
        .decode()
        .replace(manifest["files"]["evidence/01-MRKTRAINERNAMEQ7Z-avatar.png"], "0" * 64)
    )
    contents["collection_log.csv"] = log.encode()
    manifest["files"]["collection_log.csv"] = hashlib.sha256(log.encode()).hexdigest()
    contents["manifest.json"] = json.dumps(manifest).encode()
    problems = archive.verify(write(tmp_path, rezip(contents))).problems
    assert problems == ["collection log hash of evidence/01-MRKTRAINERNAMEQ7Z-avatar.png differs from the file's"]


def test_zip_bombs_odd_names_and_non_archives_are_refused(tmp_path: Path) -> None:
    bomb = rezip({"manifest.json": b"{}", "evidence/01-a.bin": b"\0" * (MAX_EVIDENCE_BYTES // 2)})
    assert "zip bomb" in archive.verify(write(tmp_path, bomb)).problems[0]
    big = rezip({"evidence/01-a.bin": b"\0" * (MAX_EVIDENCE_BYTES + 1)}, zipfile.ZIP_STORED)
    assert "declares" in archive.verify(write(tmp_path, big)).problems[0]
    for name in ("../escape.txt", "/etc/passwd", "evidence/../../x", "evidence\\01-a.png", "évidence.txt"):
        result = archive.verify(write(tmp_path, rezip({"manifest.json": b"{}", name: b"x"})))
        assert result.problems == [f"unexpected entry name {name!r}"]
    many = rezip({f"evidence/{i:02d}-a.txt": b"x" for i in range(archive.MAX_ENTRIES + 1)})
    assert "entries" in archive.verify(write(tmp_path, many)).problems[0]
    assert "not a readable case archive" in archive.verify(write(tmp_path, b"PK\x03\x04 not a zip")).problems[0]
    assert archive.verify(tmp_path / "absent.zip").problems[0].startswith("cannot read")
    assert archive.verify(write(tmp_path, rezip({"case.json": b"{}"}))).problems == ["manifest.json is missing"]
    not_ours = rezip({"manifest.json": b"[1, 2]"})
    assert archive.verify(write(tmp_path, not_ours)).problems == ["manifest.json is not a Haris case manifest"]


def test_evidence_that_no_longer_matches_its_hash_is_never_exported() -> None:
    case, files = sample_case(Platform.X)
    files["02"] = files["02"] + b"!"
    with pytest.raises(ValueError, match="evidence 02"):
        archive.build_archive(case, files)


@pytest.mark.parametrize(
    ("name", "media_type", "expected"),
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\Users\\amal\\shot.PNG", "image/png", "shot.png"),
        ("لقطة شاشة.png", "image/png", "file.png"),
        ("Écran 1.jpg", "image/jpeg", "Ecran_1.jpg"),
        (".htaccess", "text/plain", "file.txt"),
        ("a" * 500 + ".html", "text/html", "a" * 80 + ".html"),
        (None, "application/octet-stream", "file.bin"),
        ("evil.exe", "image/png", "evil.png"),
    ],
)
def test_file_names_are_sanitised(name: str | None, media_type: str, expected: str) -> None:
    assert archive.safe_filename(name, media_type) == expected


def test_spreadsheet_formulas_in_the_log_are_neutralised() -> None:
    case, files = sample_case(Platform.X)
    case.evidence[0] = case.evidence[0].model_copy(update={"source_url": '=HYPERLINK("http://evil")'})
    log = entries(archive.build_archive(case, files))["collection_log.csv"].decode()
    assert "'=HYPERLINK" in log


@pytest.mark.parametrize("separator", [",", ";"])
def test_no_cell_starts_a_formula_whichever_separator_the_spreadsheet_uses(separator: str) -> None:
    """Excel splits a .csv on the locale's list separator: ";" in French or Arabic settings. A
    source URL with ";=" made a formula cell there (the csv module quotes "," but not ";")."""
    case, files = sample_case(Platform.X)
    sources = ['https://x.com/a;=HYPERLINK("http://evil")', "https://x.com/b; @SUM(1)", "https://x.com/c;+1;-2"]
    case.evidence = [
        item.model_copy(update={"source_url": url}) for item, url in zip(case.evidence, sources, strict=True)
    ]
    log = entries(archive.build_archive(case, files))["collection_log.csv"].decode()
    for line in log.splitlines()[1:]:
        cells = line.split(separator) if separator == ";" else next(csv.reader([line]))
        assert not [cell for cell in cells if cell.lstrip(" ")[:1] in {"=", "+", "-", "@", "\t", "\r"}], line
    assert "https://x.com/a;'=HYPERLINK" in log and "https://x.com/c;'+1;'-2" in log
    assert "https://x.com/b;' @SUM(1)" in log  # a spreadsheet may trim the space


def test_a_line_break_in_a_value_starts_no_formula_row_where_the_separator_is_a_semicolon() -> None:
    """The csv module quotes a value with a line break, but in a ";" spreadsheet that quote is in
    the middle of a cell (the row's first cells hold no ";"), so the break ends the row: a source
    URL "https://x.com/a\n=cmd|'/C calc'!A0\nz" put a formula as the first cell of a row of its own."""
    case, files = sample_case(Platform.X)
    sources = ["https://x.com/a\n=cmd|'/C calc'!A0\nz", "https://x.com/b\r\n @SUM(1)", "https://x.com/c\r-2"]
    case.evidence = [
        item.model_copy(update={"source_url": url}) for item, url in zip(case.evidence, sources, strict=True)
    ]
    log = entries(archive.build_archive(case, files))["collection_log.csv"].decode()
    for line in log.replace("\r", "\n").split("\n")[1:]:
        cells = line.split(";")
        assert not [cell for cell in cells if cell.lstrip(" ")[:1] in {"=", "+", "-", "@", "\t"}], repr(line)
    # Each break a space, as the notice writes it: one row per capture, whatever the value held,
    # and what followed a break is inside the cell, where no spreadsheet starts a formula.
    assert len(log.splitlines()) == 1 + 1 + len(sources) and "\r" not in log
    assert "https://x.com/a =cmd|'/C calc'!A0 z" in log and "https://x.com/b   @SUM(1)" in log
    assert "https://x.com/c -2" in log


def _formula_cells(log: str) -> list[str]:
    """Cells of the log that start a formula, as a "," or a ";" (or "؛") spreadsheet splits it,
    spaces of any kind trimmed and the sign read as NFKC reads it ("＝" as "=")."""
    starts = []
    for line in log.splitlines()[1:]:
        cells = [*next(csv.reader([line])), *re.split("[;\u061b]", line)]
        for cell in cells:
            first = unicodedata.normalize("NFKC", cell.lstrip()[:1])
            if first in {"=", "+", "-", "@", "\u2212"}:
                starts.append(cell)
    return starts


def test_full_width_and_other_signs_start_no_formula() -> None:
    """The full-width signs "＝", "＋", "－", "＠" (a Japanese IME types them, and Japanese Excel turns
    them into "=" in a typed cell), the small and superscript signs and the minus sign "−", after
    any space (a no-break, an ideographic one), and after the Arabic semicolon some Arabic Windows
    settings use as the list separator: each gets its "'"."""
    case, files = sample_case(Platform.X)
    sources = [
        '\uff1dHYPERLINK("http://evil")',
        "https://x.com/a;\u3000\uff0b1;\u00a0\uff20SUM(1);\u2212 2",
        "https://x.com/b\u061b\ufe66cmd|'/C calc'!A0;\u207a1",
    ]
    case.evidence = [
        item.model_copy(update={"source_url": url}) for item, url in zip(case.evidence, sources, strict=True)
    ]
    log = entries(archive.build_archive(case, files))["collection_log.csv"].decode()
    assert _formula_cells(log) == []
    assert "'\uff1dHYPERLINK" in log and ";'\u3000\uff0b1;'\u00a0\uff20SUM(1);'\u2212 2" in log
    assert "\u061b'\ufe66cmd" in log and ";'\u207a1" in log


def test_every_compatibility_form_of_a_sign_is_guarded() -> None:
    """The guarded signs hold every character NFKC makes "=", "+", "-" or "@" (so a form the list
    missed cannot pass for one), and the minus signs."""
    signs = {"=", "+", "-", "@"}
    forms = {chr(code) for code in range(sys.maxunicode + 1) if unicodedata.normalize("NFKC", chr(code)) in signs}
    for sign in forms | {"\u2212", "\u207b", "\u208b"}:
        assert archive._cell(f"{sign}1") == f"'{sign}1", hex(ord(sign))
        assert archive._cell(f"a;{sign}1") == f"a;'{sign}1", hex(ord(sign))
    assert archive._cell("https://x.com/hala_ahed-2") == "https://x.com/hala_ahed-2"  # a sign inside a cell stays


def test_the_log_shows_hidden_characters_by_code_point() -> None:
    """A source URL (from a case kept before they were refused, or a record changed by hand) with
    a right-to-left override read, in a spreadsheet or a text editor, as another address than the
    one the file came from: "https://x.com/‮moc.live//:sptth" shows "…https://evil.com". The log
    writes such characters as the notice does, "<U+202E>"; case.json keeps the exact value."""
    case, files = sample_case(Platform.X)
    sources = [
        "https://x.com/\u202emoc.live//:sptth",
        "https://x.com/\u2067hala_ahed\u2069\u200b",
        "https://x.com/a\u200f\u061c",
    ]
    case.evidence = [
        item.model_copy(update={"source_url": url}) for item, url in zip(case.evidence, sources, strict=True)
    ]
    built = archive.build_archive(case, files)
    contents = entries(built)
    log = contents["collection_log.csv"].decode()
    assert "https://x.com/<U+202E>moc.live//:sptth" in log
    assert "https://x.com/<U+2067>hala_ahed<U+2069><U+200B>" in log and "https://x.com/a<U+200F><U+061C>" in log
    assert not [ch for ch in log if unicodedata.category(ch) == "Cf"]
    recorded = json.loads(contents["case.json"])
    assert [item["source_url"] for item in recorded["evidence"]] == sources  # the exact values, as evidence


@pytest.mark.parametrize("name", ["manifest.json\n", "evidence/04-extra.png\n", "case.json\n"])
def test_a_name_with_a_final_line_break_is_refused(built: bytes, tmp_path: Path, name: str) -> None:
    """The entry-name pattern's "$" matched before a final line break, so such an entry passed as
    one of the layout's, and a manifest listing one had it printed to the terminal as it came."""
    contents = entries(built)
    contents[name] = b"x"
    result = archive.verify(write(tmp_path, rezip(contents)))
    assert not result.ok and result.problems == [f"unexpected entry name {name!r}"]
    assert archive._listed_name(name) == repr(name)

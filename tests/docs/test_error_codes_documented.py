"""Every error code README.md and docs/*.md quote with its HTTP status (``422 `legacy_fingerprint```,
a ``| `image_too_large` | 413 |`` row) is one the server or the library can answer: its string is
in their source. A code renamed in the code and not in the documents (or the reverse) fails here.
"""

from __future__ import annotations

import re
from functools import cache

from tests.docs.markdown import DOCUMENTS, ROOT

QUOTED = [
    re.compile(r"\b[45]\d\d\)?,?\s+`(?P<code>[a-z][a-z_]+)`"),  # 422 `invalid_value`, (409) `x`
    re.compile(r"^\| `(?P<code>[a-z][a-z_]+)` \| [45]\d\d \|", re.M),  # | `image_too_large` | 413 |
]


def quoted_codes() -> set[tuple[str, str]]:
    return {
        (document.relative_to(ROOT).as_posix(), match["code"])
        for document in DOCUMENTS
        for pattern in QUOTED
        for match in pattern.finditer(document.read_text(encoding="utf-8"))
    }


@cache
def source() -> str:
    files = [path for folder in ("server", "heuristics") for path in (ROOT / folder).rglob("*.py")]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def answered(code: str, text: str) -> bool:
    """``code`` is a string of ``text``, or made from one (``"already_" + state``)."""
    if re.search(rf"""["']{re.escape(code)}["']""", text):
        return True
    prefixes = [code[: index + 1] for index, character in enumerate(code) if character == "_"]
    return any(re.search(rf"""["']{re.escape(prefix)}["']\s*\+""", text) for prefix in prefixes)


def test_codes_are_found_in_the_documents() -> None:
    codes = {code for _, code in quoted_codes()}
    assert {"legacy_fingerprint", "report_queue_full", "image_too_large"} <= codes


def test_every_error_code_quoted_is_one_the_server_answers() -> None:
    missing = sorted(f"{document}: {code}" for document, code in quoted_codes() if not answered(code, source()))
    assert not missing, "\n".join(missing)


def test_answered_reads_literal_and_built_codes() -> None:
    text = 'raise APIError(409, "already_" + state)\nraise APIError(422, "invalid_value")'
    assert answered("invalid_value", text) and answered("already_closed", text)
    assert not answered("invalid_rules", text) and not answered("value", text)

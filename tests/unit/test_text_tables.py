"""heuristics.text reads a character's script, whether it is hidden and whether it is decorative
from fixed tables of every code point, built from reference functions over Unicode's data: the
tables must say what the references say, everywhere, and ship for the Unicode data in use."""

from __future__ import annotations

import json
import sys

import pytest

from heuristics import text
from heuristics.text import (
    TABLES_PATH,
    CodePointRuns,
    computed_tables,
    is_decorative,
    is_decorative_reference,
    is_hidden,
    is_hidden_reference,
    script_of,
    script_of_reference,
)

PAIRS = [
    (script_of, script_of_reference),
    (is_hidden, is_hidden_reference),
    (is_decorative, is_decorative_reference),
]


def test_the_tables_agree_with_the_reference_functions_on_every_code_point() -> None:
    """All of 0–10FFFF, surrogates and unassigned code points too (astral letters, tags, the
    mathematical alphanumerics, the supplementary variation selectors)."""
    for fast, reference in PAIRS:
        disagree = [hex(code) for code in range(sys.maxunicode + 1) if fast(chr(code)) != reference(chr(code))]
        assert disagree == [], (fast.__name__, disagree[:10])


@pytest.mark.parametrize(
    ("ch", "script", "hidden", "decorative"),
    [
        ("a", "LATIN", False, False),
        ("ژ", "ARABIC", False, False),
        ("\U0001d40c", "LATIN", False, True),  # 𝐌 MATHEMATICAL BOLD CAPITAL M
        ("\uff2d", "LATIN", False, True),  # Ｍ FULLWIDTH
        ("\u1d0d", "LATIN", False, True),  # ᴍ LATIN LETTER SMALL CAPITAL M
        ("\u200b", None, True, False),
        ("\U000e0067", None, True, False),  # TAG LATIN SMALL LETTER G
        ("\U000e0fff", None, True, False),  # unassigned, default-ignorable
        ("\U00020000", "CJK", False, False),
        ("\U0010ffff", None, False, False),
        ("\ud800", None, False, False),  # a lone surrogate
    ],
)
def test_known_characters(ch: str, script: str | None, hidden: bool, decorative: bool) -> None:
    assert (script_of(ch), is_hidden(ch), is_decorative(ch)) == (script, hidden, decorative)


def test_the_shipped_tables_are_those_of_this_unicode_data() -> None:
    """The file is read (not rebuilt at import) only when it was made with the Unicode data of this
    interpreter and of the regex module; and it holds what they give. After an upgrade of either,
    regenerate it: ``.venv/bin/python -c "from heuristics.text import write_tables; write_tables()"``."""
    stored = json.loads(TABLES_PATH.read_text("utf-8"))
    assert stored["versions"] == text._unicode_versions()
    for name, table in computed_tables().items():
        assert [tuple(run) for run in stored[name]] == table.as_runs(), name


def test_tables_made_with_other_unicode_data_are_rebuilt(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored = json.loads(TABLES_PATH.read_text("utf-8"))
    stored["versions"]["unicodedata"] = "1.1.0"
    stored["script_of"] = [[0, "LATIN"]]  # would be wrong everywhere
    outdated = tmp_path / "unicode_classes.json"
    outdated.write_text(json.dumps(stored), "utf-8")
    monkeypatch.setattr(text, "TABLES_PATH", outdated)
    rebuilt = text._load_tables()
    assert rebuilt["script_of"]["ژ"] == "ARABIC" and rebuilt["script_of"]["1"] is None


def test_runs_start_at_the_first_code_point() -> None:
    with pytest.raises(ValueError):
        CodePointRuns([(65, "LATIN")])
    runs = CodePointRuns([(0, None), (65, "LATIN"), (91, None)])
    assert [runs[ch] for ch in "@AZ[\U0010ffff"] == [None, "LATIN", "LATIN", None, None]

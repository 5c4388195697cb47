"""Hidden characters in names (heuristics.text.hidden_characters, name.deceptive_characters):
every character drawn as nothing is marked, except where it does a visible job."""

from __future__ import annotations

import sys

import emoji
import pytest
import regex

from heuristics.names import similarity
from heuristics.signals.name import deceptive_kinds
from heuristics.text import hidden_characters, is_decorative, is_hidden, is_invisible
from tests.unit.helpers import detect

FLAG_SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
TAGS = {chr(code) for code in range(0xE0020, 0xE0080)}


def _code_points() -> list[str]:
    return [chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF]


def test_every_default_ignorable_character_is_hidden_and_none_is_decorative() -> None:
    """Unicode's Default_Ignorable_Code_Point (variation selectors, CGJ, Mongolian selectors, tags,
    unassigned code points of those blocks) joins the format controls and blank-looking letters;
    none of them is a decorative letter, so the signal counts each character under one kind."""
    ignorable = regex.compile(r"\p{Default_Ignorable_Code_Point}")
    for ch in _code_points():
        hidden = is_hidden(ch)
        assert hidden == (is_invisible(ch) or bool(ignorable.match(ch))), hex(ord(ch))
        assert not (hidden and is_decorative(ch)), hex(ord(ch))
    assert {is_hidden(ch) for ch in "\u034f\ufe00\ufe0f\U000e0100\U000e01ef\u180b\u180f\U000e0080"} == {True}


def test_every_hidden_character_inside_a_latin_name_is_marked() -> None:
    """Between two Latin letters nothing hidden does a visible job: each one is counted."""
    hidden = [ch for ch in _code_points() if is_hidden(ch)]
    assert len(hidden) > 4000  # the whole of U+E0000–E0FFF among them
    for ch in hidden:
        assert hidden_characters(f"Ha{ch}la Ahed") == [2], hex(ord(ch))


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("Ha\u034fla Ahm\u034fed", 2),  # COMBINING GRAPHEME JOINER
        ("Hala\ufe00 Ahed", 1),  # VS1 after a Latin letter
        ("Ha\ufe0fla Ahed", 1),  # VS16 after a letter that has no emoji form
        ("Hala Ahed \u2764\ufe0f\ufe0f", 1),  # a second selector after a heart
        ("Hala\U000e0100 Ahed", 1),  # an ideographic variation selector after a Latin letter
        ("H\u180bala Ahed", 1),  # a Mongolian selector after a Latin letter
        ("هالة\ufe0f عاهد", 1),
        ("Hala \U0001f600\U000e0067\U000e0062\U000e007f", 3),  # tags after an emoji that is no flag
        ("Hala \U0001f3f4" + "".join(chr(0xE0000 + ord(c)) for c in "verified") + "\U000e007f", 9),  # text in tags
        ("Hala\u200d\U0001f600", 1),  # ZWJ between a letter and an emoji
        ("Hala \U0001f469\u200d", 1),  # ZWJ joining nothing
        ("Ha\u094d\u200dla Ahed", 1),  # a Devanagari virama cannot license a joiner in a Latin name
        ("\u0915\u200d\u0937", 1),  # ZWJ between two Devanagari letters, no virama: does nothing
        ("\u0915\u094d\u200d\u200d\u0937", 1),  # the second joiner follows no virama
        # A digit, # or * takes a selector only in a keycap: 1 + VS16 alone draws a plain 1.
        ("Hala Ahed 1\ufe0f", 1),
        ("Hala Ahed 2\ufe0f0\ufe0f2\ufe0f4\ufe0f", 4),
        ("7\ufe0fala 3\ufe0fahed", 2),
        ("Hala Ahed #\ufe0e", 1),
    ],
)
def test_hidden_characters_are_marked_as_invisible(name: str, count: int) -> None:
    found = detect("name.deceptive_characters", display_name=name)
    assert found is not None
    assert found.evidence == {"kinds": ["invisible"], "count": count}


def test_the_marked_name_still_matches_the_name_it_hides_in() -> None:
    """Matching ignores the hidden characters; the warning now says they are there."""
    assert similarity("Hala Ahmed", "Ha\u034fla Ahm\u034fed").score == 1.0
    assert deceptive_kinds("Ha\u034fla Ahm\u034fed") == {"invisible": 2}


@pytest.mark.parametrize(
    "name",
    [
        "Hala \u2764\ufe0f",  # VS16: emoji presentation
        "Hala \u263a\ufe0f",
        "Hala \u2764\ufe0e",  # VS15: text presentation
        "Hala 1\ufe0f\u20e3",  # keycap
        "Hala 1\u20e3",  # keycap without its selector
        "Hala \u00a9\ufe0f \u00ae\ufe0f \u2122\ufe0f",  # ©️ ®️ ™️: emoji, drawn as emoji
        "Hala \U0001f469\U0001f3fd\u200d\U0001f4bb",  # ZWJ sequence with a skin tone
        "Hala \U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag
        "Hala \U0001f468\u200d\U0001f469\u200d\U0001f467",
        f"Hala Ahed {FLAG_SCOTLAND}",  # subdivision flag: tags
        f"{FLAG_SCOTLAND}{FLAG_SCOTLAND}",
        "葛\U000e0100飾",  # ideographic variation sequence (a Japanese name's glyph)
        "神\ufe00",  # CJK compatibility variation sequence
        "\u182e\u180b\u1823\u1829",  # Mongolian letter with a free variation selector
        "محمد\u200cرضا",  # ZWNJ in Persian spelling
        "Lakshmi \u0932\u0915\u094d\u200d\u0937\u094d\u092e\u0940",  # Devanagari half form (virama, ZWJ)
        "\u0915\u094d\u200c\u0937",  # Devanagari explicit virama (virama, ZWNJ)
        "\u0d05\u0d35\u0d28\u0d4d\u200d",  # Malayalam chillu at the word's end
        "\u09b0\u09cd\u200d\u09af",  # Bengali ya-phala
        "\u0dc1\u0dca\u200d\u0dbb\u0dd3",  # Sinhala (al-lakuna, ZWJ): "Sri"
    ],
)
def test_hidden_characters_doing_a_visible_job_are_not_marked(name: str) -> None:
    assert detect("name.deceptive_characters", display_name=name) is None


def test_no_emoji_sequence_of_unicodes_emoji_data_is_marked() -> None:
    """Every emoji, ZWJ sequence, keycap, flag and presentation sequence Unicode lists (the emoji
    package's copy of emoji-test.txt), alone, after a name and twice over. Before this change the
    ZWJ sequences and subdivision flags (2,670 of 5,244) read as invisible characters."""
    sequences = list(emoji.EMOJI_DATA)
    assert len(sequences) > 5000
    assert sum("\u200d" in sequence for sequence in sequences) > 2000
    assert sum(bool(TAGS & set(sequence)) for sequence in sequences) == 3
    for sequence in sequences:
        for text in (sequence, f"Hala Ahed {sequence}", sequence * 2):
            assert hidden_characters(text) == [], ascii(text)


def test_hostile_names_count_each_hidden_character() -> None:
    """200 characters of joiners, selectors or tags (the API's longest name) are each counted,
    whatever legitimate sequences they imitate."""
    assert len(hidden_characters("\u200d" * 200)) == 200
    assert len(hidden_characters("\ufe0f" * 200)) == 200
    assert len(hidden_characters("\U0001f3f4" + "\U000e0067" * 199)) == 199
    assert hidden_characters("\U0001f469\u200d" * 100) == [199]  # a ZWJ sequence, its last joiner dangling
    assert hidden_characters(FLAG_SCOTLAND * 28) == []

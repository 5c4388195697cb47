"""Crafted Unicode must never break name matching: any text normalises, scores stay in [0, 1],
similarity is symmetric, and the index agrees with one-by-one comparison."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from heuristics.names import NameIndex, compare, normalise, similarity
from heuristics.names.normalise import _unwanted, normalise_reference
from heuristics.text import is_invisible

# Every plane including surrogates-free astral characters, marks, format controls, digits.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
NAMEISH = st.text(
    st.sampled_from(list("MohamedSalhAيعمدصالحسنхоеаΜοΗ3579 _.\u200b\u200f\u064e\u0640𝐌Ｍᴍ@$0")), max_size=30
)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_any_text_normalises(text: str) -> None:
    form = normalise(text)
    assert form.original == text
    assert form.script in ("arabic", "latin")
    assert form.readings


@settings(max_examples=300, deadline=None)
@given(NAMEISH, NAMEISH)
def test_similarity_is_bounded_and_symmetric(a: str, b: str) -> None:
    forward, backward = similarity(a, b), similarity(b, a)
    assert 0.0 <= forward.score <= 1.0
    assert abs(forward.score - backward.score) < 1e-9


@settings(max_examples=50, deadline=None)
@given(st.lists(NAMEISH, min_size=1, max_size=15), NAMEISH, st.sampled_from([0.5, 0.8, 0.92]))
def test_index_agrees_with_compare(names: list[str], query: str, threshold: float) -> None:
    index = NameIndex((str(number), name) for number, name in enumerate(names))
    expected = {
        str(number)
        for number, name in enumerate(names)
        if not normalise(name).is_empty and compare(normalise(query), normalise(name)).score >= threshold
    }
    assert {m.key for m in index.search(query, threshold, limit=len(names))} == expected


# Plain names (ASCII letters or Arabic/Persian base letters, one space apart) take a fast path.
PLAIN_WORD = st.one_of(
    st.text(st.sampled_from(list("MohamedSalAbdulbinBenalOuldELKhrzy")), min_size=1, max_size=9),
    st.sampled_from(["al", "el", "ur", "ud", "Abd", "Abdul", "bin", "ben", "Ould", "ullah", "official", "ag"]),
    st.text(st.sampled_from(list("محمدصالعبنوليةأإآىئؤکیگپچژ")), min_size=1, max_size=8),
    st.sampled_from(["عبد", "ابو", "بن", "ال", "آل", "الله", "الدين", "الرحمن", "عبدالله", "رسمي"]),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(PLAIN_WORD, min_size=1, max_size=6))
def test_the_plain_name_path_equals_the_reference(words: list[str]) -> None:
    name = " ".join(words)
    assert normalise(name) == normalise_reference(name)


def test_the_clean_up_regexes_equal_the_character_predicates() -> None:
    """Every code point: the scan that builds them skips planes with no format characters or marks."""
    invisible, marks = _unwanted()
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        ch = chr(code)
        assert bool(invisible.fullmatch(ch)) == is_invisible(ch), hex(code)
        assert bool(marks.fullmatch(ch)) == (unicodedata.category(ch) in ("Mn", "Me")), hex(code)

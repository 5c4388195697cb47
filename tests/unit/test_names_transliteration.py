"""The learned Arabic↔Latin letter correspondences: the fast alignment equals the plain reference,
the shipped table says where it comes from, and the learner learns what its data shows."""

from __future__ import annotations

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from heuristics.names.learn import ADDED_EMISSIONS, LINK_EMISSIONS, train
from heuristics.names.transliteration import ADDED, NEVER, TABLE, final_vowel_mismatches, letter_symbols, model

ARABIC = st.text(st.sampled_from(list("سعيدمحلاةو")), min_size=1, max_size=4)
LATIN = st.text(st.sampled_from(list("saeidmhlou")), max_size=7)


@settings(max_examples=300, deadline=None)
@given(ARABIC, LATIN)
def test_viterbi_equals_trying_every_segmentation(arabic: str, latin: str) -> None:
    shipped = model()
    symbols = letter_symbols(arabic)
    score, path = shipped.viterbi(symbols, latin)
    expected = shipped.best_reference(symbols, latin)
    assert (score == NEVER and expected == NEVER) or math.isclose(score, expected, abs_tol=1e-9)
    if score != NEVER:
        assert "".join(segment for _, segment in path) == latin
        assert [symbol for symbol, _ in path if symbol != ADDED] == symbols
        written = sum(shipped.cost(symbol, segment) for symbol, segment in path)
        skipped_added = len(symbols) + 1 - sum(symbol == ADDED for symbol, _ in path)
        assert math.isclose(written + skipped_added * shipped.cost(ADDED, ""), score, abs_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(ARABIC, LATIN), min_size=1, max_size=12))
def test_the_batched_alignment_equals_the_one_by_one(pairs: list[tuple[str, str]]) -> None:
    shipped = model()
    inputs = [(letter_symbols(arabic), latin) for arabic, latin in pairs]
    batched = shipped.batch_log_likelihoods(inputs)
    for (symbols, latin), found in zip(inputs, batched, strict=True):
        expected = shipped.viterbi(symbols, latin)[0]
        assert (found == NEVER and expected == NEVER) or math.isclose(found, expected, abs_tol=1e-9)
    assert shipped.evidences(inputs) == [shipped.evidence(symbols, latin) for symbols, latin in inputs]


def test_final_vowels_tell_samir_from_samira() -> None:
    samir, samira = letter_symbols("سمير"), letter_symbols("سميرة")
    assert final_vowel_mismatches(samir[-1], "samir") == 0
    assert final_vowel_mismatches(samir[-1], "samira") == 1  # a Latin final vowel after ر
    assert final_vowel_mismatches(samira[-1], "samir") == 1  # ة left unwritten
    assert final_vowel_mismatches(samira[-1], "samirah") == final_vowel_mismatches(samira[-1], "hikmat") == 0
    assert final_vowel_mismatches(samir[-1], "lemaire") == 0  # a silent-looking e
    shipped = model()
    assert shipped.evidence(samir, "samir") > shipped.evidence(samir, "samira") + 10


def test_the_shipped_table_says_where_it_comes_from() -> None:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    assert "bench/names_learn.py" in data["command"]
    assert "train side only" in data["split"]
    assert any("ar2en" in source for source in data["source"])
    assert any("CC0" in source for source in data["source"])
    assert data["hand_set"]["link"] == LINK_EMISSIONS
    assert TABLE.stat().st_size < 64_000
    for table in data["emissions"].values():  # each symbol's spellings are a distribution
        assert math.isclose(sum(math.exp(value) for value in table.values()), 1.0, abs_tol=0.02)
    assert data["emissions"][ADDED] == {k: round(math.log(v), 3) for k, v in ADDED_EMISSIONS.items()}


def test_the_learner_finds_the_spellings_its_data_shows() -> None:
    words = [("شادي", "shadi"), ("شادي", "chadi"), ("شريف", "sharif"), ("شريف", "cherif"), ("رشيد", "rachid")]
    pairs = [(letter_symbols(arabic), latin, 1.0) for arabic, latin in words] * 3
    learned = train(pairs, iterations=6, prior_weight=0.0, log=lambda _: None)
    first_shin = learned["emissions"]["ش^"]
    for spelling in ("sh", "ch"):  # alone or with the vowel after it: EM finds either cut
        assert sum(math.exp(p) for segment, p in first_shin.items() if segment.startswith(spelling)) > 0.3
    assert learned == train(pairs, iterations=6, prior_weight=0.0, log=lambda _: None)  # deterministic
    # A letter the data never shows keeps its usual spellings (the conventions' pseudo-counts).
    with_conventions = train(pairs, iterations=2, log=lambda _: None)
    assert {"z", "dh"} <= set(with_conventions["emissions"]["ظ"])

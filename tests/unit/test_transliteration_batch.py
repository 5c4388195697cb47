"""The model's batch gives every pair exactly the float the readable alignment gives
(:meth:`viterbi`, itself tested against the plain ``best_reference``), and exactly what the batch
gave before it was made cheaper (``bench/transliteration_batch.py`` keeps that one for the
comparison): names' scores and the published name figures rest on these floats."""

from __future__ import annotations

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bench.transliteration_batch import old_log_likelihoods
from heuristics.names.transliteration import ADDED, ARTICLE, LINK, NEVER, letter_symbols, model

# Arabic words (their symbols as letter_symbols marks them), with symbols the table does not
# have mixed in: the padding symbol of the registry's padding pair, a Latin letter, the article.
WORD = st.text(st.sampled_from(list("سعيدمحلاةوشجرنبتكقهءى")), max_size=12).map(letter_symbols)
ODD = st.sampled_from(["\x00", "x", ARTICLE, LINK, ADDED, "ج^", "ة$"])
SYMBOLS = st.one_of(WORD, st.lists(st.one_of(ODD, WORD.map(lambda s: s[0] if s else "\x00")), max_size=12))
# Latin words, with what the model reads as any other character (digits, accents, the padding)
LATIN = st.text(st.sampled_from([*"abcdefghijklmnopqrstuvwxyz", "'", "3", "é", "\x00", "ı", " "]), max_size=20)
PAD = st.tuples(st.integers(1, 30), st.integers(1, 30)).map(lambda n: (["\x00"] * n[0], "a" * n[1]))
BATCH = st.tuples(st.lists(st.tuples(SYMBOLS, LATIN), min_size=1, max_size=15), st.lists(PAD, max_size=1))


@seed(20261201)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BATCH)
def test_the_batch_equals_the_reference_and_the_old_batch_bit_for_bit(batch: tuple[list, list]) -> None:
    pairs = [*batch[0], *batch[1]]  # the registry's padding pair comes last, as even.py sends it
    shipped = model()
    found = shipped.batch_log_likelihoods(pairs)
    assert found.tobytes() == old_log_likelihoods(shipped._dense, pairs).tobytes()
    for (symbols, latin), value in zip(pairs, found.tolist(), strict=True):
        expected = shipped.viterbi(symbols, latin)[0]
        assert value == expected, (symbols, latin)  # the same additions and maxima: equal floats


def test_a_batch_of_real_names_scores_them_as_one_by_one() -> None:
    pairs = [(letter_symbols("سعيد"), "said"), (letter_symbols("شريف"), "cherif"), (letter_symbols("هالة"), "hala")]
    pairs += [(letter_symbols("عبدالرحمن"), "abdurahman"), (["\x00"] * 21, "a" * 22)]
    shipped = model()
    found = shipped.batch_log_likelihoods(pairs).tolist()
    assert found == [shipped.viterbi(symbols, latin)[0] for symbols, latin in pairs]
    assert all(value > NEVER for value in found)
    alone = [(letter_symbols("سعيد"), ""), ([], "a")]  # letters written as nothing; no letters at all
    assert shipped.batch_log_likelihoods(alone).tolist() == [shipped.viterbi(*pair)[0] for pair in alone]

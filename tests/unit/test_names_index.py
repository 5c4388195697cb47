"""The name index finds exactly what comparing one by one finds, only faster."""

from __future__ import annotations

from pathlib import Path

import pytest

from heuristics.names import NameIndex, compare, normalise

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "ar2en-sample.tsv"


def stored_names() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in SAMPLE.read_text("utf-8").splitlines()]
    names = []
    for number, (arabic, latin) in enumerate(rows[:150]):
        names.append((f"a{number}", arabic))
        names.append((f"l{number}", latin))
    # two-word names in both scripts, glued handles, digits
    names += [("m", "Mohamed Saleh"), ("m", "محمد صالح"), ("h", "هالة عاهد"), ("s", "sa3id"), ("g", "mohamedsaleh")]
    return names


QUERIES = ["محمد صالح", "Muhammad Salih", "Hala Ahed", "سعيد", "Моhamed Saleh", "saleh mohamed", "7amza", "Samira"]


@pytest.mark.parametrize("threshold", [0.6, 0.8, 0.92])
def test_search_equals_brute_force(threshold: float) -> None:
    names = stored_names()
    index = NameIndex(names)
    rows = [line.split("\t") for line in SAMPLE.read_text("utf-8").splitlines()]
    queries = QUERIES + [arabic for arabic, _ in rows[:20]] + [latin for _, latin in rows[140:155]]
    forms = [(key, normalise(name)) for key, name in names]
    for query in queries:
        expected: dict[str, float] = {}
        query_form = normalise(query)
        for key, form in forms:
            score = compare(query_form, form).score
            if score >= threshold:
                expected[key] = max(expected.get(key, 0.0), score)
        found = index.search(query, threshold, limit=len(names))
        assert {m.key: round(m.similarity.score, 6) for m in found} == {k: round(v, 6) for k, v in expected.items()}, (
            query
        )
        assert [m.similarity.score for m in found] == sorted((m.similarity.score for m in found), reverse=True)


def test_limit_keeps_the_best_and_one_match_per_key() -> None:
    index = NameIndex([("p1", "Mohamed Saleh"), ("p1", "محمد صالح"), ("p2", "Mohamed Salah"), ("p3", "Omar")])
    found = index.search("Mohammed Saleh", 0.8, limit=1)
    assert [m.key for m in found] == ["p1"]
    assert len({m.key for m in index.search("Mohammed Saleh", 0.5, limit=10)}) == len(
        index.search("Mohammed Saleh", 0.5, limit=10)
    )


def test_empty_index_and_empty_query() -> None:
    assert NameIndex([]).search("Mohamed", 0.5) == []
    index = NameIndex([("p", "Mohamed"), ("junk", "🙂")])
    assert len(index) == 1
    assert index.search("🙂", 0.1) == []


def test_a_hostile_list_of_look_alike_names_costs_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """600 long identical names, each matching: the learned model scores a bounded number of
    pairs (the candidates' given names, then at most MAX_ALIGNED full alignments), not all."""
    from heuristics.names import index as index_module
    from heuristics.names.align import given_pairs, unit_pairs
    from heuristics.names.normalise import MAX_PARTS
    from heuristics.names.transliteration import Transliteration

    scored: list[int] = []
    original = Transliteration.batch_log_likelihoods

    def counting(self: Transliteration, pairs: list) -> object:
        scored.append(len(pairs))
        return original(self, pairs)

    monkeypatch.setattr(Transliteration, "batch_log_likelihoods", counting)
    long_name = " ".join(["بابابابابابابابابابابابا"] * 7)  # odd: a name written twice is halved
    index = NameIndex((str(number), long_name) for number in range(600))
    found = index.search(" ".join(["babababababababababababa"] * 7), 0.92, limit=1000)
    assert len(found) == index_module.MAX_ALIGNED
    parts = len(normalise(long_name).primary.parts)
    assert parts == MAX_PARTS
    per_name = len(given_pairs(parts, parts))  # the given-name pairs of one candidate
    per_alignment = len(unit_pairs(parts, parts))  # every pair of units of two such names
    assert sum(scored) <= index_module.MAX_CANDIDATES * per_name + index_module.MAX_ALIGNED * per_alignment

"""Probes an anonymous script could send to the constant-work registry search, found by red-teaming
it: each asserts counted work (alignments, completions, pairs, model batches), never the clock,
or that the results equal the plain search's.

- A probe repeating her given name ("Hala Hala": it reaches hers as written and family first) or
  read several ways ("7ala 7addad": Arabizi, two readings, one of which reaches hers) completed
  one alignment more, or fewer, from her name than from a decoy: :func:`align.align` completes
  one only from the given-name pairs that reach the cut-off. :func:`even.even_compare` completes
  one from every given-name pair.
- A registry of at most EVEN_WHOLE names is aligned whole; it found a mixed-script probe whose
  family name pairs with her middle name, which the plain search (and a larger registry) does
  not: its skeleton blocking pairs family units with family units only."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heuristics.names import NameIndex
from tests.unit.test_name_index_constant_work import HER, counting, probe_work, results

DATA = Path(__file__).resolve().parents[1] / "data"
# Probes matching nobody, each pair alike in shape (parts, letters, readings), one of each sharing
# her given name in a way that made the alignment's work differ.
SHAPED = {
    "her given name twice": {"near": "Hala Hala", "far": "Rima Rima"},
    "her given name three times": {"near": "Hala Hala Hala", "far": "Rima Rima Rima"},
    "in a tagline, twice": {"near": "Hala Hala | Hala Hala", "far": "Rima Rima | Rima Rima"},
    "in Arabizi (two readings)": {"near": "7ala 7addad", "far": "rima 7addad"},
}
REGISTRIES = {
    "hers": [HER],
    "hers in two scripts": [HER, "هالة عاهد منصور"],
    "hers in Arabic": ["هالة عاهد منصور"],
    "four names": [HER, "Omar bin Saleh", "محمد صالح", "Abd al-Rahman el-Masri"],
    "her handle": ["hala_mansour"],
    "her given name alone": ["Hala"],
}


@pytest.mark.parametrize("registry", list(REGISTRIES))
@pytest.mark.parametrize("probe", list(SHAPED))
def test_a_probe_reaching_her_given_name_twice_or_in_one_reading_completes_as_many_alignments(
    registry: str, probe: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before even_compare, "Hala Hala" against her name completed 2 alignments where "Rima Rima"
    completed 1 (4 and 2 with her name in two scripts), and "7ala 7addad" 1 where "rima 7addad"
    completed 2."""
    names = REGISTRIES[registry]
    even = NameIndex(((str(number), name) for number, name in enumerate(names)), constant_work=True)
    work = probe_work(even, SHAPED[probe], monkeypatch)
    assert work["near"] == work["far"], work


def test_every_given_name_pair_of_every_reading_is_completed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The completions are those of the shapes: her name (3 parts) against a 2-part probe has 6
    given-name pairs; "7ala 7addad" has two readings."""
    even = NameIndex([("her", HER)], constant_work=True)
    for probe, completions in (("Rima Rima", 6), ("Hala Hala", 6), ("7ala 7addad", 12), ("rima 7addad", 12)):
        with counting(monkeypatch) as work:
            assert even.search(probe, 0.92) == []
        assert work.completions == completions, probe


MIXED = "ناكر سالم فيلدمان Saleh"  # its family name Saleh aligns with her middle name سالم


@pytest.mark.parametrize("size", [1, 2, 4, 5, 12])
def test_a_name_the_plain_search_does_not_find_is_not_found_in_a_small_registry(size: int) -> None:
    """At 0.6 the plain search does not find "ناكر سالم فيلدمان" for MIXED (not a candidate: its
    family name is not near MIXED's); the whole search of at most EVEN_WHOLE names found it
    (0.667), so registering a fifth person changed an answer. Now both give the plain answer."""
    names = [("her", "ناكر سالم فيلدمان")] + [(f"o{n}", name) for n, name in enumerate(_latin(size - 1))]
    plain, even = NameIndex(names), NameIndex(names, constant_work=True)
    for threshold in (0.6, 0.8):
        assert results(even, MIXED, threshold) == results(plain, MIXED, threshold) == []


def _latin(count: int) -> list[str]:
    held = [line.split("\t")[1].title() for line in (DATA / "names-held-out.tsv").read_text("utf-8").splitlines()]
    rng = random.Random(20261203)
    return [" ".join(rng.sample(held, 2)) for _ in range(count)]


def _words() -> tuple[list[str], list[str]]:
    held = [line.split("\t") for line in (DATA / "names-held-out.tsv").read_text("utf-8").splitlines()]
    return [row[0] for row in held], [row[1].title() for row in held]


ARABIC, LATIN = _words()
EXTRA = ["al-", "el-", "bin", "abu", "de", "Abd", "Mohammed", "محمد", "Muhammad", "عبد", "7", "3", "_", "99"]
WORD = st.one_of(st.sampled_from(ARABIC), st.sampled_from(LATIN), st.sampled_from(EXTRA))
NAME = st.builds(
    lambda words, sep: sep.join(words),
    st.lists(WORD, min_size=1, max_size=5),
    st.sampled_from([" ", " ", " ", "", "_", " | "]),
)


@settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stored=st.lists(NAME, min_size=1, max_size=7), probes=st.lists(NAME, min_size=1, max_size=4))
def test_random_names_give_the_plain_search_results(stored: list[str], probes: list[str]) -> None:
    """Names of the name data, particles, Mohammed, Arabizi digits, handles, taglines and mixed
    scripts, in registries of 1 to 7 (across EVEN_WHOLE): the same results as the plain search,
    for random probes and for each stored name, and it with a part added."""
    names: list[tuple[str, str]] = [(f"k{number % 3}", name) for number, name in enumerate(stored)]
    plain, even = NameIndex(names), NameIndex(names, constant_work=True)
    queries: list[Any] = [*probes, *stored, *(name + " Saleh" for name in stored)]
    for query in queries:
        for threshold in (0.6, 0.92):
            assert results(even, query, threshold) == results(plain, query, threshold), (query, threshold)


def test_what_is_left_a_near_name_costs_by_its_shape_which_its_decoy_may_not_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/privacy.md's "What is left": in a registry of more than EVEN_WHOLE names, her name
    near the probe takes the place of a decoy of her script, and costs by its shape: registered
    in Arabizi (two readings) against decoys of one, or with parts of both scripts. Asserted
    (the figures the docs give), not hidden."""
    from tests.unit.test_name_index_constant_work import _others

    probes = {"near": "Hala Ahed Haddad", "far": "Hela Ahed Haddad"}
    figures = {}
    for hers in ("7ala 3ahed Mansour", "Hala عاهد Mansour", HER):
        names = [*_others(20), hers, *_others(40)[20:]]
        even = NameIndex(((str(number), name) for number, name in enumerate(names)), constant_work=True)
        figures[hers] = probe_work(even, probes, monkeypatch)
    arabizi = figures["7ala 3ahed Mansour"]
    assert (arabizi["near"][1][-1], arabizi["near"][3]) == (63, 27)  # type: ignore[index]
    assert (arabizi["far"][1][-1], arabizi["far"][3]) == (42, 18)  # type: ignore[index]
    mixed = figures["Hala عاهد Mansour"]
    assert (mixed["near"][2][-1][0], mixed["far"][2][-1][0]) == (6, 1)  # type: ignore[index]
    assert figures[HER]["near"] == figures[HER]["far"]  # her shape is the decoys'


def test_a_crafted_probe_costs_what_its_shape_and_the_registrys_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CPU an anonymous probe can make the constant-work search spend (docs/privacy.md):
    against 4 names of six parts, a six-part Arabizi probe (two readings) scores 756 pairs (193
    in the model's one batch) and completes 90 alignments of 4 names; the plain search scores
    308 pairs and completes 3."""
    names = [
        "Hala Ahed Mansour Saleh Omar Nabil",
        "هالة عاهد منصور صالح عمر نبيل",
        "Abd al-Rahman bin Saleh el-Masri Omar",
        "7amad 3ahed 5aled 9aleh",
    ]
    probe = "7ala 3ahed 5aled 7amad 3omar 9aleh"
    entries = [(str(number), name) for number, name in enumerate(names)]
    figures = []
    for constant_work in (True, False):
        with counting(monkeypatch) as work:
            assert NameIndex(entries, constant_work=constant_work).search(probe, 0.92) == []
        figures.append((work.compares, sum(work.batches), sum(count for count, _, _ in work.model), work.completions))
    assert figures[0] == (4, 756, 193, 90)
    assert (figures[1][1], figures[1][3]) == (308, 3)

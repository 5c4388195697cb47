"""The name index's constant-work search (the protected-people registry's): the same results as
the plain search, with work that does not tell whether a stored name is near the probe.

An anonymous check searches the registry with the names a profile shows. The plain search aligns
in full only the stored names whose given name is close to the probe's: a probe sharing a
registered person's given name and nothing else (no match, nothing counted) cost about twice a
probe sharing nothing, and a script learned which given names were registered. The work is
asserted here, not the clock: how many alignments, which pairs scored, which model batches."""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from heuristics.names import NameIndex
from heuristics.names import align as align_module
from heuristics.names import even as even_module
from heuristics.names import index as index_module
from heuristics.names.transliteration import Transliteration, with_added

DATA = Path(__file__).resolve().parents[1] / "data"
HER = "Hala Ahed Mansour"
# Probes that match nobody; each differs from "shares nothing" only in what it shares with her.
PROBES = {
    "shares nothing": "Karim Haddad",
    "shares her given name": "Hala Haddad",
    "shares her family name": "Zaid Mansour",
    "shares her given name, spelt otherwise": "Hela Haddad",
}
ARABIC_PROBES = {"shares nothing": "كريم حداد", "shares her given name": "هالة حداد"}


# The bench's tagline probe: three six-part names, searched as the whole and as one piece.
def tagline(name: str) -> str:
    return " | ".join([name + " Ali Omar Saleh Nabil"] * 3)


SIMILARITY = sys.modules["heuristics.names.similarity"]


def sample_names() -> list[tuple[str, str]]:
    """Stored names of every kind the index meets: single words of both scripts (the held-out
    name data and its sample), full names, particles, Mohammed, handles, Arabizi, compounds."""
    rows = [line.split("\t") for line in (DATA / "ar2en-sample.tsv").read_text("utf-8").splitlines()]
    held = [line.split("\t") for line in (DATA / "names-held-out.tsv").read_text("utf-8").splitlines()]
    rng = random.Random(20261201)
    names = [(f"a{n}", arabic) for n, (arabic, _) in enumerate(rows[:60])]
    names += [(f"l{n}", latin) for n, (_, latin) in enumerate(rows[60:120])]
    for number in range(80):  # full names of two or three held-out words, in one script or the other
        words = rng.sample(held, rng.choice([2, 2, 3]))
        names.append((f"f{number}", " ".join(word[number % 2].title() for word in words)))
    names += [
        ("her", HER),
        ("her", "هالة عاهد منصور"),
        ("m", "Mohamed Saleh"),
        ("m", "محمد صالح"),
        ("b", "Omar bin Saleh"),
        ("b", "عمر بن صالح"),
        ("g", "mohamedsaleh"),
        ("s", "sa3id"),
        ("c", "Shams ur-Rahman Karimi"),
        ("o", "Salah"),
    ]
    return names


QUERIES = [
    *PROBES.values(),
    *ARABIC_PROBES.values(),
    HER,
    "هالة عاهد منصور",
    "Hala Mansour",
    "Mansour Hala",
    "MANSOUR Hala Ahed",
    "Muhammad Salih",
    "محمد صالح",
    "Mohammed bin Salih",
    "Omar ben Salah",
    "عمر صالح",
    "mohamed_saleh",
    "7ala 3ahed",
    "Salah",
    "Shamsurrahman Karimi",
    tagline("Hala Haddad"),
]


def results(index: NameIndex, query: str, threshold: float) -> list[tuple[Any, ...]]:
    return [
        (m.key, m.name, m.similarity.score, m.similarity.mode, m.similarity.evidence())
        for m in index.search(query, threshold, limit=1000)
    ]


@pytest.mark.parametrize("size", [1, 3, 4, 5, 60, None])
def test_the_constant_work_search_finds_exactly_what_the_plain_search_finds(size: int | None) -> None:
    """Same matches, same scores to the last bit, same evidence, for registries small enough to be
    scored whole (at most EVEN_WHOLE names) and larger, at three cut-offs."""
    names = sample_names()
    if size is not None:
        names = [entry for entry in names if entry[0] == "her"][:1] + names[: size - 1]
    plain, even = NameIndex(names), NameIndex(names, constant_work=True)
    held = [line.split("\t") for line in (DATA / "names-held-out.tsv").read_text("utf-8").splitlines()]
    queries = QUERIES + [name for _, name in names[:: max(1, len(names) // 40)]]
    queries += [f"{a[0]} {b[0]}" for a, b in zip(held[:10], held[10:20], strict=True)]
    queries += [f"{a[1].title()} {b[1].title()}" for a, b in zip(held[20:30], held[30:40], strict=True)]
    for query in queries:
        for threshold in (0.6, 0.8, 0.92):
            assert results(even, query, threshold) == results(plain, query, threshold), (query, threshold)


class Work:
    """What a search does, counted where the index does it: the alignments it runs (``compare``,
    ``even_compare``) and how many of them it completes from a given-name pair (``align.complete``:
    pairing the other parts), the unit pairs it scores in each batch (the index's and the
    alignment's scorers), and the learned model's batches with their shape (pairs, steps, width):
    what a batch costs."""

    def __init__(self) -> None:
        self.compares = 0
        self.completions = 0
        self.batches: list[int] = []
        self.model: list[tuple[int, int, int]] = []

    def as_tuple(self) -> tuple[object, ...]:
        return self.compares, tuple(self.batches), tuple(self.model), self.completions


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    work = Work()
    compare, even_scores, even_compare = index_module.compare, index_module.even_unit_scores, index_module.even_compare
    complete = align_module.complete
    unit_scores, alignment_scores = index_module.unit_scores, SIMILARITY.unit_scores
    batch = Transliteration.batch_log_likelihoods

    def counted_compare(*args: Any, **kwargs: Any) -> Any:
        work.compares += 1
        return compare(*args, **kwargs)

    def counted_even_compare(*args: Any, **kwargs: Any) -> Any:
        work.compares += 1
        return even_compare(*args, **kwargs)

    def counted_complete(*args: Any, **kwargs: Any) -> Any:
        work.completions += 1
        return complete(*args, **kwargs)

    def counted(scorer: Any) -> Any:
        def scores(pairs: list, *rest: Any) -> Any:
            if pairs:
                work.batches.append(len(pairs))
            return scorer(pairs, *rest)

        return scores

    def counted_batch(self: Transliteration, pairs: list) -> Any:
        if pairs:
            steps = max(len(with_added(symbols)) for symbols, _ in pairs)
            work.model.append((len(pairs), steps, max(len(latin) for _, latin in pairs)))
        return batch(self, pairs)

    with monkeypatch.context() as patch:
        patch.setattr(index_module, "compare", counted_compare)
        patch.setattr(index_module, "even_compare", counted_even_compare)
        patch.setattr(align_module, "complete", counted_complete)
        patch.setattr(even_module, "complete", counted_complete)
        patch.setattr(index_module, "even_unit_scores", counted(even_scores))
        patch.setattr(index_module, "unit_scores", counted(unit_scores))
        patch.setattr(SIMILARITY, "unit_scores", counted(alignment_scores))
        patch.setattr(Transliteration, "batch_log_likelihoods", counted_batch)
        yield work


def work_of(index: NameIndex, queries: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[object, ...]:
    with counting(monkeypatch) as work:
        for query in queries:
            assert index.search(query, 0.92) == []  # none matches: the answer tells nothing
    return work.as_tuple()


def probe_work(index: NameIndex, probes: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    return {label: work_of(index, [name], monkeypatch) for label, name in probes.items()}


def _others(count: int) -> list[str]:
    """Three-part Latin names of held-out words (fixed seed), none near a probe's given name."""
    held = [line.split("\t")[1].title() for line in (DATA / "names-held-out.tsv").read_text("utf-8").splitlines()]
    rng = random.Random(20261201)
    found: list[str] = []
    while len(found) < count:
        name = " ".join(rng.sample(held, 3))
        if not any(part[:2] in {"Ha", "Ka", "Za", "He", "Ma"} for part in name.split()):
            found.append(name)
    return found


@pytest.mark.parametrize("names", [[HER], [HER, "هالة عاهد منصور"]], ids=["hers alone", "hers in two scripts"])
def test_a_probe_sharing_her_given_name_does_the_work_of_one_sharing_nothing(
    names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry of at most EVEN_WHOLE names (a person under her name in two scripts):
    every probe does the same work, whatever it shares with her."""
    even = NameIndex(((str(number), name) for number, name in enumerate(names)), constant_work=True)
    for probes in (PROBES, ARABIC_PROBES, {k: tagline(v) for k, v in PROBES.items()}):
        work = probe_work(even, probes, monkeypatch)
        assert len(set(work.values())) == 1, work
    # The plain search (the contacts' index: the client's own names, no oracle there) does not
    # hide it: it aligns her names for a probe sharing her given name, and none for the others.
    plain = NameIndex((str(number), name) for number, name in enumerate(names))
    work = probe_work(plain, PROBES, monkeypatch)
    assert work["shares her given name"] != work["shares nothing"]
    assert work["shares her given name"][0] >= 1 and work["shares nothing"][0] == 0  # type: ignore[index]


def test_in_a_larger_registry_her_given_name_costs_what_another_of_its_consonants_costs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Among 40 other names, the candidates a probe has depend on the consonants of its names
    (the skeleton gate), so two probes are compared whose names have the same consonants, one
    with her given name (aligned with hers in full by the plain search) and one without: the
    same work, up to EVEN_ALIGNED near given names. (Decoys are stored names: the others have
    her shape, three Latin parts, so the work is the same to the pair.)"""
    names = [*_others(20), HER, *_others(40)[20:]]
    same_consonants = {"shares her given name": "Hala Haddad", "another given name": "Hela Haddad"}
    even = NameIndex(((str(number), name) for number, name in enumerate(names)), constant_work=True)
    for probes in (same_consonants, {k: tagline(v) for k, v in same_consonants.items()}):
        work = probe_work(even, probes, monkeypatch)
        assert len(set(work.values())) == 1, work
    plain = NameIndex((str(number), name) for number, name in enumerate(names))
    work = probe_work(plain, same_consonants, monkeypatch)
    assert work["shares her given name"][0] == 1 and work["another given name"][0] == 0  # type: ignore[index]


def test_in_a_registry_of_both_scripts_a_near_name_takes_the_place_of_a_decoy_of_its_script(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The decoys are one name of each script (of the commonest shape): a name near the probe
    takes the place of the decoy of its script, so that the names aligned are of the same
    scripts, and the pairs scored across scripts as many, whether or not one is near."""
    held = [line.split("\t")[0] for line in (DATA / "names-held-out.tsv").read_text("utf-8").splitlines()]
    rng = random.Random(20261202)
    arabic = [" ".join(rng.sample(held, 3)) for _ in range(20)]
    names = [*_others(20), *arabic, HER]
    same_consonants = {"shares her given name": "Hala Haddad", "another given name": "Hela Haddad"}
    even = NameIndex(((str(number), name) for number, name in enumerate(names)), constant_work=True)
    assert sorted(decoy.script for decoy in even._decoys([])) == ["arabic", "latin"]
    work = probe_work(even, same_consonants, monkeypatch)
    assert len(set(work.values())) == 1, work
    assert work["another given name"][2]  # type: ignore[index]  # the model's batch: across scripts


def test_the_constant_work_search_aligns_a_name_for_every_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The decoy alignments are really done: a probe near nobody pays what a probe near her pays,
    not the reverse (her alignment skipped). A registry of at most EVEN_WHOLE names has
    each aligned and all their pairs scored in one batch; a larger one at least EVEN_ALIGNED."""
    for names, compares, batches in (([HER], 1, 1), ([*_others(40), HER], index_module.EVEN_ALIGNED, 2)):
        even = NameIndex(((str(number), name) for number, name in enumerate(names)), constant_work=True)
        with counting(monkeypatch) as work:
            even.search("Karim Haddad", 0.92)
        assert work.compares == compares
        assert len(work.batches) == batches


def test_a_probe_in_arabic_script_calls_the_model_the_same_whatever_is_near(monkeypatch: pytest.MonkeyPatch) -> None:
    """Across scripts the learned model's batch costs about as much as its longest units are long:
    it is padded to the longest units the registry can give, so a near name, long or short, does
    not change its shape; and a probe of the registry's own script never calls it."""
    even = NameIndex([("her", HER), ("other", "Abdelrahman Mohamed Elmansouri")], constant_work=True)
    work = probe_work(even, ARABIC_PROBES, monkeypatch)
    assert len(set(work.values())) == 1
    model_batches = work["shares nothing"][2]  # type: ignore[index]
    assert len(model_batches) == 1
    latin = probe_work(even, PROBES, monkeypatch)
    assert all(found[2] == () for found in latin.values())  # type: ignore[index]


def test_the_constant_work_search_costs_bounded_work_on_a_hostile_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """600 long identical names, each matching: still at most MAX_CANDIDATES given-name scorings
    and MAX_ALIGNED full alignments (plus the model's one padding pair a batch)."""
    from heuristics.names.align import given_pairs, unit_pairs
    from heuristics.names.normalise import MAX_PARTS, normalise

    long_name = " ".join(["بابابابابابابابابابابابا"] * 7)
    index = NameIndex(((str(number), long_name) for number in range(600)), constant_work=True)
    with counting(monkeypatch) as work:
        found = index.search(" ".join(["babababababababababababa"] * 7), 0.92, limit=1000)
    assert len(found) == index_module.MAX_ALIGNED
    parts = len(normalise(long_name).primary.parts)
    assert parts == MAX_PARTS
    bound = index_module.MAX_CANDIDATES * len(given_pairs(parts, parts))
    bound += index_module.MAX_ALIGNED * len(unit_pairs(parts, parts))
    assert sum(count for count, _, _ in work.model) <= bound + len(work.model)
    assert work.compares == index_module.MAX_ALIGNED


def test_the_plain_search_is_unchanged_for_contacts() -> None:
    """The contacts' index keeps the plain search (the client's own names: nothing to hide)."""
    assert NameIndex([("c", HER)]).constant_work is False
    assert Counter(m.key for m in NameIndex([("c", HER)]).search("Hala Ahed Mansur", 0.9)) == {"c": 1}


def test_the_compound_heads_table_is_read_whether_or_not_the_stored_name_is_one_of_its_compounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The table of compound heads (نور الدين is not Nasreddine) is looked up for every pair across
    scripts, whatever the stored name is: a probe makes the same lookups against a registered
    compound of the table (refused by it) as against a name that is none (refused by the model).

    Counted where the tables are read: each Latin unit cut into head and tail (``closed._cuts``),
    each search of a table of spellings by key (``Spellings.alike``: the compounds' heads, the
    names of God after Abd), each Arabic part looked up as a compound. A lookup made only when the
    stored name is a compound of the table changes these counts, however it is reached. Each unit
    is cut once: the table's heads and the compound's shape read the same cuts."""
    from heuristics.names import closed

    def lookups(stored: str) -> tuple[Counter[str], Counter[str], int]:
        cut: Counter[str] = Counter()
        searched: Counter[str] = Counter()
        arabic = 0
        cuts, alike, head_arabic = closed._cuts, closed.Spellings.alike, closed.compound_head_arabic

        def counted_cuts(letters: str) -> Any:
            cut[letters] += 1
            return cuts(letters)

        def counted_alike(self: closed.Spellings, key: str) -> Any:
            searched[key] += 1
            return alike(self, key)

        def counted_arabic(text: str) -> Any:
            nonlocal arabic
            arabic += 1
            return head_arabic(text)

        even = NameIndex([("0", HER), ("1", stored)], constant_work=True)
        with monkeypatch.context() as patch:
            patch.setattr(closed, "_cuts", counted_cuts)
            patch.setattr(closed.Spellings, "alike", counted_alike)
            patch.setattr(closed, "compound_head_arabic", counted_arabic)
            work_of(even, ["Nasreddine Zekri"], monkeypatch)
        return cut, searched, arabic

    compound, plain = lookups("نور الدين زكري"), lookups("كريم زكري")
    cut, searched, _ = compound
    assert cut["nasreddine"] == 1 and set(cut.values()) == {1}, cut  # each unit cut once
    assert searched["nasr"] >= 1, searched  # the head of the cut nasr + eddine, looked up
    assert compound == plain

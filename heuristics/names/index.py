"""An index of stored names: one query scored against many names, skipping most of them unscored.

Scores are those of :func:`heuristics.names.similarity.compare`. Every valid alignment pairs the
two names' given names, and their family names unless one name has a single part (:mod:`align`);
every scored pair must pass the consonant-skeleton gate (:func:`units.passes_gate`). So a stored
name can only match when one of its *given-name units* (runs of parts starting at its first or
second part) passes the gate against one of the query's, and one of its *family units* (runs
ending at its last part or starting at its first) against one of the query's. The index keeps each
distinct skeleton once; one rapidfuzz ``cdist`` finds the names that can match, their given-name
pairs are scored in one batch, and only those whose given names reach the cut-off are aligned in
full (at most ``MAX_ALIGNED``, best first, of at most ``MAX_CANDIDATES`` candidates: cost stays
bounded whatever the names). Within these bounds nothing that could match is skipped, so results
equal comparing one by one (tests check this).

That work depends on what is stored: a query whose given name is close to a stored name's costs
an alignment more, and the learned model's batch, across scripts, more than that. Where the cost
of a search must not tell what is stored — the protected-people registry, searched by anonymous
checks — ``NameIndex(..., constant_work=True)`` finds the same names with the same scores, by
work that does not depend on whether a stored name is near the query: pairs scored whatever the
gate and the model's batch padded to the longest units stored (:mod:`even`), and decoy
alignments (stored names, their results dropped) making up the real ones — every stored name in
a registry of at most ``EVEN_WHOLE`` names, at least ``EVEN_ALIGNED`` in a larger one, whose
candidates are chosen by consonant skeletons alone (:meth:`NameIndex._even_search`). The
contacts' index (the client's own names: no oracle there) keeps the faster plain search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from heuristics.names.align import MAX_MERGED, Span, given_pairs, unit_pairs
from heuristics.names.closed import LatinReading
from heuristics.names.even import Described, Extent, UnitKey, describe_all, even_compare, even_unit_scores, extent
from heuristics.names.normalise import NameReading, NormalisedName, normalise
from heuristics.names.similarity import Known, NameSimilarity, compare
from heuristics.names.units import (
    GATE_EDITS,
    GATE_SHARE,
    ClosedReadings,
    LatinUnit,
    passes_gate,
    read_stored,
    unit_scores,
    unit_skeleton,
)


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A stored name close to the query: its owner's key, the name as stored, and how close."""

    key: str
    name: str
    similarity: NameSimilarity


@dataclass(frozen=True, slots=True)
class BlockingKeys:
    """Skeletons of the units that can hold a reading's given and family names.

    Against a name of two parts or more: ``given``/``family`` as written (runs starting at the
    first part / ending at the last), ``given_first``/``family_first`` written family first (runs
    starting at the second part / the first part alone). Against a name of one part: ``whole``,
    the whole name as one unit (``single``: the same, for a name of one part only). Runs are of up
    to MAX_MERGED parts, each with and without its first part's particle; a run mixing scripts is
    left out (it never pairs)."""

    given: list[str]
    family: list[str]
    given_first: list[str]
    family_first: list[str]
    whole: list[str]
    single: list[str]


def blocking_keys(reading: NameReading) -> BlockingKeys:
    parts = reading.parts
    count = len(parts)
    skeletons = [part.skeleton for part in parts]
    mixed = any(part.script != parts[0].script for part in parts)
    if count == 2 and not mixed and not parts[0].particle and not parts[1].particle:
        first, last = skeletons  # the commonest name: first and family, no particle
        return BlockingKeys([first], [last], [last], [first], [first + last], [])

    def units(spans: Iterable[tuple[int, int]]) -> list[str]:
        keys = []
        for start, end in spans:
            if mixed and any(part.script != parts[start].script for part in parts[start:end]):
                continue
            keys.append("".join(skeletons[start:end]))
            if parts[start].particle:
                keys.append(unit_skeleton(parts[start:end], parts[start].particle))
        return keys

    whole = units([(0, count)])
    if count == 1:
        return BlockingKeys([], [], [], [], whole, whole)
    sizes = range(1, min(MAX_MERGED, count - 1) + 1)
    return BlockingKeys(
        given=units((0, size) for size in sizes),
        family=units((count - size, count) for size in sizes),
        given_first=units((1, 1 + size) for size in sizes),
        family_first=units([(0, 1)]),
        whole=whole,
        single=[],
    )


# Bounds on one search, whatever the stored names (a hostile contact list of look-alike names):
# candidates whose given names are scored, and full alignments (best given-name scores first).
# Ordinary searches have tens of candidates and a few alignments; within these bounds the results
# equal comparing one by one.
MAX_CANDIDATES = 512
MAX_ALIGNED = 32
# The constant-work search (``constant_work``): a registry of at most EVEN_WHOLE names is scored
# whole for every probe; in a larger one at least EVEN_ALIGNED names are aligned in full, decoys
# making up the missing ones, so that a probe near a stored name costs what one near none costs.
EVEN_WHOLE = 4
EVEN_ALIGNED = 2  # a person registered under her name in two scripts: both are near a probe


def best_first(given: list[float], cutoff: float) -> list[int]:
    """The numbers of the names whose best given-name score reaches ``cutoff``, best first (ties
    in stored order): the names a search aligns, within MAX_ALIGNED."""
    return sorted((number for number, score in enumerate(given) if score >= cutoff), key=lambda n: (-given[n], n))


# Which pairs of units (spans) two names of so many parts have scored: given_pairs or unit_pairs.
PairsOf = Callable[[int, int], tuple[tuple[Span, Span], ...]]


class NameIndex:
    """Immutable index of ``(key, name)`` entries; one key (a person, a contact) may own several
    names. Build it once per version of the stored names and share it between requests.

    Each distinct skeleton is kept once (names share them: محمد, Mohamed, Mohammed are all "mmt");
    for each kind of unit (:class:`BlockingKeys`), which skeleton each name's units have."""

    def __init__(self, entries: Iterable[tuple[str, str]], constant_work: bool = False) -> None:
        self.constant_work = constant_work
        self._entries: list[tuple[str, str, NormalisedName]] = []
        numbers: dict[str, int] = {}
        fields = BlockingKeys.__slots__
        units: dict[str, tuple[list[int], list[int]]] = {field: ([], []) for field in fields}
        for key, name in entries:
            form = normalise(name)
            if form.is_empty:
                continue
            owner = len(self._entries)
            self._entries.append((key, name, form))
            for reading in form.readings:
                found = blocking_keys(reading)
                for field in fields:
                    skeletons, owners = units[field]
                    for skeleton in getattr(found, field):
                        number = numbers.get(skeleton)
                        if number is None:
                            number = numbers[skeleton] = len(numbers)
                        skeletons.append(number)
                        owners.append(owner)
        self._numbers = numbers
        self._skeletons = list(numbers)
        self._lengths = np.array([len(skeleton) for skeleton in self._skeletons], dtype=np.float64)
        self._units = {
            field: (np.array(skeletons, dtype=np.int64), np.array(owners, dtype=np.int64))
            for field, (skeletons, owners) in units.items()
        }
        # What only the constant-work search reads: the contacts' index is built on every check
        # that sends contacts, and need not pay for it.
        self._scripts: set[str] = set()
        self._one_part = False
        self._extent_runs = self._extent_whole = (0, 0)
        self._described: dict[UnitKey, Described] = {}
        self._closed: dict[LatinUnit, LatinReading] = {}
        self._decoy_pool: list[NormalisedName] = []
        if constant_work:
            readings = [reading for _, _, form in self._entries for reading in form.readings]
            self._scripts = {part.script for reading in readings for part in reading.parts}
            self._one_part = any(len(reading.parts) == 1 for reading in readings)
            self._extent_runs = extent(readings, whole=False)
            self._extent_whole = extent(readings, whole=True)
            self._described = describe_all(readings)
            # The closed tables' lookups of the stored Latin units, once (a search reads its
            # probe's; the contacts' index, searched once or twice, reads what it meets).
            self._closed = read_stored(readings)
            self._decoy_pool = self._pick_decoys()

    def __len__(self) -> int:
        return len(self._entries)

    def _passing(self, keys: list[str]) -> np.ndarray:
        """For each of ``keys``, which stored skeletons pass the gate with it (keys × skeletons)."""
        if not keys or not self._skeletons:
            return np.zeros((len(keys), len(self._skeletons)), dtype=bool)
        distances = process.cdist(keys, self._skeletons, scorer=Indel.distance, workers=1)
        limits = np.maximum(GATE_EDITS, GATE_SHARE * (np.array([len(k) for k in keys])[:, None] + self._lengths))
        return distances <= limits

    def candidates(self, query: NormalisedName) -> list[int]:
        """Entry numbers of the names that can match the query: their given-name units and, when
        both names have two parts or more, their family units pass the gate against the query's,
        in one of the three readings (as written; the query family first; the stored name family
        first); a one-part name against the other's whole name."""
        return self._candidates(query, *self._gate_table(query))[0]

    def _gate_table(self, query: NormalisedName) -> tuple[list[BlockingKeys], dict[str, int], np.ndarray]:
        """The query readings' blocking keys, their rows, and which stored skeletons each passes."""
        readings = [blocking_keys(reading) for reading in query.readings]
        keys = sorted({key for found in readings for field in BlockingKeys.__slots__ for key in getattr(found, field)})
        return readings, {key: number for number, key in enumerate(keys)}, self._passing(keys)

    def _candidates(
        self, query: NormalisedName, readings: list[BlockingKeys], row: dict[str, int], passing: np.ndarray
    ) -> tuple[list[int], dict[str, int], np.ndarray]:

        def owners(query_keys: list[str], field: str) -> set[int]:
            if not query_keys:
                return set()
            passes = passing[[row[key] for key in query_keys]].any(axis=0)
            skeletons, owners = self._units[field]
            return set(owners[passes[skeletons]].tolist())

        found: set[int] = set()
        for reading, keys_of in zip(query.readings, readings, strict=True):
            if len(reading.parts) == 1:
                found |= owners(keys_of.whole, "whole")
                continue
            found |= owners(keys_of.whole, "single")
            for given, stored_given, family, stored_family in (
                (keys_of.given, "given", keys_of.family, "family"),
                (keys_of.given_first, "given", keys_of.family_first, "family"),
                (keys_of.given, "given_first", keys_of.family, "family_first"),
            ):
                by_given = owners(given, stored_given)
                if by_given or self.constant_work:  # (the same numpy work whether any passed)
                    found |= by_given & owners(family, stored_family)
        return sorted(found), row, passing

    def _given_name_scores(
        self,
        query: NormalisedName,
        forms: list[NormalisedName],
        row: dict[str, int],
        passing: np.ndarray,
        closed: ClosedReadings,
    ) -> tuple[Known, list[float]]:
        """The scores of the pairs of units :func:`align.align` tries as given names, between the
        query and each stored name, in one batch (most candidates stop there). Pairs whose
        skeletons fail the gate (looked up in ``passing``) score 0 without being scored. Also each
        form's best given-name score (an alignment never scores more)."""
        requests = []
        for form in forms:
            for reading in query.readings:
                for stored in form.readings:
                    for span_a, span_b in given_pairs(len(reading.parts), len(stored.parts)):
                        unit_a, unit_b = reading.parts[span_a[0] : span_a[1]], stored.parts[span_b[0] : span_b[1]]
                        if unit_a[0].particle or unit_b[0].particle or self._gated(unit_a, unit_b, row, passing):
                            requests.append((reading, span_a, stored, span_b, unit_a, unit_b))
        scores = unit_scores([(unit_a, unit_b) for *_, unit_a, unit_b in requests], closed)
        known: Known = {}
        best = {id(stored): 0.0 for form in forms for stored in form.readings}
        for form in forms:  # the rest fail the gate
            for reading in query.readings:
                for stored in form.readings:
                    for span_a, span_b in given_pairs(len(reading.parts), len(stored.parts)):
                        known[id(reading), span_a, id(stored), span_b] = 0.0
        for (a, span_a, b, span_b, *_), score in zip(requests, scores, strict=True):
            known[id(a), span_a, id(b), span_b] = score
            best[id(b)] = max(best[id(b)], score)
        return known, [max(best[id(stored)] for stored in form.readings) for form in forms]

    def _pick_decoys(self) -> list[NormalisedName]:
        """The decoys of a constant-work search of more than EVEN_WHOLE names: for each script
        stored, a name of its commonest number of parts (a near name costs by its shape, which
        its decoy should share), then the first names, EVEN_ALIGNED in all."""
        forms = [form for _, _, form in self._entries]
        pool: list[NormalisedName] = []
        for script in ("arabic", "latin"):
            same = [form for form in forms if form.script == script]
            if same and len(pool) < EVEN_ALIGNED:
                counts = Counter(len(form.primary.parts) for form in same)
                pool.append(next(form for form in same if len(form.primary.parts) == counts.most_common(1)[0][0]))
        return pool + [form for form in forms if form not in pool][: EVEN_ALIGNED - len(pool)]

    def _decoys(self, aligned: list[NormalisedName]) -> list[NormalisedName]:
        """The decoys aligned with ``aligned`` (the names near the query), up to EVEN_ALIGNED: each
        near name takes the place of the decoy of its script, so that the names aligned are of
        the same scripts whether or not one is near."""
        pool = list(self._decoy_pool)
        for form in aligned:
            if pool:
                pool.remove(next((decoy for decoy in pool if decoy.script == form.script), pool[-1]))
        return pool

    def _pad(self, query: NormalisedName) -> Extent | None:
        """The model's padding pair for a constant-work search: as long as the longest units of
        the query and of the stored names that can meet in a batch, or None when no pair across
        scripts can (a batch then never calls the model, near the query or not)."""
        if not self.constant_work:
            return None
        scripts = {part.script for reading in query.readings for part in reading.parts}
        if len(scripts | self._scripts) < 2:
            return None
        # A whole name is a unit only against a name of one part (align._units).
        own = extent(query.readings, whole=self._one_part)
        stored = self._extent_whole if any(len(r.parts) == 1 for r in query.readings) else self._extent_runs
        return max(own[0], stored[0]), max(own[1], stored[1])

    def _score_pairs(
        self,
        query: NormalisedName,
        forms: list[NormalisedName],
        which: PairsOf,
        known: Known,
        pad: Extent | None,
        closed: ClosedReadings,
    ) -> None:
        """The pairs of units ``which`` gives between the query and each of ``forms``
        (:func:`align.given_pairs`: the given names; :func:`align.unit_pairs`: all that a full
        alignment may score), into ``known``, in one batch whose work does not depend on the
        scores (:func:`even.even_unit_scores`). A decoy's scores are true scores too: a decoy
        that is also a candidate writes the same values."""
        requests = [
            (reading, span_a, stored, span_b)
            for form in forms
            for reading in query.readings
            for stored in form.readings
            for span_a, span_b in which(len(reading.parts), len(stored.parts))
        ]
        scores = even_unit_scores(
            [(a.parts[sa[0] : sa[1]], b.parts[sb[0] : sb[1]]) for a, sa, b, sb in requests],
            pad,
            self._described,
            closed,
        )
        for (a, span_a, b, span_b), score in zip(requests, scores, strict=True):
            known[id(a), span_a, id(b), span_b] = score

    @staticmethod
    def _best_given(query: NormalisedName, form: NormalisedName, known: Known) -> float:
        """The best given-name score of ``form`` (every one of its given-name pairs in ``known``)."""
        return max(
            (
                known[id(reading), span_a, id(stored), span_b]
                for reading in query.readings
                for stored in form.readings
                for span_a, span_b in given_pairs(len(reading.parts), len(stored.parts))
            ),
            default=0.0,
        )

    def _whole_search(
        self, query: NormalisedName, cutoff: float, closed: ClosedReadings
    ) -> tuple[list[tuple[str, str, NormalisedName]], Known]:
        """A constant-work search of at most EVEN_WHOLE names: the names to align and their scores,
        the same as the plain search's. Every pair of every name is scored in one batch whatever
        the gate (one call of the model at most), and every name is aligned, those whose given
        names do not reach the cut-off as decoys (results dropped), each alignment completed from
        every given-name pair (:func:`even.even_compare`):
        the work depends on the query and on the names' shapes, not on what they share. Only
        the candidates (:meth:`candidates`, looked for in every name alike) are aligned for their
        result, as in the plain search: the skeleton blocking assumes a family name pairs with
        the other's family units, which an alignment does not require ("ناكر سالم فيلدمان Saleh"
        aligns "Saleh" with سالم), so a name that is not a candidate may still match and the
        plain search, like a larger registry, does not find it."""
        forms = [form for _, _, form in self._entries]
        known: Known = {}
        self._score_pairs(query, forms, unit_pairs, known, self._pad(query), closed)
        given = [self._best_given(query, form, known) for form in forms]
        candidates = set(self.candidates(query))
        reaching = [number for number in best_first(given, cutoff) if number in candidates]
        for number, form in enumerate(forms):
            if number not in reaching:
                even_compare(query, form, cutoff, known)  # dropped
        return [self._entries[number] for number in reaching[:MAX_ALIGNED]], known

    def _even_search(
        self,
        query: NormalisedName,
        entries: list[tuple[str, str, NormalisedName]],
        cutoff: float,
        row: dict[str, int],
        passing: np.ndarray,
        closed: ClosedReadings,
    ) -> tuple[list[tuple[str, str, NormalisedName]], Known]:
        """A constant-work search of more than EVEN_WHOLE names: the names to align and their
        scores, the same as the plain search's.

        The candidates' given names are scored as the plain search does: which names are
        candidates, and which of their pairs are scored, is decided by consonant skeletons (a
        probe's candidates are the tens of stored names whose given and family consonants are
        near its own, and a given name spelt otherwise with the same consonants has the same
        ones), and one of them costs a few pair scorings among hundreds. Then every pair of the
        names to align, made up with decoys (stored names, :meth:`_pick_decoys`) to EVEN_ALIGNED, is
        scored in one batch whatever the gate, its model batch padded, and the decoys aligned
        too (results dropped), every alignment completed from every given-name pair
        (:func:`even.even_compare`). Past EVEN_ALIGNED near given names the
        work grows with them, within MAX_ALIGNED."""
        known, given = self._given_name_scores(query, [form for _, _, form in entries], row, passing, closed)
        aligned = [entries[number] for number in best_first(given, cutoff)[:MAX_ALIGNED]]
        decoys = self._decoys([form for _, _, form in aligned])
        forms = [form for _, _, form in aligned] + decoys
        self._score_pairs(query, forms, unit_pairs, known, self._pad(query), closed)
        for decoy in decoys:
            even_compare(query, decoy, cutoff, known)  # dropped
        return aligned, known

    def _gated(self, unit_a: tuple, unit_b: tuple, row: dict[str, int], passing: np.ndarray) -> bool:
        """Whether two units (no particles) pass the gate, from the query's table when it has both."""
        key_a = "".join(part.skeleton for part in unit_a)
        key_b = "".join(part.skeleton for part in unit_b)
        found_a, found_b = row.get(key_a), self._numbers.get(key_b)
        if found_a is None or found_b is None:
            return passes_gate(key_a, key_b)
        return bool(passing[found_a, found_b])

    def search(self, name: str, min_similarity: float, limit: int = 5) -> list[NameMatch]:
        """Stored names at least ``min_similarity`` (0–1) alike to ``name``, best first, at most one
        per key."""
        if not self._entries:
            return []  # nothing registered: skip normalising the query (every check pays it)
        query = normalise(name)
        if query.is_empty:
            return []
        # A hair below the cut-off, so that the pruning never drops a score equal to it.
        cutoff = max(0.0, min_similarity - 1e-9)
        # The closed tables' lookups of the probe's Latin units live for this search only; the
        # constant-work search makes all of them first, whatever it then meets.
        closed = ClosedReadings(self._closed)
        if self.constant_work:
            closed.read_all(query.readings)
        if self.constant_work and len(self._entries) <= EVEN_WHOLE:
            aligned, known = self._whole_search(query, cutoff, closed)
        else:
            found, row, passing = self._candidates(query, *self._gate_table(query))
            entries = [self._entries[entry] for entry in found[:MAX_CANDIDATES]]
            if self.constant_work:
                aligned, known = self._even_search(query, entries, cutoff, row, passing, closed)
            else:
                forms = [form for _, _, form in entries]
                known, given = self._given_name_scores(query, forms, row, passing, closed)
                aligned = [entries[number] for number in best_first(given, cutoff)[:MAX_ALIGNED]]
        best: dict[str, NameMatch] = {}
        for key, stored, form in aligned:
            if self.constant_work:  # every given-name pair completed, as for a decoy (even_compare)
                found = even_compare(query, form, cutoff, known)
            else:
                found = compare(query, form, cutoff, known, closed)
            if found.score >= min_similarity and (key not in best or found.score > best[key].similarity.score):
                best[key] = NameMatch(key, stored, found)
        return sorted(best.values(), key=lambda m: -m.similarity.score)[:limit]

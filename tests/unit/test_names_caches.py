"""No process-wide cache in heuristics/names keeps what was checked (docs/names.md, "What a worker's
memory holds").

The adversary may seize a running server: a cache keyed by name parts that outlives a check is a
partial log of the profiles and contacts checked. The closed-table lookups of a Latin part were
such caches (``functools.lru_cache(maxsize=4096)`` on ``closed.divine_latin`` and
``closed.compound_heads_latin``); they are now kept by the index for its stored names and by one
search for the probe's (:class:`heuristics.names.units.ClosedReadings`).

The caches' keys are read from the cache objects themselves: CPython's ``functools`` wrapper hands
its cache dict to the garbage collector (:func:`gc.get_referents`), the pure-Python one keeps it in
its closure; both are looked for, and a cache whose dict is not found fails the test."""

from __future__ import annotations

import gc
import importlib
import pkgutil
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import pytest

import heuristics.names as names_package
from heuristics.names import NameIndex, compare, normalise, similarity
from heuristics.names import units as units_module
from heuristics.names.units import latin_units

# Every functools cache left in heuristics/names, and why its keys tell nothing of a name.
ALLOWED_CACHES = {
    # keyed by two numbers of parts (at most MAX_PARTS each): 36 keys at most, every registry
    # search meets every stored shape anyway
    "heuristics.names.align._units",
    "heuristics.names.align.unit_pairs",
    "heuristics.names.align.given_pairs",
    # no argument: a table read or worked out once
    "heuristics.names.closed._divine_spellings",
    "heuristics.names.closed._heads_arabic",
    "heuristics.names.closed._head_spellings",
    "heuristics.names.confusables._prototypes",
    "heuristics.names.normalise._unwanted",
    "heuristics.names.normalise._as_ascii",
    "heuristics.names.transliteration.model",
}
# cached_property: per instance, of the shipped model only (worked out from its table).
ALLOWED_PROPERTIES = {"heuristics.names.transliteration.Transliteration._dense"}

# Spellings no table holds (the closed lookups' rapidfuzz path), a related name, an Abd compound
# and a compound of the table, in both scripts; Arabic letters seldom met.
PROBES = [
    "Nourreddinne Abdelazeez Zekrioualli",
    "Hosseyn Nasrouddine Qoutbeddin",
    "Abdourrahmanne Shamsourrahmane Kharroubi",
    "نصرالدين عبدالعزيز ژكريوالي",
]
REGISTERED = [
    ("her", "Hala Ahed Mansour"),
    ("her", "هالة عاهد منصور"),
    ("n", "نور الدين زكري"),
    ("a", "عبد العزيز الخروبي"),
    ("s", "Shams ur-Rahman Karimi"),
    ("h", "حسين قطب الدين"),
]


def modules() -> Iterator[Any]:
    for info in pkgutil.iter_modules(names_package.__path__):
        yield importlib.import_module(f"{names_package.__name__}.{info.name}")


def cached_functions() -> dict[str, Any]:
    """Every functools.cache / lru_cache wrapper defined in heuristics/names, by its full name."""
    found = {}
    for module in modules():
        for name, value in vars(module).items():
            ours = getattr(value, "__module__", None) == module.__name__
            if callable(value) and hasattr(value, "cache_info") and ours:
                found[f"{module.__name__}.{name}"] = value
    return found


def cached_properties() -> set[str]:
    found = set()
    for module in modules():
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                found |= {
                    f"{module.__name__}.{name}.{attribute}"
                    for attribute, member in vars(value).items()
                    if isinstance(member, cached_property)
                }
    return found


def cache_dict(function: Any) -> dict[Any, Any]:
    """The dict a functools cache keeps its results in (keyed by the arguments)."""
    candidates = [ref for ref in gc.get_referents(function) if isinstance(ref, dict) and ref is not function.__dict__]
    for cell in getattr(function, "__closure__", None) or ():  # the pure-Python functools
        if isinstance(cell.cell_contents, dict):
            candidates.append(cell.cell_contents)
    size = function.cache_info().currsize
    found = [candidate for candidate in candidates if len(candidate) == size]
    assert len(found) == 1, (function, size, candidates)
    return found[0]


def strings_in(key: Any) -> Iterator[str]:
    if isinstance(key, str):
        yield key
    elif isinstance(key, tuple | frozenset):
        for item in key:
            yield from strings_in(item)


def probe_strings(name: str) -> set[str]:
    """The probe's name parts as every function of heuristics/names may be given them: each
    part's text and key, and neighbouring parts written together."""
    found = set()
    for reading in normalise(name).readings:
        for part in reading.parts:
            found |= {part.text, part.key, part.shown.lower()}
        for first, second in zip(reading.parts, reading.parts[1:], strict=False):
            found.add(first.text + second.text)
    return {text for text in found if len(text) > 2}


def check_everything(probe: str) -> None:
    """What a check does with a name: the registry's search (both sizes of constant work), the
    contacts' plain index, one comparison."""
    for constant_work in (True, False):
        NameIndex(REGISTERED, constant_work=constant_work).search(probe, 0.5)
    large = REGISTERED + [(str(number), f"Karim Haddad{'i' * (number % 7)} Omar") for number in range(60)]
    NameIndex(large, constant_work=True).search(probe, 0.5)
    for _, stored in REGISTERED:
        similarity(probe, stored)
        compare(normalise(stored), normalise(probe))


def test_every_cache_left_in_heuristics_names_is_keyed_by_no_name() -> None:
    """A new cache must be argued for here: the closed-table lookups (keyed by a Latin part) are
    not among them any more."""
    assert set(cached_functions()) == ALLOWED_CACHES
    assert cached_properties() == ALLOWED_PROPERTIES


@pytest.mark.parametrize("probe", PROBES)
def test_after_a_check_no_cache_in_heuristics_names_holds_the_probes_parts(probe: str) -> None:
    check_everything(probe)
    parts = probe_strings(probe)
    assert parts
    for name, function in cached_functions().items():
        keys = {text for key in cache_dict(function) for text in strings_in(key)}
        assert not keys & parts, (name, keys & parts)
        assert not keys, name  # no text at all: numbers of parts, or no argument
    # Nor does any container a module holds: the tables are the same size after the check.
    for module in modules():
        for name, value in vars(module).items():
            if isinstance(value, dict | set | list) and not name.startswith("__"):
                assert not parts & {text for item in value for text in strings_in(item)}, (module.__name__, name)


def test_the_registry_reads_its_names_once_and_a_search_reads_only_its_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    """The closed tables' lookups of the registered names are made when the index is built; a
    search makes those of its probe's Latin units, each once, whatever the registry holds: a
    compound of the table, a name that is none, or the probe's own spelling."""
    read: list[str] = []
    real = units_module.read_latin

    def counted(parts: Any) -> Any:
        read.append("".join(part.text for part in parts))
        return real(parts)

    probe = "Nasreddine Zekri"
    expected = sorted("".join(part.text for part in unit) for unit in latin_units(normalise(probe).readings))
    lookups = {}
    for label, stored in {
        "a compound of the table": "نور الدين زكري",
        "none": "كريم زكري",
        "the probe's own spelling": probe,
    }.items():
        index = NameIndex([("0", "Hala Ahed Mansour"), ("1", stored)], constant_work=True)
        with monkeypatch.context() as patch:
            patch.setattr(units_module, "read_latin", counted)
            read.clear()
            index.search(probe, 0.92)
            lookups[label] = sorted(read)
    assert all(found == expected for found in lookups.values()), lookups


# heuristics/text.py classifies the characters of every checked name and handle (script, hidden,
# decorative). Memoised per character, its caches were a record of which characters checked text
# held: a rare letter (Persian ژ, a decorative 𝐌, Cherokee Ꮋ) tells that some name had it.
TEXT_MODULES = ("heuristics.text", "heuristics.signals.name")
RARE_CHARACTERS = "ژ\U0001d40c\u13bb\u13aa\u034f\U000e0067ڤ\u1d0d"
TEXT_PROBES = [
    "Ha\u034fla \U0001d40cansour",
    "\u13bb\u13aa\u13de\u13aa \u0645\u0646\u0635\u0648\u0631",  # Cherokee letters that look Latin
    "\u202edehA alaH \u0698\u06a4\u1d0d",
    "Hala \U0001f3f4\U000e0067\U000e0062\U000e007f",
]


def text_caches() -> dict[str, Any]:
    found = {}
    for module_name in TEXT_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if callable(value) and hasattr(value, "cache_info"):
                found[f"{module_name}.{name}"] = value
    return found


def test_no_cache_of_the_text_classification_is_keyed_by_a_character() -> None:
    from heuristics.signals.name import deceptive_kinds
    from heuristics.text import as_displayed, hidden_characters, is_decorative, is_hidden, script_of

    for probe in TEXT_PROBES:
        deceptive_kinds(probe)
        hidden_characters(probe)
        as_displayed(probe)
        similarity(probe, "Hala Mansour")
        for ch in probe:
            script_of(ch), is_hidden(ch), is_decorative(ch)
    rare = set(RARE_CHARACTERS)
    assert rare <= set("".join(TEXT_PROBES))
    for name, function in text_caches().items():
        keys = {text for key in cache_dict(function) for text in strings_in(key)}
        assert not keys, (name, keys & rare or keys)
    for module_name in TEXT_MODULES:
        for name, value in vars(importlib.import_module(module_name)).items():
            if isinstance(value, dict | set | list) and not name.startswith("__"):
                assert not rare & {text for item in value for text in strings_in(item)}, (module_name, name)

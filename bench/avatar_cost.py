"""What a fingerprint costs next to decode + one imagehash.phash, in one thread and in eight.

    .venv/bin/python bench/avatar_cost.py [--pictures 12] [--calls 300] [--repeats 5]

``--pictures`` generated portraits (bench/portraits.py, fixed seeds) as 400x400 JPEGs (quality
85), cycled through: :func:`heuristics.images.fingerprint_bytes` (safe decode at draft scale, all
phashes and detail hashes) against ``imagehash.phash(Image.open(...))`` (what bench/phash_app.py
does per request), in 1 thread and in 8 threads of one process as a gunicorn gthread worker runs
them, each call followed by a little pure-Python work standing for the rest of a request. CPU
time of the process per call, minus that of the Python work alone; medians of ``--repeats``.
The request-level comparison is bench/avatar_api.py; this one isolates the hashing.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# As gunicorn.conf.py sets it for the workers, before numpy is imported: without it each call's
# small matrix products start a BLAS thread pool, and the fingerprint measured ~5 ms, not ~0.7.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import imagehash
from PIL import Image

from bench.portraits import drawn_portraits, encode
from heuristics.images import fingerprint_bytes


def _request_rest() -> None:
    """Pure-Python work between two calls, as the rest of a request does (dicts, strings)."""
    fields = {}
    for i in range(300):
        fields[i] = str(i) * 3


def cpu_per_call(work: Callable[[bytes], object], pictures: list[bytes], threads: int, calls: int) -> float:
    def worker() -> None:
        for n in range(calls):
            work(pictures[n % len(pictures)])
            _request_rest()

    running = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.process_time()
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return (time.process_time() - started) * 1000 / (threads * calls)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pictures", type=int, default=12)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    pictures = [encode(p.resize((400, 400)), quality=85) for p in drawn_portraits(args.pictures)]
    works: dict[str, Callable[[bytes], object]] = {
        "nothing": lambda data: None,
        "fingerprint": fingerprint_bytes,
        "decode+phash": lambda data: imagehash.phash(Image.open(io.BytesIO(data))),
    }
    print(f"CPU per call, {args.pictures} 400x400 JPEG portraits, median of {args.repeats}:")
    for threads in (1, 8):
        cost = {}
        for name, work in works.items():
            cost[name] = statistics.median(
                cpu_per_call(work, pictures, threads, args.calls) for _ in range(args.repeats)
            )
        fingerprint, baseline = cost["fingerprint"] - cost["nothing"], cost["decode+phash"] - cost["nothing"]
        print(
            f"  {threads} thread{'s' if threads > 1 else ' '}: fingerprint {fingerprint:.3f} ms,"
            f" decode+phash {baseline:.3f} ms: {fingerprint / baseline:.2f} of it"
        )


if __name__ == "__main__":
    main()

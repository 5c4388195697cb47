"""gunicorn settings for Haris: ``gunicorn`` (run from the repository root) picks this file up.

Every value can be set from the environment, so the same file serves a laptop, a container and
a fleet of app nodes behind a load balancer:

| variable | meaning | default |
|---|---|---|
| ``HARIS_BIND`` | address to listen on | ``127.0.0.1:8000`` |
| ``HARIS_WORKERS`` (or ``WEB_CONCURRENCY``) | worker processes | number of CPUs |
| ``HARIS_THREADS`` | threads per worker (gthread) | ``8`` |
| ``HARIS_TIMEOUT`` | seconds before a stuck worker is killed and replaced | ``30`` |

There is no access log: it would record client addresses and full URLs, i.e. who checked whom.
The app logs one line per request itself, with the route template and no client data.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Any

from gunicorn.glogging import Logger

# Fingerprints multiply small matrices (heuristics/phash.py): a BLAS thread pool per worker thread
# only contends for the cores (measured: 6x the CPU per check). Set before any worker imports numpy.
for _pool in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_pool, "1")


class PrivateLogger(Logger):
    """gunicorn's logger minus what clients send: on a malformed request gunicorn logs the
    client's address and the offending request line ("Invalid request from ip=…"), and when a
    request errors outside the app, its full URI. Those lines keep only what went wrong."""

    def warning(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        if str(msg).startswith("Invalid request from ip="):
            msg, args = "invalid HTTP request refused (client address and request withheld)", ()
        super().warning(msg, *args, **kwargs)

    def exception(self, msg: Any, *args: Any, **kwargs: Any) -> None:
        if str(msg).startswith("Error handling request"):
            error = sys.exc_info()[1]
            # The exception's message may quote the request too: its type is enough to start from.
            super().error("error handling a request: %s (request withheld)", type(error).__name__)
            return
        super().exception(msg, *args, **kwargs)


def _int(name: str, default: int, *aliases: str) -> int:
    """A count from the environment (the first of ``name`` and ``aliases`` set), at least 1: a
    typo stops gunicorn with the setting's name rather than a traceback or zero threads."""
    for key in (name, *aliases):
        value = os.environ.get(key, "").strip()
        if value:
            if not value.isascii() or not value.isdigit() or int(value) < 1:
                raise SystemExit(f"{key} must be a whole number of at least 1, not {value!r}")
            return int(value)
    return default


wsgi_app = "server:create_app()"
bind = os.environ.get("HARIS_BIND", "127.0.0.1:8000")
workers = _int("HARIS_WORKERS", multiprocessing.cpu_count(), "WEB_CONCURRENCY")
# Threads, not async workers: a check is short CPU work plus one or two Redis round trips.
worker_class = "gthread"
threads = _int("HARIS_THREADS", 8)
timeout = _int("HARIS_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Replace workers now and then so slow leaks (e.g. in image decoders) cannot accumulate.
max_requests = 20_000
max_requests_jitter = 2_000
# Each worker builds its own app: Redis connections must not be shared across fork().
preload_app = False
# One listening socket per worker (SO_REUSEPORT), so the kernel spreads new connections over the
# workers. With one shared socket, whichever worker wakes first accepts a burst of keep-alive
# connections and keeps them: measured with 32 clients, often all 32 on one worker, one core idle
# and half the throughput. Caveat: a worker that stops (max_requests, reload) resets connections
# still queued in its own backlog, unless the kernel migrates them (Linux >= 5.14 with
# net.ipv4.tcp_migrate_req=1). A Unix socket cannot be shared this way (each worker would replace
# the previous one's socket file), nor can an inherited fd.
reuse_port = not bind.startswith(("unix:", "fd://"))

# Request-line and header limits (bodies are limited by the app: HARIS_MAX_BODY_BYTES).
limit_request_line = 8190
limit_request_fields = 60
limit_request_field_size = 8190

accesslog = None
logger_class = PrivateLogger
disable_redirect_access_to_syslog = True
errorlog = "-"
loglevel = os.environ.get("HARIS_GUNICORN_LOG_LEVEL", "warning")
proc_name = "haris"
# Client addresses come from the app's ProxyFix (HARIS_PROXY_COUNT), not from gunicorn.
forwarded_allow_ips = os.environ.get("HARIS_FORWARDED_ALLOW_IPS", "127.0.0.1")

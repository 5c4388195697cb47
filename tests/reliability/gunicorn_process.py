"""The app under real gunicorn (gunicorn.conf.py) on a free loopback port, for tests."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench._serve import tcp_sockets
from tests.reliability.redis_process import free_port

ROOT = Path(__file__).resolve().parents[2]


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    # A new connection per request, so the workers' accept loops share the traffic.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Connection": "close", **(headers or {})}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def gunicorn_server(env: dict[str, str], stderr_path: Path) -> Iterator[int]:
    """Start gunicorn with ``env`` added to the environment; yield its port; stderr goes to a file."""
    port = free_port()
    full_env = dict(os.environ, HARIS_BIND=f"127.0.0.1:{port}", PYTHONPATH=str(ROOT), **env)
    with stderr_path.open("wb") as stderr:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and config
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if request(port, "GET", "/readyz")[0] == 200:
                        break
                except OSError:
                    pass
                assert server.poll() is None, stderr_path.read_text(errors="replace")[-2000:]
                assert time.monotonic() < deadline, "gunicorn did not become ready"
                time.sleep(0.1)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def sockets_by_process(port: int, state: str) -> Counter[int]:
    """How many IPv4 TCP sockets bound locally to ``port`` in ``state`` (``LISTEN`` or
    ``ESTABLISHED``) each process holds. Linux only."""
    inodes = tcp_sockets(port, state)
    holders: Counter[int] = Counter()
    for fd_dir in Path("/proc").glob("[0-9]*/fd"):
        try:
            fds = list(fd_dir.iterdir())
        except OSError:  # the process ended, or is not ours to inspect
            continue
        held = sum(_link(fd) in inodes for fd in fds)
        if held:
            holders[int(fd_dir.parent.name)] = held
    return holders


def _link(fd: Path) -> str | None:
    """What an open file descriptor points to; None when it was closed since it was listed.

    A busy worker opens and closes descriptors (Redis connections, accepted sockets) all the
    time: one closed between the listing and the read must not hide the process's other
    descriptors, its listening socket among them (which made this count flaky under load)."""
    try:
        return os.readlink(fd)
    except OSError:
        return None

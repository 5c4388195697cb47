"""What gunicorn itself logs (gunicorn.conf.py's PrivateLogger): no client address, no request.

gunicorn logs "Invalid request from ip=<address>: <the offending request line>" at warning level
for malformed HTTP. The privacy proof's in-process capture cannot see that, so this test sends
malformed requests carrying markers to a real gunicorn and reads its stderr.
"""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import TEST_SECRET
from tests.privacy.harness import find, marker
from tests.reliability.gunicorn_process import gunicorn_server, request
from tests.reliability.redis_process import RedisProcess


def send_raw(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_gunicorn_logs_neither_addresses_nor_requests(tmp_path: Path) -> None:
    redis_server = RedisProcess(tmp_path / "redis")
    redis_server.start()
    stderr = tmp_path / "gunicorn.err"
    env = {
        "REDIS_URL": redis_server.url,
        "HARIS_SECRET_KEY": TEST_SECRET,
        "HARIS_WORKERS": "1",
        "HARIS_GUNICORN_LOG_LEVEL": "info",
    }
    try:
        with gunicorn_server(env, stderr) as port:
            malformed = [
                f"GET /v1/check?who={marker('badversion')} HTTP/9.9\r\n\r\n".encode(),
                f"G\x00T /{marker('nulmethod')} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
                f"GET /{marker('badheader')} HTTP/1.1\r\nHost: x\r\nBad Header: {marker('hv')}\r\n\r\n".encode(),
                f"GET /{marker('longline')}".encode() + b"a" * 10_000 + b" HTTP/1.1\r\n\r\n",
                b"POST /v1/check HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + f"zz;{marker('chunk')}\r\n".encode(),
            ]
            answers = [send_raw(port, raw) for raw in malformed]
            assert all(answer.startswith(b"HTTP/1.1 4") for answer in answers), answers
            assert request(port, "GET", f"/healthz?q={marker('query')}")[0] == 200
    finally:
        redis_server.stop()
    log = stderr.read_bytes()
    assert b"invalid HTTP request refused" in log, log[-2000:]
    markers = ["badversion", "nulmethod", "badheader", "hv", "longline", "chunk", "query"]
    assert find([marker(name) for name in markers], log) == []
    assert b"127.0.0.1" not in log.replace(b"127.0.0.1:", b"")  # only the listen address may appear

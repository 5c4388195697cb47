"""Hand-made hostile requests: oversize bodies (declared, undeclared, chunked over a real socket),
malformed multipart, odd Unicode, deep nesting and huge numbers. Each gets a clear 4xx (or a
clean 200 where the input is odd but legal), never a 500.
"""

from __future__ import annotations

import http.client
import io
import json
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

LIMIT = 64 * 1024  # a small HARIS_MAX_BODY_BYTES keeps these tests cheap


@pytest.fixture
def small_app(make_app: Any) -> Flask:
    return make_app(HARIS_MAX_BODY_BYTES=LIMIT)


@pytest.fixture
def small_client(small_app: Flask) -> FlaskClient:
    return small_app.test_client()


def error_code(response: Any) -> str:
    return response.get_json()["error"]["code"]


def post_json(client: FlaskClient, body: Any, path: str = "/v1/check") -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post(path, data=raw, content_type="application/json")


# --- size -------------------------------------------------------------------------------------


def test_oversize_body_with_content_length(small_client: FlaskClient) -> None:
    response = small_client.post("/v1/check", data=b"{" + b" " * LIMIT + b"}", content_type="application/json")
    assert response.status_code == 413 and error_code(response) == "body_too_large"


def test_oversize_body_without_content_length_is_cut_at_the_limit(small_client: FlaskClient) -> None:
    stream = io.BytesIO(b'{"platform": "x", "pad": "' + b"a" * (4 * LIMIT) + b'"}')
    response = small_client.post(
        "/v1/check",
        input_stream=stream,
        content_type="application/json",
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413 and error_code(response) == "body_too_large"
    assert stream.tell() <= LIMIT + 64 * 1024, "read far past the limit"


def test_oversize_multipart_avatar(make_app: Any) -> None:
    client = make_app().test_client()
    big = io.BytesIO(b"\xff\xd8\xff" + b"\0" * (4 * 1024 * 1024 + 10))
    response = client.post(
        "/v1/check", data={"check": '{"platform": "x"}', "avatar": (big, "a.jpg")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413 and error_code(response) == "avatar_too_large"


def test_oversize_base64_avatar(make_app: Any) -> None:
    client = make_app().test_client()
    response = post_json(client, {"platform": "x", "avatar": "A" * (6 * 1024 * 1024 + 4)})
    assert response.status_code in {413, 422}
    assert error_code(response) in {"body_too_large", "invalid_value", "avatar_too_large"}


@pytest.fixture
def live_server(small_app: Flask) -> Iterator[int]:
    """The app behind werkzeug's real HTTP server, for chunked transfer over a socket."""
    server = make_server("127.0.0.1", 0, small_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)


def chunked_post(
    port: int, chunks: Iterator[bytes], content_type: str = "application/json"
) -> tuple[int, dict[str, Any]]:
    """POST ``chunks`` with chunked transfer over a raw socket, reading the answer while sending.

    A server that refuses a body early may answer and close before the client has sent it all:
    sending then fails (broken pipe, reset), but the answer already arrived. Reading on a thread
    from the start keeps it, so a refusal is told apart from a server that dropped the connection
    without answering (no status line: the test fails).
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    received = bytearray()

    def read() -> None:
        try:
            while not _complete(received) and (data := sock.recv(65536)):
                received.extend(data)
        except OSError:  # reset after the answer: what arrived before is kept
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        sock.sendall(
            f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n".encode()
        )
        for chunk in chunks:
            sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, TimeoutError):
        pass  # refused while sending (or no longer read); the answer is judged below
    reader.join(timeout=10)
    sock.close()
    assert received, "the server closed the connection without answering"
    response = http.client.HTTPResponse(_Replay(bytes(received)))  # type: ignore[arg-type]
    response.begin()
    return response.status, json.loads(response.read())


def _complete(data: bytes | bytearray) -> bool:
    """Whether ``data`` holds a whole response: headers, and as many body bytes as they announce."""
    head, sep, body = bytes(data).partition(b"\r\n\r\n")
    if not sep:
        return False
    length = re.search(rb"^content-length:\s*(\d+)", head, re.I | re.M)
    return length is not None and len(body) >= int(length.group(1))


class _Replay:
    """Bytes already received, in the shape http.client's response parser reads from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self.data)


def test_chunked_oversize_body_is_refused_over_a_real_socket(live_server: int) -> None:
    def endless() -> Iterator[bytes]:
        yield b'{"platform": "x", "pad": "'
        for _ in range(64):  # 4 MiB against a 64 KiB limit
            yield b"a" * 65536
        yield b'"}'

    status, body = chunked_post(live_server, endless())
    assert status == 413 and body["error"]["code"] == "body_too_large"


def test_chunked_oversize_multipart_is_refused_over_a_real_socket(live_server: int) -> None:
    def parts() -> Iterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="check"\r\n\r\n{"platform": "x"}\r\n'
        yield b'--b\r\nContent-Disposition: form-data; name="avatar"; filename="a.jpg"\r\n\r\n'
        for _ in range(64):
            yield b"\xff" * 65536
        yield b"\r\n--b--\r\n"

    status, body = chunked_post(live_server, parts(), "multipart/form-data; boundary=b")
    assert status == 413 and body["error"]["code"] in {"body_too_large", "avatar_too_large"}


def test_chunked_small_body_is_accepted(live_server: int) -> None:
    status, body = chunked_post(live_server, iter([b'{"platform": ', b'"x", "profile": {"posts": 1}}']))
    assert status == 200 and 0 <= body["risk"] <= 100


# --- multipart --------------------------------------------------------------------------------

MALFORMED_MULTIPART = [
    ("multipart/form-data", b"garbage"),
    ("multipart/form-data; boundary=", b"--\r\n"),
    ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="check"\r\n\r\n{"platform"'),
    ("multipart/form-data; boundary=b", b"--b\r\nno headers at all\r\n--b--\r\n"),
    ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="check"\r\n\r\n{]\r\n--b--\r\n'),
    (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="check"\r\n\r\n\xff\xfe\r\n--b--\r\n',
    ),
    ("multipart/form-data; boundary=b", b'--b\r\nContent-Disposition: form-data; name="check"\r\n\r\n[1]\r\n--b--\r\n'),
    (
        "multipart/form-data; boundary=b",
        b"".join(b'--b\r\nContent-Disposition: form-data; name="p%d"\r\n\r\nx\r\n' % i for i in range(500))
        + b"--b--\r\n",
    ),
]


@pytest.mark.parametrize(("content_type", "raw"), MALFORMED_MULTIPART)
def test_malformed_multipart_is_a_clean_4xx(client: FlaskClient, content_type: str, raw: bytes) -> None:
    response = client.post("/v1/check", data=raw, content_type=content_type)
    assert 400 <= response.status_code < 500, response.get_data()
    assert error_code(response)


def test_multipart_with_an_empty_avatar_is_a_plain_check(client: FlaskClient) -> None:
    response = client.post(
        "/v1/check",
        data={"check": '{"platform": "x"}', "avatar": (io.BytesIO(b""), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200


# --- Unicode, nesting, numbers ----------------------------------------------------------------

LONE_SURROGATE_FIELDS = [
    ("/v1/check", {"platform": "x", "profile": {"display_name": "\ud800Sara"}}),
    ("/v1/check", {"platform": "x", "profile": {"bio": "x\udfff", "handle": "\udc00"}}),
    ("/v1/check", {"platform": "x", "contacts": [{"display_name": "\ud83d"}]}),
    ("/v1/check", {"platform": "x", "locale": "\ud800"}),
    ("/v1/reports", {"platform": "x", "reason": "other", "note": "a\ud800b"}),
    ("/v1/reports", {"platform": "x", "reason": "other", "profile": {"display_name": "\ud800"}}),
]


@pytest.mark.parametrize(("path", "body"), LONE_SURROGATE_FIELDS)
def test_lone_surrogates_never_crash(client: FlaskClient, path: str, body: dict[str, Any]) -> None:
    response = post_json(client, body, path)
    assert response.status_code in {200, 202, 422}, response.get_data()
    # Whatever is answered or stored is valid UTF-8.
    response.get_data().decode("utf-8")


def test_ten_thousand_combining_marks(client: FlaskClient) -> None:
    refused = post_json(client, {"platform": "x", "profile": {"display_name": "a" + "\u0301" * 10_000}})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "profile.display_name"
    within_limit = post_json(client, {"platform": "x", "profile": {"bio": "a" + "\u0301" * 1_999}})
    assert within_limit.status_code == 200


@pytest.mark.parametrize(
    "name",
    ["\u202eevil\u202c", "\u2067Sara\u2069", "S\u200ba\u200dr\u200ca", "\u061c\u200f\u200eهالة", "\ufeff\u00ad"],
)
def test_bidi_and_invisible_characters(client: FlaskClient, name: str) -> None:
    response = post_json(
        client,
        {"platform": "x", "profile": {"display_name": name, "handle": name}, "contacts": [{"display_name": name}]},
    )
    assert response.status_code in {200, 422}
    if response.status_code == 200:
        codes = {finding["code"] for finding in response.get_json()["findings"]}
        # Bidi overrides and zero-width characters in a name are themselves a warning sign.
        if any(ch in name for ch in "\u202e\u2067\u200b\u200d\u200c"):
            assert any(code.startswith("name.") for code in codes), codes


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"platform": "x", "profile": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
    ],
)
def test_deeply_nested_json(client: FlaskClient, raw: bytes) -> None:
    response = post_json(client, raw)
    assert response.status_code == 400 and error_code(response) in {"bad_json", "invalid_schema"}


@pytest.mark.parametrize(
    "number", [b"9" * 5_000, b"1e400", b"-1e400", b"NaN", b"Infinity", b"1" + b"0" * 4_299, b"12345678901234567890"]
)
def test_huge_and_odd_numbers(client: FlaskClient, number: bytes) -> None:
    response = post_json(client, b'{"platform": "x", "profile": {"followers": ' + number + b"}}")
    assert response.status_code in {400, 422}, response.get_data()
    assert error_code(response) in {"bad_json", "invalid_value", "invalid_schema"}


def test_duplicate_keys_and_bom(client: FlaskClient) -> None:
    assert post_json(client, b'{"platform": "nope", "platform": "x"}').status_code == 200
    bom = post_json(client, b'\xef\xbb\xbf{"platform": "x"}')
    assert bom.status_code == 400 and error_code(bom) == "bad_json"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/json-patch+json", ""]
)
def test_wrong_media_type(client: FlaskClient, content_type: str) -> None:
    response = client.post("/v1/check", data=b'{"platform": "x"}', content_type=content_type)
    assert response.status_code in {400, 415}
    assert error_code(response)


def test_the_largest_contact_list_is_answered_in_bounded_time(client: FlaskClient) -> None:
    """2000 contacts (the maximum) with maximal, hard-to-normalise names: a hang guard, not a timing
    (bench/ measures speed). Name matching must not be quadratic in anything a client controls."""
    import time

    noisy = "Mо\u0307h\u200dａmed صالح\u0640\u064e ΜοΗ 𝐌 " * 8
    contacts = [
        {"display_name": (noisy + str(i))[:200], "handle": ("m0hamed_" + str(i) * 20)[:100], "account_id": str(i)}
        for i in range(2000)
    ]
    body = {"platform": "x", "profile": {"display_name": noisy[:200], "handle": "m0hamed_1"}, "contacts": contacts}
    started = time.perf_counter()
    response = post_json(client, body)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.get_data()[:300]
    assert elapsed < 10.0, elapsed


def test_body_already_read_by_a_hook_is_still_the_body(make_app: Any) -> None:
    """Reading past the limit must not read the stream again when a hook already cached the body."""
    app = make_app()

    @app.before_request
    def peek() -> None:
        from flask import request

        request.get_json(silent=True)

    response = app.test_client().post("/v1/check", json={"platform": "x", "profile": {"posts": 0}})
    assert response.status_code == 200, response.get_data()

"""Reading request bodies safely: media type, JSON parsing, multipart parts, schema errors."""

from __future__ import annotations

import binascii
import io
import json
from typing import IO, Any, TypeVar

from flask import Request
from pydantic import BaseModel, ValidationError

from server.web.errors import APIError

Model = TypeVar("Model", bound=BaseModel)

# Pydantic error types that mean "wrong shape" (400) rather than "bad value" (422).
_SHAPE_ERRORS = {
    "missing",
    "model_type",
    "model_attributes_type",
    "dict_type",
    "list_type",
    "string_type",
    "int_type",
    "float_type",
    "bool_type",
    "int_parsing",
    "float_parsing",
    "bool_parsing",
    "int_from_float",
    "none_required",
    "is_instance_of",
    "extra_forbidden",
}


class InMemoryRequest(Request):
    """Uploaded files stay in memory. Werkzeug spools a multipart body over 500 KB to a temporary
    file, so a profile photo (or a bank file) would reach the disk, where a seized server could
    give it back; the body limit (``MAX_CONTENT_LENGTH``) already bounds the memory."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        return io.BytesIO()


def parse_json_bytes(raw: bytes, field: str | None = None) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise APIError(400, "bad_json", "The body is not valid UTF-8.", field) from None
    except (ValueError, RecursionError):
        # ValueError also covers integers too long to convert and NaN-like oddities.
        raise APIError(400, "bad_json", "The body is not valid JSON.", field) from None


def read_body(request: Request) -> bytes:
    """The whole body; 413 when it goes past ``MAX_CONTENT_LENGTH``, with or without Content-Length.

    For a body without Content-Length (chunked), werkzeug's stream stops at the limit and
    ``get_data()`` returns the first ``MAX_CONTENT_LENGTH`` bytes as if that were all. A body that
    reached the limit is checked by reading one byte more: werkzeug raises 413 if the client sent
    more. (``get_data`` also returns the body when an earlier hook already read it.)
    """
    data = request.get_data(cache=False)
    limit = request.max_content_length
    if limit is not None and len(data) >= limit:
        request.stream.read(1)
    return data


def json_body(request: Request, mimetype: str | None = None) -> Any:
    """The JSON body; 415 unless it is ``application/json``. ``mimetype``: the request's, when the
    caller has read it already (werkzeug parses the Content-Type header again on every read)."""
    if (request.mimetype if mimetype is None else mimetype) != "application/json":
        raise APIError(415, "unsupported_media_type", "Send application/json.")
    return parse_json_bytes(read_body(request))


def optional_json_body(request: Request) -> Any:
    """As :func:`json_body`, for a body that may be left out: ``{}`` when there is none.

    Read, not judged by ``Content-Length``: a chunked body has none, and was taken for no body
    — a trainer's decision was then made without its ``seen_reports`` guard, note or bank."""
    raw = read_body(request)
    if not raw:
        return {}
    if request.mimetype != "application/json":
        raise APIError(415, "unsupported_media_type", "Send application/json.")
    return parse_json_bytes(raw)


def validate(model: type[Model], data: Any, prefix: str = "") -> Model:
    if not isinstance(data, dict):
        raise APIError(400, "invalid_schema", "The body must be a JSON object.", prefix.rstrip(".") or None)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        where = prefix + ".".join(str(part) for part in first["loc"])
        # Plain context values only (a value_error's context holds the exception itself).
        values = {k: v for k, v in first.get("ctx", {}).items() if isinstance(v, str | int | float)}
        status, code = (400, "invalid_schema") if first["type"] in _SHAPE_ERRORS else (422, "invalid_value")
        raise APIError(status, code, first["msg"], where or None, first["type"], values) from None


def decode_base64(value: str, field: str, max_bytes: int) -> bytes:
    try:
        data = binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise APIError(422, "invalid_base64", "Not valid base64.", field) from None
    if len(data) > max_bytes:
        raise APIError(413, "avatar_too_large", f"The image is larger than {max_bytes} bytes.", field)
    return data

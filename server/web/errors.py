"""One error shape for every failure: ``{"error": {"code", "message", "field"?}}``, and one
policy for a Redis that cannot answer: each JSON blueprint answers it once, 503
``storage_unavailable`` (:func:`answer_storage_errors`), so no route catches it by hand."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping

import redis
from flask import Blueprint, Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from heuristics.context import ServiceUnavailable

log = logging.getLogger("haris.errors")

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_value",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class APIError(Exception):
    """An error a client caused or should know about, with a stable code.

    ``reason`` and ``values`` say what was wrong in a form pages can translate (e.g.
    ``string_too_long`` with ``{"max_length": 200}``). The API sends ``reason`` beside the English
    ``message`` (a fixed set of codes a client can act on, never text it sent), not ``values``.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        reason: str | None = None,
        values: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.reason = reason
        self.values = dict(values or {})


class RetryLater(APIError):
    """429: an allowance of this client's is used up, ``retry_after`` seconds until the window has
    room. Every door answers it with ``Retry-After`` (:func:`init_app`'s handler), so no
    blueprint needs a handler of its own for it."""

    def __init__(self, code: str, message: str, retry_after: int) -> None:
        super().__init__(429, code, message, reason=code)
        self.retry_after = retry_after


def error_response(
    status: int, code: str, message: str, field: str | None = None, reason: str | None = None
) -> Response:
    body: dict[str, str] = {"code": code, "message": message}
    if field:
        body["field"] = field
    if reason and reason != code:  # only where it says more than the code
        body["reason"] = reason
    response = jsonify({"error": body})
    response.status_code = status
    return response


# What a store raises when Redis cannot answer (redis-py also lets some socket errors through),
# and what a lookup raises while its breaker leaves Redis alone.
STORAGE_ERRORS: tuple[type[Exception], ...] = (redis.RedisError, OSError, ServiceUnavailable)


def answer_storage_errors(blueprint: Blueprint, message: str) -> None:
    """Answer a Redis failure in any of ``blueprint``'s views with 503 ``storage_unavailable``."""

    def unavailable(_error: Exception) -> Response:
        return error_response(503, "storage_unavailable", message)

    for kind in STORAGE_ERRORS:
        blueprint.register_error_handler(kind, unavailable)


def init_app(app: Flask) -> None:
    @app.errorhandler(APIError)
    def _api_error(error: APIError) -> Response:
        response = error_response(error.status, error.code, error.message, error.field, error.reason)
        if isinstance(error, RetryLater):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = _HTTP_CODES.get(status, "http_error")
        message = {
            413: "The request body is too large.",
            429: "Too many requests; retry later.",
        }.get(status, error.description or error.name)
        response = error_response(status, code, message)
        if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # Only the exception's type and where it was raised: its message may quote client data.
        where = "".join(traceback.format_tb(error.__traceback__, limit=-3)).strip().replace("\n", " | ")
        log.error("unhandled %s at %s", type(error).__name__, where)
        return error_response(500, "internal_error", "An unexpected error occurred.")

"""The console's error pages: one page per HTTP error, a 503 page whenever Redis cannot answer
(no page catches a storage error itself), and the pages that explain a too-large upload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.console.auth import current_user
from server.console.blueprint import bp, t
from server.roles import Role, role_grants
from server.web.errors import STORAGE_ERRORS
from server.web.limits import LimitReached

# Form posts whose page explains an upload over the body limit itself: endpoint → (role needed,
# function rendering that page with the error). See ``explain_too_large``.
_TOO_LARGE_PAGES: dict[str, tuple[Role, Callable[[], Any]]] = {}


def explain_too_large(endpoint: str, role: Role, render: Callable[[], Any]) -> None:
    """Answer a too-large post to ``endpoint`` with ``render()`` (its form page and a message).

    Werkzeug refuses such a body while the CSRF check first reads the form — before the view and
    its role check run — so the role is checked here before anything is rendered.
    """
    _TOO_LARGE_PAGES[endpoint] = (role, render)


def _error_page(status: int, key: str) -> tuple[str, int]:
    return render_template("console/error.html", status=status, message=t(key)), status


@bp.errorhandler(CSRFError)
def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _error_page(400, "error.csrf")


def too_many_requests_page(key: str, retry_after: int) -> Response:
    """The console's 429 page, saying ``key``'s message, with ``Retry-After``."""
    body, status = _error_page(429, key)
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.errorhandler(LimitReached)
def _rate_limited(error: LimitReached) -> Response:
    return too_many_requests_page("error.rate_limited", error.retry_after)


def _storage_unavailable(_error: Exception) -> tuple[str, int]:
    """Redis cannot answer: the console's own 503 page, for every page (no page catches it)."""
    return _error_page(503, "error.unavailable")


for _kind in STORAGE_ERRORS:
    bp.register_error_handler(_kind, _storage_unavailable)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    page = _TOO_LARGE_PAGES.get(request.endpoint or "")
    user = current_user()
    if page is not None and user is not None and role_grants(user.role, page[0]):
        return page[1]()
    return _http_error(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    key = {
        403: "error.forbidden",
        404: "error.not_found",
        413: "error.too_large",
        429: "error.rate_limited",
        503: "error.unavailable",
    }.get(status, "error.generic")
    return _error_page(status, key)

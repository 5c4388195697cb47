"""Browser-facing defences of every response: security headers, and which browser origins may
call the API — CORS for them; for the others, a 403 before any work (every ``/v1/`` route).

CORS only decides whether a page may *read* an answer: a web page can still make a browser send
no-preflight POSTs (``text/plain``, ``multipart/form-data``) to the API, with its own ``Origin``.
Such a request is refused here, before the view runs: it costs no CPU and, as it never reaches a
view, uses up nobody's rate limit (``server.web.limits``). Requests without an ``Origin`` (the
extension's service worker sends its extension origin; non-browser clients send none) pass.
"""

from __future__ import annotations

import re

from flask import Flask, Response, current_app, request
from flask_cors import CORS

from server.web.errors import APIError


def origin_patterns(value: str) -> list[re.Pattern[str]]:
    """``chrome-extension://*`` style patterns to anchored regexes (for flask-cors and the check)."""
    patterns = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        patterns.append(re.compile("^" + re.escape(item).replace(r"\*", "[A-Za-z0-9._-]*") + "$"))
    return patterns


API_PREFIX = "/v1/"


def _refuse_foreign_origin() -> None:
    origin = request.environ.get("HTTP_ORIGIN")  # not request.headers: a missing header costs it an exception
    if origin is None or request.method == "OPTIONS" or not request.path.startswith(API_PREFIX):
        return
    if not any(pattern.match(origin) for pattern in current_app.config["HARIS_ORIGIN_PATTERNS"]):
        raise APIError(403, "origin_not_allowed", "This origin may not call the API.")


SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
    ("Cache-Control", "no-store"),
)


def _security_headers(response: Response) -> Response:
    """Defaults for every response; a page that set its own (the console's CSP) keeps it."""
    present = {name.lower() for name in response.headers.keys()}  # noqa: SIM118 (Headers iterates pairs)
    response.headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    patterns = origin_patterns(app.config["HARIS_CORS_ORIGINS"])
    app.config["HARIS_ORIGIN_PATTERNS"] = patterns
    CORS(
        app,
        resources={r"/v1/*": {"origins": patterns}},
        allow_headers=["Content-Type", "Authorization", "Accept-Language", "X-Request-ID"],
        max_age=600,
    )
    app.before_request(_refuse_foreign_origin)
    app.after_request(_security_headers)

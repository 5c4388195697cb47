"""The trainer console: server-rendered pages under ``/console`` (no JavaScript needed).

Security model, in one place:
- Accounts and sessions live in Redis (``server.storage.users``); the browser holds a Flask-signed cookie
  with only a random session id (plus the CSRF token and chosen language). The cookie is
  ``__Host-haris_console``: HttpOnly, SameSite=Strict, Secure, Path=/, no Domain; unless
  ``HARIS_SECURE_COOKIES`` is off (plain-http dev): ``haris_console``, Path=/console.
- Every POST under /console needs the Flask-WTF CSRF token (the JSON API is not cookie-authenticated
  and is not CSRF-checked).
- Pages carry their own Content-Security-Policy: no script at all, styles and images only from
  this origin, forms only to this origin, never framed.
- Sign-in failures are rate-limited per client address and per account name (``server.web.limits``)
  and answered with one generic message.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from server.console import account_pages, bank_pages, case_pages, errors, extractor_pages, protected_pages, shown, views
from server.console.blueprint import CONSOLE_CSP, bp, csrf
from server.console.session import CONSOLE_PATH, ConsoleSessionInterface

SESSION_COOKIE = "__Host-haris_console"
PLAIN_SESSION_COOKIE = "haris_console"

__all__ = [
    "CONSOLE_CSP",
    "account_pages",
    "bank_pages",
    "bp",
    "case_pages",
    "errors",
    "extractor_pages",
    "init_app",
    "protected_pages",
    "shown",
    "views",
]


def init_app(app: Flask) -> None:
    secure = app.config["HARIS_SECURE_COOKIES"]
    app.config.update(
        # __Host-: a browser keeps such a cookie only when it is Secure, for Path=/ and for this
        # host alone (no Domain), so no page elsewhere can plant one here: not a sibling host of
        # the organisation's (a blog at www.ngo.example setting Domain=ngo.example, Path=/console,
        # which browsers send before a cookie set later — the trainer signs in, then works in the
        # planter's session), nor a plain-http answer. Path=/ is the price: browsers send it to
        # every path, and sessions are still opened under /console only (``session.CONSOLE_PATH``).
        # Over plain http (development only) no prefixed cookie is kept: the plain name, /console.
        SESSION_COOKIE_NAME=SESSION_COOKIE if secure else PLAIN_SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_PATH="/" if secure else CONSOLE_PATH,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # Only console forms are CSRF-checked (by the blueprint); the JSON API uses bearer keys.
        WTF_CSRF_CHECK_DEFAULT=False,
        # The token lives as long as the session; the server-side session bounds its life.
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)
    app.session_interface = ConsoleSessionInterface()
    app.register_blueprint(bp)
    shown.init_app(app)

"""The trainer console: server-rendered pages under ``/console`` (no JavaScript needed).

Security model, in one place:
- Accounts and sessions live in Redis (``server.storage.users``); the browser holds a Flask-signed cookie
  with only a random session id (plus the CSRF token and chosen language). The cookie is
  HttpOnly, SameSite=Strict and Secure unless ``HARIS_SECURE_COOKIES`` is off (plain-http dev).
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
from server.console.session import ConsoleSessionInterface

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
    app.config.update(
        SESSION_COOKIE_NAME="haris_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=app.config["HARIS_SECURE_COOKIES"],
        SESSION_COOKIE_PATH="/console",
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

"""Sessions exist only under the console's cookie path.

The console cookie is scoped to ``SESSION_COOKIE_PATH`` (``/console``), so a browser never sends
it to the JSON API; opening and signing an (always empty) session there on every check is
wasted work on the hot path. Outside the console Flask gets its null session, which refuses
writes, so no API route can start setting cookies by accident either.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class ConsoleSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        scope = app.config["SESSION_COOKIE_PATH"] or "/"
        if request.path != scope and not request.path.startswith(scope.rstrip("/") + "/"):
            return None  # Flask then uses make_null_session
        return super().open_session(app, request)

"""Sessions exist only under the console's path.

The console cookie is ``__Host-`` prefixed, which needs Path=/ (``server.console.init_app``), so a
browser sends it to the JSON API too; opening and signing an (always empty) session there on
every check is wasted work on the hot path. Outside ``CONSOLE_PATH`` Flask gets its null session,
which refuses writes, so no API route can start setting cookies by accident either.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

CONSOLE_PATH = "/console"


class ConsoleSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path != CONSOLE_PATH and not request.path.startswith(CONSOLE_PATH + "/"):
            return None  # Flask then uses make_null_session
        return super().open_session(app, request)

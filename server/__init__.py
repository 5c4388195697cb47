"""Haris server: the Flask app factory.

``flask --app server run`` or ``gunicorn 'server:create_app()'``. The factory only configures and
wires: every part of the app is a module or package with an ``init_app(app)``, called in the
order below (docs/architecture.md walks through them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server import api, cli, console, lookups, state
from server.config import load_config
from server.services import rules
from server.web import errors, limits, metrics, request_log, security
from server.web.body import InMemoryRequest
from server.web.request_log import configure_logging

# In this order: state (Redis, stores, rules, metrics) before the lookups made from it; request
# hooks before the blueprints; the rules synced once everything is there.
PARTS = (state, lookups, metrics, request_log, errors, api, console, security, limits, rules, cli)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    settings = load_config(config)
    configure_logging(settings["HARIS_LOG_LEVEL"])
    app = Flask(__name__)
    app.request_class = InMemoryRequest
    app.config.update(settings)
    app.config.update(
        SECRET_KEY=settings["HARIS_SECRET_KEY"],
        MAX_CONTENT_LENGTH=settings["HARIS_MAX_BODY_BYTES"],
        MAX_FORM_MEMORY_SIZE=settings["HARIS_MAX_BODY_BYTES"],
        MAX_FORM_PARTS=50,
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if settings["HARIS_PROXY_COUNT"]:
        count = settings["HARIS_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    for part in PARTS:
        part.init_app(app)
    return app

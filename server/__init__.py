"""Haris server: the Flask app factory.

``flask --app server run`` or ``gunicorn 'server:create_app()'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from heuristics.rules import load_default_rules, load_rules
from server import api, bank_api, case_api, health, review
from server.admin import init_admin
from server.banks import BankStore, RedisBanks
from server.campaign_store import make_aggregate
from server.case_cli import register_case_cli
from server.cli import register_cli
from server.config import load_config
from server.console import init_console
from server.console.session import ConsoleSessionInterface
from server.errors import register_error_handlers
from server.evaluate_cli import register_evaluate_cli
from server.limits import init_limiter
from server.metrics import init_metrics
from server.origins import init_origins
from server.protected import init_protected
from server.redis_conn import connect
from server.request_log import configure_logging, init_request_log
from server.requests import InMemoryRequest
from server.reuse import RedisReuse
from server.rules_cli import register_rules_cli
from server.state import ActiveRules, Haris

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

    rules = load_rules(settings["HARIS_RULES_FILE"]) if settings["HARIS_RULES_FILE"] else load_default_rules()
    redis_handle = connect(settings)
    metrics = init_metrics(app)
    app.extensions["haris"] = Haris(redis=redis_handle, rules=ActiveRules(rules, redis_handle.client), metrics=metrics)
    app.extensions["haris"].services.update(
        banks=RedisBanks(BankStore(redis_handle.client)),
        reuse=RedisReuse(redis_handle.client, settings["HARIS_SECRET_KEY"].encode("utf-8")),
    )
    # The campaign aggregate lives in the limiter store (never on disk); its epochs follow the
    # checks' clock, so a pinned clock pins them too.
    app.extensions["haris"].campaigns = make_aggregate(
        redis_handle.limiter.client, clock=lambda: app.extensions["haris"].clock().timestamp()
    )

    init_request_log(app)
    register_error_handlers(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(review.bp)
    init_console(app)
    app.session_interface = ConsoleSessionInterface()
    init_admin(app, app.extensions["haris"].rules)
    init_protected(app)
    app.register_blueprint(bank_api.bp)
    app.register_blueprint(case_api.bp)
    init_origins(app)
    app.after_request(_security_headers)
    init_limiter(app, redis_handle.limiter, anonymous=[api.bp])
    register_cli(app)
    register_rules_cli(app)
    register_evaluate_cli(app)
    bank_api.register_bank_cli(app)
    register_case_cli(app)
    return app

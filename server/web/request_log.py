"""One structured log line per request: method, route, status, duration, request id. Nothing else.

The route template is logged, never the raw path or query string, and never a body, header or
client address: the log must not become a record of who checked whom.

Except for an anonymous filing that was stored (:func:`undated`: ``POST /v1/reports``,
``POST /v1/extractor-health`` answered 2xx): no line at all. The store keeps a report's hour,
never its time, and the order of the queue; a line per filing would give, to the millisecond, the
time of the k-th report of that hour — with an ISP's record of who connected then, its filer.
A refused filing (4xx, 5xx) stored nothing and is logged as any request.

And a check's line (:func:`untimed`) carries no duration: what a check costs depends on what it
matched (a protected person's match is counted in the limiter store, a photo is decoded), so a
seized log's durations would sort its lines by what the checks found. ``/metrics`` adds their
latencies to its histogram only every ``HARIS_METRICS_DELAY``, all at once (``server.web.metrics``):
observed live, a Prometheus scraping every few seconds of a quiet server kept each check's
duration, to its bucket, beside the time of its log line.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable
from typing import NamedTuple, TypeVar

from flask import Flask, Request, Response, current_app, g, request

log = logging.getLogger("haris.request")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


# Any token is a valid HTTP method: an unknown one is logged and counted as "OTHER", so the log
# holds no text a client chose (the route is a template, the request id of a fixed form) and
# clients cannot grow the metrics' series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def method_label(method: str) -> str:
    return method if method in KNOWN_METHODS else "OTHER"


View = TypeVar("View", bound=Callable[..., object])


def undated(view: View) -> View:
    """Mark an anonymous view whose stored result the server keeps undated (a report: its hour):
    its successful requests leave no log line, and ``server.web.metrics`` holds their counts back
    as it holds a check's findings. Put it under the route decorator, so the view the blueprint
    registers carries the mark."""
    view.haris_undated = True  # type: ignore[attr-defined]
    return view


def untimed(view: View) -> View:
    """Mark a view whose log line must not say how long it took (module docstring). Put it under
    the route decorator, as :func:`undated`."""
    view.haris_untimed = True  # type: ignore[attr-defined]
    return view


class RequestFacts(NamedTuple):
    """What the request's log line and its metrics say about it, read once per hook."""

    route: str  # the route template, "<unmatched>" without one
    method: str  # :func:`method_label`
    undated: bool  # an :func:`undated` view's request that stored its result (2xx)
    untimed: bool  # an :func:`untimed` view's request: its duration says what it matched


_FACTS = "haris.request_facts"  # where a request's facts are kept once read (its WSGI environ)


def request_facts(status: int) -> RequestFacts:
    """The current request's :class:`RequestFacts`, for a response of ``status``. The request and
    the app are read through their proxies once (every proxied read costs a context lookup), and
    the facts once a request: its log line and its metrics both ask (kept in its environ, with
    the status they were read for)."""
    current = request._get_current_object()  # type: ignore[attr-defined]
    kept = current.environ.get(_FACTS)
    if kept is not None and kept[0] == status:
        return kept[1]
    facts = _read_facts(current, status)
    current.environ[_FACTS] = (status, facts)
    return facts


def _read_facts(current: Request, status: int) -> RequestFacts:
    rule = current.url_rule
    if rule is None:
        return RequestFacts("<unmatched>", method_label(current.method), False, False)
    view = current_app.view_functions.get(rule.endpoint)
    return RequestFacts(
        rule.rule,
        method_label(current.method),
        200 <= status < 300 and getattr(view, "haris_undated", False),
        getattr(view, "haris_untimed", False),
    )


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps with options makes one a call


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name}
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["msg"] = record.getMessage()
        return _ENCODER.encode(line)


def configure_logging(level: str) -> None:
    root = logging.getLogger("haris")
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    # Werkzeug's access log prints client addresses and full paths: keep it quiet.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        # From the WSGI environ: a missing header costs werkzeug's Headers.get an exception.
        incoming = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else secrets.token_hex(16)
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id", "-")
        response.headers["X-Request-ID"] = request_id
        if log.isEnabledFor(logging.INFO):
            facts = request_facts(response.status_code)
            if not facts.undated:
                log.handle(_record(facts, response.status_code, request_id, g.get("started")))
        return response


def _record(facts: RequestFacts, status: int, request_id: str, started: float | None) -> logging.LogRecord:
    """The request's log record, made directly (``Logger.makeRecord``): ``log.info`` would also
    walk the stack for a caller's file and line that the JSON line never shows."""
    fields: dict[str, object] = {
        "event": "request",
        "method": facts.method,
        "route": facts.route,
        "status": status,
        "request_id": request_id,
    }
    if not facts.untimed:
        fields["duration_ms"] = round((time.perf_counter() - started) * 1000, 2) if started else None
    return log.makeRecord(log.name, logging.INFO, __file__, 0, "request", (), None, extra={"fields": fields})

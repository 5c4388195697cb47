"""One structured log line per request: method, route, status, duration, request id. Nothing else.

The route template is logged, never the raw path or query string, and never a body, header or
client address: the log must not become a record of who checked whom.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time

from flask import Flask, Response, g, request

log = logging.getLogger("haris.request")
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


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
            log.handle(_record(response.status_code, request_id, g.get("started")))
        return response


def _record(status: int, request_id: str, started: float | None) -> logging.LogRecord:
    """The request's log record, made directly (``Logger.makeRecord``): ``log.info`` would also
    walk the stack for a caller's file and line that the JSON line never shows."""
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    fields = {
        "event": "request",
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else "<unmatched>",
        "status": status,
        "duration_ms": duration_ms,
        "request_id": request_id,
    }
    return log.makeRecord(log.name, logging.INFO, __file__, 0, "request", (), None, extra={"fields": fields})

"""Operational endpoints: liveness, readiness, metrics and the OpenAPI description."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, jsonify

from server.roles import Role
from server.state import app_state
from server.web.auth import require_role
from server.web.openapi import openapi_document

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> Any:
    state = app_state()
    checks = {"rules": state.rules.current().version}
    try:
        state.stores.client.ping()
        checks["redis"] = "ok"
    except (redis.RedisError, OSError):
        checks["redis"] = "down"
        response = jsonify(
            {
                "status": "unavailable",
                "checks": checks,
                "error": {"code": "redis_unavailable", "message": "Redis is not reachable."},
            }
        )
        response.status_code = 503
        return response
    return jsonify({"status": "ready", "checks": checks})


@bp.get("/metrics")
@require_role(Role.MAINTAINER)
def metrics() -> Any:
    """Prometheus metrics, for a maintainer key only (``Authorization: Bearer``)."""
    return app_state().metrics.exposition()


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document())

"""The JSON API: one blueprint per module, each with its routes, and its OpenAPI entries beside them.

- :mod:`.check` — ``POST /v1/check``, ``GET /v1/rules`` (anonymous, rate-limited);
- :mod:`.reports` — ``POST /v1/reports`` (anonymous, rate-limited);
- :mod:`.extractor_health` — ``POST /v1/extractor-health`` (anonymous, rate-limited, opt-in counts
  from the extension) and its table for maintainers;
- :mod:`.reviews` — trainers decide reports;
- :mod:`.cases` — escalation cases;
- :mod:`.banks`, :mod:`.protected` — hash banks and protected people (trainers, maintainers);
- :mod:`.admin` — maintainers publish rules;
- :mod:`.health` — liveness, readiness, metrics and ``/openapi.json``.

A route reads the request, calls one function of ``server.services`` and writes the answer; no
route module imports another.
"""

from __future__ import annotations

from flask import Flask

from server.api import admin, banks, cases, check, extractor_health, health, protected, reports, reviews

BLUEPRINTS = (
    check.bp,
    reports.bp,
    extractor_health.bp,
    health.bp,
    reviews.bp,
    admin.bp,
    protected.bp,
    banks.bp,
    cases.bp,
)


def init_app(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

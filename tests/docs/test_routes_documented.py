"""Every route README.md and docs/*.md show (``POST /v1/reports/{id}/confirm``, a ``curl`` to
``/v1/admin/rules``, ``/readyz``) is one the app answers, with that method: matched against the
real app's URL map, so a route renamed or dropped fails here rather than in a reader's hands."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from tests.docs.test_commands_exist import texts

METHODS = "GET|POST|PUT|PATCH|DELETE"
# A route as the documents write it: an optional method, then a path under one of the app's roots.
ROUTE = re.compile(
    rf"(?:\b(?P<method>{METHODS})\s+|-X\s*(?P<curl>{METHODS})\s[^`\n]*?\s)?"
    r"(?P<path>(?<![\w.])/(?:v1|console|readyz|healthz|metrics|openapi\.json)(?:/(?:<[^>/\s]*>|[^\s`'\"),;?#<>])*)?)"
)
PLACEHOLDER = re.compile(r"\{[^}/]*\}|<[^>/]*>|…")
ORIGIN = re.compile(r"https?://[^/\s'\"`]+(?=/)")


def plain(text: str) -> str:
    """``text`` with commands on one line and URLs' scheme and host left out (a space)."""
    return ORIGIN.sub(" ", text.replace("\\\n", " "))


def documented_routes() -> list[tuple[str, str | None, str]]:
    """(where, method or None, path with placeholders filled) for every route shown."""
    found = []
    for where, text in texts():
        for match in ROUTE.finditer(plain(text)):
            if match["path"].endswith("/…") or "*" in match["path"]:  # "/v1/banks/…", "/v1/*": families
                continue
            path = PLACEHOLDER.sub("x1", match["path"]).rstrip(".:")
            found.append((where, match["method"] or match["curl"], path))
    return found


def test_routes_are_found_in_the_documents() -> None:
    routes = documented_routes()
    assert ("POST", "/v1/check") in {(method, path) for _, method, path in routes}
    assert len(routes) > 20


def answers(app: Flask, method: str | None, path: str) -> bool:
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(path, method=method or "GET")
    except RequestRedirect:  # "/console" → "/console/"
        return True
    except MethodNotAllowed:
        return method is None  # the path exists; no method was claimed
    except NotFound:
        return False
    return True


def test_every_route_shown_is_one_the_app_answers(app: Flask) -> None:
    problems = sorted(
        {f"{where}: {method or ''} {path}".replace(":  ", ": ") for where, method, path in documented_routes()}
        - {
            f"{where}: {method or ''} {path}".replace(":  ", ": ")
            for where, method, path in documented_routes()
            if answers(app, method, path)
        }
    )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`POST /v1/reports/{id}/confirm`", [("POST", "/v1/reports/x1/confirm")]),
        ("curl -X POST -H 'A: b' --data-binary @x http://127.0.0.1:5000/v1/admin/rules", [("POST", "/v1/admin/rules")]),
        ("health check on `/readyz`, then", [(None, "/readyz")]),
        ("GET /v1/banks/<name>/export", [("GET", "/v1/banks/x1/export")]),
        ("extension/options/options.html", []),
        ("-H 'If-Match: <ETag of GET /v1/rules>' to", [("GET", "/v1/rules")]),
    ],
)
def test_route_pattern(text: str, expected: list[tuple[str | None, str]]) -> None:
    found = [
        (m["method"] or m["curl"], PLACEHOLDER.sub("x1", m["path"]).rstrip(".:")) for m in ROUTE.finditer(plain(text))
    ]
    assert found == expected


def test_answers_tells_a_missing_route_and_a_wrong_method(app: Flask) -> None:
    assert answers(app, "POST", "/v1/check")
    assert not answers(app, "DELETE", "/v1/check")
    assert not answers(app, "GET", "/v1/nonesuch")
    assert answers(app, None, "/v1/check")


def test_every_api_route_the_app_serves_is_shown_somewhere(app: Flask) -> None:
    """The reverse: a /v1 route (and method) no document shows is one an operator cannot find."""
    adapter = app.url_map.bind("localhost")
    shown = set()
    for _, method, path in documented_routes():
        try:
            rule, _ = adapter.match(path, method=method or "GET", return_rule=True)
        except (MethodNotAllowed, NotFound, RequestRedirect):
            continue
        shown.add((rule.rule, method or "GET"))
    served = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert len(served) > 20
    assert sorted(served - shown) == []

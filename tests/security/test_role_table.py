"""The role every route needs, in one table, walked against ``app.url_map``.

A route added without an entry here fails ``test_the_table_names_every_served_route``; one whose
guard is missing or weaker (or stronger) than its entry fails the walks below, which call every
route anonymously, as a trainer and as a maintainer — the console through signed-in sessions, the
API through keys of each role. ``tests/security/test_routes.py`` checks that private routes refuse
anonymous callers; this table says *which* role each one needs, so a trainer doing a maintainer's
job (the audit trail, accounts, rules, bank imports, metrics) is refused everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.storage.apikeys import create_api_key
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, HttpsClient, csrf_from, sign_in
from tests.security.test_routes import concrete_path, routes

PUBLIC = "public"
SIGN_OUT = "sign-out"  # anyone: ends the browser's session if it has one, then the sign-in page
T, M = Role.TRAINER, Role.MAINTAINER
REQUIRED: dict[tuple[str, str], str | Role] = {
    # The console: a session of an account with the role.
    ("GET", "/console/"): T,
    ("GET", "/console/account"): T,
    ("POST", "/console/account"): T,
    ("POST", "/console/account/sessions"): T,
    ("GET", "/console/audit"): M,
    ("GET", "/console/banks"): T,
    ("GET", "/console/banks/<bank>/export"): T,
    ("POST", "/console/banks/entries"): T,
    ("POST", "/console/banks/import"): M,
    ("GET", "/console/cases"): T,
    ("GET", "/console/cases/<case_id>"): T,
    ("POST", "/console/cases/<case_id>/<state>"): T,
    ("POST", "/console/cases/<case_id>/evidence"): T,
    ("GET", "/console/cases/<case_id>/export/<kind>"): T,
    ("POST", "/console/cases/<case_id>/notes"): T,
    ("POST", "/console/cases/<case_id>/status"): T,
    ("GET", "/console/cases/new"): T,
    ("POST", "/console/cases/new"): T,
    ("GET", "/console/check"): T,
    ("POST", "/console/check"): T,
    ("GET", "/console/extractors"): M,
    ("GET", "/console/lang/<code>"): PUBLIC,
    ("GET", "/console/login"): PUBLIC,
    ("POST", "/console/login"): PUBLIC,
    ("POST", "/console/logout"): SIGN_OUT,
    ("GET", "/console/outcomes"): T,
    ("GET", "/console/protected"): T,
    ("POST", "/console/protected/<person_id>/account-id"): T,
    ("POST", "/console/protected/<person_id>/delete"): T,
    ("GET", "/console/protected/<person_id>/edit"): T,
    ("POST", "/console/protected/<person_id>/edit"): T,
    ("GET", "/console/protected/new"): T,
    ("POST", "/console/protected/new"): T,
    ("GET", "/console/reports"): T,
    ("GET", "/console/reports/<report_id>"): T,
    ("POST", "/console/reports/<report_id>/<decision>"): T,
    ("POST", "/console/reports/reject"): T,
    ("GET", "/console/users"): M,
    ("POST", "/console/users/<username>/revoke"): M,
    # Operations.
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): M,
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/static/<path:filename>"): PUBLIC,
    # The JSON API: a key with the role.
    ("POST", "/v1/admin/rules"): M,
    ("GET", "/v1/banks"): T,
    ("POST", "/v1/banks/<bank>/entries"): T,
    ("GET", "/v1/banks/<bank>/export"): T,
    ("POST", "/v1/banks/<bank>/import"): M,
    ("POST", "/v1/cases"): T,
    ("GET", "/v1/cases"): T,
    ("GET", "/v1/cases/<case_id>"): T,
    ("POST", "/v1/cases/<case_id>/evidence"): T,
    ("GET", "/v1/cases/<case_id>/export/<kind>"): T,
    ("POST", "/v1/cases/<case_id>/status"): T,
    ("POST", "/v1/check"): PUBLIC,
    ("POST", "/v1/extractor-health"): PUBLIC,
    ("GET", "/v1/extractor-health"): M,
    ("POST", "/v1/protected"): T,
    ("GET", "/v1/protected"): T,
    ("GET", "/v1/protected/<person_id>"): T,
    ("DELETE", "/v1/protected/<person_id>"): T,
    ("POST", "/v1/reports"): PUBLIC,
    ("GET", "/v1/reports"): T,
    ("POST", "/v1/reports/<report_id>/confirm"): T,
    ("POST", "/v1/reports/<report_id>/reject"): T,
    ("GET", "/v1/rules"): PUBLIC,
}
FORBIDDEN_PAGE = "role does not allow this."  # console "error.forbidden" (en), past its escaped apostrophe


@pytest.fixture
def app(make_app: Any) -> Flask:
    built: Flask = make_app()
    built.test_client_class = HttpsClient
    return built


def _browser(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    return client


def _session_of(app: Flask, username: str | None) -> Callable[[], tuple[FlaskClient, str]]:
    """A new browser (signed in as ``username``, unless None) and a CSRF token of its session."""

    def build() -> tuple[FlaskClient, str]:
        client = _browser(app)
        if username is not None:
            assert sign_in(client, username, PASSWORD).status_code == 303
        page = client.get("/console/login" if username is None else "/console/account")
        return client, csrf_from(page.get_data(as_text=True))

    return build


def _refused_by_role(response: Any) -> bool:
    return response.status_code == 403 and FORBIDDEN_PAGE in response.get_data(as_text=True)


def _sent_to_sign_in(response: Any) -> bool:
    return response.status_code in {302, 303} and response.headers.get("Location", "").startswith("/console/login")


def console_violations(app: Flask, table: dict[tuple[str, str], str | Role]) -> list[str]:
    """Console routes whose answer to each kind of visitor is not what ``table`` says."""
    visitors = {None: _session_of(app, None), T: _session_of(app, "amal"), M: _session_of(app, "omar")}
    found = []
    for (method, rule), needed in sorted(table.items()):
        if not rule.startswith("/console/"):
            continue
        for held, browser in visitors.items():
            client, token = browser()  # a fresh session each: a route may end it (sign-out)
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(concrete_path(rule), method=method, data=data)
            if needed == SIGN_OUT:
                ok = _sent_to_sign_in(response)
            elif needed == PUBLIC:
                ok = not _sent_to_sign_in(response) and not _refused_by_role(response)
            elif held is None:
                ok = _sent_to_sign_in(response)
            elif needed is M and held is T:
                ok = _refused_by_role(response)
            else:
                ok = not _sent_to_sign_in(response) and not _refused_by_role(response)
            if not ok:
                found.append(f"{method} {rule} as {held or 'anonymous'}: {response.status_code}")
    return found


def api_violations(app: Flask, keys: dict[Role, str], table: dict[tuple[str, str], str | Role]) -> list[str]:
    client = app.test_client()
    found = []
    for (method, rule), needed in sorted(table.items()):
        if rule.startswith("/console/"):
            continue
        for held in (None, T, M):
            headers = {"Authorization": f"Bearer {keys[held]}"} if held else {}
            response = client.open(concrete_path(rule), method=method, headers=headers, json={})
            status = response.status_code
            if needed == PUBLIC:
                ok = status not in {401, 403}
            elif held is None:
                ok = status == 401
            elif needed is M and held is T:
                ok = status == 403 and response.get_json()["error"]["code"] == "forbidden"
            else:
                ok = status not in {401, 403}
            if not ok:
                found.append(f"{method} {rule} as {held or 'anonymous'}: {status}")
    return found


def test_the_table_names_every_served_route(app: Flask) -> None:
    assert set(routes(app)) == set(REQUIRED)


def test_every_console_route_needs_its_role(app: Flask, accounts: UserStore) -> None:
    assert console_violations(app, REQUIRED) == []


def test_every_api_route_needs_its_role(app: Flask, redis_client: redis.Redis) -> None:
    keys = {T: create_api_key(redis_client, T, "table trainer"), M: create_api_key(redis_client, M, "table maintainer")}
    assert api_violations(app, keys, REQUIRED) == []


def test_the_walks_catch_a_missing_or_weaker_guard(app: Flask, accounts: UserStore, redis_client: redis.Redis) -> None:
    """Not vacuous: a console page left open, and maintainer routes entered as trainer routes
    (the guard a copy-paste would give them), are each named."""

    @app.get("/console/leaky")
    def leaky() -> str:
        return "every registered person"

    wrong = {
        ("GET", "/console/leaky"): T,
        ("GET", "/console/audit"): T,
        ("GET", "/console/users"): PUBLIC,
        ("GET", "/metrics"): T,
        ("GET", "/v1/banks"): M,
    }
    assert console_violations(app, wrong) == [
        "GET /console/audit as trainer: 403",
        "GET /console/leaky as anonymous: 200",
        "GET /console/users as anonymous: 302",
        "GET /console/users as trainer: 403",
    ]
    keys = {T: create_api_key(redis_client, T, "walk trainer"), M: create_api_key(redis_client, M, "walk maintainer")}
    assert api_violations(app, keys, wrong) == ["GET /metrics as trainer: 403", "GET /v1/banks as trainer: 200"]

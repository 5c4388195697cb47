"""Console fixtures: accounts, a signed-in test client, and the CSRF token of the last page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.storage.sealed import Sealer
from server.storage.users import TOTP_PURPOSE, UserStore
from tests.conftest import PASSWORD, TEST_SECRET

# What the test apps seal second factors with (their HARIS_SECRET_KEY): a store made outside an
# app sets a second factor those apps can check.
SEALER = Sealer(TEST_SECRET.encode(), TOTP_PURPOSE)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def page_token(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_from(response.get_data(as_text=True))


_VERSION = re.compile(r'name="version" value="([0-9a-f]*)"')


def edit_fields(client: FlaskClient, path: str) -> dict[str, str]:
    """An edit page's hidden fields, as a browser sends them back: its CSRF token and the version
    of the record it shows."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    page = response.get_data(as_text=True)
    match = _VERSION.search(page)
    assert match, "page has no version field"
    return {"csrf_token": csrf_from(page), "version": match.group(1)}


_ACCOUNT_ROW = re.compile(r'action="/console/users/([^/"]+)/revoke".*?name="version" value="([0-9a-f]{32})"', re.S)


def users_page(client: FlaskClient) -> tuple[str, dict[str, str]]:
    """The Users page's CSRF token and the version each row carries, by username (what a browser
    sends back with *Revoke*)."""
    response = client.get("/console/users")
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    return csrf_from(page), dict(_ACCOUNT_ROW.findall(page))


def sign_in(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    token = page_token(client, "/console/login")
    return client.post("/console/login", data={"username": username, "password": password, "csrf_token": token})


class HttpsClient(FlaskClient):
    """A test client that talks https, so the Secure cookie flag stays on as in production."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if not args or isinstance(args[0], str):
            kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


def console_browser(app: Flask, username: str) -> FlaskClient:
    """A browser signed in to ``app``'s console as ``username`` (an account already made), over
    HTTPS (``app`` is switched to :class:`HttpsClient`) and sending the console's own Referer, as
    its pages make a browser send it."""
    app.test_client_class = HttpsClient
    browser = app.test_client()
    browser.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(browser, username).status_code == 303
    return browser


@pytest.fixture
def console_app(make_app: Any) -> Flask:
    app: Flask = make_app()
    app.test_client_class = HttpsClient
    return app


@pytest.fixture
def new_client(console_app: Flask) -> Callable[[], FlaskClient]:
    def build() -> FlaskClient:
        client = console_app.test_client()
        # Browsers send a same-origin Referer (the console's Referrer-Policy); over HTTPS
        # Flask-WTF refuses a form post without one.
        client.environ_base["HTTP_REFERER"] = "https://localhost/console/"
        return client

    return build


@pytest.fixture
def anonymous(new_client: Callable[[], FlaskClient]) -> FlaskClient:
    return new_client()


def signed_in_as(new_client: Callable[[], FlaskClient], username: str) -> FlaskClient:
    """A fresh browser session of ``username`` (an account already made)."""
    client = new_client()
    assert sign_in(client, username).status_code == 303
    return client


@pytest.fixture
def trainer(new_client: Callable[[], FlaskClient], accounts: UserStore) -> FlaskClient:
    return signed_in_as(new_client, "amal")


@pytest.fixture
def maintainer(new_client: Callable[[], FlaskClient], accounts: UserStore) -> FlaskClient:
    return signed_in_as(new_client, "omar")


@pytest.fixture(params=["single", "cluster"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Every test here runs on a single Redis and on a three-node Redis Cluster (tests/conftest.py)."""
    return request.param


def keep_from_before(redis_client: redis.Redis, report_id: str, **profile: str) -> None:
    """Give a stored report profile fields the API now refuses (a profile URL with a U+202E or a
    space: ``server.escalation.account_url``), as a report filed before that version holds them;
    the console must still show them as they are."""
    key = f"haris:{{reports}}:report:{report_id}"
    record = json.loads(redis_client.get(key))
    record["profile"] = {**(record.get("profile") or {}), **profile}
    redis_client.set(key, json.dumps(record, ensure_ascii=False), keepttl=True)

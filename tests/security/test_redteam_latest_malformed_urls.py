"""Red team: addresses Python's ``urlsplit`` cannot read (docs/console.md, Security).

Adversary: anyone who can send a request — a link, a script, a stolen trainer key. An address
with an unclosed IPv6 bracket (``http://[::1``, ``//[x``) makes ``urlsplit`` raise ValueError,
and three doors passed one straight to it: the console's ``next`` (any visitor's sign-in page,
before any account), the language switch's ``Origin``/``Referer`` check (a browser without
Fetch Metadata, or any script), and an evidence file's ``source_url``. Each was a 500 with a
logged traceback. Each is now read as what it is: no address of ours (``next`` goes home, the
language stays) or a 422 ``invalid_value``.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import redis
from flask import Flask

from tests.console.conftest import HttpsClient
from tests.security.test_redteam_cases import _case, _key

UNREADABLE = ("http://[::1", "//[x", "https://[bad]x/console/")


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    built = make_app()
    built.test_client_class = HttpsClient
    return built


@pytest.mark.parametrize("target", UNREADABLE)
def test_an_unreadable_next_goes_home(app: Flask, target: str) -> None:
    browser = app.test_client()
    page = browser.get("/console/login", query_string={"next": target})
    assert page.status_code == 200
    assert f'value="{target}"' not in page.get_data(as_text=True)
    switched = browser.get("/console/lang/ar", query_string={"next": target}, headers={"Sec-Fetch-Site": "none"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/console/"


@pytest.mark.parametrize("header", ["Origin", "Referer"])
@pytest.mark.parametrize("sent", UNREADABLE)
def test_an_unreadable_origin_or_referer_sets_no_language(app: Flask, header: str, sent: str) -> None:
    """A browser without Fetch Metadata: the language is set only for this very origin's Origin or
    Referer; one that cannot be read is not this origin's."""
    browser = app.test_client()
    answered = browser.get("/console/lang/ar", query_string={"next": "/console/login"}, headers={header: sent})
    assert answered.status_code == 302 and answered.headers["Location"] == "/console/login"
    assert "Set-Cookie" not in answered.headers
    # This origin's own still sets it.
    own = browser.get("/console/lang/ar", headers={header: "https://localhost/console/"})
    assert own.status_code == 302 and "Set-Cookie" in own.headers


@pytest.mark.parametrize("source_url", UNREADABLE)
def test_an_unreadable_source_url_is_a_422(app: Flask, redis_client: redis.Redis, source_url: str) -> None:
    client = app.test_client()
    key = _key(redis_client, "amal")
    opened = client.post("/v1/cases", json=_case("Sami Haddad", "sami_h"), headers=key)
    assert opened.status_code == 201, opened.get_json()
    sent = client.post(
        f"/v1/cases/{opened.get_json()['id']}/evidence",
        data={"file": (io.BytesIO(b"a screenshot"), "shot.png"), "source_url": source_url},
        headers=key,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 422, sent.get_json()
    assert sent.get_json()["error"]["code"] == "invalid_value"
    assert sent.get_json()["error"]["field"] == "source_url"

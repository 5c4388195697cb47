"""The language switch (``GET /console/lang/<code>``) on a browser that sends no Fetch Metadata.

A link from another site arrives without the SameSite=Strict session cookie: a new cookie in the
answer replaces the trainer's session (she is signed out). Browsers older than about 2023 (Safari
before 16.4, Firefox before 90) send no ``Sec-Fetch-Site``; the view took its absence for the
console itself. Without it, the Origin or Referer must be this origin.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from server.console import SESSION_COOKIE
from server.storage.users import UserStore
from tests.console.conftest import sign_in


def _without_referer(client: FlaskClient) -> FlaskClient:
    client.environ_base.pop("HTTP_REFERER", None)  # the fixture's clients send the console's
    return client


def _sets_a_cookie(response: Any) -> bool:
    return f"{SESSION_COOKIE}=" in response.headers.get("Set-Cookie", "")


def test_another_sites_link_without_fetch_metadata_sets_nothing(anonymous: FlaskClient) -> None:
    browser = _without_referer(anonymous)
    for headers in (
        {"Referer": "https://evil.example/page"},
        {"Origin": "https://evil.example"},
        {"Referer": "http://localhost/console/"},  # another origin: the scheme differs
        {"Referer": "https://localhost.evil.example/console/"},
        {"Origin": "null"},
        {},  # a no-referrer link
    ):
        answer = browser.get("/console/lang/fr?next=/console/login", headers=headers)
        assert answer.status_code == 302 and answer.headers["Location"] == "/console/login", headers
        assert not _sets_a_cookie(answer), headers


def test_the_consoles_own_link_without_fetch_metadata_still_sets_the_language(anonymous: FlaskClient) -> None:
    browser = _without_referer(anonymous)
    for headers in ({"Referer": "https://localhost/console/login"}, {"Origin": "https://localhost"}):
        answer = browser.get("/console/lang/fr?next=/console/login", headers=headers)
        assert answer.status_code == 302 and _sets_a_cookie(answer), headers
    page = browser.get("/console/login").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page


def test_fetch_metadata_decides_when_sent(anonymous: FlaskClient) -> None:
    """A current browser's Sec-Fetch-Site is believed over a Referer (which a page can trim)."""
    cross = anonymous.get("/console/lang/ar", headers={"Sec-Fetch-Site": "cross-site"})
    assert not _sets_a_cookie(cross)
    typed = _without_referer(anonymous).get("/console/lang/ar", headers={"Sec-Fetch-Site": "none"})
    assert _sets_a_cookie(typed)


def test_a_signed_in_trainer_stays_signed_in_after_another_sites_link(
    anonymous: FlaskClient, accounts: UserStore
) -> None:
    """Her browser withholds the Strict cookie from the cross-site navigation; it keeps whatever
    cookie the answer does not replace. The test client sends its cookies always, so the cross-site
    request is made by a client without them, and its answer's cookie (if any) given to hers."""
    assert sign_in(anonymous, "amal").status_code == 303
    assert anonymous.get("/console/check").status_code == 200
    kept = anonymous.get_cookie(SESSION_COOKIE)
    assert kept is not None
    link = anonymous.application.test_client()
    answer = link.get("/console/lang/fr", base_url="https://localhost", headers={"Referer": "https://evil.example/"})
    if _sets_a_cookie(answer):  # what her browser would do with it: replace her session cookie
        replaced = link.get_cookie(SESSION_COOKIE)
        assert replaced is not None
        anonymous.set_cookie(SESSION_COOKIE, replaced.value)
    assert anonymous.get("/console/check").status_code == 200

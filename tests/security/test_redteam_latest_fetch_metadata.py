"""Red team: the console's Fetch Metadata check (``from_another_origin``, docs/console.md, Security).

Adversary: a page on another host of the organisation's own site (``www.ngo.example`` beside
``console.ngo.example``: the same *site*, so the SameSite=Strict session cookie goes with its
requests) that a signed-in trainer has open. Subresources, frames, fetches and form posts from it
are refused; a top-level GET navigation is let through, as a link the trainer follows, because it
replaces that page with the console's. An export does not: its answer is a download
(``Content-Disposition: attachment``), so the tab stays on the sibling's page, and its script
navigated again and again — each a case or bank export in her name (``case.exported``,
``bank.exported``, and a full case archive counted against her HARIS_PROTECTED_MATCH_LIMIT),
saved to her disk, while she saw only downloads. A download is never a page one arrives at
from elsewhere: it is now answered only to the console's own pages (or the browser itself).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.storage.audit import AuditLog
from server.storage.users import UserStore
from tests.api.test_banks import b64, photo_bytes
from tests.console.conftest import HttpsClient, console_browser
from tests.security.test_redteam_cases import _case, _key

NAVIGATED_FROM_SIBLING = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
NAVIGATED_FROM_ELSEWHERE = {**NAVIGATED_FROM_SIBLING, "Sec-Fetch-Site": "cross-site"}
OWN_PAGE = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
TYPED = {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    built = make_app()
    built.test_client_class = HttpsClient
    return built


@pytest.fixture
def trainer(app: Flask, accounts: UserStore) -> FlaskClient:
    return console_browser(app, "amal")


def _exports(redis_client: redis.Redis) -> list[tuple[str, str, str]]:
    return [
        (entry["actor"], entry["action"], entry["target"])
        for entry in AuditLog(redis_client).recent()
        if entry["action"] in {"case.exported", "bank.exported"}
    ]


def _download_paths(app: Flask, redis_client: redis.Redis) -> list[str]:
    """A case's exports and a bank's, as the console's own pages link them."""
    api = app.test_client()
    opened = api.post("/v1/cases", json=_case("Sami Haddad", "sami_h"), headers=_key(redis_client, "setup"))
    assert opened.status_code == 201, opened.get_json()
    case_id = opened.get_json()["id"]
    photo = {"label": "stolen_photo", "avatar": b64(photo_bytes("astronaut"))}
    added = api.post("/v1/banks/ngo-1/entries", json=photo, headers=_key(redis_client, "setup"))
    assert added.status_code in {200, 201}, added.get_json()
    kinds = ("archive", "redacted", "misp", "stix", "ticket")
    return [*(f"/console/cases/{case_id}/export/{kind}" for kind in kinds), "/console/banks/ngo-1/export"]


def test_a_sibling_page_cannot_make_her_browser_download_exports(
    app: Flask, trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    paths = _download_paths(app, redis_client)
    for path in paths:
        for navigated in (NAVIGATED_FROM_SIBLING, NAVIGATED_FROM_ELSEWHERE):
            refused = trainer.get(path, headers=navigated)
            assert refused.status_code == 403, (path, navigated["Sec-Fetch-Site"], refused.status_code)
            assert "attachment" not in refused.headers.get("Content-Disposition", "")
    assert _exports(redis_client) == []  # nothing exported in her name
    # The console's own links, the browser itself (a download's "retry"), and a browser without
    # Fetch Metadata still download.
    for headers in (OWN_PAGE, TYPED, {}):
        for path in paths:
            answered = trainer.get(path, headers=headers)
            assert answered.status_code == 200, (path, headers)
            assert answered.headers["Content-Disposition"].startswith("attachment")
    assert len(_exports(redis_client)) == 3 * len(paths)


def test_a_link_she_follows_from_the_sibling_still_opens_her_pages(
    app: Flask, trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    paths = _download_paths(app, redis_client)
    case_page = paths[0].rsplit("/export/", 1)[0]
    for page in ("/console/", "/console/cases", case_page, "/console/banks", "/console/protected"):
        assert trainer.get(page, headers=NAVIGATED_FROM_SIBLING).status_code == 200, page

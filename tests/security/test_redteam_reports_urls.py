"""Red team: a filer's profile URL that a browser reads as another address than the server did.

``server.escalation.account_url`` checks that a report's (and a case's) ``profile_url`` is on the
platform's own site and names the account the report names. It read the URL with
``urllib.parse``; whoever opens it — the trainer reviewing the report, the platform's reviewer
following the notice's link, a partner's MISP — reads it as a browser does (the WHATWG URL
standard), and the two disagreed:

- a backslash is a slash to a browser in an http(s) address: ``https://evil.example\\.x.com/…``
  was on X's site (a host ending in ``.x.com``) to the server and is ``evil.example`` to a browser,
  which then holds the trainer's address, and a notice's "working link" sent the platform there;
- ``..`` and ``.`` path segments (and their percent-encoded spellings ``%2e%2e``, ``.%2E``) are
  resolved by a browser: ``https://x.com/ha1a_ahed/../hala_ahed`` named the clone to the server
  and opens the woman's own account — what the URL check exists to refuse;
- a URL that names no handle at all (``x.com/intent/user?screen_name=…``, ``t.me/s/…``) or an
  account by its id alone while the report gives a handle and no id (``x.com/i/user/<her id>``)
  was compared with nothing, and opens whichever account its query or id names.

Node's ``new URL()`` (the WHATWG parser browsers share) gives what a browser opens: the expected
readings below are what it printed.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from heuristics.profile import Platform
from server.escalation.account_url import url_problem
from server.escalation.tickets import account_url

CLONE = "ha1a_ahed"
HERS = "hala_ahed"
HER_ID = "44196397"

# (profile, the problem the server now names). Each passed before (None), and a browser opens
# (new URL(...).href) what the comment says.
CRAFTED: list[tuple[dict[str, Any], str]] = [
    # → https://evil.example/.x.com/ha1a_ahed: another site, the trainer's address with it.
    ({"handle": CLONE, "profile_url": f"https://evil.example\\.x.com/{CLONE}"}, "url_other_site"),
    ({"handle": CLONE, "profile_url": f"https:\\\\evil.example\\.x.com\\{CLONE}"}, "url_other_site"),
    # → https://x.com/hala_ahed: her own account, under a report of the clone.
    ({"handle": CLONE, "profile_url": f"https://x.com/{CLONE}/../{HERS}"}, "url_other_account"),
    ({"handle": CLONE, "profile_url": f"https://x.com/{CLONE}/%2e%2e/{HERS}"}, "url_other_account"),
    ({"handle": CLONE, "profile_url": f"https://x.com/{CLONE}/.%2E/{HERS}"}, "url_other_account"),
    ({"handle": CLONE, "profile_url": f"https://x.com/{CLONE}/..\\{HERS}"}, "url_other_account"),
    ({"handle": CLONE, "profile_url": f"https://x.com/{CLONE}/./../{HERS}?lang=ar"}, "url_other_account"),
    # → her account by its id; the report gives the clone's handle and no id to compare with.
    ({"handle": CLONE, "profile_url": f"https://x.com/i/user/{HER_ID}"}, "url_other_account"),
    # → her account through a query or a page that is not a profile's address.
    ({"handle": CLONE, "profile_url": f"https://x.com/intent/user?screen_name={HERS}"}, "url_no_account"),
    ({"profile_url": f"https://twitter.com/intent/user?screen_name={HERS}"}, "url_no_account"),
    ({"handle": CLONE, "profile_url": f"https://x.com/home/../{HERS}"}, "url_other_account"),
]


@pytest.mark.parametrize(("profile", "problem"), CRAFTED)
def test_a_report_whose_url_a_browser_reads_as_another_address_is_refused(
    client: FlaskClient, profile: dict[str, Any], problem: str
) -> None:
    answer = client.post("/v1/reports", json={"platform": "x", "reason": "impersonation", "profile": profile})
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert (error["code"], error["field"], error["reason"]) == ("invalid_value", "profile.profile_url", problem)


@pytest.mark.parametrize(
    "url",
    [
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2F",
        "https://lm.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2F",
        "https://www.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2F",
        "https://l.instagram.com/?u=https%3A%2F%2Fevil.example%2F",
    ],
)
def test_the_platforms_own_redirectors_are_no_profiles_address(url: str) -> None:
    """Facebook's and Instagram's link shims are on their own sites and send the browser to the
    address in their query: a report naming no handle passed with one (``l.php`` read as a
    handle), and a trainer opening it landed on evil.example."""
    platform = Platform.INSTAGRAM if "instagram" in url else Platform.FACEBOOK
    assert url_problem(url, platform, names_account=True) == "url_other_site"


def test_telegrams_channel_preview_names_no_account_of_the_report() -> None:
    # t.me/s/<name> is a public channel's preview page: the handle after /s/ is not the one sent.
    assert url_problem(f"https://t.me/s/{HERS}", Platform.TELEGRAM, CLONE, names_account=True) == "url_no_account"


@pytest.mark.parametrize(
    "url",
    [
        f"https://x.com/{CLONE}",
        f"https://x.com/{CLONE}/",
        f"https://x.com/{CLONE}/status/1/..",  # resolves to the clone's own page
        f"https://x.com/{CLONE}?q=..\\{HERS}",  # a query's backslash is a backslash to a browser too
    ],
)
def test_what_resolves_to_the_named_account_still_passes(url: str) -> None:
    assert url_problem(url, Platform.X, CLONE, names_account=True) is None


def test_a_case_kept_from_before_writes_such_a_url_in_the_notice_as_no_link() -> None:
    """The notice keeps a URL on the platform's site a working link; a case stored before this
    refusal, with a URL a browser opens on evil.example, is written defanged like any value."""
    written = account_url(f"https://evil.example\\.x.com/{CLONE}", Platform.X)
    assert "https://evil.example" not in written
    assert "evil[.]example" in written
    assert account_url(f"https://x.com/{CLONE}", Platform.X) == f"https://x.com/{CLONE}"
    # On X's site, but a browser opens her account: no working link either.
    climbing = account_url(f"https://x.com/{CLONE}/../{HERS}", Platform.X)
    assert not climbing.startswith("https://"), climbing


def test_a_case_cannot_be_opened_with_such_a_suspect_url(make_app: Any) -> None:
    app = make_app()
    client = app.test_client()
    body = {
        "platform": "x",
        "suspect": {"handle": CLONE, "display_name": "Hala Ahed", "profile_url": f"https://x.com/{CLONE}/../{HERS}"},
        "impersonated": {"display_name": "Hala Ahed", "profile_url": f"https://x.com/{HERS}", "platform": "x"},
    }
    answer = client.post("/v1/cases", json=body, headers={"Authorization": "Bearer test-bootstrap-key"})
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["reason"] == "url_other_account"


def test_a_report_on_another_site_warns_that_opening_its_url_tells_that_site(make_app: Any, redis_client: Any) -> None:
    """Platform ``other``: any site's address passes (Haris cannot read its paths), and the
    extension never files such a report (it reads the four platforms only). Whoever filed it
    with an address of its own learns, when a trainer opens it to look, that a trainer looked,
    when, and from which address. The queue and the report's page now say so, in red."""
    from server.roles import Role
    from server.storage.users import UserStore
    from tests.console.conftest import PASSWORD, HttpsClient, sign_in

    app = make_app()
    app.test_client_class = HttpsClient
    body = {"platform": "other", "reason": "entrapment", "profile": {"profile_url": "https://forum.example/u/nour"}}
    assert app.test_client().post("/v1/reports", json=body).status_code == 202
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    trainer = app.test_client()
    trainer.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(trainer, "amal").status_code == 303
    page = trainer.get("/console/reports").get_data(as_text=True)
    assert 'data-warning="other_site"' in page

"""Red team: the known-browser cookie (``haris_device``) that lets a trainer past a used-up
address or /48 sign-in limit (docs/console.md, Security).

Adversaries: another host of the organisation's own site (its blog at ``www.ngo.test``, a
compromised or user-content sibling of the console at ``console.ngo.test``) and a guesser
sharing the trainer's CGNAT address. A sibling host may set cookies for the whole site
(``Domain=ngo.test``) that the browser then sends to the console's sign-in form beside the
console's own: two ``haris_device`` cookies. The server read the first one only, and a browser
sends the older first (RFC 6265 §5.4, equal paths), so a cookie tossed from the sibling before
her sign-in (junk, or a well-signed cookie of the attacker's own account) hid hers: her browser
was unknown, and once the guesser used up the shared address she was kept out of her own
account with the same 429 as any stranger. Every cookie of that name is now read (a few at
most), and the one of the account being signed in to counts.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from server.console.auth import DEVICE_COOKIE, PresentedDevice
from server.storage.users import UserStore
from tests.console.conftest import page_token, sign_in

LOGIN_PATH = "/console/login"
CGNAT = "198.51.100.7"  # one carrier address shared by many phones, the guesser's among them
WRONG = "wrong password!!"
CONSOLE_HOST = "console.ngo.test"
SITE = "ngo.test"  # what a sibling host (www.ngo.test) may scope a cookie to


class _ConsoleHostClient(FlaskClient):
    """A browser talking to the console at its own host name, below the organisation's site."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if not args or isinstance(args[0], str):
            kwargs.setdefault("base_url", f"http://{CONSOLE_HOST}")
        return super().open(*args, **kwargs)


def _browser(app: Flask, address: str) -> FlaskClient:
    app.test_client_class = _ConsoleHostClient
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _use_up_the_address(app: Flask) -> None:
    statuses = [sign_in(_browser(app, CGNAT), f"name{n}", WRONG).status_code for n in range(3)]
    assert statuses == [401] * 3


def _tossed_then_signed_in(app: Flask, tossed: str) -> FlaskClient:
    """Her browser: a cookie tossed from the sibling host first (so it is the older, sent
    first), then her own sign-in and sign-out."""
    browser = _browser(app, CGNAT)
    browser.set_cookie(DEVICE_COOKIE, tossed, domain=SITE, origin_only=False, path=LOGIN_PATH)
    assert sign_in(browser, "amal").status_code == 303
    out = browser.post("/console/logout", data={"csrf_token": page_token(browser, "/console/check")})
    assert out.status_code == 303
    sent = [c for c in browser._cookies.values() if c.key == DEVICE_COOKIE]  # both kept, the tossed first
    assert [c.domain for c in sent] == [SITE, CONSOLE_HOST]
    return browser


def test_a_cookie_tossed_from_a_sibling_host_does_not_hide_her_known_browser(
    make_app: Any, accounts: UserStore
) -> None:
    app = make_app(HARIS_LOGIN_LIMIT="3/minute")
    owner = _tossed_then_signed_in(app, "junk from www.ngo.test")
    _use_up_the_address(app)
    # A stranger's browser on the address: refused, as before.
    assert sign_in(_browser(app, CGNAT), "amal").status_code == 429
    # Hers, carrying the tossed cookie and its own: in.
    assert sign_in(owner, "amal").status_code == 303


def test_the_attackers_own_well_signed_cookie_tossed_does_not_hide_hers(make_app: Any, accounts: UserStore) -> None:
    """The sibling tosses a real device cookie the server signed, of the attacker's own account
    (omar): it is omar's, not amal's, and her own still counts."""
    app = make_app(HARIS_LOGIN_LIMIT="3/minute")
    omars = _browser(app, "203.0.113.9")
    assert sign_in(omars, "omar").status_code == 303
    cookie = omars.get_cookie(DEVICE_COOKIE, domain=CONSOLE_HOST, path=LOGIN_PATH)
    assert cookie is not None
    owner = _tossed_then_signed_in(app, cookie.value)
    _use_up_the_address(app)
    assert sign_in(owner, "amal").status_code == 303


def test_her_cookie_counts_behind_hundreds_of_tossed_ones(make_app: Any, accounts: UserStore) -> None:
    """However many cookies of that name come first (a sibling may set a hundred, up to what the
    request's header holds), hers counts; none of the others does, and none is a 500."""
    app = make_app()
    owner = _browser(app, CGNAT)
    assert sign_in(owner, "amal").status_code == 303
    hers = owner.get_cookie(DEVICE_COOKIE, domain=CONSOLE_HOST, path=LOGIN_PATH)
    assert hers is not None
    tossed = [f"{DEVICE_COOKIE}=junk{number}" for number in range(200)]
    sent = "; ".join([*tossed, f"{DEVICE_COOKIE}={hers.value}"])
    with app.test_request_context(LOGIN_PATH, method="POST", headers={"Cookie": sent}):
        assert PresentedDevice("amal").known()
        assert not PresentedDevice("omar").known()
    with app.test_request_context(LOGIN_PATH, method="POST", headers={"Cookie": "; ".join(tossed)}):
        assert not PresentedDevice("amal").known()

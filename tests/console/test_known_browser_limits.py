"""A shared address or IPv6 /48 used up by someone else does not keep a trainer out.

A mobile carrier puts thousands of phones behind one CGNAT IPv4 address, or in one /48: whoever
among them sprays wrong passwords uses up ``HARIS_LOGIN_LIMIT`` (per address) and
``HARIS_LOGIN_NETWORK_LIMIT`` (per /48) for all of them. A browser that signed in to the account
before (its device cookie, listed server-side: ``server.storage.devices``) is still let try its
own account, within ``HARIS_LOGIN_ACCOUNT_LIMIT``; any other browser there gets the 429.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from server.console.auth import DEVICE_COOKIE, DEVICE_SECONDS
from server.state import app_state
from server.storage.devices import DAY_SECONDS, DEVICE_DAYS
from server.storage.users import UserStore
from tests.conftest import TEST_SECRET
from tests.console.conftest import page_token, sign_in

LOGIN_PATH = "/console/login"
CARRIER = "2001:db8:48"  # one carrier /48: every phone in it is a /64 of its own
CGNAT = "198.51.100.7"  # one carrier address shared by many phones
WRONG = "wrong password!!"


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _known_browser(app: Flask, address: str, username: str = "amal") -> FlaskClient:
    """A browser that signed in to ``username`` from ``address`` and signed out."""
    browser = _from(app, address)
    assert sign_in(browser, username).status_code == 303
    assert browser.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH) is not None
    out = browser.post("/console/logout", data={"csrf_token": page_token(browser, "/console/check")})
    assert out.status_code == 303
    return browser


def _refused(answer: Any) -> None:
    """The console's 429: its page, its wait, and no device cookie handed out."""
    assert answer.status_code == 429
    assert int(answer.headers["Retry-After"]) > 0
    assert "Too many attempts" in answer.get_data(as_text=True)
    assert DEVICE_COOKIE not in "".join(answer.headers.getlist("Set-Cookie"))


def _spend_the_carriers_48(app: Flask) -> None:
    """Wrong passwords from other phones of the /48 (each its own /64, spraying names) use up its
    allowance."""
    statuses = [sign_in(_from(app, f"{CARRIER}:{n}::1"), f"name{n}", WRONG).status_code for n in range(1, 5)]
    assert statuses == [401] * 4


def _network_app(make_app: Any) -> Flask:
    app: Flask = make_app(HARIS_LOGIN_LIMIT="3/minute", HARIS_LOGIN_NETWORK_LIMIT="4/minute")
    return app


def test_a_known_browser_signs_in_from_a_48_someone_else_used_up(make_app: Any, accounts: UserStore) -> None:
    app = _network_app(make_app)
    owner = _known_browser(app, f"{CARRIER}:100::7")
    _spend_the_carriers_48(app)
    # A phone of the /48 that never signed in to amal: refused before its password is looked at.
    _refused(sign_in(_from(app, f"{CARRIER}:ffff::9"), "amal"))
    # Her own browser, now on another /64 of the carrier's /48: in.
    owner.environ_base["REMOTE_ADDR"] = f"{CARRIER}:200::7"
    assert sign_in(owner, "amal").status_code == 303


def test_a_known_browser_signs_in_from_a_cgnat_address_someone_else_used_up(make_app: Any, accounts: UserStore) -> None:
    app = _network_app(make_app)
    owner = _known_browser(app, CGNAT)
    assert [sign_in(_from(app, CGNAT), f"name{n}", WRONG).status_code for n in range(3)] == [401] * 3
    _refused(sign_in(_from(app, CGNAT), "amal"))
    assert sign_in(owner, "amal").status_code == 303


def test_a_browser_known_to_another_account_is_not_let_past(make_app: Any, accounts: UserStore) -> None:
    """The device cookie proves a sign-in to one account: omar's browser is unknown to amal's."""
    app = _network_app(make_app)
    omars_browser = _known_browser(app, f"{CARRIER}:100::8", "omar")
    _spend_the_carriers_48(app)
    _refused(sign_in(omars_browser, "amal"))
    assert sign_in(omars_browser, "omar").status_code == 303


def test_a_forged_device_cookie_does_not_pass(make_app: Any, accounts: UserStore) -> None:
    app = _network_app(make_app)
    owner = _known_browser(app, f"{CARRIER}:100::7")
    cookie = owner.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH)
    assert cookie is not None
    digest, _ = URLSafeTimedSerializer(TEST_SECRET, salt="haris-console-device").loads(cookie.value)
    _spend_the_carriers_48(app)
    forgeries = (
        "amal",  # made up
        cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"),  # its signature broken
        URLSafeTimedSerializer("not the secret", salt="haris-console-device").dumps([digest, "x" * 22]),
        # Signed with the server's own secret (a leaked deploy file), for a nonce never listed.
        URLSafeTimedSerializer(TEST_SECRET, salt="haris-console-device").dumps([digest, "x" * 22]),
    )
    for forged in forgeries:
        browser = _from(app, f"{CARRIER}:300::1")
        browser.set_cookie(DEVICE_COOKIE, forged, path=LOGIN_PATH)
        _refused(sign_in(browser, "amal"))


class _Backdated(TimestampSigner):
    """Signs as the server does, dated a day past a device cookie's life."""

    def get_timestamp(self) -> int:
        return int(time.time()) - DEVICE_SECONDS - DAY_SECONDS


def _backdated(payload: Any) -> str:
    return URLSafeTimedSerializer(TEST_SECRET, salt="haris-console-device", signer=_Backdated).dumps(payload)


def test_an_expired_device_does_not_pass(make_app: Any, accounts: UserStore) -> None:
    app = _network_app(make_app)
    owner = _known_browser(app, f"{CARRIER}:100::7")
    cookie = owner.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH)
    assert cookie is not None
    listed = URLSafeTimedSerializer(TEST_SECRET, salt="haris-console-device").loads(cookie.value)
    _spend_the_carriers_48(app)
    # The cookie's own date past DEVICE_SECONDS, with a nonce still listed: refused.
    old = _from(app, f"{CARRIER}:300::1")
    old.set_cookie(DEVICE_COOKIE, _backdated(listed), path=LOGIN_PATH)
    _refused(sign_in(old, "amal"))
    # The listing past its day (the users store's clock, which the devices' follows, past
    # DEVICE_DAYS), with a cookie whose own date is fresh: refused.
    with app.app_context():
        users = app_state().stores.users
        listed_on = users.clock()
        users.clock = lambda: listed_on + (DEVICE_DAYS + 1) * DAY_SECONDS
    _refused(sign_in(owner, "amal"))


def test_a_known_browser_is_still_held_to_the_accounts_limit(make_app: Any, accounts: UserStore) -> None:
    """A copy of her device cookie, sent from the used-up /48, guesses her account no more than
    HARIS_LOGIN_ACCOUNT_LIMIT allows (and one checked attempt spends the copy past it)."""
    app = make_app(
        HARIS_LOGIN_LIMIT="3/minute", HARIS_LOGIN_NETWORK_LIMIT="4/minute", HARIS_LOGIN_ACCOUNT_LIMIT="3/hour"
    )
    owner = _known_browser(app, f"{CARRIER}:100::7")
    stolen = owner.get_cookie(DEVICE_COOKIE, path=LOGIN_PATH)
    assert stolen is not None
    _spend_the_carriers_48(app)
    statuses = []
    for number in range(6):
        thief = _from(app, f"{CARRIER}:{number + 500}::1")
        thief.set_cookie(DEVICE_COOKIE, stolen.value, path=LOGIN_PATH)
        statuses.append(sign_in(thief, "amal", f"the thief's guess {number}").status_code)
    assert statuses == [401, 401, 401, 401, 429, 429]

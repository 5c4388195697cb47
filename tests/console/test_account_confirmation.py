"""Red team: a session cookie alone must not end its owner's other sessions or change her account.

The console's "My account" page ends sessions ("Sign out everywhere else") and changes the
password. A thief holding only a session cookie (a shared computer, malware that copied it) used
to sign the owner out of all her other browsers with one POST, and could change the password
without her second factor. Both now ask for the current password and, for an account with a
second factor, a current code; wrong answers count against the sign-in limits (per address and
per account), and a wrong code after the right password answers as a wrong password does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.console import SESSION_COOKIE
from server.roles import Role
from server.state import app_state
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, SEALER, page_token, sign_in
from tests.console.test_second_factor import NOW, secret_for, sent
from tests.console.test_second_factor import sign_in as sign_in_with_code

NEW = "a brand new long passphrase"


def end_elsewhere(client: FlaskClient, form: dict[str, str]) -> Any:
    token = page_token(client, "/console/account")
    response = client.post("/console/account/sessions", data={"csrf_token": token, **form})
    sent(response)
    return response


def change_password(client: FlaskClient, form: dict[str, str]) -> Any:
    token = page_token(client, "/console/account")
    response = client.post("/console/account", data={"csrf_token": token, "new": NEW, "again": NEW, **form})
    sent(response)
    return response


def audit_actions(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e["actor"], e["action"], e["target"]) for e in app_state().stores.audit.recent()]


@pytest.mark.parametrize("form", [{}, {"current": ""}, {"current": "not the password!"}])
def test_a_cookie_alone_cannot_sign_the_owner_out_elsewhere(
    new_client: Callable[[], FlaskClient], accounts: UserStore, console_app: Flask, form: dict[str, str]
) -> None:
    owner, thief = new_client(), new_client()
    assert sign_in(owner, "amal").status_code == 303
    assert sign_in(thief, "amal").status_code == 303  # a session as good as a stolen cookie
    refused = end_elsewhere(thief, form)
    assert refused.status_code == 403
    assert "The current password is not right." in refused.get_data(as_text=True)
    assert owner.get("/console/check").status_code == 200  # her session goes on
    assert thief.get("/console/check").status_code == 200  # and nothing else was ended
    assert accounts.live_sessions("amal") == 2
    assert "user.sessions_ended" not in [action for _, action, _ in audit_actions(console_app)]


def test_the_form_asks_for_the_password(trainer: FlaskClient) -> None:
    page = trainer.get("/console/account").get_data(as_text=True)
    form = page[page.index('action="/console/account/sessions"') :]
    form = form[: form.index("</form>")]
    assert 'name="current" type="password"' in form and "required" in form
    assert 'name="code"' not in form  # no second factor: no code asked


def test_guesses_on_the_sessions_form_count_against_her_account(make_app: Any, accounts: UserStore) -> None:
    """Each guess from a new address: the per-account limit stops it, and past it even the right
    password is refused (it would confirm the last guess)."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(owner, "amal").status_code == 303
    stolen = owner.get_cookie(SESSION_COOKIE)
    assert stolen is not None
    statuses = []
    for number in range(3):
        thief = app.test_client()
        thief.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        thief.set_cookie(SESSION_COOKIE, stolen.value)
        current = PASSWORD if number == 2 else f"guess number {number}!"
        statuses.append(end_elsewhere(thief, {"current": current}).status_code)
    assert statuses == [403, 403, 429]
    assert owner.get("/console/account").status_code == 200  # never signed out


def test_guesses_per_address_are_limited_too(make_app: Any, accounts: UserStore) -> None:
    app = make_app(HARIS_LOGIN_LIMIT="2/minute")
    client = app.test_client()
    assert sign_in(client, "amal").status_code == 303
    statuses = [end_elsewhere(client, {"current": f"guess number {n}!"}).status_code for n in range(3)]
    assert statuses == [403, 403, 429]


def test_guesses_per_ipv6_48_are_limited_too(make_app: Any, accounts: UserStore) -> None:
    # A stolen session cookie works from any address: each guess from a fresh /64 of one /48
    # still counts against that /48 (HARIS_LOGIN_NETWORK_LIMIT), as a failed sign-in does.
    app = make_app(HARIS_LOGIN_NETWORK_LIMIT="2/minute")
    owner = app.test_client()
    assert sign_in(owner, "amal").status_code == 303
    stolen = owner.get_cookie(SESSION_COOKIE)
    assert stolen is not None
    statuses = []
    for number in range(3):
        thief = app.test_client()
        thief.environ_base["REMOTE_ADDR"] = f"2001:db8:48:{number + 1}::1"
        thief.set_cookie(SESSION_COOKIE, stolen.value)
        statuses.append(end_elsewhere(thief, {"current": f"guess number {number}!"}).status_code)
    assert statuses == [403, 403, 429]


@pytest.fixture
def clocked_app(console_app: Flask) -> Flask:
    with console_app.app_context():
        app_state().stores.users.clock = lambda: NOW
    return console_app


def test_with_a_second_factor_both_forms_need_a_current_code(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore
) -> None:
    totp = pyotp.TOTP(secret_for(clocked_app, "amal"))
    owner, thief = new_client(), new_client()
    assert sign_in_with_code(owner, "amal", totp.at(NOW, counter_offset=-1)).status_code == 303
    assert sign_in_with_code(thief, "amal", totp.at(NOW, counter_offset=1)).status_code == 303
    page = thief.get("/console/account").get_data(as_text=True)
    assert page.count('name="code"') == 2  # the sessions form and the password form
    wrong_code = "000000" if totp.at(NOW) != "000000" else "111111"
    # A phished password without the phone: refused, by the same answer as a wrong password.
    answers = [
        end_elsewhere(thief, {"current": PASSWORD}),
        end_elsewhere(thief, {"current": PASSWORD, "code": wrong_code}),
        end_elsewhere(thief, {"current": "not the password!", "code": totp.at(NOW)}),
        change_password(thief, {"current": PASSWORD, "code": wrong_code}),
    ]
    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    refused = "The current password or the code is not right."
    assert {answer.get_data(as_text=True).count(refused) for answer in answers} == {1}
    assert owner.get("/console/check").status_code == 200
    assert accounts.authenticate("amal", PASSWORD) is None  # no code: the password is unchanged, still needs one
    refused_codes = [entry for entry in audit_actions(clocked_app) if entry[1] == "user.code_refused"]
    # The right password with a wrong (or no) code, three times; by the session's account, not the sign-in form.
    assert refused_codes == [("amal", "user.code_refused", "amal")] * 3
    # The owner, with her password and a current code, signs every other browser out.
    done = end_elsewhere(owner, {"current": PASSWORD, "code": totp.at(NOW)})
    assert done.status_code == 303
    assert thief.get("/console/check").status_code == 302
    assert owner.get("/console/check").status_code == 200
    # That code is used: replayed (a code seen over her shoulder), it is refused.
    assert end_elsewhere(owner, {"current": PASSWORD, "code": totp.at(NOW)}).status_code == 403


def test_with_a_second_factor_a_password_change_needs_the_code(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore
) -> None:
    totp = pyotp.TOTP(secret_for(clocked_app, "amal"))
    owner = new_client()
    assert sign_in_with_code(owner, "amal", totp.at(NOW, counter_offset=-1)).status_code == 303
    assert change_password(owner, {"current": PASSWORD}).status_code == 403
    assert change_password(owner, {"current": PASSWORD, "code": totp.at(NOW)}).status_code == 303
    store = UserStore(accounts.client, clock=lambda: NOW, sealer=SEALER)
    assert store.authenticate("amal", NEW, totp.at(NOW, counter_offset=1)) is Role.TRAINER

"""A second factor (TOTP) for console accounts: a phished password alone does not sign in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyotp
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.state import app_state
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, SEALER, csrf_from, page_token

NOW = 1_800_000_000.0  # the tests' clock: every code is computed for it, never for the real time


@pytest.fixture
def clocked_app(console_app: Flask) -> Flask:
    with console_app.app_context():
        app_state().stores.users.clock = lambda: NOW
    return console_app


def secret_for(app: Flask, username: str) -> str:
    result = app.test_cli_runner().invoke(args=["user", "totp", username])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith("secret: "))
    assert f"otpauth://totp/Haris:{username}?secret=" in result.stdout
    return line.removeprefix("secret: ")


def sign_in(client: FlaskClient, username: str, code: str | None, password: str = PASSWORD) -> Any:
    form = {"username": username, "password": password, "csrf_token": page_token(client, "/console/login")}
    if code is not None:
        form["code"] = code
    response = client.post("/console/login", data=form)
    sent(response)
    return response


def sent(response: Any) -> None:
    """Read the response whole and close it, as the server does once it is sent (what is done
    after the answer, ``call_on_close``, runs then)."""
    response.make_sequence()
    response.close()


def test_an_account_with_a_second_factor_needs_a_current_code(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore
) -> None:
    totp = pyotp.TOTP(secret_for(clocked_app, "amal"))
    failed = "Sign-in failed: check the username and password."
    for code in (None, "", "000000" if totp.at(NOW) != "000000" else "111111", totp.at(NOW - 120), "12345x"):
        refused = sign_in(new_client(), "amal", code)
        assert refused.status_code == 401 and failed in refused.get_data(as_text=True), code
    # The same answer with a wrong password and the right code: nothing confirms the password.
    assert sign_in(new_client(), "amal", totp.at(NOW), "not the password!").status_code == 401
    client = new_client()
    assert sign_in(client, "amal", totp.at(NOW)).status_code == 303
    assert client.get("/console/check").status_code == 200
    # Accounts without one sign in as before.
    assert sign_in(new_client(), "omar", None).status_code == 303


def test_a_code_is_accepted_once_and_one_step_either_side(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore
) -> None:
    totp = pyotp.TOTP(secret_for(clocked_app, "amal"))
    assert sign_in(new_client(), "amal", totp.at(NOW)).status_code == 303
    # Replayed (a code seen over a shoulder, or typed into a page that kept it): refused.
    assert sign_in(new_client(), "amal", totp.at(NOW)).status_code == 401
    assert sign_in(new_client(), "amal", totp.at(NOW, counter_offset=-1)).status_code == 303
    assert sign_in(new_client(), "amal", totp.at(NOW, counter_offset=1)).status_code == 303
    assert sign_in(new_client(), "amal", totp.at(NOW, counter_offset=2)).status_code == 401


def test_setting_a_second_factor_ends_sessions_is_audited_and_listed(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore, redis_client: redis.Redis
) -> None:
    signed_in = new_client()
    assert sign_in(signed_in, "amal", None).status_code == 303
    secret = secret_for(clocked_app, "amal")
    assert signed_in.get("/console/check").status_code == 302
    sealed = redis_client.hget("haris:{users}:user:amal", "totp")
    assert sealed is not None and secret.encode() not in sealed  # sealed: tests/security/test_totp_sealed.py
    runner = clocked_app.test_cli_runner()
    assert "amal\ttrainer\ttotp" in runner.invoke(args=["user", "list"]).stdout
    maintainer = new_client()
    assert sign_in(maintainer, "omar", None).status_code == 303
    page = maintainer.get("/console/users").get_data(as_text=True)
    assert "Second factor" in page and "flask --app server user totp NAME" in page
    removed = runner.invoke(args=["user", "totp", "amal", "--remove"])
    assert removed.exit_code == 0, removed.output
    assert sign_in(new_client(), "amal", None).status_code == 303
    assert runner.invoke(args=["user", "totp", "amal", "--remove"]).exit_code != 0
    assert runner.invoke(args=["user", "totp", "nobody"]).exit_code != 0
    trail = maintainer.get("/console/audit").get_data(as_text=True)
    assert "set a second factor" in trail and "removed a second factor" in trail
    assert secret not in trail


def test_the_store_checks_codes_with_its_own_clock(redis_client: redis.Redis) -> None:
    store = UserStore(redis_client, clock=lambda: NOW, sealer=SEALER)
    store.create("amal", PASSWORD, Role.TRAINER)
    secret = store.set_totp("amal")
    assert secret is not None and store.has_totp("amal")
    code = pyotp.TOTP(secret).at(NOW)
    assert store.authenticate("amal", PASSWORD) is None
    assert store.authenticate("amal", PASSWORD, code) is Role.TRAINER
    assert store.authenticate("amal", PASSWORD, code) is None  # used
    assert store.set_totp("nobody") is None


def test_under_attack_even_a_right_password_and_code_from_a_new_browser_are_not_checked(
    make_app: Any, accounts: UserStore
) -> None:
    """Past the per-account limit a browser that never signed in to the account is refused before
    anything is checked — else a phished password plus one code guess per fresh address would
    be an oracle — while the owner's own browser signs in with its code."""
    app = make_app(HARIS_LOGIN_ACCOUNT_LIMIT="2/hour")
    with app.app_context():
        app_state().stores.users.clock = lambda: NOW
    totp = pyotp.TOTP(secret_for(app, "amal"))
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    first = sign_in(owner, "amal", totp.at(NOW, counter_offset=-1))
    assert first.status_code == 303
    device = next(h for h in first.headers.getlist("Set-Cookie") if h.startswith("haris_device="))
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/console/login"):
        assert flag in device
    assert "amal" not in device  # a keyed digest of the name, never the name
    assert owner.post("/console/logout", data={"csrf_token": page_token(owner, "/console/check")}).status_code == 303
    for number in range(2):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{number + 1}"
        assert sign_in(client, "amal", "123456", "wrong password!!").status_code == 401
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    assert sign_in(fresh, "amal", totp.at(NOW)).status_code == 429
    assert sign_in(owner, "amal", totp.at(NOW)).status_code == 303


def test_a_wrong_code_is_audited_only_once_the_answer_is_sent(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore
) -> None:
    """A right password with a wrong code must answer as a wrong password does: same status, same
    page, and no extra Redis write before it (a round trip more would time it apart and confirm a
    phished password). The audit entry is written once the answer has been sent."""
    totp = pyotp.TOTP(secret_for(clocked_app, "amal"))
    wrong = "000000" if totp.at(NOW) != "000000" else "111111"
    client = new_client()
    form = {"username": "amal", "password": PASSWORD, "code": wrong}
    code_refused = client.post("/console/login", data={**form, "csrf_token": page_token(client, "/console/login")})

    def refusals() -> list[str]:
        with clocked_app.app_context():
            return [e["target"] for e in app_state().stores.audit.recent() if e["action"] == "user.code_refused"]

    assert refusals() == []  # answered, nothing written yet
    sent(code_refused)
    assert refusals() == ["amal"]
    client = new_client()
    wrong_password = client.post(
        "/console/login",
        data={**form, "password": "not the password!", "csrf_token": page_token(client, "/console/login")},
    )
    sent(wrong_password)
    assert code_refused.status_code == wrong_password.status_code == 401
    assert code_refused.get_data() == wrong_password.get_data().replace(
        csrf(wrong_password.get_data()), csrf(code_refused.get_data())
    )


def csrf(page: bytes) -> bytes:
    return csrf_from(page.decode()).encode()


def test_a_right_password_with_a_wrong_code_is_audited(
    clocked_app: Flask, new_client: Callable[[], FlaskClient], accounts: UserStore, redis_client: redis.Redis
) -> None:
    """Someone holds the password: maintainers must learn it (the client is told nothing more)."""
    totp = pyotp.TOTP(secret_for(clocked_app, "amal"))
    # A wrong password, with the right code or not, says nothing about the password.
    assert sign_in(new_client(), "amal", totp.at(NOW), "wrong password!!").status_code == 401
    assert sign_in(new_client(), "amal", totp.at(NOW + 300)).status_code == 401
    with clocked_app.app_context():
        trail = [(e["actor"], e["action"], e["target"]) for e in app_state().stores.audit.recent()]
    assert trail[0] == ("sign-in form", "user.code_refused", "amal")
    assert [entry for entry in trail if entry[1] == "user.code_refused"] == [trail[0]]


def test_a_server_may_require_a_second_factor_of_every_account(make_app: Any, accounts: UserStore) -> None:
    app = make_app(HARIS_REQUIRE_SECOND_FACTOR="true")
    with app.app_context():
        app_state().stores.users.clock = lambda: NOW
    refused = sign_in(app.test_client(), "omar", None)
    assert refused.status_code == 401
    assert "Sign-in failed: check the username and password." in refused.get_data(as_text=True)
    totp = pyotp.TOTP(secret_for(app, "amal"))
    assert sign_in(app.test_client(), "amal", totp.at(NOW)).status_code == 303
    assert sign_in(make_app().test_client(), "omar", None).status_code == 303  # off by default

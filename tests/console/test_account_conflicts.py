"""Two maintainers, one account: a Users page opened before an account was deleted and made again
under the same name (or changed) must not revoke the account that stands there now.

Each row of the page carries the version of the account it showed; a revoke from it is refused
(409, nothing deleted, nothing audited) when the account is another one. The CLI, which names an
account without having shown it, revokes as before. Real Redis: single node and cluster
(tests/console/conftest.py); creation times come from a fixed clock, never the real one."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.storage.audit import AuditLog
from server.storage.users import USER_PREFIX, AccountChanged, UserStore
from tests.console.conftest import PASSWORD, SEALER, signed_in_as, users_page

CHANGED = {
    "en": "The account sara was changed after you opened this page",
    "fr": "Le compte sara a été modifié après l’ouverture de cette page",
    "ar": "تغيّر الحساب sara بعد أن فتحتَ هذه الصفحة",
}
NOW = 1_800_000_000.0  # the one second every account here is made in


@pytest.fixture
def same_second(redis_client: redis.Redis) -> UserStore:
    """Accounts made at one fixed instant: a re-made account has the creation time of the old one."""
    return UserStore(redis_client, clock=lambda: NOW, sealer=SEALER)


@pytest.fixture
def other_maintainer(new_client: Callable[[], FlaskClient], accounts: UserStore) -> FlaskClient:
    accounts.create("lina", PASSWORD, Role.MAINTAINER)
    return signed_in_as(new_client, "lina")


def revoke(client: FlaskClient, username: str, token: str, version: str | None) -> object:
    form = {"csrf_token": token} if version is None else {"csrf_token": token, "version": version}
    return client.post(f"/console/users/{username}/revoke", data=form)


def revocations(redis_client: redis.Redis) -> list[tuple[str, str]]:
    entries = AuditLog(redis_client).recent(limit=100)
    return [(e["actor"], e["target"]) for e in reversed(entries) if e["action"] == "user.revoked"]


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_a_stale_page_does_not_revoke_an_account_made_again_under_the_same_name(
    maintainer: FlaskClient, console_app: Flask, same_second: UserStore, redis_client: redis.Redis, locale: str
) -> None:
    """Omar opens the Users page, showing Sara's old account. It is revoked on the server and Sara
    gets a new one under the same name, in the same second, with the same role: everything the
    row shows is the same. Omar's click on that row is refused; the new account stays."""
    maintainer.get(f"/console/lang/{locale}")
    same_second.create("sara", PASSWORD, Role.TRAINER)
    token, shown = users_page(maintainer)
    runner = console_app.test_cli_runner()
    assert runner.invoke(args=["user", "revoke", "sara"]).exit_code == 0
    same_second.create("sara", PASSWORD, Role.TRAINER)
    new_instance = redis_client.hget(USER_PREFIX + "sara", "instance")

    refused = revoke(maintainer, "sara", token, shown["sara"])
    assert refused.status_code == 409  # type: ignore[attr-defined]
    page = html.unescape(refused.get_data(as_text=True))  # type: ignore[attr-defined]
    assert CHANGED[locale] in page
    assert redis_client.hget(USER_PREFIX + "sara", "instance") == new_instance
    assert revocations(redis_client) == [("cli", "sara")]  # the refusal wrote nothing

    # The refused page shows the accounts as they are now: revoking from it is meant, and works.
    now = dict(re.findall(r'action="/console/users/([^/"]+)/revoke".*?name="version" value="(\w+)"', page, re.S))
    assert now["sara"] != shown["sara"]
    again = revoke(maintainer, "sara", token, now["sara"])
    assert again.status_code == 303  # type: ignore[attr-defined]
    assert not redis_client.exists(USER_PREFIX + "sara")
    assert revocations(redis_client) == [("cli", "sara"), ("omar", "sara")]


def test_a_role_or_second_factor_changed_since_the_page_is_refused_too(
    maintainer: FlaskClient, other_maintainer: FlaskClient, same_second: UserStore, redis_client: redis.Redis
) -> None:
    same_second.create("sara", PASSWORD, Role.TRAINER)
    token, shown = users_page(maintainer)
    same_second.set_totp("sara")  # what the row shows ("Second factor: no") is no longer so
    assert revoke(maintainer, "sara", token, shown["sara"]).status_code == 409  # type: ignore[attr-defined]
    assert redis_client.exists(USER_PREFIX + "sara") and revocations(redis_client) == []


def test_what_the_page_never_showed_does_not_refuse_the_revoke(
    maintainer: FlaskClient, other_maintainer: FlaskClient, same_second: UserStore, redis_client: redis.Redis
) -> None:
    """A new password or ended sessions renew the account's epoch; the page shows neither, and the
    account is the same one: the revoke goes through, once."""
    same_second.create("sara", PASSWORD, Role.TRAINER)
    token, shown = users_page(maintainer)
    lina_token, lina_shown = users_page(other_maintainer)
    assert lina_shown["sara"] == shown["sara"]
    same_second.set_password("sara", "another long passphrase")
    same_second.end_sessions("sara")
    assert revoke(maintainer, "sara", token, shown["sara"]).status_code == 303  # type: ignore[attr-defined]
    # Lina's page, opened at the same time, now names an account that is gone: 404 as before.
    assert revoke(other_maintainer, "sara", lina_token, lina_shown["sara"]).status_code == 404  # type: ignore[attr-defined]
    assert revocations(redis_client) == [("omar", "sara")]


@pytest.mark.parametrize("version", [None, "", "latest", "A" * 32, "0" * 31])
def test_a_version_no_page_sends_is_refused_with_400(
    maintainer: FlaskClient, same_second: UserStore, redis_client: redis.Redis, version: str | None
) -> None:
    same_second.create("sara", PASSWORD, Role.TRAINER)
    token, _ = users_page(maintainer)
    assert revoke(maintainer, "sara", token, version).status_code == 400  # type: ignore[attr-defined]
    assert redis_client.exists(USER_PREFIX + "sara") and revocations(redis_client) == []


def test_the_check_and_the_delete_are_one_transaction(same_second: UserStore, redis_client: redis.Redis) -> None:
    """The account is revoked and made again between the WATCHed read and the delete: the EXEC
    fails, the retry reads the new account and refuses, instead of deleting it."""
    same_second.create("sara", PASSWORD, Role.TRAINER)
    shown = {row["username"]: row["version"] for row in same_second.list()}
    original = redis_client.pipeline
    remade: list[bytes | None] = []

    def pipeline_that_lets_another_in(*args: object, **kwargs: object) -> redis.client.Pipeline:
        pipe = original(*args, **kwargs)  # type: ignore[arg-type]
        multi = pipe.multi

        def remade_first() -> None:
            if not remade:
                other = UserStore(redis_client, clock=lambda: NOW)
                other.client.delete(USER_PREFIX + "sara")  # another maintainer's revoke…
                other.create("sara", PASSWORD, Role.TRAINER)  # …and Sara's new account
                remade.append(redis_client.hget(USER_PREFIX + "sara", "instance"))
            multi()

        pipe.multi = remade_first  # type: ignore[method-assign]
        return pipe

    redis_client.pipeline = pipeline_that_lets_another_in  # type: ignore[method-assign]
    try:
        with pytest.raises(AccountChanged):
            same_second.revoke("sara", expected=shown["sara"])
    finally:
        redis_client.pipeline = original  # type: ignore[method-assign]
    assert remade and redis_client.hget(USER_PREFIX + "sara", "instance") == remade[0]


def test_the_cli_still_revokes_by_name(console_app: Flask, same_second: UserStore, redis_client: redis.Redis) -> None:
    same_second.create("sara", PASSWORD, Role.TRAINER)
    same_second.set_totp("sara")
    result = console_app.test_cli_runner().invoke(args=["user", "revoke", "sara"])
    assert result.exit_code == 0, result.output
    assert not redis_client.exists(USER_PREFIX + "sara") and revocations(redis_client) == [("cli", "sara")]

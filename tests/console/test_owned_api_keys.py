"""API keys made for a console account (``apikey create --owner``) go with it: revoking the
account, from the CLI or the console's Users page, revokes them in the same operation (each one
audited), and an account made again under the same name owns none of the old one's keys."""

from __future__ import annotations

from hashlib import sha256
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.roles import Role
from server.storage.apikeys import key_id
from server.storage.audit import AuditLog
from server.storage.users import UserStore
from tests.console.conftest import PASSWORD, users_page


def make_key(app: Flask, role: str, label: str, *owner: str) -> Any:
    args = ["apikey", "create", "--role", role, "--label", label]
    return app.test_cli_runner().invoke(args=args + (["--owner", *owner] if owner else []))


def key_of(app: Flask, role: str, label: str, *owner: str) -> str:
    made = make_key(app, role, label, *owner)
    assert made.exit_code == 0, made.output
    return made.stdout.strip()


def status(app: Flask, key: str) -> int:
    return app.test_client().get("/v1/banks", headers={"Authorization": f"Bearer {key}"}).status_code


def key_trail(redis_client: redis.Redis) -> list[tuple[str, str, str, dict[str, Any]]]:
    entries = reversed(AuditLog(redis_client).recent())
    return [(e["actor"], e["action"], e["target"], e["detail"]) for e in entries if e["action"] != "user.created"]


def test_a_key_is_owned_only_by_an_account_whose_role_grants_it(
    console_app: Flask, accounts: UserStore, redis_client: redis.Redis
) -> None:
    nobody = make_key(console_app, "trainer", "ghost", "nobody")
    assert nobody.exit_code != 0 and "no console account 'nobody'" in nobody.output
    above = make_key(console_app, "maintainer", "amal admin", "amal")
    assert above.exit_code != 0 and "cannot own a maintainer key" in above.output
    assert redis_client.keys("haris:{apikeys}:key:*") == []
    # A maintainer may own a trainer key as well as a maintainer one.
    assert status(console_app, key_of(console_app, "trainer", "omar phone", "omar")) == 200
    owned = key_of(console_app, "maintainer", "omar laptop", "omar")
    unowned = key_of(console_app, "trainer", "shared kiosk")
    listed = console_app.test_cli_runner().invoke(args=["apikey", "list"]).stdout
    assert f"{key_id(owned)}\tmaintainer\t" in listed and "\tomar\tomar laptop\n" in listed
    assert f"{key_id(unowned)}\ttrainer\t" in listed and "\tunowned\tshared kiosk\n" in listed
    created = [detail for _, action, _, detail in key_trail(redis_client) if action == "apikey.created"]
    assert created[1] == {"role": "maintainer", "label": "omar laptop", "owner": "omar"}
    assert created[2] == {"role": "trainer", "label": "shared kiosk"}


def test_revoking_an_account_from_the_cli_revokes_its_keys_and_audits_each(
    console_app: Flask, accounts: UserStore, redis_client: redis.Redis
) -> None:
    laptop, phone = (
        key_of(console_app, "trainer", "amal laptop", "amal"),
        key_of(console_app, "trainer", "amal phone", "amal"),
    )
    colleague, unowned = key_of(console_app, "trainer", "omar", "omar"), key_of(console_app, "trainer", "kiosk")
    assert status(console_app, laptop) == 200 and status(console_app, phone) == 200
    revoked = console_app.test_cli_runner().invoke(args=["user", "revoke", "amal"])
    assert revoked.exit_code == 0, revoked.output
    assert status(console_app, laptop) == 401 and status(console_app, phone) == 401
    # Another account's keys and a key made for no account are kept.
    assert status(console_app, colleague) == 200 and status(console_app, unowned) == 200
    assert len(redis_client.keys("haris:{apikeys}:key:*")) == 2
    user_revoked, *keys_revoked = key_trail(redis_client)[4:]
    assert user_revoked == ("cli", "user.revoked", "amal", {})
    assert sorted(keys_revoked, key=lambda entry: entry[3]["label"]) == [
        ("cli", "apikey.revoked", key_id(laptop), {"role": "trainer", "label": "amal laptop", "owner": "amal"}),
        ("cli", "apikey.revoked", key_id(phone), {"role": "trainer", "label": "amal phone", "owner": "amal"}),
    ]


def test_revoking_an_account_from_the_console_revokes_its_keys(
    console_app: Flask, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    laptop = key_of(console_app, "trainer", "amal laptop", "amal")
    token, shown = users_page(maintainer)
    form = {"csrf_token": token, "version": shown["amal"]}
    assert maintainer.post("/console/users/amal/revoke", data=form).status_code == 303
    assert status(console_app, laptop) == 401
    assert redis_client.keys("haris:{apikeys}:key:*") == []
    assert key_trail(redis_client)[-2:] == [
        ("omar", "user.revoked", "amal", {}),
        ("omar", "apikey.revoked", key_id(laptop), {"role": "trainer", "label": "amal laptop", "owner": "amal"}),
    ]


def test_a_stale_console_revoke_leaves_the_keys_of_the_account_made_again(
    console_app: Flask, maintainer: FlaskClient, accounts: UserStore, redis_client: redis.Redis
) -> None:
    token, shown = users_page(maintainer)
    accounts.revoke("amal")
    accounts.create("amal", PASSWORD, Role.TRAINER)
    laptop = key_of(console_app, "trainer", "new amal laptop", "amal")
    form = {"csrf_token": token, "version": shown["amal"]}
    assert maintainer.post("/console/users/amal/revoke", data=form).status_code == 409
    assert status(console_app, laptop) == 200


def test_an_account_made_again_under_the_same_name_inherits_no_key(
    console_app: Flask, accounts: UserStore, redis_client: redis.Redis
) -> None:
    old = key_of(console_app, "trainer", "old amal", "amal")
    # Deleted without its keys (a revoke interrupted after the account went, or an older version):
    # the key is refused from then on, and stays refused under the new account of that name.
    accounts.revoke("amal")
    assert status(console_app, old) == 401
    accounts.create("amal", PASSWORD, Role.TRAINER)
    assert status(console_app, old) == 401
    listed = console_app.test_cli_runner().invoke(args=["apikey", "list"]).stdout
    assert "\tamal (gone)\told amal\n" in listed
    new = key_of(console_app, "trainer", "new amal", "amal")
    assert status(console_app, new) == 200
    # Revoking the new account takes the keys of both with it.
    assert console_app.test_cli_runner().invoke(args=["user", "revoke", "amal"]).exit_code == 0
    assert redis_client.keys("haris:{apikeys}:key:*") == []
    assert status(console_app, new) == 401


def test_a_key_of_an_account_made_before_instances_follows_its_creation_time(
    console_app: Flask, accounts: UserStore, redis_client: redis.Redis
) -> None:
    redis_client.hdel("haris:{users}:user:amal", "instance")  # as an earlier version made it
    key = key_of(console_app, "trainer", "amal laptop", "amal")
    assert status(console_app, key) == 200
    assert (
        redis_client.hget("haris:{apikeys}:key:" + sha256(key.encode()).hexdigest(), "owner_instance")
        .decode()
        .startswith("created:")
    )
    redis_client.hset("haris:{users}:user:amal", "created", 1)  # another account of that name
    assert status(console_app, key) == 401

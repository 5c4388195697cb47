"""API keys: created by the CLI, stored hashed, roles enforced."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, Flask

from server.roles import Role
from server.storage.apikeys import create_api_key
from server.web.auth import require_role


def app_with_protected_routes(make_app: Any) -> Flask:
    app: Flask = make_app()
    bp = Blueprint("probe", __name__)

    @bp.get("/probe/trainer")
    @require_role(Role.TRAINER)
    def trainer() -> Any:
        return {"ok": True}

    @bp.get("/probe/maintainer")
    @require_role(Role.MAINTAINER)
    def maintainer() -> Any:
        return {"ok": True}

    app.register_blueprint(bp)
    return app


def test_roles_are_enforced(make_app: Any, redis_client: redis.Redis) -> None:
    app = app_with_protected_routes(make_app)
    client = app.test_client()
    trainer_key = create_api_key(redis_client, Role.TRAINER, "amal")

    def get(path: str, key: str | None) -> Any:
        return client.get(path, headers={"Authorization": f"Bearer {key}"} if key else {})

    assert get("/probe/trainer", None).status_code == 401
    assert get("/probe/trainer", None).get_json()["error"]["code"] == "unauthorized"
    assert get("/probe/trainer", "hk_wrong").status_code == 401
    assert get("/probe/trainer", trainer_key).status_code == 200
    assert get("/probe/maintainer", trainer_key).status_code == 403
    assert get("/probe/maintainer", trainer_key).get_json()["error"]["code"] == "forbidden"
    assert get("/probe/maintainer", "test-bootstrap-key").status_code == 200
    assert get("/probe/trainer", "test-bootstrap-key").status_code == 200


def test_keys_are_stored_only_as_hashes(redis_client: redis.Redis) -> None:
    key = create_api_key(redis_client, Role.MAINTAINER, "ops")
    dump = b" ".join(redis_client.keys("*")) + b" ".join(
        v for k in redis_client.keys("*") for v in redis_client.hgetall(k).values()
    )
    assert key.encode() not in dump


def test_cli_creates_and_revokes_keys(make_app: Any) -> None:
    app = app_with_protected_routes(make_app)
    runner = app.test_cli_runner()
    created = runner.invoke(args=["apikey", "create", "--role", "trainer", "--label", "ngo-1"])
    assert created.exit_code == 0
    key = created.stdout.strip()
    client = app.test_client()
    assert client.get("/probe/trainer", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert runner.invoke(args=["apikey", "revoke", key]).exit_code == 0
    assert client.get("/probe/trainer", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    assert runner.invoke(args=["apikey", "revoke", key]).exit_code != 0

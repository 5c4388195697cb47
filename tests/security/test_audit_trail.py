"""The audit trail records every privileged change, whichever door it came through, and every
action it records has a label in the console's three languages."""

from __future__ import annotations

import ast
import hashlib
import os
import re
import signal
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask

from heuristics.rules import default_rules_text, parse_rules
from server.console.i18n import strings
from server.i18n import LOCALES
from server.roles import Role
from server.services.rules import audited_changes
from server.state import app_state
from server.storage.apikeys import create_api_key, key_id

SERVER = Path(__file__).resolve().parents[2] / "server"
MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}


def rules_text(version: str) -> str:
    return default_rules_text().replace('version = "', f'version = "{version}-', 1)


def entries(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        return app_state().stores.audit.recent()


def test_publishing_rules_over_the_api_is_audited(app: Flask) -> None:
    before = app.test_client().get("/v1/rules").get_json()["version"]
    response = app.test_client().post(
        "/v1/admin/rules", data=rules_text("api"), headers={**MAINTAINER, "Content-Type": "application/toml"}
    )
    assert response.status_code == 200, response.get_json()
    [entry] = entries(app)
    assert entry["actor"] == "key:bootstrap" and entry["action"] == "rules.published"
    assert entry["target"] == response.get_json()["rules_version"]
    version = response.get_json()["rules_version"]
    assert entry["detail"] == {
        "previous": before,
        "generation": response.get_json()["generation"],
        "changes": [f"version: {before} → {version}"],
        "sha256": hashlib.sha256(rules_text("api").encode()).hexdigest(),
    }


def test_the_audit_trail_says_what_a_publication_changed(app: Flask) -> None:
    """A quiet blinding — a bait signal's points set to nothing — reads as
    such in the trail, not as one version following another."""
    text = rules_text("blind")
    active = parse_rules(text)
    code = next(code for code, rule in sorted(active.rules.items()) if rule.enabled and rule.points > 0)
    points = active.rules[code].points
    section = f'[signals."{code}"]'
    head, rest = text.split(section, 1)
    body, tail = rest.split("\n[", 1)
    blinded = head + section + re.sub(r"(?m)^points\s*=.*$", "points = 0", body, count=1) + "\n[" + tail
    assert blinded != text
    response = app.test_client().post(
        "/v1/admin/rules", data=blinded, headers={**MAINTAINER, "Content-Type": "application/toml"}
    )
    assert response.status_code == 200, response.get_json()
    [entry] = entries(app)
    changes = entry["detail"]["changes"]
    assert f"{code}.points: {points:g} → 0" in changes
    assert len(changes) == 2  # the version, and the points


def test_an_audited_change_list_is_bounded() -> None:
    """However two files differ, the entry keeps at most 100 lines of at most 300 characters."""
    active = parse_rules(default_rules_text())
    many = {f"signal.{i}": None for i in range(250)}
    wide = replace(active, rules={**active.rules, **{code: next(iter(active.rules.values())) for code in many}})
    changes = audited_changes(active, wide)
    assert len(changes) == 100 and changes[-1] == "… and 151 more"
    long_version = replace(active, version="v" * 1000)
    [line] = audited_changes(active, long_version)
    assert len(line) == 300 and line.endswith("…")


def test_refused_rules_leave_no_audit_entry(app: Flask) -> None:
    response = app.test_client().post(
        "/v1/admin/rules", data="version = 1\n", headers={**MAINTAINER, "Content-Type": "application/toml"}
    )
    assert response.status_code == 422
    assert entries(app) == []


def test_publishing_rules_from_the_cli_and_on_sighup_is_audited(make_app: Any, tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(rules_text("cli"), encoding="utf-8")
    app = make_app(HARIS_RULES_FILE=str(path))
    result = app.test_cli_runner().invoke(args=["rules", "publish", str(path)])
    # The file in force at start is the same version: the CLI refuses it and audits nothing.
    assert result.exit_code == 1 and entries(app) == []
    path.write_text(rules_text("cli2"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["rules", "publish", str(path)])
    assert result.exit_code == 0, result.output
    [published] = entries(app)
    assert (published["actor"], published["action"]) == ("cli", "rules.published")
    path.write_text(rules_text("hup"), encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    deadline = time.monotonic() + 3.0
    while len(entries(app)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    newest = entries(app)[0]
    assert (newest["actor"], newest["action"]) == ("sighup", "rules.published")
    assert newest["target"].startswith("hup-")


def test_api_keys_are_listed_and_revoked_by_id_and_audited(app: Flask, redis_client: redis.Redis) -> None:
    runner = app.test_cli_runner()
    created = runner.invoke(args=["apikey", "create", "--role", "trainer", "--label", "amal laptop"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip()
    assert key.startswith("hk_") and "\n" not in key
    ident = key_id(key)
    assert f"id {ident}" in created.stderr
    listed = runner.invoke(args=["apikey", "list"]).stdout
    assert f"{ident}\ttrainer\t" in listed and "\tunowned\tamal laptop\n" in listed
    # The configured bootstrap key is listed too, so that it is not forgotten (never its value).
    assert "bootstrap\tmaintainer\t-\tunowned\tHARIS_BOOTSTRAP_KEY" in listed and "test-bootstrap-key" not in listed
    assert key not in listed
    headers = {"Authorization": f"Bearer {key}"}
    assert app.test_client().get("/v1/banks", headers=headers).status_code == 200
    # The laptop is seized: the operator has only the id from the list.
    revoked = runner.invoke(args=["apikey", "revoke", ident])
    assert revoked.exit_code == 0, revoked.output
    assert app.test_client().get("/v1/banks", headers=headers).status_code == 401
    assert runner.invoke(args=["apikey", "revoke", ident]).exit_code != 0
    assert redis_client.keys("haris:{apikeys}:key:*") == []
    trail = [(e["actor"], e["action"], e["target"], e["detail"]) for e in reversed(entries(app))]
    detail = {"role": "trainer", "label": "amal laptop"}
    assert trail == [("cli", "apikey.created", ident, detail), ("cli", "apikey.revoked", ident, detail)]


def test_a_key_is_never_revoked_by_a_prefix_that_names_two(redis_client: redis.Redis, app: Flask) -> None:
    first = create_api_key(redis_client, Role.TRAINER, "one")
    # A second stored digest sharing the first's id (made by hand: 48 bits rarely collide).
    digest = next(k for k in redis_client.keys("haris:{apikeys}:key:*")).decode().rsplit(":", 1)[1]
    redis_client.hset("haris:{apikeys}:key:" + digest[:12] + "f" * 52, mapping={"role": "maintainer", "label": "two"})
    result = app.test_cli_runner().invoke(args=["apikey", "revoke", key_id(first)])
    assert result.exit_code != 0 and "names 2 keys" in result.output
    assert len(redis_client.keys("haris:{apikeys}:key:*")) == 2
    assert app.test_cli_runner().invoke(args=["apikey", "revoke", first]).exit_code == 0
    assert len(redis_client.keys("haris:{apikeys}:key:*")) == 1


@pytest.mark.parametrize("label", ["", "   ", "x" * 101, "line\nbreak", "bell\x07"])
def test_a_key_needs_a_printable_label(app: Flask, redis_client: redis.Redis, label: str) -> None:
    result = app.test_cli_runner().invoke(args=["apikey", "create", "--role", "trainer", "--label", label])
    assert result.exit_code != 0 and "label" in result.output
    assert redis_client.keys("haris:{apikeys}:key:*") == []


def _recorded_actions() -> set[str]:
    """Every action name written to the trail: the literal (or ``"prefix." + ...``) second
    argument of each ``audit.record(...)`` call in the server's code."""
    actions: set[str] = set()
    for path in SERVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr != "record" or len(node.args) < 2:
                continue
            action = node.args[1]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                actions.add(action.value)
    return actions


def test_every_audited_action_has_a_label_in_every_language() -> None:
    actions = _recorded_actions()
    assert {"rules.published", "apikey.created", "apikey.revoked", "user.created", "bank.removed"} <= actions
    for locale in LOCALES:
        missing = sorted(a for a in actions if f"action.{a}" not in strings(locale))
        assert missing == [], (locale, missing)


def test_reading_the_registry_over_the_api_is_audited(app: Flask, redis_client: redis.Redis) -> None:
    """A stolen trainer key reading the registry leaves a trace: the people on it must be warned."""
    key = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "ngo laptop")}
    client = app.test_client()
    person_id = client.post("/v1/protected", json={"display_names": ["Hala Ahed"]}, headers=key).get_json()["id"]
    assert client.get("/v1/protected", headers=key).status_code == 200
    assert client.get(f"/v1/protected/{person_id}", headers=key).status_code == 200
    assert client.get("/v1/protected/0123456789abcdef", headers=key).status_code == 404
    trail = [(e["actor"], e["action"], e["target"], e["detail"]) for e in reversed(entries(app))]
    assert trail == [
        ("key:ngo laptop", "protected.created", person_id, {}),
        ("key:ngo laptop", "protected.listed", "registry", {"people": 1}),
        ("key:ngo laptop", "protected.viewed", person_id, {}),
    ]

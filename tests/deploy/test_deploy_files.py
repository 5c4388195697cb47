"""The deployment files parse and say what docs/deployment.md promises (Docker is not needed)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_has_the_app_and_a_persistent_redis(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {"app", "redis", "limiter"}
    redis = compose["services"]["redis"]
    command = " ".join(redis["command"])
    assert "--appendonly yes" in command and "--requirepass" in command
    assert "noeviction" in command  # evicting keys would silently drop banks and API keys
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    assert "ports" not in redis, "Redis must not be published"
    assert redis["healthcheck"]["test"]


def test_compose_limiter_store_never_persists(compose: dict[str, Any]) -> None:
    """Finding 1: the limiter's Valkey writes no append-only file and no snapshot, has no volume."""
    limiter = compose["services"]["limiter"]
    command = limiter["command"]
    assert command[command.index("--appendonly") + 1] == "no"
    assert command[command.index("--save") + 1] == ""
    assert "volumes" not in limiter and "ports" not in limiter
    app = compose["services"]["app"]
    assert app["environment"]["HARIS_LIMITER_URL"].endswith("@limiter:6379/0")
    assert app["depends_on"]["limiter"]["condition"] == "service_healthy"


def test_compose_app_is_production_with_required_secrets(compose: dict[str, Any]) -> None:
    app = compose["services"]["app"]
    env = app["environment"]
    assert env["HARIS_ENV"] == "production"
    # ${VAR:?message} makes compose refuse to start without the secret; no default secret exists.
    assert re.fullmatch(r"\$\{HARIS_SECRET_KEY:\?[^}]+\}", env["HARIS_SECRET_KEY"])
    assert "${REDIS_PASSWORD:?" in env["REDIS_URL"] and env["REDIS_URL"].endswith("@redis:6379/0")
    assert app["depends_on"]["redis"]["condition"] == "service_healthy"
    assert "/readyz" in " ".join(app["healthcheck"]["test"])
    assert all(port.startswith("127.0.0.1:") for port in app["ports"])
    assert app["read_only"] is True and app["cap_drop"] == ["ALL"]
    names = set(env)
    documented = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for name in names:
        assert name in documented, f"{name} is not documented in docs/deployment.md"


def test_dockerfile_runs_gunicorn_with_the_config_as_non_root() -> None:
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY gunicorn.conf.py" in dockerfile and '"gunicorn.conf.py"' in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)


def gunicorn_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("HARIS_BIND", "HARIS_WORKERS", "WEB_CONCURRENCY", "HARIS_THREADS", "HARIS_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_config(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = gunicorn_settings(monkeypatch, HARIS_WORKERS="3", HARIS_THREADS="4", HARIS_BIND="0.0.0.0:9000")
    assert settings["workers"] == 3 and settings["threads"] == 4 and settings["bind"] == "0.0.0.0:9000"
    assert settings["worker_class"] == "gthread" and settings["wsgi_app"] == "server:create_app()"
    # No access log: it would hold client addresses and URLs.
    assert settings["accesslog"] is None
    assert settings["preload_app"] is False
    # One socket per worker for TCP (the kernel balances connections); never for a Unix socket.
    assert settings["reuse_port"] is True
    assert gunicorn_settings(monkeypatch, HARIS_BIND="unix:/run/haris.sock")["reuse_port"] is False
    assert gunicorn_settings(monkeypatch, WEB_CONCURRENCY="5")["workers"] == 5
    assert gunicorn_settings(monkeypatch)["bind"] == "127.0.0.1:8000"


@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5", "٣"])
@pytest.mark.parametrize("name", ["HARIS_WORKERS", "WEB_CONCURRENCY", "HARIS_THREADS", "HARIS_TIMEOUT"])
def test_a_count_that_is_not_one_stops_gunicorn_with_its_name(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(SystemExit, match=f"^{name} must be a whole number of at least 1, not '{value}'$"):
        gunicorn_settings(monkeypatch, **{name: value})


def test_compose_sets_only_settings_that_exist(compose: dict[str, Any]) -> None:
    from server.config import DEFAULTS

    gunicorn_conf = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    for name in compose["services"]["app"]["environment"]:
        assert name in DEFAULTS or f'"{name}"' in gunicorn_conf, f"{name} is read by nothing"


def test_the_limiter_store_evicts_short_lived_counters_before_the_campaign_aggregate(compose: dict[str, Any]) -> None:
    """Under memory pressure the limiter store drops the keys nearest their end (rate counters,
    an hour at most), never first the campaign tables that last weeks (volatile-lru could)."""
    command = compose["services"]["limiter"]["command"]
    policy = command[command.index("--maxmemory-policy") + 1]
    assert policy == "volatile-ttl"
    assert "--slowlog-log-slower-than" in command and command[command.index("--slowlog-log-slower-than") + 1] == "-1"

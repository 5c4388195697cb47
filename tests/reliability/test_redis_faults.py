"""Redis killed (SIGKILL) and restarted under traffic: the app degrades, never 500s, and recovers
by itself without being restarted.

The app talks to a redis-server process of this test's own on a loopback port. A test-only signal
that needs Redis (registered explicitly, with a rules file enabling it) shows that signals which
cannot reach Redis are listed in ``unavailable`` instead of silently passing.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Blueprint, Flask

from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.findings import Detection
from heuristics.profile import Profile
from heuristics.rules import default_rules_text
from heuristics.signals import registry
from heuristics.signals.base import Signal, SignalParams
from server.roles import Role
from server.storage.apikeys import create_api_key
from server.web.auth import require_role
from tests.conftest import TEST_SECRET
from tests.reliability.redis_process import RedisProcess

PROBE = "test.redis_probe"
# Services the server backs with Redis; every signal needing one must be listed unavailable (after
# at most its back-off) while Redis is down, and come back by itself.
REDIS_SERVICES = {"redis_probe", "protected", "banks", "reuse", "campaigns"}


def _small_jpeg() -> str:
    """A real photo-like JPEG, so the avatar signals (banks, reuse) run and need Redis too."""
    import base64
    import io

    from PIL import Image

    image = Image.linear_gradient("L").convert("RGB").resize((96, 96))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode()


CHECK = {
    "platform": "x",
    "profile": {"handle": "someone", "account_id": "4242", "posts": 3, "followers": 2},
    "avatar": _small_jpeg(),
}
REPORT = {"platform": "x", "reason": "other", "profile": {"handle": "someone"}}
# A hang guard only (real timings are in bench/faults.py): far above a fast failure, far below
# redis-py's default 5 s of retries that a check used to wait out per Redis call.
HANG_GUARD_SECONDS = 2.0


class RedisProbeSignal(Signal[SignalParams]):
    """Test-only: reads Redis on every check, as the bank, reuse and protected-person signals do."""

    code = PROBE
    description = "test only: needs Redis"
    needs = frozenset({"redis_probe"})
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        try:
            context.service("redis_probe").get("haris:test:probe")
        except (redis.RedisError, OSError):
            raise ServiceUnavailable("redis") from None
        return None


@pytest.fixture
def probe_signal() -> Iterator[None]:
    signals = registry()
    signals.register(RedisProbeSignal())
    try:
        yield
    finally:
        signals.remove(PROBE)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    server = RedisProcess(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def build_app(redis_server: RedisProcess, tmp_path: Path, **overrides: Any) -> Flask:
    from server import create_app

    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(default_rules_text() + f'\n[signals."{PROBE}"]\npoints = 1.0\n', encoding="utf-8")
    config = {
        "REDIS_URL": redis_server.url,
        # One Redis for both stores here, so killing it takes the limiter down too (production
        # keeps the limiter's counters in a second, non-persistent one).
        "HARIS_LIMITER_URL": redis_server.url,
        "HARIS_SECRET_KEY": TEST_SECRET,
        "HARIS_DATA_DIR": str(tmp_path / "data"),
        "HARIS_CHECK_LIMIT": "100000/minute",
        "HARIS_BOOTSTRAP_KEY": "test-bootstrap-key",
        "HARIS_RULES_FILE": str(rules_file),
        **overrides,
    }
    app = create_app(config)
    app.testing = True
    state = app.extensions["haris"]
    state.lookups["redis_probe"] = state.redis.client

    admin = Blueprint("fault_admin", __name__)

    @admin.get("/fault/trainer")
    @require_role(Role.TRAINER)
    def trainer_only() -> Any:
        return {"ok": True}

    app.register_blueprint(admin)
    return app


def redis_backed_signals(app: Flask) -> set[str]:
    rules = app.extensions["haris"].rules.current()
    signals = registry()
    return {rule.code for rule in rules.enabled() if signals[rule.code].needs & REDIS_SERVICES}


def timed_check(client: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    response = client.post("/v1/check", json=CHECK)
    return response, time.perf_counter() - started


def test_checks_survive_redis_killed_and_recover_without_restart(
    probe_signal: None, redis_server: RedisProcess, tmp_path: Path
) -> None:
    app = build_app(redis_server, tmp_path)
    client = app.test_client()
    trainer_key = create_api_key(redis.Redis.from_url(redis_server.url), Role.TRAINER, "fault-test")
    auth = {"Authorization": f"Bearer {trainer_key}"}

    # Healthy.
    response, _ = timed_check(client)
    assert response.status_code == 200 and response.get_json()["unavailable"] == []
    assert client.get("/readyz").status_code == 200
    assert client.get("/fault/trainer", headers=auth).status_code == 200

    # Background traffic through the whole kill/restart cycle: every answer must be a 200.
    statuses: Counter[int] = Counter()
    stop = threading.Event()

    def traffic() -> None:
        own = app.test_client()
        while not stop.is_set():
            statuses[own.post("/v1/check", json=CHECK).status_code] += 1

    worker = threading.Thread(target=traffic, daemon=True)
    worker.start()
    try:
        time.sleep(0.2)
        redis_server.kill()

        # Down: checks still answer 200, quickly. Signals reading Redis on every check are listed
        # unavailable at once; those serving an in-memory snapshot follow when they next look at
        # Redis (about a second) — and none is ever silently treated as clean.
        expected = redis_backed_signals(app)
        assert PROBE in expected and "impersonation.protected_person" in expected
        deadline = time.monotonic() + 5
        while True:
            response, elapsed = timed_check(client)
            assert response.status_code == 200
            assert elapsed < HANG_GUARD_SECONDS
            unavailable = set(response.get_json()["unavailable"])
            assert PROBE in unavailable and unavailable <= expected
            if unavailable == expected:
                break
            assert time.monotonic() < deadline, f"still available with Redis down: {expected - unavailable}"
            time.sleep(0.1)
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.get_json()["checks"]["redis"] == "down"
        stored = client.post("/v1/reports", json=REPORT)
        assert stored.status_code == 503 and stored.get_json()["error"]["code"] == "storage_unavailable"
        # Admin routes fail closed: the key (nor its address's failed keys) cannot be verified.
        denied = client.get("/fault/trainer", headers=auth)
        assert denied.status_code == 503
        assert denied.get_json()["error"]["code"] in {"auth_unavailable", "limiter_unavailable"}
        # The bootstrap key needs no Redis lookup, but an unknown key must not slip through.
        assert client.get("/fault/trainer", headers={"Authorization": "Bearer hk_guess"}).status_code == 503
        time.sleep(0.2)

        redis_server.start()

        # Recovered by itself: same app object, no restart.
        deadline = time.monotonic() + 5
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "readyz did not recover"
            time.sleep(0.05)
        # Services that backed off try Redis again after their back-off (a few seconds).
        while (response := timed_check(client)[0]).get_json()["unavailable"]:
            assert response.status_code == 200
            assert time.monotonic() < deadline + 10, response.get_json()["unavailable"]
            time.sleep(0.1)
        assert client.post("/v1/reports", json=REPORT).status_code == 202
        # The key written before the crash survived it (append-only file, fsync always).
        assert client.get("/fault/trainer", headers=auth).status_code == 200
        time.sleep(0.2)
    finally:
        stop.set()
        worker.join(timeout=30)

    assert set(statuses) == {200}, statuses
    assert statuses[200] > 10
    # The limiter counts again after recovery: its counters are back in Redis.
    fresh = redis.Redis.from_url(redis_server.url)
    assert fresh.keys("haris:LIMITER/limits/*")


def test_limiter_fails_closed_when_configured(probe_signal: None, redis_server: RedisProcess, tmp_path: Path) -> None:
    app = build_app(redis_server, tmp_path, HARIS_LIMIT_FAIL_OPEN="false")
    client = app.test_client()
    assert client.post("/v1/check", json=CHECK).status_code == 200
    redis_server.kill()
    for path, body in (("/v1/check", CHECK), ("/v1/reports", REPORT)):
        started = time.perf_counter()
        response = client.post(path, json=body)
        assert time.perf_counter() - started < HANG_GUARD_SECONDS
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "limiter_unavailable"
    # Unlimited operational routes still answer.
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503
    redis_server.start()
    deadline = time.monotonic() + 5
    while client.post("/v1/check", json=CHECK).status_code != 200:
        assert time.monotonic() < deadline, "the limiter did not recover"
        time.sleep(0.05)


def test_a_worker_that_never_reached_the_limiter_store_fails_open_all_the_same(
    probe_signal: None, redis_server: RedisProcess, tmp_path: Path
) -> None:
    """The hour's pepper is fetched from the limiter store when a client's key is first made:
    a store that is down before that is a limiter failure like any other (fail open for the
    anonymous routes), not a 503 from outside the limiter's guard."""
    app = build_app(redis_server, tmp_path)
    client = app.test_client()
    redis_server.kill()
    assert client.post("/v1/check", json=CHECK).status_code == 200


def test_fail_open_is_the_default_for_anonymous_routes_only(
    probe_signal: None, redis_server: RedisProcess, tmp_path: Path
) -> None:
    app = build_app(redis_server, tmp_path)
    assert app.config["HARIS_LIMIT_FAIL_OPEN"] is True
    client = app.test_client()
    guess = {"Authorization": "Bearer hk_guess"}
    assert client.get("/fault/trainer", headers=guess).status_code == 401
    redis_server.kill()
    assert client.post("/v1/check", json=CHECK).status_code == 200
    # Failed keys per address are a limit too, outside the anonymous routes: it fails closed.
    closed = client.get("/fault/trainer", headers=guess)
    assert closed.status_code == 503 and closed.get_json()["error"]["code"] == "limiter_unavailable"


def test_fail_open_setting_is_validated(make_app: Any) -> None:
    from server.config import ConfigError

    assert make_app(HARIS_LIMIT_FAIL_OPEN="off").config["HARIS_LIMIT_FAIL_OPEN"] is False
    with pytest.raises(ConfigError):
        make_app(HARIS_LIMIT_FAIL_OPEN="maybe")


def test_a_hung_redis_costs_one_timeout_not_one_per_check(redis_server: RedisProcess, tmp_path: Path) -> None:
    """SIGSTOP'd Redis: connections hang until HARIS_REDIS_TIMEOUT. The limiter stops asking it for a
    second after a failure, so ten checks take about one timeout, not ten."""
    from server import create_app

    app = create_app(
        {
            "REDIS_URL": redis_server.url,
            "HARIS_LIMITER_URL": redis_server.url,
            "HARIS_SECRET_KEY": TEST_SECRET,
            "HARIS_CHECK_LIMIT": "100000/minute",
            "HARIS_REDIS_TIMEOUT": 0.3,
        }
    )
    client = app.test_client()
    assert client.post("/v1/check", json=CHECK).status_code == 200
    redis_server.pause()
    try:
        started = time.perf_counter()
        statuses = [client.post("/v1/check", json=CHECK).status_code for _ in range(10)]
        elapsed = time.perf_counter() - started
        assert statuses == [200] * 10
        # Without back-off: every Redis-backed part (limiter, rules poll, protected people, banks,
        # reuse) times out on every check — 10 x 5 x 0.3 s or more. With it: each part times out
        # about once, then leaves Redis alone.
        assert elapsed < 5.0, elapsed
    finally:
        redis_server.resume()
    deadline = time.monotonic() + 5
    while client.get("/readyz").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.05)

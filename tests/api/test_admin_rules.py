"""Hot reload: publishing rules (HTTP, SIGHUP), refusing bad files, and every worker following."""

from __future__ import annotations

import io
import json
import math
import os
import signal
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from heuristics.rules import default_rules_text
from server.roles import Role
from server.storage.apikeys import create_api_key
from server.storage.rules import RULES_TEXT_KEY, RULES_VERSION_KEY

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}
TOML = {"Content-Type": "application/toml"}


def rules_text(version: str, bias: float = -3.0, few_posts: float = 1.0) -> str:
    return (
        f'version = "{version}"\nbias = {bias}\n[levels]\nmedium = 40\nhigh = 70\n'
        f'[signals."activity.few_posts"]\npoints = {few_posts}\nmax_posts = 10\n'
    )


def expected_risk(bias: float, few_posts: float) -> int:
    # The checked profile has posts = 0: few_posts fires at full strength, nothing else runs.
    return round(100 / (1 + math.exp(-(bias + few_posts))))


def publish(client: FlaskClient, text: str, headers: dict[str, str] | None = None) -> Any:
    return client.post("/v1/admin/rules", data=text.encode("utf-8"), headers={**MAINTAINER, **TOML, **(headers or {})})


def check_version(client: FlaskClient) -> str:
    response = client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}})
    assert response.status_code == 200
    return response.get_json()["rules_version"]


def test_publish_switches_rules_and_responses_carry_the_version(client: FlaskClient) -> None:
    before = check_version(client)
    response = publish(client, rules_text("hot-1", bias=-1.0, few_posts=2.0))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body == {"rules_version": "hot-1", "previous_version": before, "generation": body["generation"]}
    assert body["generation"] >= 1
    checked = client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}}).get_json()
    assert checked["rules_version"] == "hot-1"
    assert checked["risk"] == expected_risk(-1.0, 2.0)
    assert [f["code"] for f in checked["findings"]] == ["activity.few_posts"]  # only the new file's signals
    assert client.get("/v1/rules").get_json()["version"] == "hot-1"


def test_text_plain_is_accepted_too(client: FlaskClient) -> None:
    response = publish(client, rules_text("hot-plain"), {"Content-Type": "text/plain; charset=utf-8"})
    assert response.status_code == 200 and check_version(client) == "hot-plain"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("version = [", "(file)"),
        (rules_text("bad-1").replace("points = 1.0", 'points = "lots"'), "signals.activity.few_posts.points"),
        (rules_text("bad-2") + '[signals."no.such.signal"]\npoints = 1\n', "signals.no.such.signal"),
        (rules_text("bad-3").replace("high = 70", "high = 170"), "levels.high"),
        (default_rules_text(), "version"),  # the version already in force
        (rules_text("bad-4") + "[extra]\nn = " + "9" * 5_000 + "\n", "(file)"),  # past int()'s digit limit: was 500
    ],
)
def test_bad_rules_are_refused_with_the_key_and_the_old_rules_stay(client: FlaskClient, text: str, field: str) -> None:
    before = client.get("/v1/rules").get_json()
    response = publish(client, text)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_rules" and error["field"] == field
    assert client.get("/v1/rules").get_json() == before
    assert check_version(client) == before["version"]


def test_publishing_needs_a_maintainer_key(client: FlaskClient, redis_client: redis.Redis) -> None:
    text = rules_text("hot-auth")
    anonymous = client.post("/v1/admin/rules", data=text, headers=TOML)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    trainer_key = create_api_key(redis_client, Role.TRAINER, "a trainer")
    as_trainer = client.post("/v1/admin/rules", data=text, headers={**TOML, "Authorization": f"Bearer {trainer_key}"})
    assert as_trainer.status_code == 403
    maintainer_key = create_api_key(redis_client, Role.MAINTAINER, "a maintainer")
    ok = client.post("/v1/admin/rules", data=text, headers={**TOML, "Authorization": f"Bearer {maintainer_key}"})
    assert ok.status_code == 200


def test_wrong_media_type_size_and_encoding(client: FlaskClient) -> None:
    as_json = client.post("/v1/admin/rules", json={"version": "x"}, headers=MAINTAINER)
    assert as_json.status_code == 415 and as_json.get_json()["error"]["code"] == "unsupported_media_type"
    too_big = publish(client, rules_text("big") + "# " + "x" * 300_000 + "\n")
    assert too_big.status_code == 413
    latin1 = client.post("/v1/admin/rules", data=b"version = '\xe9'", headers={**MAINTAINER, **TOML})
    assert latin1.status_code == 400 and latin1.get_json()["error"]["code"] == "bad_encoding"


def test_another_worker_follows_within_about_a_second(make_app: Callable[..., Flask]) -> None:
    worker_a, worker_b = make_app().test_client(), make_app().test_client()
    assert check_version(worker_b) == check_version(worker_a)
    assert publish(worker_a, rules_text("hot-follow")).status_code == 200
    deadline = time.monotonic() + 3.0
    while check_version(worker_b) != "hot-follow":
        assert time.monotonic() < deadline, "worker B never picked up the published rules"
        time.sleep(0.05)


def test_a_new_worker_starts_with_the_published_rules(make_app: Callable[..., Flask]) -> None:
    assert publish(make_app().test_client(), rules_text("hot-start")).status_code == 200
    assert check_version(make_app().test_client()) == "hot-start"


def test_a_published_text_this_worker_cannot_read_is_ignored(
    make_app: Callable[..., Flask], redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    # E.g. a newer server version published a signal this one does not know (a rolling deploy).
    app = make_app()
    client = app.test_client()
    before = check_version(client)
    redis_client.set(RULES_TEXT_KEY, rules_text("from-the-future") + '[signals."future.signal"]\npoints = 1\n')
    redis_client.incr(RULES_VERSION_KEY)
    with caplog.at_level("ERROR", logger="haris.rules"):
        app.extensions["haris"].rules.sync()
    assert check_version(client) == before
    assert "cannot be used here" in caplog.text


def test_sighup_reloads_the_rules_file(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(rules_text("file-1"), encoding="utf-8")
    app = make_app(HARIS_RULES_FILE=str(path))
    client = app.test_client()
    assert check_version(client) == "file-1"

    def hup_and_wait(expected: str) -> str:
        os.kill(os.getpid(), signal.SIGHUP)
        deadline = time.monotonic() + 3.0
        while (version := check_version(client)) != expected and time.monotonic() < deadline:
            time.sleep(0.05)
        return version

    path.write_text(rules_text("file-2", bias=-2.0), encoding="utf-8")
    assert hup_and_wait("file-2") == "file-2"
    # A broken file on SIGHUP changes nothing.
    path.write_text(rules_text("file-3").replace("bias = -3.0", "bias = nan"), encoding="utf-8")
    os.kill(os.getpid(), signal.SIGHUP)
    time.sleep(0.3)
    assert check_version(client) == "file-2"


# --- reload under concurrent checks through real threaded servers ------------------------------


@pytest.fixture
def servers(make_app: Callable[..., Flask]) -> Iterator[list[str]]:
    """Two 'workers' (two apps, one Redis), each a real threaded HTTP server."""
    running = []
    for _ in range(2):
        server = make_server("127.0.0.1", 0, make_app(), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
    yield [f"http://127.0.0.1:{server.server_port}" for server, _ in running]
    for server, thread in running:
        server.shutdown()
        thread.join(5)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (local server)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_every_response_is_consistent_with_exactly_one_version_under_load(servers: list[str]) -> None:
    versions = {f"load-{i}": (-1.0 - 0.5 * i, 1.0 + 0.3 * i) for i in range(6)}
    expected = {name: expected_risk(bias, points) for name, (bias, points) in versions.items()}
    expected_points = {name: round(points, 2) for name, (_, points) in versions.items()}
    assert len(set(expected.values())) == len(expected)  # every version gives a different risk
    check_body = json.dumps({"platform": "instagram", "profile": {"posts": 0}}).encode()
    stop = threading.Event()
    seen: list[tuple[int, dict[str, Any]]] = []
    lock = threading.Lock()

    def hammer(base: str) -> None:
        while not stop.is_set():
            result = _post(base + "/v1/check", check_body, {"Content-Type": "application/json"})
            with lock:
                seen.append(result)

    def wait_until_all_serve(version: str) -> None:
        deadline = time.monotonic() + 3.0
        while True:
            last = [_post(s + "/v1/check", check_body, {"Content-Type": "application/json"})[1] for s in servers]
            if all(b.get("rules_version") == version for b in last):
                return
            assert time.monotonic() < deadline, last
            time.sleep(0.05)

    # Start from the first version everywhere, so every response below belongs to a known file.
    first = rules_text("load-0", *versions["load-0"]).encode()
    assert _post(servers[0] + "/v1/admin/rules", first, {**MAINTAINER, **TOML})[0] == 200
    wait_until_all_serve("load-0")
    threads = [threading.Thread(target=hammer, args=(servers[i % 2],)) for i in range(4)]
    for thread in threads:
        thread.start()
    try:
        for index, name in enumerate(list(versions)[1:], 1):
            time.sleep(0.3)
            target = servers[index % 2]  # publish through both workers in turn
            status, body = _post(
                target + "/v1/admin/rules", rules_text(name, *versions[name]).encode(), {**MAINTAINER, **TOML}
            )
            assert status == 200, body
        # Both workers converge on the last version within the poll interval.
        wait_until_all_serve("load-5")
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert len(seen) > 50
    for status, body in seen:
        assert status == 200, body
        version = body["rules_version"]
        assert version in expected, body
        assert body["risk"] == expected[version], body
        assert [(f["code"], f["points"]) for f in body["findings"]] == [
            ("activity.few_posts", expected_points[version])
        ]
    assert {body["rules_version"] for _, body in seen} >= {"load-0", "load-5"}


@pytest.mark.parametrize(("text", "status"), [(rules_text("doc-1"), 200), ("version = [", 422)])
def test_publish_responses_match_the_openapi_document(client: FlaskClient, text: str, status: int) -> None:
    from tests.api.test_openapi import response_schema, validator_for

    document = client.get("/openapi.json").get_json()
    response = publish(client, text)
    assert response.status_code == status
    schema = response_schema(document, "/v1/admin/rules", "post", status)
    validator_for(document, schema).validate(response.get_json())


def test_checks_do_not_pay_a_redis_round_trip_each(app: Flask, redis_client: redis.Redis) -> None:
    active = app.extensions["haris"].rules
    active.sync()

    def gets() -> int:
        return int(redis_client.info("commandstats").get("cmdstat_get", {}).get("calls", 0))

    before = gets()
    started = time.monotonic()
    for _ in range(2000):
        active.current()
    elapsed = time.monotonic() - started
    # At most one look per started second of the interval (plus the one that may be due now).
    assert gets() - before <= int(elapsed) + 1


def test_rules_that_would_break_every_check_are_refused(client: FlaskClient) -> None:
    """Finding 13: min_run = 0 (a division by zero in handle.digits) and a TOML nested 20,000
    deep are refused with 422; the rules in force stay, and checks still answer."""
    broken = default_rules_text().replace("min_run = 4", "min_run = 0").replace('version = "', 'version = "zero-', 1)
    refused = client.post("/v1/admin/rules", data=broken, content_type="application/toml", headers=MAINTAINER)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "signals.handle.digits.min_run"
    deep = 'version = "deep"\nx = ' + "[" * 20_000 + "]" * 20_000 + "\n"
    nested = client.post("/v1/admin/rules", data=deep, content_type="application/toml", headers=MAINTAINER)
    assert nested.status_code == 422 and nested.get_json()["error"]["code"] == "invalid_rules"
    assert client.post("/v1/check", json={"platform": "x", "profile": {"handle": "hala"}}).status_code == 200


def test_every_signal_parameter_is_bounded() -> None:
    """Every number a rules file can set has both bounds, so no value can reach a signal unchecked."""
    from heuristics.signals import registry

    for code, each in registry().items():
        for name, field in each.Params.model_fields.items():
            if field.annotation in (int, float):
                kinds = {type(item).__name__ for item in field.metadata}
                assert kinds & {"Ge", "Gt"} and kinds & {"Le", "Lt"}, f"{code}.{name} needs both bounds"


def test_candidate_rules_run_over_test_profiles_before_publishing() -> None:
    """A value within bounds that still makes a signal raise is refused before it is published."""
    from heuristics.context import CheckContext
    from heuristics.findings import Detection
    from heuristics.profile import Profile
    from heuristics.rules import RulesError, parse_rules
    from heuristics.signals import registry
    from heuristics.signals.base import Signal, SignalParams
    from server.services.rules_smoke import smoke_test

    class FragileParams(SignalParams):
        divisor: int = 1

    class Fragile(Signal[FragileParams]):
        code = "test.fragile"
        description = "test only: divides by a parameter"
        Params = FragileParams

        def detect(self, profile: Profile, context: CheckContext, params: FragileParams) -> Detection | None:
            return Detection({"x": len(profile.handle or "") // params.divisor})

    signals = registry()
    signals.register(Fragile())
    try:
        text = default_rules_text() + '\n[signals."test.fragile"]\npoints = 1.0\ndivisor = {}\n'
        smoke_test(parse_rules(text.format(2)))
        with pytest.raises(RulesError) as refused:
            smoke_test(parse_rules(text.format(0)))
        assert refused.value.key == "signals.test.fragile" and "ZeroDivisionError" in refused.value.message
    finally:
        signals.remove("test.fragile")


def test_a_chunked_rules_file_past_the_body_limit_is_refused_not_cut(make_app: Any) -> None:
    """Without Content-Length werkzeug stops reading at MAX_CONTENT_LENGTH and ``get_data()``
    gave its first bytes as the whole file: a file padded past the limit (comments, a cut that
    leaves valid TOML) was published without the rest of it."""
    limit = 8 * 1024
    client = make_app(HARIS_MAX_BODY_BYTES=limit).test_client()
    text = rules_text("cut-1") + "# a long comment explaining the next section\n" * (limit // 40)
    assert len(text.encode()) > limit
    response = client.post(
        "/v1/admin/rules",
        input_stream=io.BytesIO(text.encode()),
        headers={**MAINTAINER, **TOML, "Transfer-Encoding": "chunked"},
        environ_base={"wsgi.input_terminated": True},  # as gunicorn passes a chunked body
    )
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "body_too_large"
    assert check_version(client) != "cut-1"

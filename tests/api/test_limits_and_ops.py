"""Rate limiting in the real Redis, health endpoints, metrics, logging and headers."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from heuristics.images import fingerprint_bytes
from server.config import ConfigError
from server.web.limits import LimitReached, Standing
from tests.api.test_banks import b64, photo_bytes
from tests.conftest import TEST_SECRET
from tests.reliability.redis_process import RedisProcess


@pytest.fixture
def make_app(make_app: Any) -> Any:
    """The app factory, with each app's CPU charge pinned (no CPU passes): these tests count
    checks against limits, and a check's CPU charge (``Limits.cpu_clock``) would move their counts
    with the machine — a first check in a fresh test process pays one-off imports, and under xdist
    on a loaded machine that charged a whole allowance (clean-clone CI at bd1ad12: [429, 429,
    429, 429] where [200, 200, 200, 429] was due). The tests of the CPU charge set their own clock."""

    def build(**overrides: Any) -> Any:
        app = make_app(**overrides)
        if "haris_limits" in app.extensions:
            app.extensions["haris_limits"].cpu_clock = lambda: 0.0
        return app

    return build


def test_limiter_really_limits_with_json_429_and_retry_after(
    make_app: Any, redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    client = make_app(HARIS_CHECK_LIMIT="3/minute").test_client()
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.post("/v1/check", json={"platform": "x"})
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    # Counters are in the limiter store only, under our prefix, keyed without the client address.
    keys = [key.decode() for key in limiter_client.keys("*")]
    counters = [key for key in keys if key.startswith("haris:LIMITER/limits/")]
    assert counters and all(
        key.startswith(("haris:LIMITER/limits/", "haris:limiter:pepper:", "haris:{campaign}:")) for key in keys
    )
    assert not any("127.0.0.1" in key for key in keys)
    assert redis_client.keys("haris:LIMITER*") == [] and redis_client.keys("haris:limiter*") == []


def test_limiter_keys_come_from_a_random_pepper_not_the_secret(make_app: Any, limiter_client: redis.Redis) -> None:
    """With the server's secret and the address, the counter's key cannot be computed: it is an
    HMAC under a random pepper that lives only in the limiter store's memory."""
    make_app(HARIS_CHECK_LIMIT="3/minute").test_client().post(
        "/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    [counter] = [key for key in limiter_client.keys("haris:LIMITER/limits/*")]
    for label in (b"limit:", b"address:", b""):
        from_secret = hmac.new(TEST_SECRET.encode(), label + b"203.0.113.9", hashlib.sha256).hexdigest()[:24]
        assert from_secret.encode() not in counter
    [pepper_key] = limiter_client.keys("haris:limiter:pepper:*")
    pepper = limiter_client.get(pepper_key)
    assert len(pepper) == 32 and 0 < limiter_client.ttl(pepper_key) <= 7200
    peppered = hmac.new(pepper, b"address:203.0.113.9", hashlib.sha256).hexdigest()[:24]
    assert peppered.encode() in counter


def test_limit_is_per_client(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="2/minute").test_client()
    for _ in range(2):
        client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    blocked = client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    other = client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert blocked.status_code == 429 and other.status_code == 200


def test_an_ipv6_client_is_one_client_across_its_64(make_app: Any) -> None:
    """One host (or home network) gets a whole IPv6 /64 and may send from any of its 2⁶⁴
    addresses: counted address by address, every limit (checks, the registry, campaign
    contributions) would let it through. So an IPv6 client is its /64, and an IPv4-mapped address
    is its IPv4 address; another /64 is another client."""
    from server.web.limits import limits

    app = make_app(HARIS_CHECK_LIMIT="2/minute")
    client = app.test_client()

    def contributes(address: str) -> bool:
        with app.test_request_context("/v1/check", method="POST", environ_base={"REMOTE_ADDR": address}):
            return limits().campaign.charge(1, refuse=False)

    def status(address: str) -> int:
        return client.post("/v1/check", json={"platform": "x"}, environ_base={"REMOTE_ADDR": address}).status_code

    assert [status("2001:db8:7:1::1"), status("2001:db8:7:1::2")] == [200, 200]
    assert status("2001:db8:7:1:ffff:ffff:ffff:ffff") == 429
    assert status("2001:db8:7:2::1") == 200
    assert [status("192.0.2.44"), status("::ffff:192.0.2.44")] == [200, 200]
    assert status("192.0.2.44") == 429
    assert contributes("2001:db8:9:1::1") and not contributes("2001:db8:9:1::2")  # one an hour (the default)
    # A port a proxy appended is not part of the client's address.
    assert [status("198.51.100.9:40001"), status("198.51.100.9:40002")] == [200, 200]
    assert status("198.51.100.9") == 429
    assert [status("[2001:db8:5:1::1]:443"), status("2001:db8:5:1::9")] == [200, 200]
    assert status("[2001:db8:5:1::2]:8443") == 429


def test_two_apps_share_one_limit_through_the_limiter_store(make_app: Any) -> None:
    first, second = make_app(HARIS_CHECK_LIMIT="2/minute"), make_app(HARIS_CHECK_LIMIT="2/minute")
    assert first.test_client().post("/v1/check", json={"platform": "x"}).status_code == 200
    assert second.test_client().post("/v1/check", json={"platform": "x"}).status_code == 200
    assert first.test_client().post("/v1/check", json={"platform": "x"}).status_code == 429


def test_every_limit_of_a_list_is_enforced(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="100/hour;2/minute").test_client()
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    # The minute window answered, so the wait is at most a minute, not the hour's.
    retry = int(client.post("/v1/check", json={"platform": "x"}).headers["Retry-After"])
    assert 0 < retry <= 60


def test_reports_have_their_own_much_tighter_limit(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="100/minute", HARIS_REPORT_LIMIT="2/hour").test_client()
    report = {"platform": "x", "profile": {"handle": "someone"}, "reason": "impersonation"}
    statuses = [client.post("/v1/reports", json=report).status_code for _ in range(3)]
    assert statuses == [202, 202, 429]
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 200


def test_cross_site_posts_do_not_use_up_the_users_allowance(make_app: Any) -> None:
    """Finding 8: a web page's no-preflight POSTs (text/plain, or multipart with its Origin) are
    refused without being counted, so the user's own checks still answer."""
    client = make_app(HARIS_CHECK_LIMIT="3/minute").test_client()
    hostile = {"Origin": "https://evil.example"}
    for _ in range(10):
        plain = client.post("/v1/check", data="x", content_type="text/plain", headers=hostile)
        assert plain.status_code == 403 and plain.get_json()["error"]["code"] == "origin_not_allowed"
        multipart = client.post("/v1/check", data={"check": "{}"}, content_type="multipart/form-data", headers=hostile)
        assert multipart.status_code == 403
        # Without an Origin (a non-browser client), a wrong media type is refused uncounted too.
        assert client.post("/v1/check", data="x", content_type="text/plain").status_code == 415
    extension = {"Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop"}
    statuses = [client.post("/v1/check", json={"platform": "x"}, headers=extension).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def charged_by_contacts_only(app: Any) -> FlaskClient:
    """A client of ``app`` whose checks' CPU charge is pinned (no CPU passes): these tests count
    what a check's contacts are charged before scoring; what long contact lists cost in CPU on the
    machine running the tests must not move their counts (the CPU charge has its own test)."""
    app.extensions["haris_limits"].cpu_clock = lambda: 0.0
    return app.test_client()


def named_contacts(count: int, name_length: int) -> list[dict[str, str]]:
    return [
        {"display_name": f"{number:06d}" + "a" * (name_length - 6), "account_id": str(number)}
        for number in range(count)
    ]


def test_contacts_are_charged_by_what_matching_them_costs(make_app: Any) -> None:
    """Per contact (200 characters' worth), per character of its names and per photo (150): 500
    contacts of ordinary names are free; many short names or photos are not (each contact costs
    about as much to normalise, and each photo to compare, whatever its names' length)."""
    client = charged_by_contacts_only(make_app(HARIS_CHECK_LIMIT="20/minute"))
    ordinary = {"platform": "x", "profile": {"display_name": "Sami K"}, "contacts": named_contacts(500, 40)}
    assert client.post("/v1/check", json=ordinary).status_code == 200  # 500 × 240 = 120,000: counted once
    longer = {**ordinary, "contacts": named_contacts(500, 60)}  # 500 × 260 = 130,000: 1 + 1 counts
    assert client.post("/v1/check", json=longer).status_code == 200
    short = {**ordinary, "contacts": named_contacts(700, 6)}  # 700 × 206 = 144,200: 1 + 3 counts
    assert client.post("/v1/check", json=short).status_code == 200
    photo = fingerprint_bytes(photo_bytes("coffee")).hex
    photos = {**ordinary, "contacts": [{**c, "avatar_hash": photo} for c in named_contacts(320, 40)]}
    assert client.post("/v1/check", json=photos).status_code == 200  # 320 × 390 = 124,800: 1 + 1 counts
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(12)]
    assert statuses == [200] * 11 + [429]  # 20 − (1 + 2 + 4 + 2) = 11 left


def _never_confirming(fingerprint_hex: str, aspect: int) -> str:
    """The same phashes (a candidate of that photo) with another aspect and inverted detail
    hashes: a confirmation is tried, at a new place, and fails."""
    raw = bytearray(bytes.fromhex(fingerprint_hex))
    raw[2] = aspect
    details = len(fingerprint_bytes(photo_bytes("coffee")).details) * 32
    raw[-details:] = bytes(b ^ 0xFF for b in raw[-details:])
    return raw.hex()


def test_contact_photos_that_are_candidates_of_the_checked_photo_are_charged(make_app: Any) -> None:
    """A check's photo sent as bytes is confirmed against every contact photo whose phash is a
    candidate of it, at up to 36 places of its pixels each (~1.6 ms, where a contact photo that is
    no candidate costs ~0.05 ms). 300 contacts with candidate photos cost ~0.5 s and were charged
    as one check (300 × 390 characters, under the free 120,000): one address's 60 checks a minute
    kept half a core busy. Each candidate now costs CONTACT_CANDIDATE_CHARACTERS (7,000) more;
    without pixels (a hash) it is a cheap comparison and costs nothing more."""
    from server.web.limits import CONTACT_CANDIDATE_CHARACTERS

    assert CONTACT_CANDIDATE_CHARACTERS == 7_000
    client = charged_by_contacts_only(make_app(HARIS_CHECK_LIMIT="12/minute"))
    photo = photo_bytes("coffee")
    own = fingerprint_bytes(photo).hex
    contacts = [
        {"display_name": f"{n:06d}aaaa", "avatar_hash": _never_confirming(own, 64 + n)} for n in range(20)
    ]  # 20 × (200 + 10 + 150) = 7,200 characters, + 20 × 7,000 candidates = 147,200: 1 + 3 counts
    strangers = [{**c, "avatar_hash": fingerprint_bytes(photo_bytes("brick")).hex} for c in contacts]
    body = {"check": json.dumps({"platform": "x", "profile": {"display_name": "Zed"}, "contacts": contacts})}
    multipart = client.post("/v1/check", data={**body, "avatar": (io.BytesIO(photo), "a.jpg")})
    assert multipart.status_code == 200 and multipart.get_json()["findings"] == []
    # The same contacts against the photo's hash (no pixels), or other photos: no more than before.
    assert client.post("/v1/check", json={**json.loads(body["check"]), "avatar_hash": own}).status_code == 200
    no_candidates = {**json.loads(body["check"]), "contacts": strangers, "avatar": b64(photo)}
    assert client.post("/v1/check", json=no_candidates).status_code == 200
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]  # 12 − (4 + 1 + 1) = 6 left


class _CpuClock:
    """The check's CPU clock (``Limits.cpu_clock``), moved by the test: each check reads it when
    it starts and when it ends, and is given ``spent`` seconds between the two."""

    def __init__(self, spent: float) -> None:
        self.spent = spent
        self.now = 0.0
        self.started = False

    def __call__(self) -> float:
        if self.started:
            self.now += self.spent
        self.started = not self.started
        return self.now


def test_a_check_is_charged_once_more_per_started_100_ms_of_cpu_past_the_first(make_app: Any) -> None:
    """Whatever makes a check cost: names that keep the name index aligning (a tagline of three
    six-part names against 300 contacts of common names took 0.41 s, charged as one check), a
    registry of thousands, an image that is slow to decode. Each check is charged, once it is
    done, one more count per started CHECK_CPU_SECONDS (0.1 s) of its thread's CPU past the first
    (beyond what its contacts were already charged), so one address's CPU stays within its
    allowance's worth; ordinary checks, photos included, take a few to ~20 ms and count once."""
    from server.web.limits import CHECK_CPU_SECONDS

    assert CHECK_CPU_SECONDS == 0.1
    app = make_app(HARIS_CHECK_LIMIT="10/minute")
    client = app.test_client()
    limits = app.extensions["haris_limits"]
    limits.cpu_clock = _CpuClock(0.35)  # 1 + 3 counts
    assert client.post("/v1/check", json={"platform": "x", "profile": {"display_name": "Zed"}}).status_code == 200
    # A refused body is charged for its CPU too (a photo that is slow to decode, then refused).
    refused = client.post("/v1/check", json={"platform": "x", "avatar": "!!"})
    assert refused.status_code == 422  # 1 + 3 counts
    limits.cpu_clock = _CpuClock(0.05)
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # 10 − 8 = 2 left
    # Contacts' own charge counts towards it: 700 short names are 1 + 3 counts before scoring.
    other = {"REMOTE_ADDR": "10.9.9.9"}
    limits.cpu_clock = _CpuClock(0.35)
    body = {"platform": "x", "contacts": named_contacts(700, 6)}
    assert client.post("/v1/check", json=body, environ_base=other).status_code == 200  # 1 + 3, not 1 + 6
    limits.cpu_clock = _CpuClock(0.05)
    statuses = [client.post("/v1/check", json={"platform": "x"}, environ_base=other).status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]


class _ClockedStore:
    """A protected-people store whose reads take ``seconds`` of a test's CPU clock (a registry of
    thousands, rebuilt in a check's thread after a trainer's change); everything else as the real one."""

    def __init__(self, real: Any, clock: list[float], seconds: float) -> None:
        self.real, self.clock, self.seconds = real, clock, seconds

    def all(self) -> Any:
        self.clock[0] += self.seconds
        return self.real.all()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_check_is_not_charged_for_rebuilding_the_workers_copies(make_app: Any, monkeypatch: Any) -> None:
    """The check that happens to find the registry (or a bank, or the rules) changed rebuilds this
    worker's copy: the worker's work, not its client's, so its CPU is not charged to the client."""
    from server.lookups import versioned

    app = make_app(HARIS_CHECK_LIMIT="5/minute")
    client = app.test_client()
    clock = [0.0]
    monkeypatch.setattr(versioned, "cpu_clock", lambda: clock[0])
    app.extensions["haris_limits"].cpu_clock = lambda: clock[0]
    lookup = app.extensions["haris"].lookups["protected"]
    lookup.store = _ClockedStore(lookup.store, clock, 2.0)
    lookup.invalidate()
    statuses = [client.post("/v1/check", json={"platform": "x", "profile": {"display_name": "Zed"}}).status_code]
    assert clock[0] == 2.0  # the first check rebuilt the registry
    statuses += [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(5)]
    assert statuses == [200] * 5 + [429]  # each check counted once


def test_expanding_contact_names_cost_bounded_work_and_are_charged(make_app: Any) -> None:
    """Finding 4: contacts named with U+FDFA ×200 (each character expands to 18 under NFKC) are
    normalised from bounded text, and are charged by what they send: 300 such contacts with
    100-character handles are 300 × (200 + 300) = 150,000 characters, 1 + 3 counts."""
    from heuristics.names.normalise import MAX_CLEANED_LENGTH, MAX_PART_LETTERS, MAX_PARTS, clean_unicode, normalise

    expanding = "\ufdfa" * 200
    assert len(clean_unicode(expanding)) <= MAX_CLEANED_LENGTH < 18 * 200
    normalised = normalise(expanding)
    assert len(normalised.cleaned) <= MAX_CLEANED_LENGTH
    assert all(len(reading.parts) <= MAX_PARTS for reading in normalised.readings)
    assert all(len(part.text) <= MAX_PART_LETTERS for reading in normalised.readings for part in reading.parts)
    client = charged_by_contacts_only(make_app(HARIS_CHECK_LIMIT="6/minute"))
    body = {
        "platform": "x",
        "profile": {"display_name": "\ufdfa" * 3},
        "contacts": [{"display_name": expanding, "handle": "h" * 100} for _ in range(300)],
    }
    assert client.post("/v1/check", json=body).status_code == 200  # 1 + 3 counts
    statuses = [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_long_contact_list_past_the_limit_is_refused_and_still_counted(make_app: Any) -> None:
    client = charged_by_contacts_only(make_app(HARIS_CHECK_LIMIT="5/minute"))
    body = {"platform": "x", "contacts": named_contacts(420, 100)}  # 420 × (200 + 100) = 126,000: 1 + 1
    assert client.post("/v1/check", json=body).status_code == 200
    assert client.post("/v1/check", json=body).status_code == 200  # 4 of 5
    refused = client.post("/v1/check", json=body)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 429


def test_failed_api_keys_are_limited_per_address(make_app: Any) -> None:
    """Finding 22: past HARIS_KEY_FAILURE_LIMIT, every key from that address is refused unread."""
    client = make_app(HARIS_KEY_FAILURE_LIMIT="3/minute").test_client()
    guesses = [client.get("/v1/reports", headers={"Authorization": f"Bearer guess-{n}"}).status_code for n in range(4)]
    assert guesses == [401, 401, 401, 429]
    right = client.get("/v1/reports", headers={"Authorization": "Bearer test-bootstrap-key"})
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0
    elsewhere = client.get(
        "/v1/reports", headers={"Authorization": "Bearer test-bootstrap-key"}, environ_base={"REMOTE_ADDR": "10.9.9.9"}
    )
    assert elsewhere.status_code == 200
    # A check is answered anyway (anonymously) from the throttled address.
    assert client.post("/v1/check", json={"platform": "x"}, headers={"Authorization": "Bearer x"}).status_code == 200


def test_the_limiter_adapter_counts_through_flask_limiters_strategy(make_app: Any, limiter_client: redis.Redis) -> None:
    """server.web.limits.Allowance relies on the strategy flask-limiter builds (``Limiter.limiter``)
    counting through the ``limits`` API (``hit`` with a cost, ``get_window_stats``) in the
    limiter store, under flask-limiter's key prefix: if either library stops doing so, this fails."""
    from server.web.limits import limits

    app = make_app(HARIS_CHECK_LIMIT="5/minute")
    with app.test_request_context("/v1/check", method="POST", environ_base={"REMOTE_ADDR": "10.1.1.1"}):
        allowance = limits().check
        assert allowance.standing() == Standing(used=False, used_up=False, retry_after=1)
        allowance.charge(3)
        [counter] = limiter_client.keys("haris:LIMITER/limits/*/check/*")
        assert limiter_client.get(counter) == b"3"
        standing = allowance.standing()
        assert standing is not None and standing.used and not standing.used_up
        allowance.charge(2)
        with pytest.raises(LimitReached) as refused:
            allowance.charge()
        assert 0 < refused.value.retry_after <= 60
        standing = allowance.standing()
        assert standing is not None and standing.used_up and 0 < standing.retry_after <= 60
        assert limiter_client.get(counter) == b"6"


def test_production_needs_a_limiter_store_that_does_not_persist(make_app: Any, tmp_path: Any) -> None:
    production = {"HARIS_ENV": "production", "HARIS_BOOTSTRAP_KEY": None}
    with pytest.raises(ConfigError, match="HARIS_LIMITER_URL"):
        make_app(HARIS_LIMITER_URL=None, **production)
    persisting = RedisProcess(tmp_path / "persisting")  # appendonly yes, like a main store
    persisting.start()
    try:
        with pytest.raises(ConfigError, match="persists"):
            make_app(HARIS_LIMITER_URL=persisting.url, **production)
    finally:
        persisting.stop()
    assert make_app(**production).config["HARIS_ENV"] == "production"  # the tests' limiter store


def test_development_without_a_limiter_store_counts_in_memory(
    make_app: Any, caplog: pytest.LogCaptureFixture, limiter_client: redis.Redis
) -> None:
    with caplog.at_level(logging.WARNING, logger="haris.redis"):
        app = make_app(HARIS_LIMITER_URL=None, HARIS_CHECK_LIMIT="2/minute")
    assert "HARIS_LIMITER_URL is not set" in caplog.text
    client = app.test_client()
    assert [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)] == [200, 200, 429]
    assert limiter_client.keys("*") == []


def test_production_refuses_a_short_bootstrap_key(make_app: Any) -> None:
    with pytest.raises(ConfigError, match="HARIS_BOOTSTRAP_KEY"):
        make_app(HARIS_ENV="production", HARIS_BOOTSTRAP_KEY="short-key")
    assert make_app(HARIS_ENV="production", HARIS_BOOTSTRAP_KEY="k" * 32).config["HARIS_BOOTSTRAP_KEY"] == "k" * 32


def test_ratelimit_enabled_false_turns_the_limiter_off(make_app: Any) -> None:
    client = make_app(HARIS_CHECK_LIMIT="1/minute", RATELIMIT_ENABLED=False).test_client()
    assert [client.post("/v1/check", json={"platform": "x"}).status_code for _ in range(3)] == [200] * 3


@pytest.mark.parametrize("setting", ["HARIS_CHECK_LIMIT", "HARIS_LOGIN_LIMIT", "HARIS_LOGIN_ACCOUNT_LIMIT"])
def test_a_malformed_limit_stops_the_start(make_app: Any, setting: str) -> None:
    with pytest.raises(ConfigError, match=setting):
        make_app(**{setting: "sixty a minute"})


def test_health_and_readiness(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["redis"] == "ok"


def test_readyz_fails_when_redis_is_unreachable(make_app: Any, tmp_path: Any) -> None:
    app = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock")
    client = app.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["checks"]["redis"] == "down"
    # Checks still answer (the limiter fails open for anonymous checks), long contact lists too.
    assert client.post("/v1/check", json={"platform": "x"}).status_code == 200
    assert client.post("/v1/check", json={"platform": "x", "contacts": named_contacts(500, 200)}).status_code == 200


MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}


def test_metrics_count_checks_and_findings(make_app: Any) -> None:
    client = make_app(HARIS_METRICS_DELAY=0).test_client()
    client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}})
    text = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    assert 'haris_findings_total{code="activity.few_posts"} 1.0' in text
    assert 'haris_http_requests_total{method="POST",route="/v1/check",status="200"} 1.0' in text


def test_metrics_count_repeated_checks_and_bound_the_method_label(make_app: Any) -> None:
    client = make_app(HARIS_METRICS_DELAY=0).test_client()
    for _ in range(3):
        client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0}})
    for method in ("BREW", "PROPFIND", "X-ANYTHING"):
        client.open("/nowhere", method=method)
    text = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    assert 'haris_findings_total{code="activity.few_posts"} 3.0' in text
    assert 'haris_checks_total{level="low"} 3.0' in text
    assert 'haris_http_requests_total{method="OTHER",route="<unmatched>",status="404"} 3.0' in text
    assert "BREW" not in text and "PROPFIND" not in text


def test_metrics_need_a_maintainer_key_and_hold_findings_back(make_app: Any, redis_client: redis.Redis) -> None:
    """Finding 14: /metrics is not public, and a scrape does not show a check as it happens."""
    from server.roles import Role
    from server.storage.apikeys import create_api_key

    client = make_app().test_client()
    assert client.get("/metrics").status_code == 401
    trainer = {"Authorization": "Bearer " + create_api_key(redis_client, Role.TRAINER, "t")}
    assert client.get("/metrics", headers=trainer).status_code == 403
    before = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    client.post("/v1/check", json={"platform": "x", "profile": {"posts": 0, "followers": 1}})
    after = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    assert "haris_findings_total{" not in after and "haris_checks_total{" not in after
    assert 'route="/v1/check"' in after and 'route="/v1/check"' not in before  # requests are still counted
    metrics = client.application.extensions["haris"].metrics
    metrics.delay_seconds = 0
    metrics._next_release = 0.0
    released = client.get("/metrics", headers=MAINTAINER).get_data(as_text=True)
    assert 'haris_findings_total{code="activity.few_posts"} 1.0' in released


def test_one_log_line_per_request_without_any_profile_data(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="haris"):
        client.post(
            "/v1/check?who=MARKERQUERY",
            json={
                "platform": "x",
                "profile": {"display_name": "MARKERNAME", "handle": "markerhandle", "bio": "MARKERBIO"},
                "contacts": [{"display_name": "MARKERCONTACT"}],
            },
            headers={"X-Request-ID": "req-12345678"},
        )
    lines = [r for r in caplog.records if r.name == "haris.request"]
    assert len(lines) == 1
    fields = lines[0].fields  # type: ignore[attr-defined]
    assert fields["route"] == "/v1/check" and fields["status"] == 200 and fields["request_id"] == "req-12345678"
    # No duration: a check's cost says what it matched (a photo, a protected person's count).
    assert set(fields) == {"event", "method", "route", "status", "request_id"}
    everything = " ".join(r.getMessage() + repr(getattr(r, "fields", "")) for r in caplog.records).lower()
    assert "marker" not in everything


def test_only_a_check_line_goes_without_its_duration(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="haris"):
        client.get("/v1/rules")
        client.post("/v1/check", json={"platform": "x", "profile": {"handle": "someone"}})
    lines = {r.fields["route"]: r.fields for r in caplog.records if r.name == "haris.request"}  # type: ignore[attr-defined]
    assert isinstance(lines["/v1/rules"]["duration_ms"], float)
    assert "duration_ms" not in lines["/v1/check"]


def test_security_headers_and_request_id(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert len(response.headers["X-Request-ID"]) >= 8


def test_cors_only_for_extension_origins(client: FlaskClient) -> None:
    ok = client.options(
        "/v1/check",
        headers={
            "Origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert ok.headers.get("Access-Control-Allow-Origin") == "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    bad = client.options(
        "/v1/check", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_embedded_redis_starts_by_itself_and_keeps_data(tmp_path: Any) -> None:
    from server import create_app

    config = {"REDIS_URL": None, "HARIS_DATA_DIR": str(tmp_path / "embedded")}
    app = create_app(config)
    client = app.test_client()
    assert client.get("/readyz").status_code == 200
    app.extensions["haris"].redis.client.set("haris:test:persist", b"1")
    app.extensions["haris"].redis.embedded.shutdown(save=True)
    again = create_app(config)
    assert again.extensions["haris"].redis.client.get("haris:test:persist") == b"1"
    again.extensions["haris"].redis.embedded.shutdown(nosave=True)
    # The embedded limiter store (one server for both apps) holds nothing worth keeping.
    limiter = again.extensions["haris"].redis.limiter
    assert limiter.client is not None and limiter.client.config_get("save") == {"save": ""}
    limiter.embedded.shutdown(nosave=True)


def test_production_refuses_to_start_without_a_secret(make_app: Any) -> None:
    from server.config import ConfigError

    with pytest.raises(ConfigError):
        make_app(HARIS_ENV="production", HARIS_SECRET_KEY=None)
    with pytest.raises(ConfigError):
        make_app(HARIS_ENV="production", HARIS_SECRET_KEY="short")


def test_a_limit_longer_than_the_pepper_hour_stops_the_start(make_app: Any) -> None:
    with pytest.raises(ConfigError, match="HARIS_REPORT_LIMIT"):
        make_app(HARIS_REPORT_LIMIT="5/hour;20/day")


def test_the_log_line_holds_no_method_a_client_made_up(client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    """Any token is an HTTP method: the log line wrote whatever a client sent there (up to a
    header line's length), the one free text left in it. An unknown method is logged as OTHER."""
    with caplog.at_level(logging.INFO, logger="haris"):
        client.open("/v1/check", method="MARKER-" + "X" * 200)
        client.open("/v1/check", method="POST", json={"platform": "x"})
    methods = [r.fields["method"] for r in caplog.records if r.name == "haris.request"]  # type: ignore[attr-defined]
    assert methods == ["OTHER", "POST"]

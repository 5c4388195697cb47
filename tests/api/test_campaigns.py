"""The campaign aggregate through the API, on real Redis: bursts are seen across clients, a
flood from one anonymous client changes nothing for another person's established account, and a
trainer's checks count without the cap."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import numpy as np
from flask import Flask

from tests.api.test_banks import photo_bytes

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SNOWFLAKE_EPOCH_MS = 1_288_834_974_657


def snowflake(moment: datetime, sequence: int) -> str:
    """An X id created at ``moment`` (its low bits vary, as a made-up id's would)."""
    return str(((int(moment.timestamp() * 1000) - SNOWFLAKE_EPOCH_MS) << 22) | (sequence & 0x3FFFFF))


def pinned(app: Flask) -> Flask:
    """The check clock pinned, and the aggregate's noise and keys drawn from a seeded generator
    (the test must not depend on a lucky draw; the bounds it asserts hold for any draw)."""
    app.extensions["haris"].clock = lambda: NOW
    app.extensions["haris"].campaigns.rng = np.random.default_rng(20)
    return app


def check(client: Any, address: str, profile: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {"platform": "x", "profile": profile, **extra}
    response = client.post("/v1/check", json=body, headers={"X-Forwarded-For": address})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_burst_checked_by_many_clients_is_seen(make_app: Any) -> None:
    app = pinned(make_app(HARIS_PROXY_COUNT=1))
    client = app.test_client()
    made = datetime(2026, 9, 1, 3, 0, tzinfo=UTC)
    for n in range(16):
        profile = {"account_id": snowflake(made, 1000 + n), "handle": f"sara{40000 + n}", "posts": 40}
        first = check(client, f"203.0.113.{n + 1}", profile)
    codes = {f["code"] for f in first["findings"]}
    assert "campaign.creation_burst" in codes
    finding = next(f for f in first["findings"] if f["code"] == "campaign.creation_burst")
    # Counts are never above the accounts really added (noise is subtracted at its most), and
    # a pre-filled seen bit may keep a few out: between 6 and the 16 checked.
    assert 6 <= finding["evidence"]["accounts"] <= 16
    assert finding["evidence"]["window"] == "hour"
    assert "within an hour" in finding["message"]


def test_a_flood_from_one_client_changes_nothing_for_an_established_account(make_app: Any) -> None:
    app = pinned(make_app(HARIS_PROXY_COUNT=1))
    client = app.test_client()
    created = datetime(2019, 5, 4, 10, 30, tzinfo=UTC)
    photo = base64.b64encode(photo_bytes("chelsea")).decode()
    defender = {
        "account_id": snowflake(created, 7),
        "handle": "hala_ahed",
        "display_name": "Hala Ahed",
        "bio": "Journalist and human rights defender. Tweets in Arabic, English and French.",
        "followers": 5400,
        "following": 610,
        "posts": 12_800,
        "joined": "2019-05",
    }
    before = check(client, "198.51.100.7", defender, avatar=photo)
    for n in range(150):
        moment = datetime.fromtimestamp(created.timestamp() + (n % 60 - 30) * 60, tz=UTC)
        fake = {**defender, "account_id": snowflake(moment, 5000 + n), "handle": f"hala_ahed{n}"}
        extra = {"avatar": photo} if n % 3 == 0 else {}
        check(client, "192.0.2.66", fake, **extra)
    after = check(client, "198.51.100.99", defender, avatar=photo)
    assert after == before
    assert not any(f["code"].startswith("campaign.") for f in after["findings"])


def test_made_up_accounts_an_hour_apart_never_flag_a_protected_persons_own_account(make_app: Any) -> None:
    """The cap holds for an hour, the counts for weeks: one address sending one made-up account an
    hour, each dated within minutes of a defender's account and wearing her bio, makes
    creation_burst and template_bio fire on that account (docs/campaigns.md, "Poisoning and
    floods"). Registered as a protected person, her own account is never flagged by a campaign
    signal; for an anonymous client that silence counts against HARIS_REGISTRY_LIMIT, past which
    the answer is the one anybody's account gets."""
    from server.web.limits import Peppers

    app = pinned(make_app(HARIS_PROXY_COUNT=1, HARIS_REGISTRY_LIMIT="1/hour"))
    client = app.test_client()
    hours = [490_000 * 3_600.0]  # the pepper's clock: a new key every hour, so the cap lets one in
    state = app.extensions["haris_limits"]
    state.peppers = Peppers(app.extensions["haris"].redis.limiter.client, clock=lambda: hours[0])
    bio = "Journalist and human rights defender. Tweets in Arabic, English and French."
    hers = {"account_id": snowflake(datetime(2019, 5, 4, 10, 30, tzinfo=UTC), 7), "handle": "hala_ahed1", "bio": bio}
    other = {"account_id": snowflake(datetime(2018, 2, 1, 8, 0, tzinfo=UTC), 9), "handle": "rim_s1", "bio": bio + "!"}
    person = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": hers["account_id"]}]}
    key = {"Authorization": "Bearer test-bootstrap-key"}
    assert client.post("/v1/protected", json=person, headers=key).status_code == 201
    for n in range(4):
        for profile, number in ((hers, 5000), (other, 6000)):
            hours[0] += 2 * 3_600
            made = int(profile["account_id"]) >> 22  # its creation, in ms since the snowflake epoch
            moment = datetime.fromtimestamp((made + SNOWFLAKE_EPOCH_MS) / 1000 + (n - 2) * 60, tz=UTC)
            made_up = {
                **profile,
                "account_id": snowflake(moment, number + n),
                "handle": f"{profile['handle'][:-1]}{n + 2}",
            }
            check(client, "192.0.2.66", made_up)
    flagged = {f["code"] for f in check(client, "198.51.100.7", other)["findings"]}
    assert {"campaign.creation_burst", "campaign.template_bio"} <= flagged  # an unregistered account
    first = check(client, "198.51.100.8", hers)
    assert not any(f["code"].startswith("campaign.") for f in first["findings"])
    assert first["unavailable"] == []  # nothing says a signal was held back
    # The same client again, past its registry allowance: the answer anybody's account gets.
    again = {f["code"] for f in check(client, "198.51.100.8", hers)["findings"]}
    assert {"campaign.creation_burst", "campaign.template_bio"} <= again
    # A trainer is never limited.
    body = {"platform": "x", "profile": hers}
    trainer = client.post("/v1/check", json=body, headers=key).get_json()
    assert not any(f["code"].startswith("campaign.") for f in trainer["findings"])


def test_a_trainers_checks_are_counted_beyond_the_cap(make_app: Any) -> None:
    app = pinned(make_app(HARIS_PROXY_COUNT=1))
    client = app.test_client()
    made = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    key = {"Authorization": "Bearer test-bootstrap-key"}
    for n in range(16):
        body = {"platform": "x", "profile": {"account_id": snowflake(made, n), "posts": 30}}
        assert client.post("/v1/check", json=body, headers=key).status_code == 200
    seen = check(client, "203.0.113.200", {"account_id": snowflake(made, 99), "posts": 30})
    assert "campaign.creation_burst" in {f["code"] for f in seen["findings"]}


def test_one_clients_contributions_are_capped_in_any_hour_across_the_peppers_change(make_app: Any) -> None:
    """The cap holds across the hour where the client's key changes (a new pepper): a client that
    contributed just before it is not let in again just after it (a fixed window keyed by the
    hour's pepper would allow two in a minute); a refused request uses up nothing."""
    from server.web.limits import Peppers, limits

    app = pinned(make_app(HARIS_PROXY_COUNT=1))
    hours = [490_000 * 3_600 + 3_599.0]  # the pepper's clock: one second before an hour ends
    state = app.extensions["haris_limits"]
    state.peppers = Peppers(app.extensions["haris"].redis.limiter.client, clock=lambda: hours[0])

    def contributes(address: str = "192.0.2.66") -> bool:
        with app.test_request_context("/v1/check", method="POST", environ_base={"REMOTE_ADDR": address}):
            return limits().campaign.charge(1, refuse=False)

    assert contributes()
    assert not contributes()  # the same hour
    hours[0] += 1  # the next hour (a new pepper, a new key): still within an hour of the first
    assert not contributes()
    assert contributes("192.0.2.67")  # another client is not held back
    hours[0] += 3_600  # two pepper hours later: both keys are new to this client
    assert contributes()


def test_a_check_of_an_account_already_counted_spends_no_contribution_allowance(make_app: Any) -> None:
    """An anonymous client's one contribution an hour is not used up by checking an account the
    aggregate already holds (its seen bit set: the contribution would add nothing): it is kept
    for an account that can be added."""
    from server.web.limits import limits

    app = pinned(make_app(HARIS_PROXY_COUNT=1))
    client = app.test_client()
    made = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    counted = {"account_id": snowflake(made, 1), "posts": 30}
    trainer = {"Authorization": "Bearer test-bootstrap-key"}
    # A trainer's check adds it (or finds its bit pre-filled): either way its seen bit is set.
    assert client.post("/v1/check", json={"platform": "x", "profile": counted}, headers=trainer).status_code == 200
    for _ in range(3):
        check(client, "192.0.2.66", counted)
    with app.test_request_context("/v1/check", method="POST", environ_base={"REMOTE_ADDR": "192.0.2.66"}):
        assert limits().campaign.charge(1, refuse=False)  # still whole: nothing was spent above
        assert not limits().campaign.charge(1, refuse=False)  # one an hour: now it is spent


def test_the_contribution_allowance_keeps_one_moving_window_per_storage() -> None:
    """The campaign allowance's moving window is built once, on the storage flask-limiter's
    strategy uses, and built anew when that strategy moves to another storage (flask-limiter's
    in-memory fallback): the contributions are then counted where the strategy counts."""
    from limits.storage import MemoryStorage
    from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

    from server.web.limits import Allowance, StorageGuard

    class Extension:  # what Allowance reads of flask-limiter's Limiter: its switch and its strategy
        enabled = True
        limiter = FixedWindowRateLimiter(MemoryStorage())

    extension = Extension()
    allowance = Allowance(extension, StorageGuard(fail_open=False), "campaign", "1/hour",  # type: ignore[arg-type]
                          lambda: "client", previous_key=lambda: "client-before")  # fmt: skip
    first = allowance._strategy()
    assert isinstance(first, MovingWindowRateLimiter) and first.storage is extension.limiter.storage
    assert allowance.charge(refuse=False) and not allowance.charge(refuse=False)
    assert allowance._strategy() is first
    extension.limiter = FixedWindowRateLimiter(MemoryStorage())  # the strategy moved to another storage
    moved = allowance._strategy()
    assert moved is not first and moved.storage is extension.limiter.storage
    assert allowance.charge(refuse=False)  # counted afresh where the strategy now counts


def test_a_cases_snapshot_reads_the_campaign_counts_and_adds_nothing_to_them(make_app: Any) -> None:
    """A case opened on one account of a burst shows the burst in its snapshot (evidence a notice
    can cite), through the API and the console alike; opening it writes nothing to the aggregate:
    the suspect may be what a reporter wrote."""
    app = pinned(make_app(HARIS_PROXY_COUNT=1))
    client = app.test_client()
    limiter = app.extensions["haris"].redis.limiter.client
    made = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
    key = {"Authorization": "Bearer test-bootstrap-key"}
    for n in range(16):
        body = {"platform": "x", "profile": {"account_id": snowflake(made, n), "posts": 30}}
        assert client.post("/v1/check", json=body, headers=key).status_code == 200

    def aggregate() -> dict[bytes, bytes | None]:
        return {name: limiter.dump(name) for name in sorted(limiter.scan_iter("haris:{campaign}:*"))}

    before = aggregate()
    assert before  # the checks above wrote the epoch's table
    account_id = snowflake(made, 99)
    suspect = {"profile_url": f"https://x.com/i/user/{account_id}", "account_id": account_id, "posts": 30}
    impersonated = {"display_name": "Hala Ahed", "profile_url": "https://x.com/hala_ahed", "platform": "x"}
    case_body = {"platform": "x", "suspect": suspect, "impersonated": impersonated}
    response = client.post("/v1/cases", json=case_body, headers=key)
    assert response.status_code == 201, response.get_json()
    case = client.get(f"/v1/cases/{response.get_json()['id']}", headers=key).get_json()
    snapshot = case["check"]
    burst = next(f for f in snapshot["findings"] if f["code"] == "campaign.creation_burst")
    assert 6 <= burst["evidence"]["accounts"] <= 16
    assert set(burst["messages"]) == {"ar", "en", "fr"}
    assert not any(code.startswith("campaign.") for code in snapshot["unavailable"])
    assert "campaign.creation_burst" in case["reasons"]
    assert aggregate() == before  # read, never added to

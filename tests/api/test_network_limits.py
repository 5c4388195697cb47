"""Per-IPv6-/48 limits of campaign contributions and anonymous reports, on real Redis (single and
cluster). An IPv6 client is its /64 for every limit, and a /48 — free from tunnel brokers — is
65,536 of them: its contributions to the campaign aggregate and its reports have a cap together
(``HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS``, ``HARIS_REPORT_NETWORK_LIMIT``). IPv4 clients are not
grouped; an IPv4-mapped address is its IPv4 address."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import redis
from flask import Flask

from heuristics.campaigns import traits
from heuristics.profile import Platform, Profile
from tests.api.test_campaigns import pinned, snowflake

# Four /64s of one /48, then the first /64 again (it has room of its own: the /48 refuses it).
WALK = ["2001:db8:aa:1::7", "2001:db8:aa:2::7", "[2001:db8:aa:3::7]:443", "2001:db8:aa:4::7", "2001:db8:aa:1::8"]
IPV4 = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "::ffff:198.51.100.5"]


class Contributions:
    """Whether an anonymous check added its account to the campaign aggregate, read in the
    aggregate itself (the account's seen bit), for accounts it did not hold before."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client = app.test_client()
        self._accounts = self._fresh()

    def seen(self, profile: dict[str, Any]) -> bool:
        aggregate = self.app.extensions["haris"].campaigns
        return aggregate.lookup(traits(Profile.model_validate(profile), Platform.X, None)).maybe_counted

    def _fresh(self) -> Iterator[dict[str, Any]]:
        """Accounts whose seen bit is not set (15% of them are pre-filled: those could not be added)."""
        made = datetime(2026, 10, 2, 8, 0, tzinfo=UTC)
        for n in range(10_000):
            profile = {"account_id": snowflake(made, 3_000 + n), "posts": 30}
            if not self.seen(profile):
                yield profile

    def answer(self, address: str, profile: dict[str, Any]) -> bytes:
        body = {"platform": "x", "profile": profile}
        response = self.client.post("/v1/check", json=body, environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 200, response.get_json()
        return response.get_data()

    def contributes(self, address: str) -> bool:
        """Check a fresh account from ``address``: whether the check added it."""
        profile = next(self._accounts)
        self.answer(address, profile)
        return self.seen(profile)


def test_an_ipv6_48_shares_one_contribution_allowance_across_its_64s(make_app: Any) -> None:
    """Past HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS the /48's checks add nothing to the aggregate,
    whichever /64 sends them; another /48 and IPv4 clients keep theirs, and a /64 still has its
    own HARIS_CAMPAIGN_CONTRIBUTIONS inside a /48 with room."""
    app = pinned(make_app(HARIS_CAMPAIGN_CONTRIBUTIONS="2/hour", HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS="3/hour"))
    added = Contributions(app)
    assert [added.contributes(address) for address in WALK] == [True, True, True, False, False]
    assert added.contributes("2001:db8:bb:1::7")  # another /48
    assert [added.contributes(address) for address in IPV4] == [True] * 5  # not grouped
    assert [added.contributes("2001:db8:cc:1::1") for _ in range(3)] == [True, True, False]


def test_a_contribution_refused_by_the_48_leaves_the_answer_as_it_is(make_app: Any) -> None:
    """A check whose contribution the /48's cap refused is answered byte for byte as a check that
    contributes (the same account, the same aggregate): nothing in it says a cap was reached."""
    app = pinned(make_app(HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS="1/hour"))
    added = Contributions(app)
    assert added.contributes("2001:db8:aa:1::1")  # the /48's one contribution
    profile = next(added._accounts)
    refused = added.answer("2001:db8:aa:2::1", profile)  # a /64 with room, in a /48 without
    assert not added.seen(profile)
    allowed = added.answer("203.0.113.50", profile)
    assert added.seen(profile)  # the same check, contributed
    assert refused == allowed


def test_an_ipv6_48_shares_one_report_allowance_across_its_64s(make_app: Any) -> None:
    """Past HARIS_REPORT_NETWORK_LIMIT the /48's reports are refused as a client's past
    HARIS_REPORT_LIMIT are (429 rate_limited, Retry-After), whichever /64 sends them; another /48
    and IPv4 clients are not, and a /64 still has its own limit inside a /48 with room."""
    client = make_app(HARIS_REPORT_LIMIT="2/hour", HARIS_REPORT_NETWORK_LIMIT="3/hour").test_client()
    sent = iter(range(1_000))

    def report(address: str) -> Any:
        body = {"platform": "x", "reason": "impersonation", "profile": {"handle": f"someone{next(sent)}"}}
        return client.post("/v1/reports", json=body, environ_base={"REMOTE_ADDR": address})

    assert [report(address).status_code for address in WALK[:3]] == [202] * 3
    by_network = [report(address) for address in WALK[3:]]
    assert [response.status_code for response in by_network] == [429, 429]
    assert report("2001:db8:bb:1::7").status_code == 202  # another /48
    assert [report(address).status_code for address in IPV4] == [202] * 5  # not grouped
    by_address = [report("2001:db8:cc:1::1") for _ in range(3)]
    assert [response.status_code for response in by_address] == [202, 202, 429]
    # The /48's refusal is the per-address one: the same body, a wait within the hour.
    assert by_network[0].get_json() == by_address[2].get_json()
    assert by_network[0].get_json()["error"]["code"] == "rate_limited"
    for refused in (by_network[0], by_address[2]):
        assert 0 < int(refused.headers["Retry-After"]) <= 3_600


def test_only_a_check_that_would_contribute_counts_against_the_48(make_app: Any, limiter_client: redis.Redis) -> None:
    """The /48's allowance is read only when a contribution is attempted: checks of an account
    the aggregate already holds, or of no account id, leave no counter for the /48 (nor the /64),
    so they cost no limiter round trip for it. A contribution counts against both."""
    app = pinned(make_app())
    added = Contributions(app)
    counted = next(added._accounts)
    key = {"Authorization": "Bearer test-bootstrap-key"}
    assert added.client.post("/v1/check", json={"platform": "x", "profile": counted}, headers=key).status_code == 200
    assert added.seen(counted)  # a trainer's check added it

    def scopes() -> set[str]:
        return {key.decode().split("/")[3] for key in limiter_client.keys("haris:LIMITER/limits/*")}

    for address in ("2001:db8:aa:1::1", "2001:db8:aa:2::1"):
        added.answer(address, counted)
        added.answer(address, {"handle": "someone", "posts": 30})
    assert scopes().isdisjoint({"campaign", "campaign-network"})
    assert added.contributes("2001:db8:aa:3::1")
    assert {"campaign", "campaign-network"} <= scopes()

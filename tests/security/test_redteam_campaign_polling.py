"""Red team, (a): an anonymous client that polls the campaign aggregate dates the first check of
an account it watches to its polling interval — a residual, documented (docs/privacy.md, "Known
limits of what is kept"; docs/campaigns.md, "Any client reads the seen bit too"), asserted here
so that a change that closes it, or widens it, is seen.

Any client reads the aggregate's counts, and through them any account's seen bit: a trait count it
raised itself (a bio it sent with a few made-up accounts from a few addresses) is shown, and shown
one lower when the checked account's bit is set. Such a read adds nothing once the client's
contribution allowance is spent (``HARIS_CAMPAIGN_CONTRIBUTIONS``, one an hour: it spends it on a
made-up account first), so it can be repeated as often as the check limit allows (60 a minute per
address). Whoever runs a bait account (an entrapment profile) reads its seen bit, or the count of a
bio (a photo, a handle's template) only the bait wears, every few seconds; the answer changes at
the first check that adds the bait to the aggregate — a user's extension opening the bait's page.
With an ISP's record of who connected to the server in those seconds (the adversary of
``tests/privacy/test_seized_server.py``), that names its user. The docs said the bit told "not who
checked them or when".

What would close it is a product decision (the report and docs/privacy.md weigh it): contributions
held in each worker and written at a clock boundary date the first check to that interval, and make
the aggregate's counts late by as much. Answering a check that adds nothing as if its account were
counted would hide the bit, not the counters (the second test).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask.testing import FlaskClient

from tests.api.test_campaigns import check, pinned, snowflake

PRIMED_BIO = "Travel, coffee and good people. Cairo / Beirut. DM me for collabs"
POLLER = "203.0.113.9"


def _primed(client: FlaskClient) -> None:
    """The poller's bio, added to the aggregate by four made-up accounts from four addresses (one
    contribution each), and its own allowance spent on a fifth: its reads add nothing from now on."""
    for n in range(1, 5):
        made_up = {"account_id": snowflake(datetime(2025, 3, n, tzinfo=UTC), n), "bio": PRIMED_BIO}
        check(client, f"198.51.100.{n}", made_up)
    check(client, POLLER, {"account_id": snowflake(datetime(2024, 1, 1, tzinfo=UTC), 3), "bio": "spent"})


def _read_bit(client: FlaskClient, account_id: str) -> int | None:
    """What the poller reads: the primed bio's count, sent with the watched account's id."""
    found = check(client, POLLER, {"account_id": account_id, "bio": PRIMED_BIO})["findings"]
    return next((f["evidence"]["accounts"] for f in found if f["code"] == "campaign.template_bio"), None)


def test_a_client_polling_a_bait_accounts_seen_bit_sees_the_moment_someone_checks_it(make_app: Any) -> None:
    client = pinned(make_app(HARIS_PROXY_COUNT=1)).test_client()
    _primed(client)
    bait = snowflake(datetime(2026, 10, 2, 8, 0, tzinfo=UTC), 7)

    polls = [_read_bit(client, bait) for _ in range(3)]
    assert polls[0] is not None and polls == [polls[0]] * 3  # reading changes nothing: it can be repeated

    # A user's extension opens the bait's page: its check adds the bait (the user's allowance is whole).
    check(client, "192.0.2.50", {"account_id": bait, "bio": "Just me. Photos and thoughts."})

    assert _read_bit(client, bait) == polls[0] - 1  # the next poll shows it: the residual


def test_a_client_polling_a_count_it_raised_sees_the_moment_someone_checks_an_account_sharing_it(
    make_app: Any,
) -> None:
    """The same through the counters, which answering as if every account were counted would not
    close: the bait wears a bio of its own, the poller adds it with two made-up accounts (two
    addresses) and then reads its count with made-up ids that are never added (its allowance is
    spent; one id throughout, whose bit it has read unset); the count rises at the first check that
    adds the bait."""
    client = pinned(make_app(HARIS_PROXY_COUNT=1)).test_client()
    bait_bio = "Lonely heart, Tunis. Looking for real friends, write to me"
    for n in (1, 2):
        made_up = {"account_id": snowflake(datetime(2025, 3, n, tzinfo=UTC), n), "bio": bait_bio}
        check(client, f"198.51.100.{n}", made_up)
    check(client, POLLER, {"account_id": snowflake(datetime(2024, 1, 1, tzinfo=UTC), 3), "bio": "spent"})

    def read_count() -> int | None:
        made_up = {"account_id": snowflake(datetime(2023, 6, 1, tzinfo=UTC), 100), "bio": bait_bio}
        found = check(client, POLLER, made_up)["findings"]
        return next((f["evidence"]["accounts"] for f in found if f["code"] == "campaign.template_bio"), None)

    polls = [read_count() for _ in range(3)]
    assert polls[0] is not None and polls == [polls[0]] * 3

    bait = snowflake(datetime(2026, 10, 2, 8, 0, tzinfo=UTC), 7)
    check(client, "192.0.2.50", {"account_id": bait, "bio": bait_bio})

    assert read_count() == polls[0] + 1  # the residual


def test_a_filer_polling_a_made_up_account_it_reported_sees_a_trainer_check_it(make_app: Any) -> None:
    """(c) the same way: a report's page adds nothing to the aggregate, but a trainer's own check
    of the reported account (the console's check, or the API with a key) does, as a vouched check.
    A filer that reported a made-up account nobody else would check, and polls its bit, sees the
    moment a trainer checked it by hand."""
    client = pinned(make_app(HARIS_PROXY_COUNT=1)).test_client()
    _primed(client)
    made_up = snowflake(datetime(2026, 10, 9, 8, 0, tzinfo=UTC), 11)
    filed = client.post(
        "/v1/reports",
        json={"platform": "x", "reason": "entrapment", "profile": {"account_id": made_up}},
        headers={"X-Forwarded-For": POLLER},
    )
    assert filed.status_code == 202
    before = _read_bit(client, made_up)
    assert before is not None and _read_bit(client, made_up) == before

    trainer = {"Authorization": "Bearer test-bootstrap-key"}
    body = {"platform": "x", "profile": {"account_id": made_up}}
    assert client.post("/v1/check", json=body, headers=trainer).status_code == 200

    assert _read_bit(client, made_up) == before - 1  # the residual: a trainer looked


def test_held_contributions_date_the_first_check_only_to_the_hold_interval(make_app: Any) -> None:
    """With ``HARIS_CAMPAIGN_HOLD_SECONDS`` the poller's reads stay as they were until the clock
    passes the interval's end: then the next request writes what was held, and the poll says only
    that the bait was first checked in the interval before it."""
    app = pinned(make_app(HARIS_PROXY_COUNT=1, HARIS_CAMPAIGN_HOLD_SECONDS=600))
    held = app.extensions["haris"].contributions
    wall = [1_796_000_400.0]  # the start of an interval of 600 seconds
    held.clock = lambda: wall[0]
    held.release_when_due()  # its interval read from the clock now in force
    client = app.test_client()
    _primed(client)
    bait = snowflake(datetime(2026, 10, 2, 8, 0, tzinfo=UTC), 7)
    wall[0] += 600
    assert client.get("/healthz").status_code == 200  # any request ends by writing what was held
    polls = [_read_bit(client, bait) for _ in range(3)]
    assert polls[0] is not None and polls == [polls[0]] * 3

    wall[0] += 5
    check(client, "192.0.2.50", {"account_id": bait, "bio": "Just me. Photos and thoughts."})
    wall[0] += 590  # the end of the interval: still held
    assert _read_bit(client, bait) == polls[0]

    wall[0] += 5  # past it: the first request ends by writing them (the poll after it sees it)
    _read_bit(client, bait)
    assert _read_bit(client, bait) == polls[0] - 1


def test_held_contributions_are_written_once_per_interval_and_bounded(monkeypatch: Any) -> None:
    """Nothing is written inside the interval; after it, every held account once (one held twice
    adds nothing the second time); past MAX_HELD_CONTRIBUTIONS, more are lost, not kept."""
    from heuristics.campaigns import CampaignAggregate, MemoryCellStore, traits
    from heuristics.profile import Platform, Profile
    from server.storage import campaigns

    wall = [1_796_000_400.0]
    aggregate = CampaignAggregate(MemoryCellStore(), clock=lambda: wall[0])
    held = campaigns.HeldContributions(aggregate, 600, clock=lambda: wall[0])
    made_at = datetime(2026, 9, 1, tzinfo=UTC)
    made = [traits(Profile(account_id=snowflake(made_at, n), bio="same bio here"), Platform.X, None) for n in range(3)]
    for found in (*made, made[0]):
        held.contribute(found)
    assert held.release_when_due() == 0
    assert not any(aggregate.lookup(found).maybe_counted for found in made)  # nothing written yet
    wall[0] += 600
    assert 1 <= held.release_when_due() <= 3  # a bit pre-filled (15%) adds nothing; the repeat never
    assert all(aggregate.lookup(found).maybe_counted for found in made)
    assert held.release_when_due() == 0  # the same interval: nothing left

    monkeypatch.setattr(campaigns, "MAX_HELD_CONTRIBUTIONS", 2)
    for found in made:
        held.contribute(found)
    assert len(held._held) == 2

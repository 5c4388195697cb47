"""Red team, (a): an anonymous client that polls an account's seen bit dates the account's first
check to its polling interval — a residual, documented (docs/privacy.md, "Known limits of what is
kept"; docs/campaigns.md, "Any client reads the seen bit too"), asserted here so that a change
that closes it, or widens it, is seen.

Any client reads any account's seen bit in the campaign aggregate, one check each: a trait count
it raised itself (a bio it sent with a few made-up accounts from a few addresses) is shown one
lower when the checked account's bit is set. Such a read adds nothing once the client's
contribution allowance is spent (``HARIS_CAMPAIGN_CONTRIBUTIONS``, one an hour: it spends it on a
made-up account first), so it can be repeated — as often as the check limit allows (60 a minute
per address). Whoever runs a bait account (an entrapment profile) reads its bit every few seconds;
the answer changes at the first check of the bait that added it to the aggregate: a user's
extension opening the bait's page. With an ISP's record of who connected to the server in those
seconds (the adversary of ``tests/privacy/test_seized_server.py``), that names its user. The
docs said the bit told "not who checked them or when".

What would close it is a product decision (the report lists the options): hold contributions and
write them at a clock boundary (the bait's first check dated to that interval, the aggregate's
counts late by as much), or answer a check that adds nothing as if the account were counted (the
bit read only by a check that sets it: one read per address and hour, which spoils the next; one
account fewer in most checks' counts).
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

"""A report's filing does the same work whether its account is already reported or not, and
however much its pending report holds (docs/privacy.md, "Reports"): the time of the filing was an
oracle — whoever runs a fake account reported it and a made-up one and compared, and learnt that
someone had reported hers. The work is counted, not timed (bench/report_filing_timing.py times it):
the Redis commands the server runs for the filing (``INFO commandstats``) and the characters of
JSON the filing parses and serialises.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from server.storage import reports as reports_storage
from server.storage.reports import MAX_MERGED_NOTES, MAX_OTHER_HANDLES, MAX_VARIANTS, RECORD_BUDGET, ReportStore

_OWN = {"info", "config"}  # the test's own commands


def _body(account: str, n: int) -> dict[str, Any]:
    """A report of ``account`` (by id), its note, handle and bio new with each ``n``."""
    return {
        "platform": "instagram",
        "reason": ("entrapment", "impersonation", "other")[n % 3],
        "note": f"note {n} " + "n" * 990,
        "profile": {"account_id": account, "handle": f"handle_{n}", "display_name": f"Name {n}", "bio": f"{n} " * 240},
    }


def _commands(client: redis.Redis) -> Counter[str]:
    stats = client.info("commandstats")
    return Counter({name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()
                    if name.removeprefix("cmdstat_") not in _OWN})  # fmt: skip


@pytest.fixture
def filings(make_app: Any, redis_client: redis.Redis) -> FlaskClient:
    """An app with pending reports: other accounts', a small one of ``small`` and one of ``capped``
    at every cap."""
    client = make_app(HARIS_REPORT_LIMIT="1000/minute").test_client()
    for n in range(5):
        assert client.post("/v1/reports", json=_body(f"other-{n}", n)).status_code == 202
    assert client.post("/v1/reports", json=_body("small", 0)).status_code == 202
    for n in range(2 * max(MAX_MERGED_NOTES, MAX_VARIANTS, MAX_OTHER_HANDLES)):
        assert client.post("/v1/reports", json=_body("capped", n)).status_code == 202
    [capped] = [r for r in ReportStore(redis_client).pending() if r["profile"]["account_id"] == "capped"]
    assert (len(capped["notes"]), len(capped["variants"]), len(capped["handles"])) == (
        MAX_MERGED_NOTES,
        MAX_VARIANTS,
        MAX_OTHER_HANDLES,
    )
    return client


def test_a_first_report_and_merges_run_the_same_redis_commands(filings: FlaskClient, redis_client: redis.Redis) -> None:
    """A first report wrote a record, its account's key and the arrival counter (INCR, a MULTI of
    five writes); a merge read the pending record and wrote it back (one SET): 22 commands against
    17. Both now read the same way and write with one script that runs the same commands."""
    found = {}
    for case, account in (("first", "never-reported"), ("small", "small"), ("capped", "capped")):
        redis_client.config_resetstat()
        assert filings.post("/v1/reports", json=_body(account, 100)).status_code == 202
        found[case] = _commands(redis_client)
    assert found["first"] == found["small"] == found["capped"], found
    # The write itself: one script in a transaction, on the record WATCHed (a merge) or the
    # account's key (a first report).
    assert found["first"]["evalsha"] >= 1 and found["first"]["exec"] == 1 and found["first"]["watch"] == 1


def test_a_first_report_and_merges_parse_and_serialise_as_much_json(
    filings: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A merge into a capped record parsed and serialised some 16,000 characters of JSON where a
    first report serialised 2,000 (and parsed none). Each now comes to ``RECORD_BUDGET`` each way,
    ballast making up what the record lacks, to within one piece of it."""
    counted = {"parsed": 0, "serialised": 0}
    parse, serialise = reports_storage._parse, reports_storage._serialise

    def counting_parse(text: str) -> Any:
        counted["parsed"] += len(text)
        return parse(text)

    def counting_serialise(record: Any) -> str:
        text = serialise(record)
        counted["serialised"] += len(text)
        return text

    monkeypatch.setattr(reports_storage, "_parse", counting_parse)
    monkeypatch.setattr(reports_storage, "_serialise", counting_serialise)
    found = {}
    for case, account in (("first", "never-reported"), ("small", "small"), ("capped", "capped")):
        counted.update(parsed=0, serialised=0)
        assert filings.post("/v1/reports", json=_body(account, 100)).status_code == 202
        found[case] = dict(counted)
    piece = reports_storage._PIECE_CHARS
    for way in ("parsed", "serialised"):
        sizes = [found[case][way] for case in found]
        assert max(sizes) - min(sizes) < piece, (way, found)
        assert min(sizes) > RECORD_BUDGET - piece, (way, found)


def test_the_budget_covers_a_capped_record_of_the_longest_fields(
    filings: FlaskClient, redis_client: redis.Redis
) -> None:
    """The ballast only makes up a record's shortfall: a capped record of the longest fields a
    report allows (written without escapes) stays under the budget, so a merge into it is evened
    out too."""
    capped = next(r for r in ReportStore(redis_client).pending() if r["profile"]["account_id"] == "capped")
    longest = dict(capped)
    longest["notes"] = ["n" * 1000] * MAX_MERGED_NOTES
    longest["handles"] = ["h" * 100] * MAX_OTHER_HANDLES
    profile = {"account_id": "i" * 128, "handle": "h" * 100, "display_name": "d" * 200, "bio": "b" * 500}
    profile |= {"profile_url": "u" * 512, "based_in": "p" * 100, "followers": 10**9, "joined": "2020-01-01"}
    longest["profile"] = profile
    longest["note"] = "n" * 1000
    longest["avatar_hash"] = "a" * 512
    longest["variants"] = [{"profile": profile, "avatar_hash": "a" * 512}] * MAX_VARIANTS
    assert len(reports_storage._serialise(longest)) < RECORD_BUDGET

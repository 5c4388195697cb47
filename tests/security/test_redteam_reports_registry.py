"""Red team: the report queue's red warning as a way to read the protected-people registry
without a trace.

The queue and a report's page warn a trainer, in red, when a report names a protected person's
own registered account ("a campaign reporting her"). That warning is a read of the registry — it
says that this account is a protected person's — and it was neither audited nor counted: whoever
holds a stolen trainer session (or a curious trainer) files anonymous reports of candidate
handles and account ids (``POST /v1/reports``: no key needed) and reads the queue, fifty to a page,
learning which accounts belong to protected people, where a manual check of the same accounts
leaves ``protected.matched`` in the audit trail (``tests/security/test_redteam_registry.py``).

Now every page that shows the warning records the read as a check naming her does:
``protected.matched`` with her id, by the trainer, once a request; and counts it against
``HARIS_PROTECTED_MATCH_LIMIT`` as her checks are (tests/console/test_report_registry_allowance.py).
"""

from __future__ import annotations

from typing import Any

import redis
from flask import Flask

from tests.security.test_redteam_registry import _trainer_in_the_console, trail

HER_ACCOUNT = {"account_id": "42", "handle": "someone_else", "display_name": "A Name"}
NOBODYS = {"account_id": "4242", "handle": "nobody_here", "display_name": "A Name"}


def _file(app: Flask, profile: dict[str, Any]) -> None:
    answer = app.test_client().post("/v1/reports", json={"platform": "x", "reason": "other", "profile": profile})
    assert answer.status_code == 202


def test_the_queue_warning_that_an_account_is_hers_is_an_audited_read(make_app: Any, redis_client: redis.Redis) -> None:
    app = make_app(HARIS_REPORT_LIMIT="1000/minute")
    browser, person_id = _trainer_in_the_console(app, redis_client)
    _file(app, NOBODYS)
    _file(app, HER_ACCOUNT)
    queue = browser.get("/console/reports")
    assert queue.status_code == 200
    assert 'data-warning="protected"' in queue.get_data(as_text=True)  # the read itself
    reads = [entry for entry in trail(app) if entry[1] == "protected.matched"]
    assert reads == [("amal", "protected.matched", person_id, {})], trail(app)


def test_a_reports_page_with_the_warning_records_it_too(make_app: Any, redis_client: redis.Redis) -> None:
    app = make_app(HARIS_REPORT_LIMIT="1000/minute")
    browser, person_id = _trainer_in_the_console(app, redis_client)
    _file(app, HER_ACCOUNT)
    [report_id] = [r.decode() for r in redis_client.zrange("haris:{reports}:pending", 0, -1)]
    page = browser.get(f"/console/reports/{report_id}")
    assert page.status_code == 200 and 'data-warning="protected"' in page.get_data(as_text=True)
    assert ("amal", "protected.matched", person_id, {}) in trail(app)


def test_no_warning_no_read(make_app: Any, redis_client: redis.Redis) -> None:
    app = make_app(HARIS_REPORT_LIMIT="1000/minute")
    browser, _ = _trainer_in_the_console(app, redis_client)
    _file(app, NOBODYS)
    assert browser.get("/console/reports").status_code == 200
    assert [entry for entry in trail(app) if entry[1].startswith("protected.")] == []

"""A report's page and the report queue read the protected-people registry ("this account is a
protected person's own", "this profile is taken for her"), and count those reads against the
trainer's ``HARIS_PROTECTED_MATCH_LIMIT`` as her checks are (``server.console.registry_reads``).

Anyone may file a report without a key: a stolen trainer session that files reports of candidate
accounts and opens their pages read the registry as fast as the anonymous report limits allowed,
where the console's check page stops at the limit. Past it, the pages still render and say on
every report that the protected-person match is withheld — never a 500, never a silent "no".
"""

from __future__ import annotations

import html
import re
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.storage.audit import AUDIT_KEY
from tests.console.conftest import page_token
from tests.security.test_redteam_registry import _register, _trainer_in_the_console, trail

# Three protected people's own accounts, each reported by anyone as a fake.
SANA = {"display_names": ["Sana Khalil"], "accounts": [{"platform": "x", "account_id": "44", "handle": "sana_k"}]}
NOUR = {"display_names": ["Nour Tamimi"], "accounts": [{"platform": "x", "account_id": "43"}]}
HER_ACCOUNT = {"account_id": "42", "handle": "someone_else", "display_name": "A Name"}
NOURS_ACCOUNT = {"account_id": "43", "handle": "nour_t", "display_name": "A Name"}
SANAS_ACCOUNT = {"account_id": "44", "handle": "sana_k", "display_name": "A Name"}
NOBODYS = {"account_id": "4242", "handle": "nobody_here", "display_name": "A Name"}


def _setup(make_app: Any, redis_client: redis.Redis, limit: str) -> tuple[Flask, FlaskClient, list[str]]:
    """amal signed in; Hala (42), Nour (43) and Sana (44) registered; the trail emptied."""
    app = make_app(HARIS_REPORT_LIMIT="1000/minute", HARIS_PROTECTED_MATCH_LIMIT=limit)
    browser, hala = _trainer_in_the_console(app, redis_client)
    key = {"Authorization": "Bearer test-bootstrap-key"}
    others = [_register(app.test_client(), key, person) for person in (NOUR, SANA)]
    redis_client.delete(AUDIT_KEY)
    return app, browser, [hala, *others]


def _file(app: Flask, profile: dict[str, Any]) -> str:
    answer = app.test_client().post("/v1/reports", json={"platform": "x", "reason": "other", "profile": profile})
    assert answer.status_code == 202
    return str(answer.get_json()["id"])


def _warnings(page: str) -> list[str]:
    return re.findall(r'data-warning="([a-z_]+)"', page)


def _reads(app: Flask) -> list[tuple[str, str]]:
    return [(action, target) for _, action, target, _ in trail(app) if action.startswith("protected.")]


def test_report_pages_count_against_the_trainers_allowance(make_app: Any, redis_client: redis.Redis) -> None:
    """Two report pages name two protected people and spend an allowance of two: the third
    report's page says the match is withheld (her id nowhere on it), and the trainer's manual
    check is refused — reports are no faster a way to read the registry than the check page."""
    app, browser, (hala, nour, sana) = _setup(make_app, redis_client, "2/hour")
    reports = [_file(app, profile) for profile in (HER_ACCOUNT, NOURS_ACCOUNT, SANAS_ACCOUNT)]
    for report_id in reports[:2]:
        page = browser.get(f"/console/reports/{report_id}")
        assert page.status_code == 200 and _warnings(page.get_data(as_text=True)) == ["protected"]
        assert 'data-registry="protected"' in page.get_data(as_text=True)
    third = browser.get(f"/console/reports/{reports[2]}")
    assert third.status_code == 200
    text = third.get_data(as_text=True)
    assert _warnings(text) == ["registry_withheld"]
    assert 'data-registry="withheld"' in text and sana not in text
    assert "HARIS_PROTECTED_MATCH_LIMIT" in text
    assert _reads(app) == [
        ("protected.matched", hala),
        ("protected.matched", nour),
        ("protected.match_refused", "registry"),
    ]
    form = {"platform": "x", "display_name": "Nobody", "account_id": "99"}
    checked = browser.post("/console/check", data={"csrf_token": page_token(browser, "/console/check"), **form})
    assert checked.status_code == 429


def test_withheld_is_said_on_every_report_in_every_language(make_app: Any, redis_client: redis.Redis) -> None:
    """Once spent, a report of nobody's account says "withheld" too: shown only where there
    would have been a match, the notice would itself be the registry's answer."""
    app, browser, (hala, _, _) = _setup(make_app, redis_client, "1/hour")
    hers, nobodys = _file(app, HER_ACCOUNT), _file(app, NOBODYS)
    assert _warnings(browser.get(f"/console/reports/{hers}").get_data(as_text=True)) == ["protected"]
    texts = {
        "en": "Protected-person match withheld",
        "fr": "Correspondance avec une personne protégée masquée",
        "ar": "تطابق الشخص المحمي محجوب",
    }
    for locale, text in texts.items():
        for report_id in (hers, nobodys):
            page = browser.get(f"/console/reports/{report_id}", headers={"Accept-Language": locale})
            shown = html.unescape(page.get_data(as_text=True))
            assert page.status_code == 200 and _warnings(shown) == ["registry_withheld"]
            assert text in shown and hala not in shown


def test_the_queue_stops_reading_the_registry_at_the_report_that_spends_the_allowance(
    make_app: Any, redis_client: redis.Redis
) -> None:
    """Fifty reports to a page: counted only after the page rendered (or not at all), the queue
    named every protected account on it. It counts as it goes, and withholds the rest."""
    app, browser, (hala, nour, _) = _setup(make_app, redis_client, "2/hour")
    for profile in (HER_ACCOUNT, NOURS_ACCOUNT, SANAS_ACCOUNT):
        _file(app, profile)
    queue = browser.get("/console/reports?order=oldest")
    assert queue.status_code == 200
    text = queue.get_data(as_text=True)
    assert _warnings(text) == ["protected", "protected", "registry_withheld"]
    assert _reads(app) == [
        ("protected.matched", hala),
        ("protected.matched", nour),
        ("protected.match_refused", "registry"),
    ]
    again = browser.get("/console/reports?order=oldest").get_data(as_text=True)
    assert _warnings(again) == ["registry_withheld"] * 3


def test_a_request_audits_each_person_once(make_app: Any, redis_client: redis.Redis) -> None:
    """Two reports of her account (one by its id, one by its handle) on one page of the queue:
    one read of the registry, audited once (the template that looked each report up audited
    each), and counted once."""
    app, browser, (_, _, sana) = _setup(make_app, redis_client, "2/hour")
    _file(app, SANAS_ACCOUNT)
    _file(app, {"handle": "sana_k", "display_name": "A Name"})
    queue = browser.get("/console/reports")
    assert queue.status_code == 200 and _warnings(queue.get_data(as_text=True)) == ["protected", "protected"]
    assert _reads(app) == [("protected.matched", sana)]
    assert _warnings(browser.get("/console/reports").get_data(as_text=True)) == ["protected", "protected"]

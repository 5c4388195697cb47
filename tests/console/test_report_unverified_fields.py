"""A report's figures are its anonymous filer's word (``server.console.report_view.as_reported``).

The adversary reports a genuine account — a defender's — with made-up figures: a join date last
week, three followers, no posts, an empty bio, and the platform's own "fake" label. Rated on
those, her account showed as a high-risk fake on the report's page, coloured as a verified
level, and a case prefilled from the report carried the figures into its snapshot (the notice,
the exports) as established facts. The page
now says the rating is as reported and unverified, shows beside it the rating without the filer's
figures and photo, and marks the findings that rest on them; the case form shows the figures as
reported and leaves them for the trainer to type once seen on the account.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.state import app_state
from server.storage.cases import CaseStore

API_KEY = {"Authorization": "Bearer test-bootstrap-key"}
TODAY = datetime(2026, 6, 1, tzinfo=UTC)  # the app's clock: the made-up join date is "last week"
GENUINE = {
    "account_id": "500",
    "handle": "hala_ahed",
    "display_name": "Hala Ahed",
    "profile_url": "https://x.com/hala_ahed",
}
MADE_UP = {"joined": "2026-05-25", "followers": 3, "following": 900, "posts": 0, "bio": "", "platform_label": "fake"}
FIGURE_CODES = ("account.", "activity.", "bio.", "platform.")


def _forged_report(app: Flask, anonymous: FlaskClient) -> str:
    with app.app_context():
        app_state().clock = lambda: TODAY
    body = {"platform": "x", "reason": "impersonation", "profile": GENUINE | MADE_UP}
    filed = anonymous.post("/v1/reports", json=body)
    assert filed.status_code == 202
    return str(filed.get_json()["id"])


def test_a_reports_rating_is_shown_as_reported_and_unverified(
    console_app: Flask, trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    report_id = _forged_report(console_app, anonymous)
    page = trainer.get(f"/console/reports/{report_id}")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    rating = re.search(r'data-rating="as-reported"><span class="badge (\w+)">([^<]*)<', text)
    assert rating is not None and rating[1] == "unverified" and "As reported, unverified" in rating[2]
    # Made-up figures alone made it high; not coloured as a verified high level.
    assert "high" in rating[2] and 'class="badge high"' not in text and "level-high" not in text
    without = re.search(r'data-rating="without-figures" data-level="(\w+)"', text)
    assert without is not None and without[1] == "low"
    marked = re.findall(r'data-code="([a-z_.]+)" data-unverified="filer"', text)
    assert marked and all(code.startswith(FIGURE_CODES) for code in marked)
    # What the server itself knows is told apart: the registry, looked up by id and handle.
    assert 'data-registry="none"' in text and "What the server itself knows" in text
    french = html.unescape(trainer.get(f"/console/reports/{report_id}", headers={"Accept-Language": "fr"}).text)
    arabic = html.unescape(trainer.get(f"/console/reports/{report_id}", headers={"Accept-Language": "ar"}).text)
    assert "Tel que signalé, non vérifié" in french and "كما ورد في البلاغ، دون تحقق" in arabic


def test_a_case_from_a_report_does_not_carry_the_filers_figures_as_established(
    console_app: Flask, trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    report_id = _forged_report(console_app, anonymous)
    assert anonymous.post(f"/v1/reports/{report_id}/confirm", json={}, headers=API_KEY).status_code == 200
    form = trainer.get(f"/console/cases/new?report={report_id}").get_data(as_text=True)
    assert 'data-unverified="report"' in form and 'data-unverified="figures"' in form
    for name in ("joined", "followers", "following", "posts"):
        assert re.search(rf'name="suspect_{name}"[^>]*value=""', form), name
        assert f'data-figure="{name}"' in form
    # Posted as the form came, the case is rated on what names the account only.
    fields = dict(re.findall(r'<input type="hidden" name="(csrf_token|report_id)" value="([^"]+)"', form))
    for name in ("profile_url", "display_name", "handle", "joined", "followers", "following", "posts"):
        found = re.search(rf'name="suspect_{name}"[^>]*value="([^"]*)"', form)
        fields[f"suspect_{name}"] = html.unescape(found[1]) if found else ""
    fields |= {
        "platform": "x",
        "impersonated_display_name": "Someone Else",
        "impersonated_profile_url": "https://x.com/someone_else",
    }
    opened = trainer.post("/console/cases/new", data=fields)
    assert opened.status_code == 303, opened.get_data(as_text=True)[:2000]
    case_id = opened.headers["Location"].rsplit("/", 1)[-1]
    case = CaseStore(redis_client).get(case_id)
    assert case is not None and case.report_id == report_id
    assert case.suspect.followers is None and case.suspect.joined is None
    assert not [f.code for f in case.check.findings if f.code.startswith(FIGURE_CODES)]


def _checks_counted(anonymous: FlaskClient) -> float:
    text = anonymous.get("/metrics", headers=API_KEY).get_data(as_text=True)
    return sum(float(count) for count in re.findall(r"^haris_checks_total\{[^}]*\} (\S+)$", text, re.M))


def test_reading_a_report_is_not_counted_as_a_check(
    console_app: Flask, trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """A report's page checks its profile twice (with and without the filer's figures) at each
    view; the check metrics count what clients checked, not how often a trainer read a report."""
    metrics = console_app.extensions["haris"].metrics
    metrics.delay_seconds, metrics._next_release = 0, 0.0  # released at each scrape
    report_id = _forged_report(console_app, anonymous)
    before = _checks_counted(anonymous)
    for _ in range(3):
        assert trainer.get(f"/console/reports/{report_id}").status_code == 200
    assert _checks_counted(anonymous) == before
    # A check a client makes is still counted.
    assert anonymous.post("/v1/check", json={"platform": "x", "profile": GENUINE}).status_code == 200
    assert _checks_counted(anonymous) == before + 1

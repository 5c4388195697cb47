"""The extractor health counter end to end: the unpacked extension in Chromium, opted in through its
Options page, reads an x.com profile whose layout changed (the name is read, the follower count and
the photo are not), counts the visit, sends the day's coarse counts when its alarm goes off — a
request of its own, anonymous, content-free — the real server sums them, and a maintainer sees
the missing fields on the console page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
import redis
from flask import request

from server.roles import Role
from server.storage.users import UserStore
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
ALARM = "haris-health"


def wait_for(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_changed_layout_is_counted_sent_stored_and_shown(
    browser: Browser, serve_backend: Callable[..., Backend], redis_client: redis.Redis
) -> None:
    backend = serve_backend()
    received: list[dict[str, Any]] = []

    @backend.app.before_request
    def record_health() -> None:
        if request.path == "/v1/extractor-health":
            received.append(
                {
                    "headers": dict(request.headers),
                    "body": request.get_json(silent=True),
                    "query": request.query_string.decode(),
                }
            )

    browser.configure(backend.url, "en")
    # Opting in, as a person would: the box in Options (Chromium asks no further consent).
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    options.check("#health-counter")
    options.wait_for_selector('#health-status[data-kind="ok"]:not(:empty)')
    options.close()
    planned = wait_for(lambda: browser.health().get("healthNextSend"), 10, "the first send to be planned")
    assert 24 * 3600 * 1000 <= planned - time.time() * 1000 <= 30 * 3600 * 1000 + 60_000
    # The window already holds 24 visits of this version (4 of them incomplete), so the visit
    # below makes the counts multiples of 5: what is sent is then exactly what was counted.
    browser.control.evaluate(
        "counts => import('./../shared/vault-store.js')"
        ".then((m) => m.updateRecord('health', (r) => ({...r, healthCounts: counts})))",
        {"x|2026.9": {"complete": 20, "incomplete": 4, "no_profile": 0, "error": 0, "missing": {"followers": 4}}},
    )

    page = browser.context.new_page()
    page.goto("https://x.com/hana_redesign")
    wait_for(lambda: backend.checks, 15, "the check")
    counted = wait_for(
        lambda: (browser.health().get("healthCounts") or {}).get("x|2026.9", {}).get("incomplete") == 5,
        30,
        "the visit to be judged and counted",
    )
    assert counted
    counts = browser.health()["healthCounts"]
    assert counts == {
        "x|2026.9": {
            "complete": 20,
            "incomplete": 5,
            "no_profile": 0,
            "error": 0,
            "missing": {"followers": 5, "has_avatar": 1},
        }
    }
    assert received == [], "counts are not sent with the check, nor at the moment of a page read"
    page.close()

    # The daily alarm goes off (brought forward; the worker sends from its alarm listener alone).
    browser.worker().evaluate(f"chrome.alarms.create('{ALARM}', {{ when: Date.now() + 500 }})")
    wait_for(lambda: received, 90, "the counts to reach the server")
    [sent] = received
    assert sent["query"] == "" and "Authorization" not in sent["headers"] and "Cookie" not in sent["headers"]
    assert sent["body"]["extractors"][0]["platform"] == "x"
    assert sent["body"]["extractors"][0]["version"] == "2026.9"
    assert sent["body"]["extractors"][0]["complete"] == 20 and sent["body"]["extractors"][0]["incomplete"] == 5
    assert sent["body"]["extractors"][0]["missing"]["followers"] == 5
    assert sent["body"]["extractors"][0]["missing"].get("has_avatar", 0) in {0, 5}  # 1, rounded at random
    text = json.dumps(sent).lower()
    for content in ("hana", "redesign", "mourad", "x.com", "translator"):
        assert content not in text, content
    wait_for(lambda: "healthCounts" not in browser.health(), 10, "the sent counts to be forgotten")
    following = browser.health()["healthNextSend"] - time.time() * 1000
    assert 24 * 3600 * 1000 - 60_000 <= following <= 30 * 3600 * 1000, "the next send a day later, at a random hour"

    # The server summed them; a maintainer sees them on the console page.
    backend.app.extensions["haris"].stores.extractor_health.flush()
    [day_key] = redis_client.keys("haris:{extractors}:day:*")
    stored = redis_client.hgetall(day_key)
    assert stored[b"x|2026.9|incomplete"] == b"5" and stored[b"x|2026.9|missing:followers"] == b"5"
    UserStore(redis_client).create("omar", PASSWORD, Role.MAINTAINER)
    console = browser.context.new_page()
    console.goto(backend.url + "/console/extractors")
    console.get_by_label("Username").fill("omar")
    console.get_by_label("Password").fill(PASSWORD)
    console.get_by_role("button", name="Sign in").click()
    console.wait_for_url(backend.url + "/console/extractors")
    row = console.locator('tr[data-platform="x"][data-version="2026.9"]')
    assert row.locator("td").nth(2).inner_text() == "25"
    assert "followers 5" in row.inner_text()
    console.close()

"""Red-team pass in a real Chromium: can a page's own script (main world) tell, from the banner,
whether the profile it shows is one of the user's trusted contacts?

The banner's content is in a closed shadow root, but its host is in the page's DOM: a script finds
the area it covers with `elementFromPoint`, as any page can. Who is a trusted contact is the one
thing Haris keeps encrypted; a platform that learns it from the size of a banner learns the user's
circle one visit at a time. docs/extension.md ("What a page can tell") lists what a page learns.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.banner_view import BannerView
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser

PASSPHRASE = "olive tram seventeen lantern"
FRIEND = {"display_name": "Mohammed Salih", "platform": "x", "account_id": "88001234", "handle": "m_salih"}
SAVE = "contact => import('./../shared/contacts.js').then(m => m.upsertContact(contact)).then(() => true)"

# What a page's script can measure of the banner: the rectangle where elementFromPoint finds its host.
MEASURE = """() => {
  const host = document.body.previousElementSibling;
  const hit = (x, y) => document.elementFromPoint(x, y) === host;
  let left = null, right = null, top = null, bottom = null;
  for (let x = 0; x < innerWidth; x += 1) if (hit(x, 24)) { if (left === null) left = x; right = x; }
  if (left === null) return null;
  const middle = Math.floor((left + right) / 2);
  for (let y = 0; y < innerHeight; y += 1) if (hit(middle, y)) { if (top === null) top = y; bottom = y; }
  return {left, right, top, bottom};
}"""


def measured(browser: Browser, url: str) -> Any:
    """Open `url` in a tab of its own, wait for the banner's answer, and measure it from the page."""
    page = browser.context.new_page()
    page.goto(url)
    BannerView(page).wait_state("result")
    return page.evaluate(MEASURE)


def test_a_page_cannot_tell_from_the_banner_that_its_profile_is_a_trusted_contact(
    browser: Browser, backend: Backend
) -> None:
    # Banners on every profile (the user's choice): the page knows one is drawn; the question is
    # whether it can also tell a trusted contact's from anyone else's.
    browser.configure(backend.url, "en", everywhere=True)
    browser.create_vault(PASSPHRASE)
    before = measured(browser, "https://x.com/m_salih")
    assert before is not None, "the page finds the banner's host"
    assert browser.control.evaluate(SAVE, FRIEND) is True
    assert [c["account_id"] for c in browser.contacts()] == ["88001234"]
    # The same profile, now a trusted contact (the server is sent her; the worker knows: the popup says so).
    after = measured(browser, "https://x.com/m_salih")
    records = browser.control.evaluate("chrome.storage.session.get(null)")
    trusted = [v["view"].get("trusted") for k, v in records.items() if k.startswith("tab|")]
    assert True in trusted, "the popup's report says trusted"
    assert after == before, "the banner covers the same area whether or not the profile is a trusted contact"

"""Red-team pass in a real Chromium: the extension's own window (Details, "This is my real
friend") opens for the tab the user is looking at, and a page cannot have it opened over and over
(background/service-worker.js openDetails; the message-level bounds, with a moved clock, are in
tests/extension/worker-messages.test.mjs)."""

from __future__ import annotations

import time

import pytest

from tests.browser.banner_view import BannerView
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser


def windows(browser: Browser) -> int:
    """How many of the extension's windows are open: the toolbar popup (headless Chromium opens it
    without drawing it: the extension's own contexts list it) and popup pages in tabs."""
    popups = browser.control.evaluate("chrome.runtime.getContexts({contextTypes: ['POPUP']}).then((c) => c.length)")
    tabs = [p for p in browser.context.pages if p.url.startswith(browser.url("popup/popup.html"))]
    return int(popups) + len(tabs)


def close_windows(browser: Browser) -> None:
    browser.control.evaluate("chrome.extension.getViews({type: 'popup'}).forEach((view) => view.close())")
    for page in [p for p in browser.context.pages if p.url.startswith(browser.url("popup/popup.html"))]:
        page.close()


def test_details_opens_the_window_once_for_the_active_tab_and_never_from_a_background_one(
    browser: Browser, backend: Backend
) -> None:
    browser.configure(backend.url, "en", everywhere=True)
    page = browser.context.new_page()
    page.goto("https://x.com/m_salih")
    banner = BannerView(page)
    banner.wait_state("result")
    page.bring_to_front()
    banner.press("details")
    deadline = time.monotonic() + 10
    while not windows(browser) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert windows(browser) == 1, "Details opens the extension's window"
    # Pressed again and again (as a page's loop would ask): each click in the page closes the
    # toolbar popup, as it does for a person, and none opens it again.
    for _ in range(5):
        page.bring_to_front()
        banner.press("details")
        page.wait_for_timeout(300)
    page.wait_for_timeout(1000)
    assert windows(browser) == 0

    # Another tab in front: a page in a background tab cannot put the window over it.
    close_windows(browser)
    assert windows(browser) == 0
    other = browser.context.new_page()
    other.goto("https://x.com/sara19283746")
    BannerView(other).wait_state("result")
    other.bring_to_front()
    page.wait_for_timeout(10_500)  # past the tab's gap (OPEN_WINDOW_LIMITS.perTabMs)
    banner.press("friend")
    page.wait_for_timeout(1500)
    assert windows(browser) == 0

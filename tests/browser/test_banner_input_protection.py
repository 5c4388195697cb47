"""The banner's input protection, in Chromium with real mouse clicks and keys: a page that times
the banner to appear under a click the user is already making ("double-click here", where "Not now"
will be) must not get the warning dismissed unseen. "Not now" and "This is my real friend" ignore
clicks and keys until the banner has been on screen for a moment (shared/protocol.js
INPUT_PROTECTION), and wait again whenever it is raised or drawn again; Details and Report act at
once. No clock in the assertions: each early click is shown to have landed while the button waited
(it still waits after the click), and each later one waits for the button to stop waiting, as a
person waits for a dimmed button to light up.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.banner_view import BannerView
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser

ATTEMPTS = 5

# The page's own popover, opened over nothing the test needs: the banner is raised above it.
OPEN_POPOVER = """() => {
    const pop = document.createElement("div");
    pop.setAttribute("popover", "manual");
    pop.textContent = "Double-click here!";
    pop.style.cssText = "position: fixed; inset: auto; left: 0; bottom: 0; width: 120px; height: 40px; margin: 0";
    document.body.appendChild(pop);
    pop.showPopover();
}"""


def open_profile(browser: Browser, url: str) -> tuple[Any, BannerView]:
    page = browser.context.new_page()
    page.goto(url)
    return page, BannerView(page)


def early_click(page: Any, banner: BannerView, action: str) -> None:
    """Click `action` while it waits, and show that the click landed in the wait: the button
    still waits after it (the wait never ends early). On a machine too slow to click within the
    wait, the page raises the banner again (it waits anew) and the test clicks again."""
    for _ in range(ATTEMPTS):
        banner.wait(lambda s: (b := banner.button(s, action)) is not None and b.get("aria-disabled") == "true")
        if banner.press_now(action):
            return
        assert banner.section() is not None, f"the {action} click went through: the banner is gone"
        page.evaluate(OPEN_POPOVER)
    raise AssertionError(f"no click on {action} landed while it waited in {ATTEMPTS} attempts")


def test_not_now_ignores_a_click_until_the_banner_has_been_on_screen(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    section = banner.wait_state("result")
    assert banner.button(section, "dismiss").get("aria-describedby") == "haris-arming"
    early_click(page, banner, "dismiss")
    assert banner.section() is not None and banner.section().get("data-level") == "high", "the warning stays"
    # Report raises protection: it acts at once, never waiting.
    assert not banner.waiting("report")
    banner.press_now("report")
    banner.wait(lambda s: s.find(lambda n: n.get("data-action") == "report-entrapment") is not None)
    # Once it has been on screen, the same click hides it.
    banner.wait_armed("dismiss")
    banner.press_now("dismiss")
    banner.wait_gone()


def test_real_friend_ignores_an_early_click(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    banner.wait_state("result")
    early_click(page, banner, "friend")
    section = banner.section()
    assert section is not None and section.find(lambda n: "data-note" in n.attrs) is None, "the window did not open"
    banner.press("friend")
    banner.wait(lambda s: s.find(lambda n: n.get("data-note") == "friend-confirm") is not None)


def test_a_key_on_not_now_is_ignored_until_the_banner_has_been_on_screen(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    banner.wait_state("result")
    # Keyboard order in the banner: Details, This is my real friend, Not now (the host comes first).
    for _ in range(3):
        page.keyboard.press("Tab")
    for _ in range(ATTEMPTS):
        if banner.waiting("dismiss"):
            page.keyboard.press("Enter")
            if banner.waiting("dismiss"):
                break
        page.evaluate(OPEN_POPOVER)
    else:
        raise AssertionError("no key landed while Not now waited")
    assert banner.section() is not None, "Enter on a waiting 'Not now' does nothing"
    banner.wait_armed("dismiss")
    page.keyboard.press("Enter")
    banner.wait_gone()


@pytest.mark.parametrize(
    "shown_anew",
    [
        # Raised above a popover the page opens: a page could open one to cover the banner and
        # close it under the user's click.
        pytest.param(OPEN_POPOVER, id="raised above a page popover"),
        pytest.param("document.body.previousElementSibling.remove()", id="put back after the page removed it"),
    ],
)
def test_a_banner_shown_anew_waits_again(browser: Browser, backend: Backend, shown_anew: str) -> None:
    """Whatever shows the banner anew starts the wait again."""
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    banner.wait_state("result")
    banner.wait_armed("dismiss")
    page.evaluate(shown_anew)
    banner.wait(lambda s: banner.button(s, "dismiss").get("aria-disabled") == "true")
    early_click(page, banner, "dismiss")
    assert banner.section() is not None, "the warning stays"
    banner.press("dismiss")
    banner.wait_gone()


def test_a_double_click_on_not_now_is_ignored_even_once_it_acts(browser: Browser, backend: Backend) -> None:
    """A user asked to click fast, over and over, where the banner appears: the browser counts the
    clicks (`detail`); the second of a double-click or later never hides the warning."""
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    section = banner.wait_armed("dismiss")
    spot = banner.box(banner.button(section, "dismiss"))
    x, y = spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down(click_count=2)
    page.mouse.up(click_count=2)
    assert not banner.waiting("dismiss") and banner.section() is not None, "the second click of a double-click"
    page.mouse.down(click_count=1)
    page.mouse.up(click_count=1)
    banner.wait_gone()


@pytest.mark.parametrize("key", ["Enter", " "])
def test_a_key_held_from_before_never_hides_the_warning(browser: Browser, backend: Backend, key: str) -> None:
    """A key pressed on "Not now" before it acts and held: Enter's repeats, Space's release (which
    is what presses a button) never press it. Pressed afresh, it does."""
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    banner.wait_state("result")
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.down(key)
    banner.wait_armed("dismiss")
    for _ in range(3):
        page.keyboard.down(key)  # held: the browser sends it again as a repeat
    page.keyboard.up(key)
    assert banner.section() is not None, "the held key did nothing"
    page.keyboard.press(key)
    banner.wait_gone()

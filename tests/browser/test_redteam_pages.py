"""Red team: a page that draws over the banner. The page's own elements, at the highest z-index
and later in the DOM than the banner's host (so painted after it), with or without
`pointer-events: none` (a cover the user clicks through, onto the banner's buttons)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.browser.banner_view import BannerView
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser

COVER_COLOUR = (0, 170, 0)  # the page's fake "safe" green, far from every banner background

# The page's cover: a full-screen layer on top of everything the page can stack, saying "safe".
COVER = """(pointerEvents) => {
    const cover = document.createElement("div");
    cover.textContent = "Haris: this account is safe";
    cover.style.cssText = "position: fixed !important; inset: 0 !important; z-index: 2147483647 !important;"
        + "background: rgb(0, 170, 0) !important; opacity: 1 !important; pointer-events: " + pointerEvents;
    document.body.appendChild(cover);
    return document.body.lastElementChild === cover;
}"""


def open_profile(browser: Browser, url: str) -> tuple[Any, BannerView]:
    page = browser.context.new_page()
    page.goto(url)
    return page, BannerView(page)


def pixel(page: Any, x: float, y: float) -> tuple[int, int, int]:
    shot = Image.open(io.BytesIO(page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1}))).convert("RGB")
    return shot.getpixel((0, 0))


@pytest.mark.parametrize("pointer_events", ["auto", "none"])
def test_a_page_layer_at_the_top_z_index_does_not_cover_the_banner(
    browser: Browser, backend: Backend, pointer_events: str
) -> None:
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    box = banner.wait_state("result")
    assert page.evaluate(COVER, pointer_events)
    page.wait_for_timeout(300)
    section = banner.section()
    assert section is not None, "the banner is still drawn"
    area = banner.box(section)
    width = page.viewport_size["width"]
    assert (area["y"], area["x"] + area["width"]) == (12, width - 12), "where it always was: top right"
    centre = (area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    assert pixel(page, *centre) != COVER_COLOUR, "the page's layer is painted over the banner"
    assert pixel(page, 2, area["y"] + area["height"] + 40) == COVER_COLOUR, "the page's layer is there, elsewhere"
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y) === document.body.previousElementSibling", list(centre)
    )
    assert hit, "a click on the banner reaches the banner"
    # The banner's buttons are pressed by the user's mouse, through nothing of the page's.
    assert box.find(lambda n: n.get("data-action") == "dismiss") is not None
    banner.press("dismiss")
    banner.wait_gone()


@pytest.mark.parametrize(
    "hiding",
    [
        "display: none",
        "opacity: 0",
        "transform: scale(0)",
        "clip-path: inset(50%)",
        "filter: opacity(0)",
        "content-visibility: hidden",
    ],
)
def test_a_page_that_hides_its_body_does_not_hide_the_banner(browser: Browser, backend: Backend, hiding: str) -> None:
    """The host's own style is out of the page's reach (:host is !important), but an ancestor's is
    not: a page hides its <body>, with the banner in it, and draws its own page beside it, in an
    element it puts after <body> (a page may put any element anywhere in its DOM)."""
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    banner.wait_state("result")
    page.add_style_tag(content=f"body {{ {hiding} !important; }}")
    page.evaluate(
        """() => {
            const fake = document.createElement("div");
            fake.textContent = "Sara, a friend";
            fake.style.cssText = "position: fixed; inset: 0; background: rgb(0, 170, 0)";
            document.documentElement.appendChild(fake);
        }"""
    )
    page.wait_for_timeout(300)
    section = banner.section()
    assert section is not None, "the banner is still drawn"
    area = banner.box(section)  # raises when the section has no box
    centre = (area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    assert pixel(page, *centre) != COVER_COLOUR, "the banner is not shown"
    banner.press("dismiss")
    banner.wait_gone()


def test_a_page_popover_opened_after_the_banner_does_not_cover_it(browser: Browser, backend: Backend) -> None:
    """The top layer is the page's too: a popover it opens after the banner is drawn would stack
    above it. The banner goes back on top whenever one of the page's popovers opens."""
    browser.configure(backend.url, "en")
    page, banner = open_profile(browser, "https://x.com/sara19283746")
    banner.wait_state("result")
    page.evaluate(
        """() => {
            const cover = document.createElement("div");
            cover.setAttribute("popover", "manual");
            cover.textContent = "Haris: this account is safe";
            cover.style.cssText = "position: fixed; inset: 0; width: 100vw; height: 100vh; margin: 0; border: 0;"
                + "background: rgb(0, 170, 0); pointer-events: none";
            document.body.appendChild(cover);
            cover.showPopover();
        }"""
    )
    page.wait_for_timeout(300)
    section = banner.section()
    assert section is not None
    area = banner.box(section)
    centre = (area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
    assert pixel(page, *centre) != COVER_COLOUR, "the page's popover is painted over the banner"
    assert pixel(page, 2, area["y"] + area["height"] + 40) == COVER_COLOUR, "the page's popover is there, elsewhere"

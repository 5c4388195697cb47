"""Red-team pass in a real Chromium: what a page's own scripts (main world) can learn about Haris.

The adversary writes or controls the page's JavaScript (a platform's script, an XSS, a third-party
script): it watches the DOM from the first moment, fetches extension addresses, and reads the
page's performance timeline. docs/extension.md ("What a page can tell") lists what it sees.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import EXTENSION, PAGES, Backend, Browser

pytestmark = pytest.mark.browser

# Run in the page's main world before any of its own scripts: every element added after the page
# was parsed, by its name, and whether it hosts a shadow root a page could not open.
WATCH = """
window.__added = [];
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) {
      if (node.nodeType === 1) window.__added.push(node.localName);
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
});
"""


def badges(browser: Browser) -> list[str]:
    """The toolbar badge of every open tab, as the extension's own page reads it."""
    return browser.control.evaluate(
        "chrome.tabs.query({}).then(tabs => Promise.all(tabs.map(t => chrome.action.getBadgeText({tabId: t.id}))))"
    )


def watched_profile(browser: Browser, url: str) -> Any:
    page = browser.context.new_page()
    page.add_init_script(WATCH)
    page.goto(url)
    return page


def wait_for(page: Any, done: Any) -> None:
    for _ in range(100):  # polled, not timed
        if done():
            return
        page.wait_for_timeout(100)
    raise AssertionError("timed out")


def test_nothing_in_the_page_leaves_the_dom_untouched_and_the_toolbar_warns(browser: Browser, backend: Backend) -> None:
    # By default a high-risk profile gets a banner, which the page's script sees added: that
    # this visitor runs a safety tool, and that it found the profile risky.
    browser.configure(backend.url, "en")
    page = watched_profile(browser, "https://x.com/sara19283746")
    wait_for(page, lambda: page.evaluate("window.__added.length") > 0)
    [name] = page.evaluate("window.__added")
    assert "-" in name
    page.close()

    # With "Nothing in the page" chosen in Options, the same verdict adds nothing to the page;
    # the toolbar's "!" says it, and the popup has the report.
    browser.save_settings({"pageSilent": True})
    page = watched_profile(browser, "https://x.com/sara19283746")
    # (Answered from the worker's cache: the same profile was checked a moment ago.)
    wait_for(page, lambda: "!" in badges(browser))
    page.wait_for_timeout(1000)  # time to draw, had it meant to
    assert page.evaluate("window.__added") == []
    assert page.evaluate("document.body.previousElementSibling.localName") != name
    stored = browser.control.evaluate("chrome.storage.session.get(null)")
    record = next(v for k, v in stored.items() if k.startswith("tab|"))
    assert record["view"]["level"] == "high"


def test_options_offers_nothing_in_the_page(browser: Browser) -> None:
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    options.check("#page-silent")
    options.fill("#backend-url", "http://127.0.0.1:5000")
    options.click("#save")
    options.wait_for_selector('#status[data-kind="ok"]:not(:empty)')
    assert browser.settings()["pageSilent"] is True
    options.reload()
    # Filled in once the page's module has read the settings (asynchronously), and only then
    # enabled: waited for, not timed (a selector: the page's CSP refuses a polled expression).
    options.wait_for_selector("#page-silent:enabled")
    assert options.is_checked("#page-silent")


def test_a_page_cannot_fetch_or_load_any_of_the_extensions_files(browser: Browser, backend: Backend) -> None:
    """No web_accessible_resources: a page that knows Haris's id still cannot probe for it."""
    browser.configure(backend.url, "en")
    page = browser.context.new_page()
    page.goto("https://x.com/sara19283746")
    files = sorted(str(p.relative_to(EXTENSION)) for p in EXTENSION.rglob("*") if p.is_file())
    assert "manifest.json" in files and "icons/icon-16.png" in files
    reached = page.evaluate(
        """async ([base, files]) => {
            const out = [];
            for (const file of files) {
                const url = base + file;
                const fetched = await fetch(url).then(() => true, () => false);
                const loaded = await new Promise((resolve) => {
                    const img = new Image();
                    img.onload = () => resolve(true);
                    img.onerror = () => resolve(false);
                    img.src = url;
                });
                if (fetched || loaded) out.push(file);
            }
            return out;
        }""",
        [browser.url(""), files],
    )
    assert reached == []


def test_reading_a_blob_photo_leaves_nothing_in_the_pages_timeline(browser: Browser, backend: Backend) -> None:
    """Telegram draws photos from blob: addresses, which the content script reads itself."""
    browser.configure(backend.url, "en", everywhere=True)
    page = browser.context.new_page()
    page.goto("https://web.telegram.org/a/#7001234567")
    wait_for(page, lambda: len(backend.checks) >= 1)
    before = page.evaluate("performance.getEntries().map(e => e.name)")
    photo = (PAGES / "img" / "m_salih.png").read_bytes()
    page.evaluate(
        """bytes => {
            const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
            const avatar = document.querySelector(".Avatar");
            avatar.classList.remove("no-photo");
            avatar.innerHTML = `<div class="inner"><img class="Avatar__media avatar-media" src="${url}"></div>`;
        }""",
        list(photo),
    )
    wait_for(page, lambda: len(backend.checks) >= 2)
    assert "avatar" in backend.checks[-1]
    after = page.evaluate("performance.getEntries().map(e => e.name)")
    assert [name for name in after if name not in before and name.startswith("blob:")] == []

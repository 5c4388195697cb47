"""Red-team finding: a page that takes over its renderer can do whatever Haris's content script can,
and content scripts could read the extension's `local` storage (the vault's ciphertext, to guess
the passphrase offline) and watch every change of it. The worker now closes `local`, `session` and
`sync` to content scripts (Chromium 140 and later: background/storage-access.js).

The test runs code in Haris's content-script world itself: the DevTools protocol lists a page's
execution contexts, and the content scripts' isolated world is the one whose origin is the
extension's (a page script cannot reach it; a taken-over renderer can, which is the threat). There
it reads storage as such a renderer would, while the extension's own pages and the banners keep
working: Options, the popup, a trusted contact's clone warned of, a new language redrawn.

Firefox and Chromium 121-139 cannot close `local`: there nothing of Haris's is kept in it. The
vault's record, the settings, the health counts and an older version's clear contacts are in the
extension's own IndexedDB (shared/vault-store.js), which a content script (running in the page's
origin) never reaches. The last two tests open `local` to content scripts again, as those browsers
leave it, over an older version's profile, and read it from the content-script world.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.banner_view import BannerView
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser

PASSPHRASE = "olive tram seventeen lantern"
FRIEND_FILE = {
    "format": "haris-contacts",
    "version": 1,
    "contacts": [{"display_name": "Mohammed Salih", "platform": "x", "account_id": "88001234", "handle": "m_salih"}],
}
IMPORT_PLAIN = "data => import('./../shared/contacts.js').then(m => m.importContacts(data, ''))"
DENIED = {"error": "Access to storage is not allowed from this context."}
# What the content-script world gets when it reads or reopens an area: the value or the error.
READ = "chrome.storage.{area}.get(null).then(value => ({{value}}), e => ({{error: e.message}}))"
REOPEN = (
    "chrome.storage.local.setAccessLevel({accessLevel: 'TRUSTED_AND_UNTRUSTED_CONTEXTS'})"
    ".then(() => ({value: 'reopened'}), e => ({error: e.message}))"
)
# Every storage event the content-script world is told of, by area (kept in that world only).
WATCH = """globalThis.harisTestSeen = [];
chrome.storage.onChanged.addListener((changes, area) => globalThis.harisTestSeen.push([area, Object.keys(changes)]));
true"""
TIMEOUT_S = 10.0


class ContentScriptWorld:
    """Haris's content-script world in `page`'s top frame, reached through the DevTools protocol."""

    def __init__(self, browser: Browser, page: Any) -> None:
        self.page = page
        self.cdp = browser.context.new_cdp_session(page)
        contexts: list[dict[str, Any]] = []
        self.cdp.on("Runtime.executionContextCreated", lambda event: contexts.append(event["context"]))
        # Enabling reports the contexts that already exist (the content scripts ran at document_idle).
        self.cdp.send("Runtime.enable")
        frame = self.cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        origin = browser.url("").rstrip("/")
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            found = [
                c
                for c in contexts
                if c["origin"] == origin and c.get("auxData", {}).get("frameId") == frame
                if c.get("auxData", {}).get("type") == "isolated"
            ]
            if found:
                self.context_id = found[-1]["id"]
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"no content-script world; contexts: {[c['origin'] for c in contexts]}")
            page.wait_for_timeout(100)

    def evaluate(self, expression: str) -> Any:
        answer = self.cdp.send(
            "Runtime.evaluate",
            {"expression": expression, "contextId": self.context_id, "awaitPromise": True, "returnByValue": True},
        )
        assert "exceptionDetails" not in answer, answer
        return answer["result"].get("value")


def tab_record(browser: Browser, handle: str) -> str:
    """The tab id of the worker's per-tab report for the profile `handle` (session storage)."""
    records = browser.control.evaluate("chrome.storage.session.get(null)")
    [tab_id] = [
        k.split("|")[1] for k, v in records.items() if k.startswith("tab|") and v["profile"].get("handle") == handle
    ]
    return tab_id


def test_a_content_script_gets_nothing_of_storage_and_the_extension_still_works(
    browser: Browser, backend: Backend
) -> None:
    browser.configure(backend.url, "en", everywhere=True)
    browser.create_vault(PASSPHRASE)
    assert browser.control.evaluate(IMPORT_PLAIN, FRIEND_FILE) == 1
    # Nothing in local storage: the vault's ciphertext and the settings are in the extension's own
    # IndexedDB, in no storage area.
    assert browser.storage()["local"] == {}
    assert browser.vault_record() is not None
    assert browser.settings()["backendUrl"] == backend.url

    page = browser.context.new_page()
    page.goto("https://x.com/m_salih_real")
    banner = BannerView(page)
    banner.wait_state("result")
    # The clone of the trusted contact is warned of: the worker read the vault.
    assert next(iter(banner.reasons())) == "impersonation.contact"

    world = ContentScriptWorld(browser, page)
    # This is Haris's content-script world (its scripts' globals are here, not in the page's).
    assert world.evaluate("typeof globalThis.Haris.Banner") == "function"
    assert page.evaluate("typeof globalThis.Haris") == "undefined"
    # What a taken-over renderer gets of the extension's storage: nothing, in any area.
    for area in ("local", "session", "sync"):
        assert world.evaluate(READ.format(area=area)) == DENIED, area
    # Nor can it open local storage again for itself.
    assert world.evaluate(REOPEN) == DENIED
    assert world.evaluate(READ.format(area="local")) == DENIED

    # A new language chosen in Options: no storage event reaches the content script, yet the
    # worker's REFRESH has it redraw the banner in French, checked again with the contacts.
    assert world.evaluate(WATCH) is True
    checks = len(backend.checks)
    browser.configure_through_options(backend.url, "fr")
    section = banner.wait(lambda s: s.get("lang") == "fr" and s.get("data-state") == "result")
    assert len(backend.checks) > checks
    assert backend.checks[-1]["locale"] == "fr"
    assert [f["account_id"] for f in backend.checks[-1]["contacts"]] == ["88001234"]
    assert section.get("data-level") == "high"
    assert next(iter(banner.reasons())) == "impersonation.contact"
    assert world.evaluate("globalThis.harisTestSeen") == [], "no change of local or session storage told"

    # The extension's own pages: the popup names the contact, Options lists her.
    popup = browser.context.new_page()
    popup.goto(browser.url(f"popup/popup.html?tab={tab_record(browser, 'm_salih_real')}"))
    popup.wait_for_selector('#findings li[data-code="impersonation.contact"]')
    assert "Mohammed Salih" in popup.locator('#findings li[data-code="impersonation.contact"]').inner_text()
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    row = options.locator("#contacts tbody tr")
    row.first.wait_for()
    assert row.first.locator("td").nth(0).inner_text() == "Mohammed Salih"
    assert options.locator("#language").input_value() == "fr"


OPEN_LOCAL = "chrome.storage.local.setAccessLevel({accessLevel: 'TRUSTED_AND_UNTRUSTED_CONTEXTS'})"
CLOSE_LOCAL = "chrome.storage.local.setAccessLevel({accessLevel: 'TRUSTED_CONTEXTS'})"
PAGE_DATABASES = "indexedDB.databases().then((dbs) => dbs.map((d) => d.name))"


def test_where_local_stays_open_to_content_scripts_the_vault_is_not_in_it(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en", everywhere=True)
    browser.create_vault(PASSPHRASE)
    assert browser.control.evaluate(IMPORT_PLAIN, FRIEND_FILE) == 1
    record = browser.vault_record()
    # The import told Options to redraw, and a redraw reads the vault, which would move it back if
    # it came after the set-up below. A reloaded Options, once its contacts are drawn, reads no more.
    browser.control.reload()
    browser.control.locator("#contacts tbody tr").first.wait_for()
    # An older version's profile: the vault's record and the settings in `local`, no database.
    settings = browser.settings()
    browser.control.evaluate(
        "s => import('./../shared/vault-store.js')"
        ".then((m) => m.deleteVaultStore()).then(() => chrome.storage.local.set(s))",
        {"vault": record, **settings},
    )
    assert browser.databases() == []
    # `local` open to content scripts, as Firefox and Chromium 121-139 leave it.
    browser.control.evaluate(OPEN_LOCAL)
    try:
        # The first use of the vault (here: the popup asks whether it is open) moves it.
        popup = browser.context.new_page()
        popup.goto(browser.url("popup/popup.html"))
        popup.wait_for_selector("#wipe")
        page = browser.context.new_page()
        page.goto("https://x.com/m_salih_real")
        banner = BannerView(page)
        banner.wait_state("result")
        assert next(iter(banner.reasons())) == "impersonation.contact", "the moved vault is read by the worker"

        world = ContentScriptWorld(browser, page)
        seen = world.evaluate(READ.format(area="local"))
        # Open to the content script, as in those browsers, and holding nothing: the older
        # version's vault and settings were moved into IndexedDB (at their first use).
        assert seen == {"value": {}}, seen
        salts = [slot["salt"] for slot in record["slots"]]
        assert not [salt for salt in salts if salt in str(seen)]
        # Its IndexedDB is the page's (x.com's): the extension's database is not among them.
        assert "haris-vault" not in world.evaluate(PAGE_DATABASES)
        # The record is the same, in the extension's own database, and still opens.
        assert browser.vault_record() == record
        assert browser.settings() == settings
        assert [c["handle"] for c in browser.contacts()] == ["m_salih"]
    finally:
        browser.control.evaluate(CLOSE_LOCAL)


# An older version's profile, from before the vault: settings, health counts, and the trusted
# contacts and API key in clear, all in `local`.
OLDER_SETTINGS = {"language": "en", "bannerEverywhere": True, "healthCounter": True, "autoLockMinutes": 15}
OLDER_COUNTS = {
    "healthCounts": {"x|2026.1": {"complete": 3, "incomplete": 0, "no_profile": 0, "error": 0, "missing": {}}}
}
OLDER_CLEAR = {
    "contacts": [{"display_name": "Mohammed Salih", "platform": "x", "account_id": "88001234", "handle": "m_salih"}],
    "apiKey": "hk_older_clear_key_42",
    "contactsRev": 2,
}


def restart_worker(browser: Browser) -> None:
    """Stop the extension's service worker, as Chromium does after 30 s idle or at a restart; the
    next event (a page's message) starts it again, and its module runs from the top."""
    cdp = browser.context.new_cdp_session(browser.control)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    cdp.detach()


def test_where_local_stays_open_an_older_profile_is_moved_out_at_the_workers_start(
    browser: Browser, backend: Backend
) -> None:
    older = {"backendUrl": backend.url, **OLDER_SETTINGS, **OLDER_COUNTS, **OLDER_CLEAR}
    # (No database is asserted here: a worker Chromium starts meanwhile, for any event, moves it at once.)
    browser.control.evaluate("s => chrome.storage.local.set(s)", older)
    browser.control.evaluate(OPEN_LOCAL)
    try:
        restart_worker(browser)
        # A platform page wakes the worker; its start moves everything out of `local` at once.
        page = browser.context.new_page()
        page.goto("https://x.com/m_salih_real")
        banner = BannerView(page)
        banner.wait_state("result")
        # (The worker's start closed `local` again: opened once more, as those browsers leave it.)
        browser.control.evaluate(OPEN_LOCAL)
        world = ContentScriptWorld(browser, page)
        deadline = time.monotonic() + TIMEOUT_S
        while (seen := world.evaluate(READ.format(area="local"))) != {"value": {}} and time.monotonic() < deadline:
            if seen == DENIED:  # the worker's own start closed it after the line above: opened again
                browser.control.evaluate(OPEN_LOCAL)
            page.wait_for_timeout(100)
        # What a taken-over content process reads of Haris in `local`: nothing at all.
        assert seen == {"value": {}}, seen
        records = browser.records()
        assert records["settings"] == {"backendUrl": backend.url, **OLDER_SETTINGS}
        # (The opted-in counter's next send is planned at the worker's start, beside the counts.)
        assert records["health"]["healthCounts"] == OLDER_COUNTS["healthCounts"]
        # The clear contacts: out of `local`, still unencrypted until a passphrase is chosen.
        assert records["unsealed"] == OLDER_CLEAR
        assert "vault" not in records
        # The banner was drawn with the moved settings (everywhere: a low-risk result shows too).
        assert backend.checks and backend.checks[-1]["locale"] == "en"
    finally:
        browser.control.evaluate(CLOSE_LOCAL)

    # The popup asks for a passphrase, saying why.
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    note = popup.locator("#unsealed-note")
    note.wait_for()
    assert "unencrypted" in note.inner_text()
    assert popup.locator("#novault-note").is_hidden()
    # Options too; choosing one there seals the contacts and the key, and the clear copy goes.
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    options.locator("#unsealed-note").wait_for()
    options.close()
    browser.create_vault(PASSPHRASE)
    records = browser.records()
    assert "unsealed" not in records
    assert "hk_older_clear_key_42" not in str(records) and "Mohammed Salih" not in str(records)
    assert [c["handle"] for c in browser.contacts()] == ["m_salih"]
    assert browser.control.evaluate("import('./../shared/vault.js').then((m) => m.readSecrets())")["apiKey"] == (
        "hk_older_clear_key_42"
    )

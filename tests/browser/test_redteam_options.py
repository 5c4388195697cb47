"""Red team of the extension's own pages (Options, the popup) against someone who holds the device
after Haris was locked: they cannot point Haris at a server of theirs (it would get every profile
opened and, at the next unlock, the contacts), and no window left open keeps showing a contact's
name or the export file's passphrase. Real Chromium, the real pages, clicked as a person would
(docs/extension.md, "If your device is taken")."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Backend, Browser
from tests.browser.test_extension import english, open_profile, popup_for

pytestmark = pytest.mark.browser

PASSPHRASE = "olive tram seventeen lantern"
# Another server that needs no permission prompt (the manifest's own host), as a hostile one would be.
THEIRS = "http://localhost:9"


def test_a_locked_vault_keeps_its_server(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en")
    browser.create_vault(PASSPHRASE)
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    options.wait_for_selector("#lock:visible")
    options.fill("#file-passphrase", "backup file words")
    options.click("#lock")
    options.wait_for_selector("#unlock-form:not([hidden])")
    # The export file's passphrase is not left in the locked page.
    assert options.input_value("#file-passphrase") == ""

    options.fill("#backend-url", THEIRS)
    options.click("#save")
    options.wait_for_selector('#status[data-kind="error"]:not(:empty)')
    assert options.locator("#status").inner_text() == english("serverNeedsUnlock")
    assert browser.settings()["backendUrl"] == backend.url

    # Nor can they make the vault stay open after the user's next unlock.
    options.select_option("#auto-lock", "0")
    options.wait_for_selector('#vault-status[data-kind="error"]:not(:empty)')
    assert options.locator("#vault-status").inner_text() == english("autoLockNeedsUnlock")
    assert options.input_value("#auto-lock") == "60"
    assert browser.settings().get("autoLockMinutes", 60) == 60

    # Unlocked (the passphrase typed), the user may change it.
    options.fill("#unlock-passphrase", PASSPHRASE)
    options.click('#unlock-form button[type="submit"]')
    options.wait_for_selector("#lock:visible")
    options.fill("#backend-url", THEIRS)
    options.click("#save")
    options.wait_for_selector('#status[data-kind="ok"]:not(:empty)')
    assert browser.settings()["backendUrl"] == THEIRS


def test_a_report_window_left_open_forgets_the_contact_at_the_lock(browser: Browser, backend: Backend) -> None:
    """The banner's Details opens the popup in a tab of its own, which may stay open for hours: its
    findings name the contact a clone copies. A lock elsewhere (Options here; the auto-lock, a
    locked screen) takes them off it."""
    browser.configure(backend.url, "en", everywhere=True)
    browser.create_vault(PASSPHRASE)
    _page, banner = open_profile(browser, "https://x.com/m_salih")
    banner.wait_state("result")
    saving = popup_for(browser, "m_salih")
    saving.click("#friend-save")
    saving.wait_for_selector('#friend-status[data-kind="ok"]:not(:empty)')
    saving.close()

    _clone, clone_banner = open_profile(browser, "https://x.com/m_salih_real")
    clone_banner.wait_state("result")
    details = popup_for(browser, "m_salih_real")
    details.wait_for_selector('#findings li[data-code="impersonation.contact"]')
    assert "Mohammed Salih" in details.locator("body").inner_text()

    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    options.click("#lock")
    details.wait_for_selector("#unlock-form:not([hidden])")
    details.wait_for_selector("#report[hidden]", state="attached")
    assert "Mohammed Salih" not in details.locator("body").inner_text()
    assert "Mohammed Salih" not in details.content()


def test_a_mistyped_passphrase_is_not_left_in_the_popup(browser: Browser) -> None:
    browser.create_vault(PASSPHRASE)
    browser.control.evaluate("import('./../shared/vault.js').then((m) => m.lock())")
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    popup.wait_for_selector("#unlock-form:not([hidden])")
    popup.fill("#unlock-passphrase", PASSPHRASE[:-1])
    popup.click('#unlock-form button[type="submit"]')
    popup.wait_for_selector('#unlock-status[data-kind="error"]:not(:empty)')
    assert popup.input_value("#unlock-passphrase") == ""

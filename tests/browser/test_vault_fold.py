"""A vault and an older version's clear copy of the contacts both there (an older createVault
stopped between writing the vault and deleting the copy): the next unlock in the popup folds them.
With the main passphrase the clear contacts move into the vault, the copy is erased and the popup
says so; with the second passphrase the copy is erased, nothing is added and nothing is said
(shared/vault.js foldUnsealed; docs/extension.md). Real Chromium, real IndexedDB."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Browser

pytestmark = pytest.mark.browser

PASSPHRASE = "olive tram seventeen lantern"
DURESS = "seven quiet harbour lamps"
CLEAR = {
    "contacts": [{"display_name": "Mohammed Salih", "platform": "x", "account_id": "88001234", "handle": "m_salih"}],
    "apiKey": "hk_older_clear_key_42",
    "contactsRev": 2,
}
PUT_RECORD = """async ([name, record]) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('haris-vault'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  });
  try {
    await new Promise((ok, fail) => {
      const tx = db.transaction('records', 'readwrite');
      tx.objectStore('records').put(record, name);
      tx.oncomplete = ok; tx.onerror = () => fail(tx.error);
    });
  } finally { db.close(); }
}"""
VAULT = "import('./../shared/vault.js').then((m) => m.{call})"


def crashed_create(browser: Browser) -> None:
    """A locked vault with a second passphrase, and the clear copy an older createVault left beside it."""
    browser.create_vault(PASSPHRASE)
    browser.control.evaluate(VAULT.format(call=f"setDuressPassphrase({DURESS!r})"))
    browser.control.evaluate(VAULT.format(call="lock()"))
    browser.control.evaluate(PUT_RECORD, ["unsealed", CLEAR])
    assert browser.records()["unsealed"] == CLEAR


def unlock_in_popup(browser: Browser, passphrase: str) -> Any:
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    popup.wait_for_selector("#unlock-form:not([hidden])")
    popup.fill("#unlock-passphrase", passphrase)
    popup.click('#unlock-form button[type="submit"]')
    popup.wait_for_selector("#unlock-form", state="hidden")
    return popup


def test_popup_unlock_with_the_main_passphrase_folds_the_clear_copy_into_the_vault(browser: Browser) -> None:
    crashed_create(browser)
    popup = unlock_in_popup(browser, PASSPHRASE)
    note = popup.locator("#folded-note")
    note.wait_for()
    assert "unencrypted copy is erased" in note.inner_text()
    records = browser.records()
    assert "unsealed" not in records
    assert "hk_older_clear_key_42" not in str(records) and "Mohammed Salih" not in str(records)
    assert [c["handle"] for c in browser.contacts()] == ["m_salih"]


def test_popup_unlock_with_the_second_passphrase_erases_the_clear_copy_and_says_nothing(browser: Browser) -> None:
    crashed_create(browser)
    vault_before = browser.records()["vault"]
    popup = unlock_in_popup(browser, DURESS)
    records = browser.records()
    assert "unsealed" not in records
    assert records["vault"] == vault_before
    assert popup.locator("#folded-note").is_hidden()
    assert browser.contacts() == []

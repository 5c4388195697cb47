"""A vault and an older version's clear copy of the contacts both there (an older createVault
stopped between writing the vault and deleting the copy): the next unlock in the popup erases the
copy and adds nothing — the vault was made from it, so a contact it lacks was deleted since and
must not come back. With the main passphrase the popup says so; with the second nothing is said
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
    const r = indexedDB.open('haris-vault', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('records');  // a profile where it is the first record
    r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
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


def crashed_create(browser: Browser, deleted_since: bool = False) -> None:
    """A locked vault made from the clear copy, with a second passphrase, and that copy still beside
    it (an older createVault stopped between its writes); `deleted_since`: the user then deleted the
    contact and the API key."""
    browser.control.evaluate(PUT_RECORD, ["unsealed", CLEAR])
    browser.create_vault(PASSPHRASE)
    assert [c["handle"] for c in browser.contacts()] == ["m_salih"]
    if deleted_since:
        browser.control.evaluate(VAULT.format(call="updateSecrets(() => ({ contacts: [], apiKey: '' }))"))
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


def test_popup_unlock_with_the_main_passphrase_erases_the_clear_copy_and_brings_back_nothing_deleted(
    browser: Browser,
) -> None:
    crashed_create(browser, deleted_since=True)
    vault_before = browser.records()["vault"]
    popup = unlock_in_popup(browser, PASSPHRASE)
    note = popup.locator("#folded-note")
    note.wait_for()
    assert "unencrypted copy" in note.inner_text() and "It is erased" in note.inner_text()
    records = browser.records()
    assert "unsealed" not in records
    assert records["vault"] == vault_before
    assert "hk_older_clear_key_42" not in str(records) and "Mohammed Salih" not in str(records)
    assert browser.contacts() == [], "the contact deleted since the vault was made stays deleted"
    assert browser.control.evaluate(VAULT.format(call="readSecrets()"))["apiKey"] == ""


def test_popup_unlock_with_the_second_passphrase_erases_the_clear_copy_and_says_nothing(browser: Browser) -> None:
    crashed_create(browser)
    vault_before = browser.records()["vault"]
    popup = unlock_in_popup(browser, DURESS)
    records = browser.records()
    assert "unsealed" not in records
    assert records["vault"] == vault_before
    assert popup.locator("#folded-note").is_hidden()
    assert browser.contacts() == []

"""A Facebook Page saved twice by an older version — once at its vanity address (its new profile
id), once at its old /<name>-<page id>/ address (its old Page id, the page naming the other) — is
one contact again after the next unlock in the popup, with both ids; a pair whose names differ
stays two (shared/contacts.js foldSharedIds; docs/extension.md). Real Chromium, real IndexedDB."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import Browser
from tests.browser.test_vault_fold import PASSPHRASE, VAULT, unlock_in_popup

pytestmark = pytest.mark.browser

PROFILE_ID = "100067935271247"
PAGE_ID = "54421674438"
AT_VANITY = {"display_name": "Meedan", "platform": "facebook", "account_id": PROFILE_ID, "handle": "heymeedan"}
AT_OLD_ADDRESS = {**AT_VANITY, "account_id": PAGE_ID, "account_ids": [PROFILE_ID]}
ZAYNAB = {"display_name": "Zaynab", "platform": "facebook", "account_id": "111"}
ZAYNAB_RENAMED = {"display_name": "Zaynab (work)", "platform": "facebook", "account_id": "222", "account_ids": ["111"]}


def test_popup_unlock_folds_a_page_saved_at_both_addresses_into_one_contact(browser: Browser) -> None:
    browser.create_vault(PASSPHRASE)
    saved = [AT_VANITY, ZAYNAB, AT_OLD_ADDRESS, ZAYNAB_RENAMED]
    browser.control.evaluate(f"import('./../shared/contacts.js').then((m) => m.setContacts({json.dumps(saved)}))")
    assert len(browser.contacts()) == 4
    browser.control.evaluate(VAULT.format(call="lock()"))
    unlock_in_popup(browser, PASSPHRASE)
    contacts = browser.contacts()
    assert [(c["display_name"], c["account_id"], c.get("account_ids")) for c in contacts] == [
        ("Meedan", PROFILE_ID, [PAGE_ID]),
        ("Zaynab", "111", None),
        ("Zaynab (work)", "222", ["111"]),  # another name she kept: not folded, nothing she typed lost
    ]
    # Options shows what each contact matches, both ids of the Page among them.
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    rows = options.locator("#contacts tbody tr")
    rows.first.wait_for()
    assert [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())] == [
        f"{PROFILE_ID} · {PAGE_ID}",
        "111",
        "222 · 111",
    ]

"""What a seized disk shows of records Haris replaced or deleted (Chromium).

Chromium keeps an IndexedDB value in the origin's LevelDB, which only appends: a record replaced
or deleted stays in the log, then in a table file, until LevelDB compacts that range — for a
database this small, possibly never. Before the change this file tests, a closed profile still
held the contacts an older version had kept in clear after they were sealed, every earlier
version of the vault (a contact deleted since, a passphrase changed since), and after a wipe the
last vault whole. The vault's and the clear copy's records are now written over the size at which
Chromium keeps a value in a file of its own, deleted when the value is replaced or deleted
(RECORD_FILES in extension/shared/constants.js; shared/vault-store.js). Real Chromium, its own
profile directory, closed before it is read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Browser
from tests.browser.test_vault_fold import CLEAR

pytestmark = pytest.mark.browser

PASSPHRASE = "olive tram seventeen lantern"
NEW_PASSPHRASE = "copper kettle under nine bridges"
VAULT = "import('./../shared/vault.js').then((m) => m.{call})"
CLEAR_SECRETS = ["Mohammed Salih", "m_salih", "88001234", "hk_older_clear_key_42"]


def indexeddb_files(profile: Path, extension_id: str) -> list[Path]:
    """The files of the extension's IndexedDB: its LevelDB and the files of its large values."""
    return [p for p in profile.rglob("*") if p.is_file() and "IndexedDB" in p.parts and extension_id in str(p)]


def holding(files: list[Path], secret: str) -> list[str]:
    needles = [secret.encode("utf-8"), secret.encode("utf-16-le")]
    return [f"{p.parent.name}/{p.name}" for p in files if any(n in p.read_bytes() for n in needles)]


def vault_traces(record: dict[str, Any]) -> list[str]:
    """Strings only this version of the vault's record holds: its salts and the start of each slot."""
    return [slot["salt"] for slot in record["slots"]] + [slot["data"][:48] for slot in record["slots"]]


def older_profile_sealed(browser: Browser) -> list[dict[str, Any]]:
    """An older version's clear contacts moved in and sealed, then a contact deleted and the
    passphrase changed, as a user would; returns every version of the vault's record, oldest first."""
    browser.control.evaluate("(clear) => chrome.storage.local.set(clear)", CLEAR)
    browser.control.evaluate("import('./../shared/vault-store.js').then((m) => m.migrateAll())")
    assert browser.records()["unsealed"]["apiKey"] == CLEAR["apiKey"]
    browser.create_vault(PASSPHRASE)
    versions = [browser.vault_record()]
    assert [c["handle"] for c in browser.contacts()] == ["m_salih"]
    browser.control.evaluate(VAULT.format(call="updateSecrets(() => ({ contacts: [], apiKey: '' }))"))
    versions.append(browser.vault_record())
    browser.control.evaluate(VAULT.format(call=f"changePassphrase({PASSPHRASE!r}, {NEW_PASSPHRASE!r})"))
    versions.append(browser.vault_record())
    assert "unsealed" not in browser.records()
    return versions


def test_a_closed_profile_holds_no_earlier_vault_and_no_sealed_clear_copy(own_chromium: tuple[Browser, Path]) -> None:
    browser, profile = own_chromium
    *earlier, current = older_profile_sealed(browser)
    browser.context.close()

    files = indexeddb_files(profile, browser.extension_id)
    assert any(p.suffix == ".log" for p in files), "the extension's IndexedDB was read"
    # The current vault is there (in a file of its own): the search sees it.
    assert all(holding(files, trace) for trace in vault_traces(current))
    for version in earlier:
        # (A slot keeps its salt until its passphrase changes: only what the current one lacks.)
        gone = [trace for trace in vault_traces(version) if trace not in vault_traces(current)]
        assert len(gone) >= 2
        for trace in gone:
            assert holding(files, trace) == [], "an earlier version of the vault"
    for secret in CLEAR_SECRETS:
        assert holding(files, secret) == [], f"{secret!r} of the sealed clear copy"


def test_after_a_wipe_the_closed_profile_holds_no_vault(own_chromium: tuple[Browser, Path]) -> None:
    browser, profile = own_chromium
    versions = older_profile_sealed(browser)
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    popup.click("#wipe")
    popup.wait_for_selector('#wipe-status[data-kind="ok"]:not(:empty)')
    assert browser.databases() == []
    browser.context.close()

    files = indexeddb_files(profile, browser.extension_id)
    for version in versions:
        for trace in vault_traces(version):
            assert holding(files, trace) == [], "a vault after the wipe"
    for secret in CLEAR_SECRETS:
        assert holding(files, secret) == [], f"{secret!r} after the wipe"

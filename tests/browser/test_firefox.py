"""The extension in a real Firefox (Debian's firefox-esr, headless), driven through Marionette,
Firefox's own remote protocol (marionette-driver: no geckodriver needed). It covers Firefox's
flavour of the storage API under the vault: the module pages load, the passphrase encrypts what
is stored, a wrong passphrase opens nothing, the wipe empties local, session and sync storage, and
the closed profile directory holds nothing in clear.

Firefox keeps storage.local in an IndexedDB SQLite file whose values may be compressed, so the
test also reads everything back through the extension's own API and checks it is ciphertext,
besides grepping every file's raw bytes. (The in-page banner on platform pages is covered in
Chromium, tests/browser/test_extension.py.)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from marionette_driver.addons import Addons
from marionette_driver.by import By
from marionette_driver.errors import TimeoutException
from marionette_driver.marionette import Marionette
from marionette_driver.wait import Wait

from tests.browser.conftest import EXTENSION

pytestmark = pytest.mark.browser

FIREFOX = "/usr/bin/firefox-esr"
GECKO_ID = json.loads((EXTENSION / "manifest.json").read_text())["browser_specific_settings"]["gecko"]["id"]
UUID = "6b0b3f8e-3c7a-4d3e-9a43-2a1f3c5b7d11"  # fixed, so the test knows the address of the extension's pages
PASSPHRASE = "olive tram seventeen lantern"
API_KEY = "hk_trainer_5e8d1c0b7a6f4e3d2c1b"
CONTACTS = [
    {"display_name": "Wardah Qutaybi", "platform": "instagram", "account_id": "4815162342", "handle": "wardah.qx"},
    {"display_name": "نجلاء الزهراني", "platform": "x", "account_id": "90817263", "handle": "najla_zx"},
]
SECRETS = [API_KEY, "Wardah Qutaybi", "wardah.qx", "4815162342", "نجلاء الزهراني", "najla_zx", "90817263"]
PAGE_LOAD_SECONDS = 30
# No background connections from a browser on a machine without network: update checks,
# telemetry, captive-portal and connectivity probes only add load and stray timeouts.
QUIET_PREFS = {
    "app.update.enabled": False,
    "extensions.update.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
}
STORAGE = """const done = arguments[0];
const api = window.wrappedJSObject.browser.storage;
Promise.all([api.local.get(null), api.session.get(null), api.sync.get(null)])
  .then(([local, session, sync]) => done(JSON.stringify({local, session, sync})), (e) => done(String(e)));"""


@pytest.fixture
def firefox(tmp_path: Path) -> Iterator[Marionette]:
    if not Path(FIREFOX).exists():
        raise RuntimeError("Firefox is missing: `make test-deps` installs Debian's firefox-esr package.")
    client = Marionette(
        bin=FIREFOX,
        headless=True,
        gecko_log=str(tmp_path / "gecko.log"),
        prefs={"extensions.webextensions.uuids": json.dumps({GECKO_ID: UUID}), **QUIET_PREFS},
    )
    # "eager": a navigation returns once the document is parsed (the tests then wait for what
    # they need on it), not after every subresource and the extension's own start-up.
    client.start_session({"pageLoadStrategy": "eager"})
    # A page of the extension loads in well under a second; a hung load is retried, not waited on
    # for Marionette's default five minutes.
    client.timeout.page_load = PAGE_LOAD_SECONDS
    try:
        Addons(client).install(str(EXTENSION), temp=True)
        yield client
    finally:
        client.cleanup()


def open_page(client: Marionette, path: str) -> None:
    """Open one of the extension's pages. Right after a temporary install, Firefox may not serve
    the extension's address yet and the first load can hang: try again, a few times."""
    for attempt in range(4):
        try:
            client.navigate(f"moz-extension://{UUID}/{path}")
            return
        except TimeoutException:
            if attempt == 3:
                raise
            # Leave the hung load behind before asking again (on a loaded machine the first
            # load after the install can stall until something else is navigated to).
            with contextlib.suppress(TimeoutException):
                client.navigate("about:blank")


def storage(client: Marionette) -> dict[str, Any]:
    return json.loads(client.execute_async_script(STORAGE))


def fill(client: Marionette, element_id: str, text: str) -> None:
    field = client.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def status_of(client: Marionette, element_id: str, kind: str = "ok") -> str:
    def shown(m: Marionette) -> str | None:
        node = m.find_element(By.ID, element_id)
        return node.text if node.text and node.get_attribute("data-kind") == kind else None

    return str(Wait(client, timeout=15).until(shown))


def visible(client: Marionette, element_id: str) -> bool:
    return client.execute_script(f"return !document.getElementById('{element_id}').hidden")


def set_up_vault(client: Marionette, tmp_path: Path) -> None:
    """A passphrase chosen, an API key saved, contacts imported from a plain file: in the options page."""
    open_page(client, "options/options.html")
    Wait(client, timeout=15).until(lambda m: visible(m, "create-form"))
    fill(client, "create-passphrase", PASSPHRASE)
    fill(client, "create-repeat", PASSPHRASE)
    client.find_element(By.CSS_SELECTOR, '#create-form button[type="submit"]').click()
    status_of(client, "vault-status")
    fill(client, "api-key", API_KEY)
    client.find_element(By.ID, "save-key").click()
    status_of(client, "key-status")
    upload = tmp_path / "contacts.json"
    upload.write_text(json.dumps({"format": "haris-contacts", "version": 1, "contacts": CONTACTS}), encoding="utf-8")
    client.find_element(By.ID, "import").send_keys(str(upload))
    assert status_of(client, "contacts-status") == "Imported 2 contacts."


def test_firefox_vault_encrypts_and_a_wrong_passphrase_opens_nothing(firefox: Marionette, tmp_path: Path) -> None:
    set_up_vault(firefox, tmp_path)
    names = [row.text for row in firefox.find_elements(By.CSS_SELECTOR, "#contacts tbody tr td:first-child")]
    assert names == ["Wardah Qutaybi", "نجلاء الزهراني"]

    stored = storage(firefox)
    assert list(stored["local"]) == ["vault"]
    assert stored["local"]["vault"]["kdf"]["iterations"] >= 600_000
    assert "vaultKey" in stored["session"]
    for secret in SECRETS:
        assert secret not in json.dumps(stored["local"], ensure_ascii=False), secret

    # Locked, the popup says so; a wrong passphrase opens nothing; the right one opens the vault.
    firefox.find_element(By.ID, "lock").click()
    status_of(firefox, "vault-status")
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: visible(m, "unlock-form"))
    fill(firefox, "unlock-passphrase", PASSPHRASE + "!")
    firefox.find_element(By.CSS_SELECTOR, '#unlock-form button[type="submit"]').click()
    assert status_of(firefox, "unlock-status", "error") == "This passphrase opens nothing."
    assert "vaultKey" not in storage(firefox)["session"]
    fill(firefox, "unlock-passphrase", PASSPHRASE)
    firefox.find_element(By.CSS_SELECTOR, '#unlock-form button[type="submit"]').click()
    Wait(firefox, timeout=15).until(lambda m: not visible(m, "unlock-form"))
    assert "vaultKey" in storage(firefox)["session"]

    # The browser closed, as on a seized device: nothing in clear in the profile directory.
    profile = Path(firefox.instance.profile.profile)
    firefox.quit()
    found = {
        secret: [str(p.relative_to(profile)) for p in profile.rglob("*") if p.is_file() and _holds(p, secret)]
        for secret in SECRETS
    }
    assert found == {secret: [] for secret in SECRETS}


def _holds(path: Path, secret: str) -> bool:
    data = path.read_bytes()
    return secret.encode("utf-8") in data or secret.encode("utf-16-le") in data


def test_firefox_wipe_leaves_nothing(firefox: Marionette, tmp_path: Path) -> None:
    set_up_vault(firefox, tmp_path)
    firefox.execute_async_script(
        "window.wrappedJSObject.browser.storage.local.set({bannerEverywhere: true, language: 'fr'}).then(arguments[0])"
    )
    firefox.execute_async_script("window.wrappedJSObject.browser.storage.sync.set({left: 'over'}).then(arguments[0])")
    assert storage(firefox)["local"]["bannerEverywhere"] is True
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: m.find_element(By.ID, "wipe").text)
    firefox.find_element(By.ID, "wipe").click()
    status_of(firefox, "wipe-status")
    assert storage(firefox) == {"local": {}, "session": {}, "sync": {}}

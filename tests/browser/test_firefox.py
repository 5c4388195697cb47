"""The extension in a real Firefox (Debian's firefox-esr, headless), driven through Marionette,
Firefox's own remote protocol (marionette-driver: no geckodriver needed). It covers Firefox's
flavour of the storage API under the vault: the module pages load, the passphrase encrypts what
is stored, a wrong passphrase opens nothing, the wipe empties local, session and sync storage and
deletes the extension's IndexedDB, the closed profile directory holds nothing in clear, and a
content script reads nothing of Haris's in `local` once an older version's records are moved,
and the wipe gives back the health counter's data-collection consent; and the banner's input
protection, with Firefox's own mouse clicks.

Firefox keeps storage.local in an IndexedDB SQLite file whose values may be compressed, so the
test also reads everything back through the extension's own API and checks it is ciphertext,
besides grepping every file's raw bytes. (The in-page banner on platform pages is covered in
Chromium, tests/browser/test_extension.py; here, only its input protection, drawn by a probe.)
"""

from __future__ import annotations

import contextlib
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from marionette_driver.addons import Addons
from marionette_driver.by import By
from marionette_driver.errors import TimeoutException
from marionette_driver.marionette import Marionette
from marionette_driver.wait import Wait

from tests.browser.conftest import EXTENSION, without_filler

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


# The vault's record in the extension's own IndexedDB (shared/vault-store.js), read by one of its
# pages directly (not through the module, which would first move a vault left in `local`).
VAULT_RECORD = """const done = arguments[0];
(async () => {
  const names = (await window.indexedDB.databases()).map((d) => d.name);
  if (!names.includes("haris-vault")) return {names, record: null};
  const db = await new Promise((ok, fail) => {
    const r = window.indexedDB.open("haris-vault"); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  });
  const record = await new Promise((ok, fail) => {
    const r = db.transaction("records").objectStore("records").get("vault");
    r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  });
  db.close();
  return {names, record: JSON.parse(JSON.stringify(record ?? null))};
})().then((v) => done(JSON.stringify(v)), (e) => done(JSON.stringify({error: String(e)})));"""
# An older version's profile: the record put back in `local`, the database deleted.
AS_AN_OLDER_VERSION = """const [json, done] = arguments;
const page = window.wrappedJSObject;
const gone = window.indexedDB.deleteDatabase("haris-vault");
gone.onsuccess = () => page.browser.storage.local.set(page.JSON.parse(json))
  .then(() => done(true), (e) => done(String(e)));
gone.onerror = () => done(String(gone.error));
gone.onblocked = () => done("blocked");"""
# What an older version kept in `local`: the settings, and before the vault the contacts and the API
# key in clear.
OLDER_SETTINGS = {"backendUrl": "https://haris.ngo.example", "language": "fr", "bannerEverywhere": True}
OLDER_CLEAR = {
    "contacts": [{"display_name": "Karim Mansour", "platform": "x", "account_id": "5550123", "handle": "karim_m"}],
    "apiKey": "hk_older_clear_key_7",
    "contactsRev": 3,
}
# A content script of Haris's own (added to a copy of the extension for this test only) on a local
# page: it writes what it can read of storage.local and which IndexedDB databases it sees into
# the page, where Marionette reads them.
PROBE = """Promise.all([browser.storage.local.get(null), indexedDB.databases()]).then(([local, dbs]) => {
  document.documentElement.setAttribute("data-haris-probe",
    JSON.stringify({local, databases: dbs.map((d) => d.name), origin: location.origin}));
}, (e) => document.documentElement.setAttribute("data-haris-probe", JSON.stringify({error: String(e)})));
"""


# Haris's banner drawn by a content script of its own on a local page (added to a copy of the
# extension for this test only, after the banner's own scripts), with actions that only count the
# clicks they get. It publishes, in the page, whether "Not now" waits, where it is and what acted.
BANNER_PROBE = """(function () {
  "use strict";
  const calls = [];
  const strings = { dir: "ltr", title_high: "High risk", riskScore: "risk $1/100", noReasons: "No reasons.",
    adviceTitle: "Advice", adviceVerify: "Verify.", adviceNoMeet: "Do not meet.", adviceNoContacts: "No contacts.",
    details: "Details", realFriend: "This is my real friend", notNow: "Not now", report: "Report",
    bannerArming: "Available in a moment", reportWhy: "Why?" };
  const act = (name) => () => { calls.push(name); publish(); };
  const banner = new globalThis.Haris.Banner(document, { onDetails: act("details"), onFriend: act("friend"),
    onDismiss: act("dismiss"), onReport: act("report"), onRetry: act("retry") });
  const box = banner.render({ state: "result", level: "high", risk: 90, findings: [] }, strings, "en");
  function publish() {
    const button = box.querySelector('[data-action="dismiss"]');
    const r = button.getBoundingClientRect();
    document.documentElement.setAttribute("data-haris-banner", JSON.stringify({ calls,
      waiting: button.getAttribute("aria-disabled") === "true", x: r.x + r.width / 2, y: r.y + r.height / 2 }));
  }
  new MutationObserver(publish).observe(box, { attributes: true, subtree: true });
  publish();
})();
"""


def start_firefox(tmp_path: Path, extension: Path) -> Marionette:
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
        Addons(client).install(str(extension), temp=True)
    except BaseException:
        client.cleanup()
        raise
    return client


@pytest.fixture
def firefox(tmp_path: Path) -> Iterator[Marionette]:
    client = start_firefox(tmp_path, EXTENSION)
    try:
        yield client
    finally:
        client.cleanup()


def _firefox_with_scripts(tmp_path: Path, files: dict[str, str], scripts: list[str]) -> Iterator[Marionette]:
    """Firefox with a copy of the extension given ``files`` and one more content script on
    127.0.0.1 that runs ``scripts`` (paths in the copy)."""
    copy = tmp_path / "extension"
    shutil.copytree(EXTENSION, copy)
    for name, text in files.items():
        (copy / name).write_text(text, encoding="utf-8")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["content_scripts"].append({"matches": ["http://127.0.0.1/*"], "js": scripts, "run_at": "document_idle"})
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    client = start_firefox(tmp_path, copy)
    try:
        yield client
    finally:
        client.cleanup()


@pytest.fixture
def probed_firefox(tmp_path: Path) -> Iterator[Marionette]:
    """Firefox with a copy of the extension that has one more content script (PROBE), on 127.0.0.1."""
    yield from _firefox_with_scripts(tmp_path, {"probe.js": PROBE}, ["probe.js"])


@pytest.fixture
def banner_firefox(tmp_path: Path) -> Iterator[Marionette]:
    """Firefox with a copy of the extension that draws its banner on 127.0.0.1 (BANNER_PROBE)."""
    scripts = ["shared/protocol.js", "content/banner.js", "banner-probe.js"]
    yield from _firefox_with_scripts(tmp_path, {"banner-probe.js": BANNER_PROBE}, scripts)


@pytest.fixture
def local_page() -> Iterator[str]:
    """A plain page on 127.0.0.1 (its origin is the page's, as x.com's is for the real content scripts)."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>page</title><p>a page"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


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


def vault_db(client: Marionette) -> dict[str, Any]:
    """{names: the extension's IndexedDB databases, record: the vault's record or None} (from one of its pages);
    the record without its random filler (new at each write: RECORD_FILES in extension/shared/constants.js)."""
    answer = json.loads(client.execute_async_script(VAULT_RECORD))
    assert "error" not in answer, answer
    return {**answer, "record": without_filler(answer["record"])}


def probe(client: Marionette, url: str) -> dict[str, Any]:
    """What Haris's content script reads on the page at `url`."""
    client.navigate(url)
    seen = Wait(client, timeout=15).until(
        lambda m: m.execute_script("return document.documentElement.getAttribute('data-haris-probe')")
    )
    return json.loads(seen)


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

    # Nothing in `local` (which Firefox lets content scripts read): the vault's record is in the
    # extension's own IndexedDB.
    stored = storage(firefox)
    assert stored["local"] == {}
    db = vault_db(firefox)
    assert db["names"] == ["haris-vault"]
    assert db["record"]["kdf"]["iterations"] >= 600_000
    assert "vaultKey" in stored["session"]
    for secret in SECRETS:
        assert secret not in json.dumps(db["record"], ensure_ascii=False), secret

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
    assert storage(firefox)["local"]["bannerEverywhere"] is True  # as an older version kept them
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: m.find_element(By.ID, "wipe").text)
    # The popup read them, and so moved them into the extension's IndexedDB.
    Wait(firefox, timeout=15).until(lambda m: storage(m)["local"] == {})
    record = vault_db(firefox)["record"]
    assert record is not None
    firefox.find_element(By.ID, "wipe").click()
    status_of(firefox, "wipe-status")
    assert storage(firefox) == {"local": {}, "session": {}, "sync": {}}
    assert vault_db(firefox) == {"names": [], "record": None}, "the vault's database is deleted"
    # The browser closed: no file of the profile holds the vault's salts, in clear or otherwise.
    profile = Path(firefox.instance.profile.profile)
    firefox.quit()
    salts = [slot["salt"] for slot in record["slots"]]
    files = [p for p in profile.rglob("*") if p.is_file()]
    found = [str(p.relative_to(profile)) for p in files if any(_holds(p, salt) for salt in salts)]
    assert found == []


def test_firefox_content_script_reads_nothing_of_harises_in_local_once_moved(
    probed_firefox: Marionette, tmp_path: Path, local_page: str
) -> None:
    """Firefox cannot close `local` to content scripts (no setAccessLevel): what an older version
    kept there was theirs to read — the vault, the settings (the server can name an organisation),
    and, before the vault, the contacts and API key in clear. Once moved (at their first use), a
    content script of Haris's finds nothing in `local`, and no Haris database among its page
    origin's; the clear contacts make the popup ask for a passphrase."""
    firefox = probed_firefox
    set_up_vault(firefox, tmp_path)
    record = vault_db(firefox)["record"]
    older = {"vault": record, **OLDER_SETTINGS}
    assert firefox.execute_async_script(AS_AN_OLDER_VERSION, script_args=[json.dumps(older)]) is True
    # Before the move: the content script reads the whole record and the settings (the exposure being closed).
    before = probe(firefox, local_page)
    assert before["origin"] == local_page.rstrip("/")
    assert before["local"] == older
    # The first use of the vault and of the settings (the popup) moves them.
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: vault_db(m)["record"] is not None)
    Wait(firefox, timeout=15).until(lambda m: storage(m)["local"] == {})
    assert vault_db(firefox) == {"names": ["haris-vault"], "record": record}
    after = probe(firefox, local_page)
    assert after["local"] == {}
    salts = [slot["salt"] for slot in record["slots"]]
    assert not [salt for salt in salts if salt in json.dumps(after)]
    assert "haris-vault" not in after["databases"]

    # A profile from before the vault: the contacts and the API key in clear in `local`.
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: m.find_element(By.ID, "wipe").text)  # the page's module is running
    firefox.find_element(By.ID, "wipe").click()
    status_of(firefox, "wipe-status")
    older = {**OLDER_SETTINGS, **OLDER_CLEAR}
    assert firefox.execute_async_script(AS_AN_OLDER_VERSION, script_args=[json.dumps(older)]) is True
    assert probe(firefox, local_page)["local"] == older
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: visible(m, "unsealed-note"))
    # In the language of the moved settings (French), from the extension's own catalogue.
    french = json.loads((EXTENSION / "_locales" / "fr" / "messages.json").read_text(encoding="utf-8"))
    assert firefox.find_element(By.ID, "unsealed-note").text == french["unsealedNotePopup"]["message"]
    Wait(firefox, timeout=15).until(lambda m: storage(m)["local"] == {})
    after = probe(firefox, local_page)
    assert after["local"] == {}
    assert "hk_older_clear" not in json.dumps(after) and "Karim" not in json.dumps(after)


# Firefox's own store of what it granted an add-on (ExtensionPermissions, kept in the profile),
# written as Firefox does when the user consents: here the consent the health counter asks for.
GRANT_DATA_CONSENT = """const [id, done] = arguments;
const { ExtensionPermissions } = ChromeUtils.importESModule("resource://gre/modules/ExtensionPermissions.sys.mjs");
// The running add-on is told too (the third argument), as after a consent in the add-on manager.
const consent = {permissions: [], origins: [], data_collection: ["technicalAndInteraction"]};
ExtensionPermissions.add(id, consent, WebExtensionPolicy.getByID(id).extension)
  .then(() => ExtensionPermissions.get(id))
  .then((granted) => done(JSON.stringify(granted.data_collection || [])), (e) => done(String(e)));"""
# What Firefox's store now lists as granted to the add-on.
STORED_GRANTS = """const [id, done] = arguments;
const { ExtensionPermissions } = ChromeUtils.importESModule("resource://gre/modules/ExtensionPermissions.sys.mjs");
ExtensionPermissions.get(id)
  .then((granted) => done(JSON.stringify(granted.data_collection || [])), (e) => done(String(e)));"""
GRANTED = """const done = arguments[0];
window.wrappedJSObject.browser.permissions.getAll()
  .then((all) => done(JSON.stringify(all.data_collection || null)), (e) => done(String(e)));"""


def test_firefox_wipe_gives_back_the_health_counters_data_consent(firefox: Marionette) -> None:
    """The consent to send technical data (the health counter's, asked in Options) is kept by
    Firefox in the profile: left after a wipe, it would show that the counter was once on."""
    with firefox.using_context(firefox.CONTEXT_CHROME):
        granted = firefox.execute_async_script(GRANT_DATA_CONSENT, script_args=[GECKO_ID])
    assert "technicalAndInteraction" in json.loads(granted), granted
    open_page(firefox, "popup/popup.html")
    Wait(firefox, timeout=15).until(lambda m: m.find_element(By.ID, "wipe").text)
    assert "technicalAndInteraction" in json.loads(firefox.execute_async_script(GRANTED))
    firefox.find_element(By.ID, "wipe").click()
    status_of(firefox, "wipe-status")
    after = json.loads(firefox.execute_async_script(GRANTED))
    assert after == ["websiteContent", "personallyIdentifyingInfo"], "given back; the manifest's required ones stay"
    with firefox.using_context(firefox.CONTEXT_CHROME):
        left = firefox.execute_async_script(STORED_GRANTS, script_args=[GECKO_ID])
    assert "technicalAndInteraction" not in json.loads(left), left


def banner_state(client: Marionette) -> dict[str, Any] | None:
    seen = client.execute_script("return document.documentElement.getAttribute('data-haris-banner')")
    return json.loads(seen) if seen else None


def click_at(client: Marionette, x: float, y: float) -> None:
    """A click of the mouse at (x, y) of the viewport: a trusted event, as from a person."""
    mouse = client.actions.sequence("pointer", "mouse", {"pointerType": "mouse"})
    mouse.pointer_move(round(x), round(y), origin="viewport").pointer_down().pointer_up().perform()
    client.actions.release()


# The page's own popover: the banner is raised above it, and waits again.
OPEN_POPOVER = """const pop = document.createElement("div");
pop.setAttribute("popover", "manual");
pop.textContent = "Double-click here!";
pop.style.cssText = "position: fixed; inset: auto; left: 0; bottom: 0; width: 120px; height: 40px; margin: 0";
document.body.appendChild(pop);
pop.showPopover();"""


def test_firefox_banner_ignores_not_now_until_shown(banner_firefox: Marionette, local_page: str) -> None:
    """The banner's input protection in Firefox: a click on a waiting "Not now" does nothing (it
    still waits after the click, so the click landed in the wait); once it no longer waits, the
    same click acts; a popover of the page makes it wait again."""
    client = banner_firefox
    client.navigate(local_page)
    Wait(client, timeout=15).until(lambda m: banner_state(m) is not None)
    for _ in range(5):
        state = Wait(client, timeout=15).until(lambda m: (s := banner_state(m)) and s["waiting"] and s)
        click_at(client, state["x"], state["y"])
        after = banner_state(client)
        if after["waiting"]:
            break
        client.execute_script(OPEN_POPOVER)
    else:
        raise AssertionError("no click landed while Not now waited")
    assert after["calls"] == [], "a click on a waiting Not now does nothing"
    state = Wait(client, timeout=15).until(lambda m: (s := banner_state(m)) and not s["waiting"] and s)
    click_at(client, state["x"], state["y"])
    Wait(client, timeout=15).until(lambda m: banner_state(m)["calls"] == ["dismiss"])
    client.execute_script(OPEN_POPOVER)
    Wait(client, timeout=15).until(lambda m: banner_state(m)["waiting"])
    Wait(client, timeout=15).until(lambda m: not banner_state(m)["waiting"])

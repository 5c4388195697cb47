"""Issue 21's "done when": the device in police hands.

A real Chromium with its own profile directory goes through a user's journey — a passphrase
chosen, an API key set, contacts imported, a friend saved from a page, a profile dismissed, a
report sent — and is then closed, as a seized laptop would be. Nothing of the contacts (names,
handles, account ids, photo fingerprints) nor the API key may then be found in clear anywhere in
the profile directory: raw bytes of every file (UTF-8 and UTF-16), and, since LevelDB may
snappy-compress its table blocks, also every key and value of every LevelDB in the directory as
LevelDB itself reads them back (plyvel).

The one exception is the browser's own record of pages visited (history, sessions): a friend
saved from their profile page has that page's address and title there, as any visited page does,
with or without Haris. The test says exactly which files those are, and checks that the friend's
account id and photo fingerprint — which are not in the address or title — are nowhere.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import plyvel
import pytest
from flask import Response, request

from tests.browser.banner_view import BannerView
from tests.browser.conftest import Backend, Browser

pytestmark = pytest.mark.browser

PASSPHRASE = "olive tram seventeen lantern"
API_KEY = "hk_trainer_9b1f2e7d4c3a58e6f0a1"
IMPORTED = [
    {
        "display_name": "Wardah Qutaybi",
        "platform": "instagram",
        "account_id": "4815162342",
        "handle": "wardah.qx",
        "avatar_hash": "a1b2c3d4e5f60718",
    },
    {"display_name": "نجلاء الزهراني", "platform": "x", "account_id": "90817263", "handle": "najla_zx"},
]
FRIEND_PAGE = "https://x.com/m_salih"
# Files where Chromium records the pages a person visited (addresses, titles), Haris or not.
VISITED_PAGE_RECORDS = ("History", "Sessions", "Visited Links", "Top Sites", "Favicons", "ukm_db")


def encodings(secret: str) -> list[bytes]:
    return [secret.encode("utf-8"), secret.encode("utf-16-le")]


def files_containing(root: Path, secret: str) -> list[str]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if any(needle in data for needle in encodings(secret)):
            found.append(str(path.relative_to(root)))
    return found


def leveldb_contents(root: Path, scratch: Path) -> list[bytes]:
    """Every key and value of every LevelDB under `root`, decompressed, read from a copy."""
    out = []
    for number, current in enumerate(root.rglob("CURRENT")):
        copy = scratch / f"db{number}"
        shutil.copytree(current.parent, copy)
        (copy / "LOCK").unlink(missing_ok=True)
        try:
            db = plyvel.DB(str(copy), create_if_missing=False)
        except plyvel.Error:
            continue  # a database with a comparator of Chromium's own (IndexedDB): its raw bytes are grepped
        with db:
            out.extend(key + b"\x00" + value for key, value in db)
    return out


def journey(browser: Browser, backend: Backend, tmp_path: Path) -> str:
    """Everything a user does; returns the saved friend's photo fingerprint."""
    browser.configure(backend.url, "en")
    browser.create_vault(PASSPHRASE)
    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    options.fill("#api-key", API_KEY)
    options.click("#save-key")
    options.wait_for_selector('#key-status[data-kind="ok"]:not(:empty)')
    upload = tmp_path / "contacts.json"
    upload.write_text(json.dumps({"format": "haris-contacts", "version": 1, "contacts": IMPORTED}), encoding="utf-8")
    options.set_input_files("#import", str(upload))
    options.wait_for_selector('#contacts-status[data-kind="ok"]:not(:empty)')

    # A friend saved from their page (banner → Haris's own window → Save).
    browser.configure(backend.url, "en", everywhere=True)
    page = browser.context.new_page()
    page.goto(FRIEND_PAGE)
    banner = BannerView(page)
    banner.wait_state("result")
    banner.press("friend")
    records = browser.control.evaluate("chrome.storage.session.get(null)")
    [tab] = [
        k.split("|")[1] for k, v in records.items() if k.startswith("tab|") and v["profile"].get("handle") == "m_salih"
    ]
    popup = browser.context.new_page()
    popup.goto(browser.url(f"popup/popup.html?tab={tab}"))
    popup.click("#friend-save")
    popup.wait_for_selector('#friend-status[data-kind="ok"]:not(:empty)')

    # A profile dismissed, another reported.
    dismissed = browser.context.new_page()
    dismissed.goto("https://x.com/sara19283746")
    BannerView(dismissed).wait_state("result")
    BannerView(dismissed).press("dismiss")
    BannerView(dismissed).wait_gone()
    clone = browser.context.new_page()
    clone.goto("https://x.com/m_salih_real")
    reported = BannerView(clone)
    reported.wait_state("result")
    reported.press("report")
    reported.wait(lambda s: s.find(lambda n: n.get("data-action") == "report-entrapment") is not None)
    reported.press("report-entrapment")
    reported.wait(lambda s: s.find(lambda n: n.get("data-note") == "report-sent") is not None)
    assert backend.checks[-1]["contacts"][-1]["handle"] == "m_salih", "the checks used the unlocked contacts"

    contacts = browser.contacts()
    [friend] = [c for c in contacts if c["handle"] == "m_salih"]
    assert friend["account_id"] == "88001234"
    assert friend["avatar_hash"]
    return str(friend["avatar_hash"])


def test_a_seized_profile_directory_holds_no_contact_and_no_api_key(
    own_chromium: tuple[Browser, Path], backend: Backend, tmp_path: Path
) -> None:
    browser, profile = own_chromium
    fingerprint = journey(browser, backend, tmp_path)

    # Read back through the extension's own storage API: nothing in `local` (which content scripts
    # can read in Firefox and Chromium before 140); the ciphertext and the settings are in the
    # extension's own IndexedDB (shared/vault-store.js).
    stored = browser.storage()
    assert stored["local"] == {}
    assert sorted(browser.settings()) == ["backendUrl", "bannerEverywhere", "language"]
    vault = browser.vault_record()
    assert vault is not None
    assert browser.databases() == ["haris-vault"]
    assert vault["kdf"]["iterations"] >= 600_000
    assert all(set(slot) == {"salt", "iv", "data"} for slot in vault["slots"])
    assert stored["sync"] == {}
    browser.context.close()  # the browser is shut, as on a seized device: LevelDB is flushed

    strict = [API_KEY, fingerprint, "88001234"]
    for contact in IMPORTED:
        strict += [value for key, value in contact.items() if key != "platform"]
    contents = leveldb_contents(profile, tmp_path / "leveldb")
    # (The settings are in IndexedDB now; the alarms' record, checked below, is in a LevelDB plyvel reads.)
    assert any(e.split(b"\x00", 1)[0].endswith(b".alarms") for e in contents), "the extension's LevelDB was read"
    # No salt of the vault in storage.local's LevelDB (the extension's Local Extension Settings).
    salts = [slot["salt"].encode() for slot in vault["slots"]]
    assert not [e for e in contents if any(salt in e for salt in salts)], "the vault in `local`"
    # The vault's record is in the extension origin's IndexedDB (Chromium's own comparator: plyvel
    # cannot open it, so its raw bytes are what is grepped below).
    assert [p for p in profile.rglob("*") if "IndexedDB" in p.parts and browser.extension_id in p.name], "IndexedDB"
    for secret in strict:
        assert files_containing(profile, secret) == [], f"{secret!r} in clear"
        assert not [e for e in contents if any(n in e for n in encodings(secret))], f"{secret!r} in a LevelDB"
    # Chromium keeps an extension's alarms on disk, with their times and the delay they were made
    # with: the journey's checks, unlock and saves made or moved none; the worker's tick alone is
    # there, on the clock's five-minute grid.
    [alarms] = [e.split(b"\x00", 1)[1] for e in contents if e.split(b"\x00", 1)[0].endswith(b".alarms")]
    assert [(a["name"], a["periodInMinutes"], a["scheduledTime"] % 300_000) for a in json.loads(alarms)] == [
        ("haris-tick", 5.0, 0)
    ]
    # The friend's name and handle appear only where the browser records visited pages.
    for secret in ("Mohammed Salih", "m_salih"):
        leaks = [
            f
            for f in files_containing(profile, secret)
            if not any(part.startswith(VISITED_PAGE_RECORDS) for part in Path(f).parts)
        ]
        assert leaks == [], f"{secret!r} in {leaks}"
        assert not [e for e in contents if secret.encode() in e and b"vault" in e]


def test_wipe_leaves_nothing_and_a_wrong_passphrase_opens_nothing(
    own_chromium: tuple[Browser, Path], backend: Backend, tmp_path: Path
) -> None:
    browser, _profile = own_chromium
    journey(browser, backend, tmp_path)

    # Locked, a wrong passphrase opens nothing: no key in session, no contacts, a clear error.
    browser.control.evaluate("import('./../shared/vault.js').then(m => m.lock())")
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    popup.wait_for_selector("#unlock-form:not([hidden])")
    assert popup.locator("#locked-note").inner_text().startswith("Locked")
    popup.fill("#unlock-passphrase", PASSPHRASE + "!")
    popup.click('#unlock-form button[type="submit"]')
    popup.wait_for_selector('#unlock-status[data-kind="error"]:not(:empty)')
    assert popup.locator("#unlock-status").inner_text() == "This passphrase opens nothing."
    assert "vaultKey" not in browser.storage()["session"]
    assert browser.contacts() == []
    popup.fill("#unlock-passphrase", PASSPHRASE)
    popup.click('#unlock-form button[type="submit"]')
    popup.wait_for_selector("#unlock-form[hidden]", state="attached")
    assert len(browser.contacts()) == 3

    # One press: nothing of Haris's left in local, session or sync storage, and the vault's
    # database is gone.
    assert browser.vault_record() is not None
    popup.click("#wipe")
    popup.wait_for_selector('#wipe-status[data-kind="ok"]:not(:empty)')
    assert browser.storage() == {"local": {}, "session": {}, "sync": {}}
    assert browser.databases() == []
    # The popup, still open, asks whether there is a vault: asking makes no empty database.
    popup.reload()
    popup.wait_for_selector("#wipe")
    assert browser.databases() == []


def test_a_check_under_way_when_the_wipe_comes_leaves_nothing_behind(
    browser: Browser, serve_backend: Callable[..., Backend]
) -> None:
    """The server is slow to answer a check; the user wipes meanwhile. The answer, when it comes,
    must not put back what the wipe removed: the profile and its verdict in session storage, a
    "!" on the toolbar, a banner in the page."""
    backend = serve_backend()
    arrived, release, answered = threading.Event(), threading.Event(), threading.Event()

    @backend.app.before_request
    def hold_the_first_check() -> None:
        if request.path == "/v1/check" and not arrived.is_set():
            arrived.set()
            release.wait(60)

    @backend.app.after_request
    def note_the_answer(response: Response) -> Response:
        if request.path == "/v1/check":
            answered.set()
        return response

    browser.configure(backend.url, "en", everywhere=True)
    browser.create_vault(PASSPHRASE)
    page = browser.context.new_page()
    page.goto(FRIEND_PAGE)
    assert arrived.wait(60), "the page's profile reached the server"
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    popup.click("#wipe")
    popup.wait_for_selector('#wipe-status[data-kind="ok"]:not(:empty)')
    assert browser.storage() == {"local": {}, "session": {}, "sync": {}}

    release.set()
    assert answered.wait(60)
    # A later check, from another tab, answered and drawn: by then the worker has long had the
    # held answer (a check's writes follow its answer at once).
    browser.configure(backend.url, "en", everywhere=True)
    other = browser.context.new_page()
    other.goto("https://x.com/sara19283746")
    BannerView(other).wait_state("result")

    kept = json.dumps(browser.storage(), ensure_ascii=False)
    assert "m_salih" not in kept, kept
    other.close()  # its own badge is not the question: no tab left may show one
    badges = browser.control.evaluate(
        """async () => Promise.all(
            (await chrome.tabs.query({})).map((tab) => chrome.action.getBadgeText({ tabId: tab.id })))"""
    )
    assert len(badges) >= 3 and set(badges) == {""}, badges
    assert BannerView(page).section() is None

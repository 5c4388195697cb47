"""Red team of the extension's own pages (Options, the popup) against someone who holds the device
after Haris was locked: they cannot point Haris at a server of theirs (it would get every profile
opened and, at the next unlock, the contacts), and no window left open keeps showing a contact's
name or the export file's passphrase. Real Chromium, the real pages, clicked as a person would
(docs/extension.md, "If your device is taken")."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

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
    assert options.input_value("#auto-lock") == "15", "the default, kept"
    assert browser.settings().get("autoLockMinutes", 15) == 15

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


# What a hostile server (one the user was talked into setting, or whoever answers in its name)
# answers to every check: markup, a link to follow, a replacement pattern in its rules version.
HOSTILE_MESSAGE = (
    "<img src=x onerror=\"document.title='owned'\">"
    "<a href='https://collector.example/verify'>Verify your account here</a>"
)
HOSTILE_REPORT = {
    "level": "high",
    "risk": 97,
    "findings": [{"code": "network.hostile", "points": 40, "message": HOSTILE_MESSAGE}],
    "unavailable": ["<i>photo</i>"],
    "rules_version": "$& <script>document.title='owned'</script>",
}


@pytest.fixture
def hostile_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """A server on this computer that answers every check with HOSTILE_REPORT and keeps the
    requests' headers."""
    seen: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append(dict(self.headers))
            body = json.dumps(HOSTILE_REPORT).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def test_a_hostile_servers_answer_is_shown_as_text(browser: Browser, hostile_server: Any) -> None:
    """What the server says is drawn as text in the banner and the popup, never as markup: no
    element, no link, no script of its own; and the API key never goes to it."""
    url, seen = hostile_server
    browser.configure(url, "en", everywhere=True)
    browser.create_vault(PASSPHRASE)
    browser.control.evaluate(
        "import('./../shared/vault.js').then((m) => m.updateSecrets(() => ({apiKey: 'hk_never_sent_1'})))"
    )
    _page, banner = open_profile(browser, "https://x.com/m_salih")
    section = banner.wait_state("result")
    assert banner.reasons()["network.hostile"].startswith(HOSTILE_MESSAGE)
    assert section.find(lambda n: n.name in {"img", "a", "script", "i"}) is None

    popup = popup_for(browser, "m_salih")
    popup.wait_for_selector('#findings li[data-code="network.hostile"]')
    assert popup.locator("#findings li").first.evaluate("li => li.firstChild.nodeValue") == HOSTILE_MESSAGE
    assert popup.locator("#report img, #report a, #report script, #report i").count() == 0
    assert "$& <script>" in popup.locator("#rules").inner_text()
    assert "<i>photo</i>" in popup.locator("#unavailable").inner_text()
    assert popup.title() != "owned"
    assert seen and all("Authorization" not in headers for headers in seen)

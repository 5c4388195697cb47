"""End-to-end fixtures: the unpacked extension in Debian's Chromium, the real Flask server, and
fixture pages served under the platforms' real host names.

Chromium resolves x.com, pbs.twimg.com and abs.twimg.com to a local TLS server (throwaway
certificate from trustme, accepted through --ignore-certificate-errors) with
--host-resolver-rules, and every other name to nothing, so the content-script matches and host
permissions under test are exactly the manifest users install, and nothing leaves the machine.
"""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from flask import Flask, request
from werkzeug.serving import make_server

from tests.chromium import ARGS as CHROMIUM_ARGS
from tests.chromium import chromium_path

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
PAGES = Path(__file__).with_name("pages")
ARTIFACTS = REPO / "artifacts"
PLATFORM_HOSTS = (
    "x.com",
    "pbs.twimg.com",
    "abs.twimg.com",
    "www.instagram.com",
    "scontent-cdg4-1.cdninstagram.com",
    "www.facebook.com",
    "scontent.fbey5-1.fna.fbcdn.net",
    "web.telegram.org",
    "t.me",
    "telegram.dog",
)
EXTRACTOR_FIXTURES = REPO / "tests" / "extension" / "fixtures"

HEYMEEDAN = "@facebook/real-heymeedan-2023-01-31.html"

# (host, path) -> (content type, file under pages/)
ROUTES: dict[tuple[str, str], tuple[str, str]] = {
    ("x.com", "/sara19283746"): ("text/html; charset=utf-8", "x/sara19283746.html"),
    ("x.com", "/m_salih"): ("text/html; charset=utf-8", "x/m_salih.html"),
    ("x.com", "/m_salih_real"): ("text/html; charset=utf-8", "x/m_salih_real.html"),
    ("x.com", "/m_salih_copy"): ("text/html; charset=utf-8", "x/m_salih_copy.html"),
    ("x.com", "/hana_redesign"): ("text/html; charset=utf-8", "x/hana_redesign.html"),
    ("pbs.twimg.com", "/profile_images/1500000000000000001/m_salih_200x200.png"): ("image/png", "img/m_salih.png"),
    # The clone steals the friend's photo: same bytes, its own URL.
    ("pbs.twimg.com", "/profile_images/1861000000000000009/copy_200x200.png"): ("image/png", "img/m_salih.png"),
    ("abs.twimg.com", "/sticky/default_profile_images/default_profile_200x200.png"): (
        "image/png",
        "img/default_profile.png",
    ),
    # The other platforms: the extractor tests' desktop fixtures, under their real addresses.
    ("www.instagram.com", "/nour.khalil.art/"): ("text/html; charset=utf-8", "@instagram/invented-desktop.html"),
    # A real capture (tests/extension/fixtures/PROVENANCE.md); its photo's host is not served.
    ("www.instagram.com", "/pluto__travel/"): (
        "text/html; charset=utf-8",
        "@instagram/real-pluto__travel-2021-06-09-rendered.html",
    ),
    ("scontent-cdg4-1.cdninstagram.com", "/v/t51.2885-19/123_n.jpg"): ("image/png", "img/m_salih.png"),
    ("www.facebook.com", "/hala.ahed.rights"): ("text/html; charset=utf-8", "@facebook/invented-desktop.html"),
    ("scontent.fbey5-1.fna.fbcdn.net", "/v/t39.30808-1/p200x200/hala.jpg"): ("image/png", "img/m_salih.png"),
    # A real Page (tests/extension/fixtures/PROVENANCE.md) at its vanity address and at its old
    # /<name>-<page id>/ one, where Facebook serves the same page; its photo's host is not served.
    ("www.facebook.com", "/heymeedan"): ("text/html; charset=utf-8", HEYMEEDAN),
    ("www.facebook.com", "/Meedan-54421674438/"): ("text/html; charset=utf-8", HEYMEEDAN),
    ("web.telegram.org", "/k/"): ("text/html; charset=utf-8", "@telegram/invented-k.html"),
    ("web.telegram.org", "/a/"): ("text/html; charset=utf-8", "telegram/nour_khalil_loading.html"),
    ("t.me", "/nour_khalil"): ("text/html; charset=utf-8", "@telegram/derived-tme-user-nour_khalil.html"),
    # Telegram's mirror of t.me serves the same pages.
    ("telegram.dog", "/nour_khalil"): ("text/html; charset=utf-8", "@telegram/derived-tme-user-nour_khalil.html"),
}


@dataclass
class PlatformSite:
    port: int
    requests: list[tuple[str, str]] = field(default_factory=list)


class _PlatformHandler(http.server.BaseHTTPRequestHandler):
    site: PlatformSite

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        path = self.path.split("?")[0]
        self.site.requests.append((host, path))
        route = ROUTES.get((host, path))
        if route is None:
            self.send_error(404)
            return
        content_type, name = route
        body = (EXTRACTOR_FIXTURES / name[1:] if name.startswith("@") else PAGES / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return


@pytest.fixture(scope="session")
def platform_site() -> Iterator[PlatformSite]:
    """An HTTPS server answering for the platforms' host names."""
    authority = trustme.CA()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    authority.issue_cert(*PLATFORM_HOSTS).configure_cert(context)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _PlatformHandler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    site = PlatformSite(port=server.server_address[1])
    _PlatformHandler.site = site
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@dataclass
class Backend:
    url: str
    app: Flask
    checks: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def serve_backend(make_app: Callable[..., Flask]) -> Iterator[Callable[..., Backend]]:
    """Start the real Flask app (threaded, as a worker's parallel fetches need) on 127.0.0.1."""
    servers: list[Any] = []

    def start(**config: Any) -> Backend:
        app = make_app(**config)
        backend = Backend(url="", app=app)

        @app.before_request
        def record_check() -> None:
            # What the extension sent, so tests can see exactly what left the browser.
            if request.path == "/v1/check":
                backend.checks.append(request.get_json(silent=True) or {})

        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        backend.url = f"http://127.0.0.1:{server.server_port}"
        return backend

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def backend(serve_backend: Callable[..., Backend]) -> Backend:
    return serve_backend()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on: the backend is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The vault's record, read from the extension's own IndexedDB (shared/vault-store.js) by one of its
# pages, directly rather than through the module (which would first move a vault left in `local`).
READ_VAULT_RECORD = """async () => {
  if (!(await indexedDB.databases()).some((d) => d.name === 'haris-vault')) return null;
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('haris-vault'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  });
  try {
    return await new Promise((ok, fail) => {
      const r = db.transaction('records').objectStore('records').get('vault');
      r.onsuccess = () => ok(r.result ?? null); r.onerror = () => fail(r.error);
    });
  } finally { db.close(); }
}"""


# Every record of the extension's IndexedDB, by key ({} when there is no database; none is made).
READ_RECORDS = """async () => {
  if (!(await indexedDB.databases()).some((d) => d.name === 'haris-vault')) return {};
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('haris-vault'); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  });
  const all = (method) => new Promise((ok, fail) => {
    const r = db.transaction('records').objectStore('records')[method]();
    r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error);
  });
  try {
    const [keys, values] = [await all('getAllKeys'), await all('getAll')];
    return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
  } finally { db.close(); }
}"""


def without_filler(record: Any) -> Any:
    """A record without the filler shared/vault-store.js writes into the vault's and the clear copy's."""
    if isinstance(record, dict) and "filler" in record:
        return {key: value for key, value in record.items() if key != "filler"}
    return record


@dataclass
class Browser:
    context: Any
    extension_id: str
    control: Any = None  # an extension page kept open to reach extension storage

    def url(self, path: str) -> str:
        return f"chrome-extension://{self.extension_id}/{path}"

    def configure(self, backend_url: str, language: str, *, everywhere: bool = False) -> None:
        """Set the backend and language as the options page saves them, in the extension's
        IndexedDB (`everywhere`: banners also for low risk, checking and could-not-check)."""
        self.save_settings({"backendUrl": backend_url, "language": language, "bannerEverywhere": everywhere})

    def save_settings(self, settings: dict[str, Any]) -> None:
        """Save settings through the extension's own module (shared/settings.js), as Options does:
        the worker learns of the change from session storage (`settingsWritten`)."""
        self.control.evaluate("s => import('./../shared/settings.js').then((m) => m.saveSettings(s))", settings)

    def records(self) -> dict[str, Any]:
        """Every record of the extension's IndexedDB (vault, settings, health, unsealed), read directly,
        without the random filler that keeps the vault and the clear copy in files of their own
        (RECORD_FILES in extension/shared/constants.js): tests compare what a record holds."""
        return {name: without_filler(record) for name, record in self.control.evaluate(READ_RECORDS).items()}

    def settings(self) -> dict[str, Any]:
        """The settings record as stored ({} when there is none)."""
        return self.records().get("settings") or {}

    def health(self) -> dict[str, Any]:
        """The health counter's record as stored ({} when there is none)."""
        return self.records().get("health") or {}

    def create_vault(self, passphrase: str) -> None:
        """Choose the passphrase in the options page, as a user would; the vault is then open."""
        page = self.context.new_page()
        page.goto(self.url("options/options.html"))
        page.fill("#create-passphrase", passphrase)
        page.fill("#create-repeat", passphrase)
        page.click('#create-form button[type="submit"]')
        page.wait_for_selector('#vault-status[data-kind="ok"]:not(:empty)')
        page.close()

    def storage(self) -> dict[str, Any]:
        """Everything in the extension's local, session and sync storage, read back from its own page."""
        return self.control.evaluate(
            """async () => ({local: await chrome.storage.local.get(null),
                session: await chrome.storage.session.get(null), sync: await chrome.storage.sync.get(null)})"""
        )

    def vault_record(self) -> dict[str, Any] | None:
        """The vault's record in the extension's IndexedDB (without its filler), or None."""
        return without_filler(self.control.evaluate(READ_VAULT_RECORD))

    def databases(self) -> list[str]:
        """The names of the extension's IndexedDB databases."""
        return self.control.evaluate("async () => (await indexedDB.databases()).map((d) => d.name)")

    def contacts(self) -> list[dict[str, Any]]:
        """The trusted contacts as the extension reads them ([] while the vault is locked)."""
        return self.control.evaluate("import('./../shared/contacts.js').then(m => m.getContacts())")

    def configure_through_options(self, backend_url: str, language: str) -> None:
        """Set the backend and language through the options page, as a user would."""
        page = self.context.new_page()
        page.goto(self.url("options/options.html"))
        page.fill("#backend-url", backend_url)
        page.select_option("#language", language)
        page.click("#save")
        page.wait_for_selector('#status[data-kind="ok"]:not(:empty)')
        page.close()

    def worker(self) -> Any:
        return self.context.service_workers[0]


def launch_chromium(playwright_driver: Any, platform_site: PlatformSite, profile: Path) -> Browser:
    """Headless Chromium with the unpacked extension, its user data in `profile`."""
    port = platform_site.port
    rules = ", ".join(
        [f"MAP {host} 127.0.0.1:{port}" for host in PLATFORM_HOSTS] + ["MAP * ~NOTFOUND", "EXCLUDE 127.0.0.1"]
    )
    context = playwright_driver.chromium.launch_persistent_context(
        str(profile),
        executable_path=chromium_path(),
        headless=True,
        viewport={"width": 1000, "height": 720},
        args=[
            f"--disable-extensions-except={EXTENSION}",
            f"--load-extension={EXTENSION}",
            f"--host-resolver-rules={rules}",
            "--ignore-certificate-errors",
            *CHROMIUM_ARGS,
            "--lang=en-US",
        ],
    )
    try:
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        browser = Browser(context=context, extension_id=worker.url.split("/")[2])
        browser.control = context.new_page()
        browser.control.goto(browser.url("options/options.html"))
    except BaseException:
        context.close()
        raise
    return browser


@pytest.fixture(scope="module")
def chromium(
    playwright_driver: Any, platform_site: PlatformSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """One headless Chromium per test module with the unpacked extension loaded (starting one
    costs seconds; tests get a clean state from the `browser` fixture instead)."""
    browser = launch_chromium(playwright_driver, platform_site, tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield browser
    finally:
        browser.context.close()


@pytest.fixture
def own_chromium(playwright_driver: Any, platform_site: PlatformSite, tmp_path: Path) -> Iterator[tuple[Browser, Path]]:
    """A Chromium of the test's own, with its profile directory: for tests that read what the
    browser left on disk (the profile is the test's, closed when the test ends)."""
    profile = tmp_path / "profile"
    browser = launch_chromium(playwright_driver, platform_site, profile)
    try:
        yield browser, profile
    finally:
        browser.context.close()


@pytest.fixture
def browser(chromium: Browser) -> Iterator[Browser]:
    """The module's Chromium with no open tab and empty extension storage (cached verdicts) and no
    IndexedDB database (the vault, the settings), as after a fresh install."""
    chromium.control.evaluate(
        "Promise.all([chrome.storage.local.clear(), chrome.storage.session.clear(),"
        " import('./../shared/vault-store.js').then((m) => m.deleteVaultStore())])"
    )
    chromium.control.reload()
    yield chromium
    for page in list(chromium.context.pages):
        if page != chromium.control:
            page.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

"""A live Haris server in a thread and Debian's Chromium driven by Playwright (no downloaded browsers).

Screenshots go to ``artifacts/console/`` (gitignored) so a failed journey can be looked at.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from playwright.sync_api import Browser, Page, Playwright
from werkzeug.serving import make_server

from server.roles import Role
from server.storage.users import UserStore
from tests.chromium import ARGS as CHROMIUM_ARGS
from tests.chromium import chromium_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "console"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def live_server(make_app: Any, redis_client: redis.Redis) -> Iterator[str]:
    # Secure cookies stay on: Chromium treats http://127.0.0.1 as a secure context.
    app = make_app(HARIS_CHECK_LIMIT="10000/minute")
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    UserStore(redis_client).create("omar", PASSWORD, Role.MAINTAINER)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def console_browser(playwright_driver: Playwright) -> Iterator[Browser]:
    launched = playwright_driver.chromium.launch(
        executable_path=chromium_path(), args=["--headless=new", *CHROMIUM_ARGS]
    )
    yield launched
    launched.close()


@pytest.fixture
def page(console_browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) per test."""
    context = console_browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/console/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/console/")

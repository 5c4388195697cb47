"""The unpacked extension in Chromium, on x.com pages served under the real host names, against
the real Flask server: the banner, Arabic right-to-left, trusted contacts against a clone, and the
honest state when the backend cannot answer.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
import redis

from server.reports import ReportStore
from tests.browser.conftest import PAGES, Backend, Browser

pytestmark = pytest.mark.browser

BANNER = "haris-banner"
TIMEOUT_MS = 10_000


def open_profile(browser: Browser, url: str) -> Any:
    page = browser.context.new_page()
    page.goto(url)
    return page


def wait_for_state(page: Any, state: str) -> Any:
    page.wait_for_selector(f'{BANNER}[data-state="{state}"]', state="attached", timeout=TIMEOUT_MS)
    return page.locator(BANNER)


def reasons(page: Any) -> dict[str, str]:
    items = page.locator(f"{BANNER} li[data-code]")
    return {items.nth(i).get_attribute("data-code"): items.nth(i).inner_text() for i in range(items.count())}


def server_answer(backend: Backend, body: dict[str, Any]) -> dict[str, Any]:
    """What the server answers to a request the extension sent (to compare with what it shows)."""
    response = backend.app.test_client().post("/v1/check", json=body)
    assert response.status_code == 200
    return response.get_json()


def test_high_risk_banner_in_english(browser: Browser, backend: Backend, artifacts: Path) -> None:
    browser.configure_through_options(backend.url, "en")
    page = open_profile(browser, "https://x.com/sara19283746")
    banner = wait_for_state(page, "result")

    assert banner.get_attribute("data-level") == "high"
    box = page.locator(f"{BANNER} section.banner")
    assert box.get_attribute("role") == "alert"
    assert box.get_attribute("dir") == "ltr"
    # The banner shows the server's top three reasons, in order, with the server's own text.
    answer = server_answer(backend, backend.checks[-1])
    top = [f for f in answer["findings"] if f["points"] > 0][:3]
    assert len(top) == 3
    assert not any(f["code"].startswith("impersonation.") for f in answer["findings"])
    assert list(reasons(page).items()) == [(f["code"], f["message"]) for f in top]
    assert "Do not agree to meet this person." in box.inner_text()
    box.screenshot(path=str(artifacts / "banner-en.png"))
    # Keyboard: the banner's buttons are reachable with Tab from the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "HARIS-BANNER"

    # What left the browser is what the page showed, in the user's language.
    assert backend.checks[-1] == {
        "platform": "x",
        "locale": "en",
        "profile": {
            "handle": "sara19283746",
            "profile_url": "https://x.com/sara19283746",
            "display_name": "Sara",
            "verified": False,
            "bio": "",
            "joined": "2026-11",
            "followers": 1,
            "following": 900,
            "posts": 0,
            "private": False,
            "has_avatar": False,
        },
    }


def test_arabic_banner_is_right_to_left(browser: Browser, backend: Backend, artifacts: Path) -> None:
    browser.configure(backend.url, "ar")
    page = open_profile(browser, "https://x.com/sara19283746")
    wait_for_state(page, "result")

    box = page.locator(f"{BANNER} section.banner")
    assert box.get_attribute("dir") == "rtl"
    assert box.get_attribute("lang") == "ar"
    assert page.locator(BANNER).get_attribute("data-level") == "high"
    assert box.locator("h2").inner_text().startswith("خطر مرتفع")
    # The server renders the reasons in the requested language.
    shown = reasons(page)
    assert shown
    assert list(shown.values()) == [f["message"] for f in server_answer(backend, backend.checks[-1])["findings"]][:3]
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in message) for message in shown.values())
    assert backend.checks[-1]["locale"] == "ar"
    assert page.locator(f'{BANNER} button[data-action="friend"]').inner_text() == "هذا صديقي الحقيقي"
    box.screenshot(path=str(artifacts / "banner-ar.png"))


def test_real_friend_then_a_clone_of_that_friend(browser: Browser, backend: Backend, artifacts: Path) -> None:
    browser.configure(backend.url, "en")
    page = open_profile(browser, "https://x.com/m_salih")
    wait_for_state(page, "result")
    # The worker fetched the photo from the platform's CDN (host permission) and sent its bytes.
    photo = (PAGES / "img" / "m_salih.png").read_bytes()
    assert base64.b64decode(backend.checks[-1]["avatar"]) == photo

    page.click(f'{BANNER} button[data-action="friend"]')
    page.wait_for_selector(f'{BANNER} [data-note="friend-saved"]', state="attached")
    # Saving re-checks with the new contact list; the friend now shows as trusted.
    page.wait_for_selector(f"{BANNER} [data-trusted]", state="attached")

    options = browser.context.new_page()
    options.goto(browser.url("options/options.html"))
    row = options.locator("#contacts tbody tr")
    row.first.wait_for()
    assert row.count() == 1
    assert row.first.locator("td").nth(0).inner_text() == "Mohammed Salih"
    assert row.first.locator("td").nth(2).inner_text() == "88001234"

    clone = open_profile(browser, "https://x.com/m_salih_real")
    wait_for_state(clone, "result")
    sent = backend.checks[-1]
    assert sent["profile"]["account_id"] == "1861000000000000001"
    assert base64.b64decode(sent["avatar"]) == photo
    [contact] = sent["contacts"]
    assert {k: contact[k] for k in ("display_name", "platform", "account_id", "handle")} == {
        "display_name": "Mohammed Salih",
        "platform": "x",
        "account_id": "88001234",
        "handle": "m_salih",
    }
    # The server recognises the clone of the trusted contact; the banner says so first (the
    # reason a user can act on), whatever the points of the other findings.
    shown = reasons(clone)
    assert next(iter(shown)) == "impersonation.contact"
    assert "Mohammed Salih" in shown["impersonation.contact"]
    assert clone.locator(BANNER).get_attribute("data-level") == "high"
    clone.locator(f"{BANNER} section.banner").screenshot(path=str(artifacts / "banner-clone-en.png"))


def test_backend_down_is_an_honest_could_not_check(browser: Browser, closed_port: int) -> None:
    browser.configure_through_options(f"http://127.0.0.1:{closed_port}", "en")
    page = open_profile(browser, "https://x.com/sara19283746")
    banner = wait_for_state(page, "unavailable")
    assert banner.get_attribute("data-level") is None
    text = page.locator(f"{BANNER} section.banner").inner_text()
    assert "Haris could not check this profile" in text
    assert "This is not a verdict" in text
    assert page.locator(f'{BANNER} [data-reason="down"]').count() == 1
    assert page.locator(f"{BANNER} li[data-code]").count() == 0


def test_rate_limited_backend_is_could_not_check(browser: Browser, serve_backend: Any) -> None:
    backend = serve_backend(HARIS_CHECK_LIMIT="1/minute")
    browser.configure(backend.url, "en")
    first = open_profile(browser, "https://x.com/m_salih")
    wait_for_state(first, "result")
    second = open_profile(browser, "https://x.com/sara19283746")
    wait_for_state(second, "unavailable")
    assert second.locator(f'{BANNER} [data-reason="rate_limited"]').count() == 1
    assert second.locator(BANNER).get_attribute("data-level") is None


def test_follows_single_page_navigation(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en")
    page = open_profile(browser, "https://x.com/sara19283746")
    wait_for_state(page, "result")
    assert page.locator(BANNER).get_attribute("data-level") == "high"
    page.click("#next")  # pushState + re-render, no page load
    page.wait_for_function(
        "() => document.querySelector('haris-banner')?.getAttribute('data-level') === 'low'", timeout=TIMEOUT_MS
    )
    assert backend.checks[-1]["profile"]["handle"] == "m_salih"
    assert len(backend.checks) == 2


def test_details_popup_lists_every_finding(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "fr")
    page = open_profile(browser, "https://x.com/sara19283746")
    wait_for_state(page, "result")
    popup = browser.context.new_page()
    popup.goto(browser.url("popup/popup.html"))
    stored = popup.evaluate("chrome.storage.session.get(null)")
    [tab_key] = [key for key in stored if key.startswith("tab|")]
    popup.goto(browser.url(f"popup/popup.html?tab={tab_key.split('|')[1]}"))
    popup.wait_for_selector("#findings li")
    assert popup.locator("html").get_attribute("lang") == "fr"
    assert popup.locator("#verdict").get_attribute("data-level") == "high"
    answered = server_answer(backend, backend.checks[-1])
    items = popup.locator("#findings li")
    assert [items.nth(i).get_attribute("data-code") for i in range(items.count())] == [
        f["code"] for f in answered["findings"]
    ]
    assert "points" in items.first.inner_text()


def test_report_reaches_the_review_queue(browser: Browser, backend: Backend, redis_client: redis.Redis) -> None:
    browser.configure(backend.url, "en")
    page = open_profile(browser, "https://x.com/sara19283746")
    wait_for_state(page, "result")
    page.click(f'{BANNER} button[data-action="report"]')
    page.click(f'{BANNER} button[data-action="report-entrapment"]')
    page.wait_for_selector(f'{BANNER} [data-note="report-sent"]', state="attached")
    [report] = ReportStore(redis_client).pending()
    assert report["reason"] == "entrapment"
    assert report["platform"] == "x"
    assert report["profile"]["handle"] == "sara19283746"


def test_not_now_hides_the_banner_for_this_profile(browser: Browser, backend: Backend) -> None:
    browser.configure(backend.url, "en")
    page = open_profile(browser, "https://x.com/sara19283746")
    wait_for_state(page, "result")
    page.click(f'{BANNER} button[data-action="dismiss"]')
    page.wait_for_selector(BANNER, state="detached")
    again = open_profile(browser, "https://x.com/sara19283746")
    other = open_profile(browser, "https://x.com/m_salih")
    wait_for_state(other, "result")  # the same worker answered the other profile meanwhile
    assert again.locator(BANNER).count() == 0
    assert len(backend.checks) == 2, "a dismissed profile is not even checked again"


@pytest.mark.parametrize(
    ("url", "platform", "account_id"),
    [
        ("https://www.instagram.com/nour.khalil.art/", "instagram", "5521987341"),
        ("https://www.facebook.com/hala.ahed.rights", "facebook", "100004567890123"),
        ("https://web.telegram.org/k/#@karim_mansour_news", "telegram", "5123456789"),
    ],
)
def test_other_platforms_get_a_banner(
    browser: Browser, backend: Backend, url: str, platform: str, account_id: str
) -> None:
    browser.configure(backend.url, "en")
    page = open_profile(browser, url)
    wait_for_state(page, "result")
    sent = backend.checks[-1]
    assert (sent["platform"], sent["profile"]["account_id"]) == (platform, account_id)
    if platform != "telegram":  # Telegram's photo is a blob: of the real app, absent from the fixture
        assert base64.b64decode(sent["avatar"]) == (PAGES / "img" / "m_salih.png").read_bytes()


def test_a_photo_drawn_after_the_first_check_is_checked_again(browser: Browser, backend: Backend) -> None:
    """Telegram shows initials while the photo loads: the first check says nothing about a photo,
    and the photo, once drawn (a blob: URL the content script reads itself), is sent in a second."""
    browser.configure(backend.url, "en")
    page = open_profile(browser, "https://web.telegram.org/a/#7001234567")
    wait_for_state(page, "result")
    [first] = backend.checks
    assert first["profile"]["account_id"] == "7001234567" and "has_avatar" not in first["profile"]
    assert "avatar" not in first
    photo = (PAGES / "img" / "m_salih.png").read_bytes()
    page.evaluate(
        """bytes => {
            const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: "image/png" }));
            const avatar = document.querySelector(".Avatar");
            avatar.classList.remove("no-photo");
            avatar.innerHTML = `<div class="inner"><img class="Avatar__media avatar-media" src="${url}"></div>`;
        }""",
        list(photo),
    )
    for _ in range(TIMEOUT_MS // 100):  # polled, not timed: the page settles, then the check goes out
        if len(backend.checks) >= 2:
            break
        page.wait_for_timeout(100)
    assert len(backend.checks) == 2, "one re-check when the photo appears"
    second = backend.checks[1]
    assert second["profile"]["has_avatar"] is True
    assert base64.b64decode(second["avatar"]) == photo


def test_trusted_contacts_import_edit_export_delete(browser: Browser, tmp_path: Path) -> None:
    exported = {
        "format": "haris-contacts",
        "version": 1,
        "contacts": [
            {
                "display_name": "Hala Ahed",
                "platform": "facebook",
                "account_id": "100004567890123",
                "avatar_hash": "C3D4",
            },
            {"display_name": "Karim", "platform": "telegram", "handle": "karim_mansour_news"},
            {"display_name": "<img src=x onerror=alert(1)>", "platform": "nowhere", "avatar_hash": "not hex"},
            {"note": "nothing that identifies anyone"},
        ],
    }
    upload = tmp_path / "contacts.json"
    upload.write_text(json.dumps(exported), encoding="utf-8")
    page = browser.context.new_page()
    page.goto(browser.url("options/options.html"))
    page.set_input_files("#import", str(upload))
    page.wait_for_selector('#contacts-status[data-kind="ok"]:not(:empty)')
    rows = page.locator("#contacts tbody tr")
    assert rows.count() == 3
    # Imported files are untrusted: unknown platform and bad fingerprint dropped, text kept as text.
    assert rows.nth(2).locator("td").nth(0).inner_text() == "<img src=x onerror=alert(1)>"
    assert rows.nth(2).locator("td").nth(1).inner_text() == "—"
    assert rows.nth(0).locator("td.hash").inner_text() == "c3d4"

    rows.nth(1).locator('[data-action="edit"]').click()
    rows.nth(1).locator("td").nth(0).locator("input").fill("Karim Mansour")
    rows.nth(1).locator('[data-action="save"]').click()
    page.wait_for_function(
        "() => document.querySelector('#contacts tbody tr:nth-child(2) td').textContent === 'Karim Mansour'"
    )

    rows.nth(2).locator('[data-action="delete"]').click()
    page.wait_for_function("() => document.querySelectorAll('#contacts tbody tr').length === 2")

    with page.expect_download() as download:
        page.click("#export")
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert saved["format"] == "haris-contacts"
    assert [(c["display_name"], c["platform"]) for c in saved["contacts"]] == [
        ("Hala Ahed", "facebook"),
        ("Karim Mansour", "telegram"),
    ]

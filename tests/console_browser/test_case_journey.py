"""A trainer in a real Chromium goes from a user's report to a downloaded, verifiable case export."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from heuristics.images import decode, fingerprint
from server.escalation import archive
from tests.api.test_banks import photo_bytes
from tests.console_browser.conftest import shot, sign_in
from tests.console_browser.test_journeys import avatar_file, post_json, watch_for_policy_violations

# Reports carry fingerprints the server makes (a bare 64-bit hash is refused).
REPORTED_HASH = fingerprint(decode(photo_bytes("rocket"))).hex

pytestmark = pytest.mark.browser


def test_from_a_report_to_a_downloaded_case(page: Page, live_server: str, tmp_path: Path) -> None:
    problems = watch_for_policy_violations(page)
    report = post_json(
        live_server + "/v1/reports",
        {
            "platform": "x",
            "profile": {"handle": "ha1a_ahed", "display_name": "Hala Ahed", "profile_url": "https://x.com/ha1a_ahed"},
            "avatar_hash": REPORTED_HASH,
            "reason": "impersonation",
        },
    )
    report_id = str(report["id"])
    sign_in(page, live_server, "amal")
    page.get_by_role("link", name="Reports").first.click()
    item = page.locator(f"article[data-report='{report_id}']")
    item.locator("form.confirm").get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text("Report confirmed.")

    page.goto(f"{live_server}/console/reports/{report_id}")
    page.get_by_role("link", name="Open a case").click()
    expect(page.get_by_label("Suspect account URL")).to_have_value("https://x.com/ha1a_ahed")
    page.get_by_label("Their name").fill("Hala Ahed")
    page.get_by_label("Their genuine account URL").fill("https://x.com/hala_ahed")
    page.get_by_label("Notes (shared in exports)").fill("Writes to her colleagues to meet.")
    page.get_by_label("Private notes (never leave this server)").fill("Her sister alerted us.")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("status")).to_have_text("Case opened.")
    expect(page.locator("td.suspect-url")).to_have_text("https://x.com/ha1a_ahed")
    expect(page.locator("tr.finding[data-code='impersonation.contact']")).to_be_visible()

    screenshot = avatar_file(tmp_path)
    evidence = page.locator("#evidence")
    evidence.get_by_label("File", exact=True).set_input_files(str(screenshot))
    evidence.get_by_label("Where it was captured (URL)").fill("https://x.com/ha1a_ahed")
    evidence.get_by_role("button", name="Add the file").click()
    expect(page.get_by_role("status")).to_have_text("File added and hashed.")
    expect(page.locator("tr[data-evidence='01'] code.sha256")).to_have_text(
        hashlib.sha256(screenshot.read_bytes()).hexdigest()
    )
    shot(page, "case-page-en")

    exports = page.locator("#exports")
    exports.get_by_label("Platform").select_option("x")
    exports.get_by_label("Language").select_option("ar")
    with page.expect_download() as ticket_download:
        exports.get_by_role("button", name="Takedown ticket").click()
    ticket = tmp_path / "ticket.txt"
    ticket_download.value.save_as(ticket)
    text = ticket.read_text(encoding="utf-8")
    assert "https://x.com/ha1a_ahed" in text and "أُقرّ بأنني أعتقد بحسن نية" in text
    assert "Her sister alerted us." not in text

    with page.expect_download() as archive_download:
        exports.get_by_role("link", name="Evidence archive").click()
    saved = tmp_path / archive_download.value.suggested_filename
    archive_download.value.save_as(saved)
    assert saved.name.endswith("-archive.zip")
    result = archive.verify(saved)
    assert result.ok and result.files == 3, result.problems

    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#evidence h2")).to_have_text("الأدلة")
    shot(page, "case-page-ar")
    assert problems == []

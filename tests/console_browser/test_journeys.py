"""The console's main journeys in a real Chromium: sign in, check with an avatar, review reports,
protect a person, grow a bank."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import ConsoleMessage, Page, expect

from heuristics.images import decode, fingerprint
from tests.api.test_banks import photo_bytes
from tests.console_browser.conftest import PASSWORD, shot, sign_in

# A public-domain NASA portrait (tests/data/photos/PROVENANCE.md).
PORTRAIT = Path(__file__).resolve().parents[1] / "data" / "photos" / "astronaut.jpg"

pytestmark = pytest.mark.browser


def avatar_file(tmp_path: Path) -> Path:
    """A small, distinctive PNG portrait stand-in (drawn here, so no photo of anyone is shipped)."""
    image = Image.new("RGB", (256, 256), (230, 200, 170))
    draw = ImageDraw.Draw(image)
    draw.ellipse((64, 40, 192, 200), fill=(120, 80, 60))
    draw.rectangle((0, 200, 256, 256), fill=(20, 60, 120))
    draw.line((0, 0, 256, 256), fill=(255, 255, 255), width=9)
    path = tmp_path / "avatar.png"
    image.save(path)
    return path


def post_json(url: str, body: dict[str, object], key: str | None = None) -> dict[str, object]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    request = urllib.request.Request(  # noqa: S310 (the test's own loopback server)
        url, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def watch_for_policy_violations(page: Page) -> list[str]:
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A 401 for a failed sign-in is expected; what must never appear is a blocked resource.
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    return problems


def test_sign_in_wrong_then_right_then_out(page: Page, live_server: str) -> None:
    problems = watch_for_policy_violations(page)
    page.goto(live_server + "/console/reports")
    expect(page).to_have_url(live_server + "/console/login?next=/console/reports")
    page.get_by_label("Username").fill("amal")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Sign-in failed: check the username and password.")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server + "/console/reports")
    cookie = next(c for c in page.context.cookies() if c["name"] == "__Host-haris_console")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(live_server + "/console/login")
    page.goto(live_server + "/console/check")
    expect(page).to_have_url(live_server + "/console/login?next=/console/check")
    assert problems == []


def test_manual_check_with_an_avatar_upload(page: Page, live_server: str, tmp_path: Path) -> None:
    problems = watch_for_policy_violations(page)
    sign_in(page, live_server, "amal")
    page.get_by_role("link", name="Manual check").first.click()
    page.get_by_label("Platform").select_option("x")
    page.get_by_label("Profile URL").fill("https://x.com/hala12345678")
    page.get_by_label("Display name").fill("Hala Ahed")
    page.get_by_label("Bio").fill("")
    page.get_by_label("Followers").fill("3")
    page.get_by_label("Following", exact=True).fill("1200")
    page.get_by_label("Posts").fill("0")
    # Years old and bare: high on any day (a new account's bareness gets grace since rules 2026.12.1).
    page.get_by_label("Joined").fill("2019-03")
    page.get_by_label("Profile photo (optional)").set_input_files(str(avatar_file(tmp_path)))
    page.get_by_role("button", name="Check this profile").click()

    report = page.locator("section.report")
    expect(report).to_be_visible()
    expect(report.locator(".badge")).to_have_text("high")
    expect(report.locator("tr.finding[data-code='activity.low_for_age']")).to_contain_text("posts only")
    expect(report.locator("tr.finding[data-code='handle.digits']")).to_contain_text('"longest_run": 8')
    expect(report).to_contain_text("Rules version")
    # The form keeps what was typed, so the trainer can adjust and re-check.
    expect(page.get_by_label("Display name")).to_have_value("Hala Ahed")
    report.scroll_into_view_if_needed()
    shot(page, "manual-check-en")

    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_label("المنصة").select_option("x")
    page.get_by_label("رابط الحساب").fill("https://x.com/hala12345678")
    page.get_by_label("المنشورات").fill("0")
    page.get_by_role("button", name="افحص هذا الحساب").click()
    expect(page.locator("section.report")).to_contain_text("هذا الحساب")
    shot(page, "manual-check-ar")
    assert problems == []


def test_confirm_a_reported_profile(page: Page, live_server: str) -> None:
    problems = watch_for_policy_violations(page)
    report = post_json(
        live_server + "/v1/reports",
        {
            "platform": "instagram",
            "profile": {"handle": "hala.ahed.official", "display_name": "Hala Ahed"},
            "avatar_hash": fingerprint(decode(photo_bytes("rocket"))).hex,
            "reason": "impersonation",
            "note": "pretends to be our colleague",
        },
    )
    report_id = str(report["id"])
    sign_in(page, live_server, "amal")
    expect(page.get_by_text("1 report(s) waiting for review")).to_be_visible()
    page.get_by_role("link", name="Reports").first.click()
    item = page.locator(f"article[data-report='{report_id}']")
    expect(item).to_contain_text("hala.ahed.official")
    expect(item).to_contain_text("pretends to be our colleague")
    shot(page, "report-queue")
    confirm = item.locator("form.confirm")
    confirm.get_by_label("Label").select_option("stolen_photo")
    confirm.get_by_label("Note").fill("known clone of Hala")
    confirm.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_have_text("Report confirmed.")
    expect(page.get_by_text("No reports are waiting.")).to_be_visible()
    expect(page.locator("table.decided")).to_contain_text("amal")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "omar")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.locator("table")).to_contain_text("confirmed a report")
    expect(page.locator("table")).to_contain_text(report_id)
    assert problems == []


def test_register_a_protected_person_then_catch_a_clone(page: Page, live_server: str) -> None:
    problems = watch_for_policy_violations(page)
    sign_in(page, live_server, "amal")
    page.get_by_role("link", name="Protected people").first.click()
    page.get_by_role("link", name="Register a person").click()
    page.get_by_label("Names (one per line").fill("Hala Ahed\nهالة عاهد")
    page.get_by_label("Genuine accounts").fill("x @hala_ahed")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.locator("article.person")).to_contain_text("هالة عاهد")

    page.get_by_role("link", name="Manual check").first.click()
    page.get_by_label("Platform").select_option("x")
    page.get_by_label("Username (handle)").fill("hala_ahed_official")
    page.get_by_label("Display name").fill("هاله عاهد")
    page.get_by_role("button", name="Check this profile").click()
    match = page.locator("li.match.protected")
    expect(match).to_contain_text("Name matches the protected person")
    expect(page.locator("tr.finding[data-code='impersonation.protected_person']")).to_be_visible()
    shot(page, "protected-person-match")
    assert problems == []


def test_see_the_bank_grow_and_the_next_check_match(page: Page, live_server: str) -> None:
    problems = watch_for_policy_violations(page)
    # A partner's bank already holds one fingerprint (another photo).
    post_json(
        live_server + "/v1/banks/ngo-1/entries",
        {"avatar_hash": fingerprint(decode(photo_bytes("coffee"))).hex, "label": "campaign"},
        key="test-bootstrap-key",
    )
    sign_in(page, live_server, "amal")
    page.get_by_role("link", name="Banks").first.click()
    expect(page.get_by_role("heading", name="Hash banks")).to_be_visible()
    count = page.locator("tr[data-bank='ngo-1'] td.count")
    expect(count).to_have_text("1")
    expect(page.get_by_text("Import a bank export")).to_have_count(0)  # maintainers only

    page.get_by_label("Bank name").fill("ngo-1")
    page.get_by_label("Label").select_option("stolen_photo")
    page.get_by_label("Photo", exact=True).set_input_files(str(PORTRAIT))
    page.get_by_label("Note").fill("used by an entrapment account")
    page.get_by_role("button", name="Add to bank").click()
    expect(page.get_by_role("status")).to_have_text("Added to bank “ngo-1”.")
    expect(count).to_have_text("2")
    shot(page, "bank-grew")

    page.get_by_role("link", name="Manual check").first.click()
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Username (handle)").fill("new.friend.2026")
    page.get_by_label("Profile photo (optional)").set_input_files(str(PORTRAIT))
    page.get_by_role("button", name="Check this profile").click()
    match = page.locator("li.match.bank[data-bank='ngo-1']")
    expect(match).to_contain_text("Photo matches bank “ngo-1” (stolen photo) at distance 0")
    expect(page.locator("tr.finding[data-code='avatar.known_bad']")).to_contain_text("ngo-1")
    match.scroll_into_view_if_needed()
    shot(page, "bank-match")
    assert problems == []

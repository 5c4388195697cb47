"""Firefox: turning the health counter off in Options gives back the consent to send technical
data that turning it on asked for (background/health.js chooseHealth), as the wipe does: Firefox
keeps it in the profile (ExtensionPermissions), and left there it would say that the counter was
once on. Driven as tests/browser/test_firefox.py drives Firefox (Marionette, headless)."""

from __future__ import annotations

import json

import pytest
from marionette_driver.by import By
from marionette_driver.marionette import Marionette
from marionette_driver.wait import Wait

from tests.browser.conftest import EXTENSION
from tests.browser.test_firefox import (
    GECKO_ID,
    GRANT_DATA_CONSENT,
    GRANTED,
    STORED_GRANTS,
    firefox,  # noqa: F401  (the fixture, used by name)
    open_page,
)

pytestmark = pytest.mark.browser

REQUIRED = ["websiteContent", "personallyIdentifyingInfo"]
ENGLISH = json.loads((EXTENSION / "_locales" / "en" / "messages.json").read_text(encoding="utf-8"))


def said(client: Marionette, message: str) -> None:
    """Wait until Options' health status says `message` (the English catalogue's)."""
    text = ENGLISH[message]["message"]
    Wait(client, timeout=15).until(lambda m: m.find_element(By.ID, "health-status").text == text)


def test_firefox_turning_the_health_counter_off_gives_back_its_data_consent(firefox: Marionette) -> None:  # noqa: F811
    # The consent, as Firefox records it when the user accepts the prompt that turning the counter
    # on shows (a headless browser cannot click a doorhanger): the switch then asks for it again,
    # which Firefox grants at once, and turns the counter on.
    with firefox.using_context(firefox.CONTEXT_CHROME):
        granted = firefox.execute_async_script(GRANT_DATA_CONSENT, script_args=[GECKO_ID])
    assert "technicalAndInteraction" in json.loads(granted), granted
    open_page(firefox, "options/options.html")
    switch = Wait(firefox, timeout=15).until(
        lambda m: (node := m.find_element(By.ID, "health-counter")).is_enabled() and node
    )
    switch.click()
    said(firefox, "healthOn")
    assert "technicalAndInteraction" in json.loads(firefox.execute_async_script(GRANTED))

    switch.click()
    said(firefox, "healthOff")
    assert json.loads(firefox.execute_async_script(GRANTED)) == REQUIRED, "given back; the required ones stay"
    with firefox.using_context(firefox.CONTEXT_CHROME):
        left = firefox.execute_async_script(STORED_GRANTS, script_args=[GECKO_ID])
    assert "technicalAndInteraction" not in json.loads(left), left

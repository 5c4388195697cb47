// Red team of the extension's own stored data and settings (not the pages it reads, nor the
// worker's messages: redteam-pages.test.mjs and worker-messages.test.mjs cover those): someone
// holding the device with Haris locked, and a hostile file the user is talked into importing.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { clearEverything, installFakeBrowser } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const Settings = await import("../../extension/shared/settings.js");
const Contacts = await import("../../extension/shared/contacts.js");
const { buildCheckBody } = await import("../../extension/background/checker.js");
const { LIMITS } = await import("../../extension/shared/constants.js");

const PASS = "olive tram seventeen lantern";
const OURS = "https://ngo.example";
const THEIRS = "https://collector.example";

beforeEach(() => clearEverything(browser));

describe("the server address, while the vault is locked", () => {
  test("a new one is refused, and nothing is saved: the next unlock would send the contacts there", async () => {
    await Settings.saveSettings({ backendUrl: OURS });
    await Vault.createVault(PASS, { contacts: [{ display_name: "Zaynab Haddad", platform: "x", account_id: "77001234" }] });
    await Vault.lock();
    await assert.rejects(Settings.saveSettings({ backendUrl: THEIRS, language: "fr" }), { name: "VaultError", code: "locked" });
    assert.deepEqual(
      { backendUrl: (await Settings.getSettings()).backendUrl, language: (await Settings.getSettings()).language },
      { backendUrl: OURS, language: "auto" },
      "neither the server nor the other settings of the same save",
    );
  });

  test("the same one with other settings changes, and any other setting, still save while locked", async () => {
    await Settings.saveSettings({ backendUrl: OURS });
    await Vault.createVault(PASS);
    await Vault.lock();
    await Settings.saveSettings({ backendUrl: OURS, language: "ar", bannerEverywhere: true });
    await Settings.saveSettings({ autoLockMinutes: 15 });
    const settings = await Settings.getSettings();
    assert.deepEqual([settings.backendUrl, settings.language, settings.bannerEverywhere, settings.autoLockMinutes], [OURS, "ar", true, 15]);
  });

  test("with the vault open (the passphrase typed), or with no vault at all, the server may change", async () => {
    await Settings.saveSettings({ backendUrl: THEIRS });
    assert.equal((await Settings.getSettings()).backendUrl, THEIRS, "no vault: nothing to protect with");
    await Vault.createVault(PASS);
    await Settings.saveSettings({ backendUrl: OURS });
    assert.equal((await Settings.getSettings()).backendUrl, OURS);
    await Vault.lock();
    await Vault.unlock(PASS);
    await Settings.saveSettings({ backendUrl: THEIRS });
    assert.equal((await Settings.getSettings()).backendUrl, THEIRS);
  });
});

// The vault locks itself (background/auto-lock.js) through Firefox's `browser.*` API
// (fake-browser.mjs): after the chosen minutes without use (at the worker's tick), and when the
// screen locks; and using Haris makes or moves no alarm (Chromium keeps them on disk).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { clearEverything, installFakeBrowser, sendToWorker } from "./fake-browser.mjs";
import { jsonServer } from "./helpers.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
const { timing } = await import("../../extension/background/auto-lock.js");
// Another context's store (an Options page): its writes reach the worker by their signal.
const OptionsStore = await import("../../extension/shared/vault-store.js?options-page");
await import("../../extension/background/service-worker.js");

const PASS = "olive tram seventeen lantern";
const FRIEND = { display_name: "Mohamed Saleh", platform: "x", account_id: "111111", handle: "mo_saleh" };
const PROFILE = { type: "check", platform: "x", key: "x:h:someone", profile: { handle: "someone", display_name: "Someone" } };
const MINUTE = 60 * 1000;
const T0 = 1_000_123; // not on any grid
const settle = () => new Promise((resolve) => setTimeout(resolve, 20)); // the worker's storage listeners
const watch = () => browser.alarms.fire("haris-tick");
let server;

before(async () => {
  server = await jsonServer(() => ({ status: 200, body: { risk: 5, level: "low", findings: [], rules_version: "t", unavailable: [] } }));
});
after(() => server.close());

beforeEach(async () => {
  await clearEverything(browser);
  browser.alarms.scheduled.clear();
  await saveSettings({ backendUrl: server.base, language: "en" });
  timing.now = () => T0;
});

describe("auto-lock", () => {
  test("by default the vault locks itself 15 minutes after its last use: the unlock, then each check that sent the contacts", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    await settle();
    timing.now = () => T0 + 14 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "unlocked");
    timing.now = () => T0 + 14 * MINUTE + 1;
    await sendToWorker(browser, PROFILE); // a use
    timing.now = () => T0 + 29 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "unlocked", "15 minutes count from the check, not the unlock");
    timing.now = () => T0 + 29 * MINUTE + 1;
    await watch();
    assert.equal(await Vault.vaultState(), "locked", "not an hour: Firefox reports no screen lock, so the time is all there is");
    assert.equal(await Vault.readSecrets(), null);
    await settle();
    assert.deepEqual(await browser.storage.session.get("lastUse"), {}, "a locked vault keeps no time of use");
  });

  test("a page in a background tab checking in a loop does not keep the vault open", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    await settle();
    for (const minute of [5, 10, 14]) {
      timing.now = () => T0 + minute * MINUTE;
      await sendToWorker(browser, { ...PROFILE, force: true }, { active: false }); // sent the contacts, not a use
    }
    timing.now = () => T0 + 15 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "locked", "15 minutes from the unlock, whatever the background tab asked");
  });

  test("using Haris makes or moves no alarm (Chromium keeps alarms, their times and delays, on disk)", async () => {
    const tick = { name: "haris-tick", scheduledTime: 1_200_000, periodInMinutes: 5 };
    browser.alarms.scheduled.set("haris-tick", tick);
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    await settle();
    await sendToWorker(browser, PROFILE);
    await Vault.lock();
    await Vault.unlock(PASS);
    await settle();
    assert.deepEqual([...browser.alarms.scheduled.values()], [tick]);
  });

  test("the screen locking locks the vault at once", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    browser.idle.onStateChanged.emit("idle");
    await settle();
    assert.equal(await Vault.vaultState(), "unlocked", "idle is not a locked screen");
    browser.idle.onStateChanged.emit("locked");
    await settle();
    assert.equal(await Vault.vaultState(), "locked");
  });

  test("the time is chosen in Options; 'only when the browser closes' keeps the key until then", async () => {
    await saveSettings({ autoLockMinutes: 60 });
    await Vault.createVault(PASS);
    await settle();
    timing.now = () => T0 + 59 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "unlocked", "an hour, chosen");
    timing.now = () => T0 + 60 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "locked");
    await Vault.unlock(PASS);
    await settle();
    await saveSettings({ autoLockMinutes: 0 });
    timing.now = () => T0 + 1000 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "unlocked");
    browser.idle.onStateChanged.emit("locked");
    await settle();
    assert.equal(await Vault.vaultState(), "unlocked");
    await OptionsStore.writeRecord("settings", { autoLockMinutes: 7 }); // not a choice: the default 15 minutes
    await settle();
    timing.now = () => T0 + 60 * MINUTE + 14 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "unlocked");
    timing.now = () => T0 + 60 * MINUTE + 15 * MINUTE;
    await watch();
    assert.equal(await Vault.vaultState(), "locked");
  });
});

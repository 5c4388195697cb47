// The vault locks itself (background/auto-lock.js) through Firefox's `browser.*` API
// (fake-browser.mjs): after the chosen minutes without use, and when the screen locks.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { installFakeBrowser, sendToWorker } from "./fake-browser.mjs";
import { jsonServer } from "./helpers.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { timing } = await import("../../extension/background/auto-lock.js");
await import("../../extension/background/service-worker.js");

const PASS = "olive tram seventeen lantern";
const FRIEND = { display_name: "Mohamed Saleh", platform: "x", account_id: "111111", handle: "mo_saleh" };
const PROFILE = { type: "check", platform: "x", key: "x:h:someone", profile: { handle: "someone", display_name: "Someone" } };
const MINUTE = 60 * 1000;
const settle = () => new Promise((resolve) => setTimeout(resolve, 20)); // the worker's storage listeners
let server;

before(async () => {
  server = await jsonServer(() => ({ status: 200, body: { risk: 5, level: "low", findings: [], rules_version: "t", unavailable: [] } }));
});
after(() => server.close());

beforeEach(async () => {
  for (const name of ["local", "session", "sync"]) await browser.storage[name].clear();
  browser.alarms.scheduled.clear();
  await browser.storage.local.set({ backendUrl: server.base, language: "en" });
  timing.now = () => 1_000_000;
});

describe("auto-lock", () => {
  test("by default the vault locks itself an hour after its last use: the unlock, then each check that sent the contacts", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    await settle();
    assert.equal((await browser.alarms.get("haris-lock")).scheduledTime, 1_000_000 + 60 * MINUTE);
    timing.now = () => 2_000_000;
    await sendToWorker(browser, PROFILE);
    assert.equal((await browser.alarms.get("haris-lock")).scheduledTime, 2_000_000 + 60 * MINUTE, "a check is a use");
    await browser.alarms.fire("haris-lock");
    assert.equal(await Vault.vaultState(), "locked");
    assert.equal(await Vault.readSecrets(), null);
    await settle();
    assert.equal(await browser.alarms.get("haris-lock"), undefined, "a locked vault needs no alarm");
    // Locked, checks run without the contacts and plan no lock.
    await sendToWorker(browser, PROFILE);
    assert.equal(await browser.alarms.get("haris-lock"), undefined);
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
    await browser.storage.local.set({ autoLockMinutes: 15 });
    await Vault.createVault(PASS);
    await settle();
    assert.equal((await browser.alarms.get("haris-lock")).scheduledTime, 1_000_000 + 15 * MINUTE);
    timing.now = () => 3_000_000;
    await browser.storage.local.set({ autoLockMinutes: 0 });
    await settle();
    assert.equal(await browser.alarms.get("haris-lock"), undefined);
    browser.idle.onStateChanged.emit("locked");
    await settle();
    assert.equal(await Vault.vaultState(), "unlocked");
    await browser.storage.local.set({ autoLockMinutes: 240 });
    await settle();
    assert.equal((await browser.alarms.get("haris-lock")).scheduledTime, 3_000_000 + 240 * MINUTE);
    await browser.storage.local.set({ autoLockMinutes: 7 }); // not a choice: the default
    await settle();
    assert.equal((await browser.alarms.get("haris-lock")).scheduledTime, 3_000_000 + 60 * MINUTE);
  });
});

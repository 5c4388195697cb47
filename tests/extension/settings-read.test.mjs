// The settings on the hot path: the worker reads them for every check, so a context reads them
// once (the Web Lock, `local`, the list of databases, an open), and again only when they may have
// changed: its own write, another context's (the `settingsWritten` signal in session storage), a
// wipe in any context (the database's `versionchange` on the connection it keeps), or an older
// version's record put into `local` (moved again). "Another context" is a second instance of
// shared/vault-store.js (an import under another address): its own memory, the same browser.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { clearEverything, idbNames, installFakeBrowser, setIdbRecord } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Settings = await import("../../extension/shared/settings.js");
const Store = await import("../../extension/shared/vault-store.js");
const Other = await import("../../extension/shared/vault-store.js?options-page");
const { wipeEverything } = await import("../../extension/shared/wipe.js");
const { DEFAULT_SETTINGS } = await import("../../extension/shared/constants.js");

async function settle() {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * How many times `work` takes the Web Lock, reads `local`, lists the databases and opens one
 * (counted on the browser's own objects: what a profiler of the worker would see).
 */
async function countWhile(work) {
  const counts = { lock: 0, local: 0, databases: 0, open: 0 };
  const factory = globalThis.indexedDB;
  const patched = [
    [globalThis.navigator.locks, "request", "lock"],
    [browser.storage.local, "get", "local"],
    [factory, "databases", "databases"],
    [factory, "open", "open"],
  ];
  const originals = patched.map(([target, method]) => target[method]);
  patched.forEach(([target, method, name], i) => {
    target[method] = function (...args) {
      counts[name] += 1;
      return originals[i].apply(this, args);
    };
  });
  try {
    const result = await work();
    return { counts, result };
  } finally {
    patched.forEach(([target, method], i) => {
      target[method] = originals[i];
    });
  }
}

const NONE = { lock: 0, local: 0, databases: 0, open: 0 };

beforeEach(() => clearEverything(browser));

describe("the settings are read once per context", () => {
  test("a second read takes no lock, reads no `local`, lists and opens no database", async () => {
    await Settings.saveSettings({ language: "fr", backendUrl: "https://ngo.example" });
    const first = await countWhile(() => Settings.getSettings());
    assert.equal(first.result.language, "fr");
    const again = await countWhile(async () => {
      const reads = [];
      for (let i = 0; i < 20; i += 1) reads.push(await Settings.getSettings());
      return reads;
    });
    assert.deepEqual(again.counts, NONE, "twenty reads after the first: nothing asked of the browser");
    assert.ok(again.result.every((settings) => settings.language === "fr" && settings.backendUrl === "https://ngo.example"));
  });

  test("a fresh install's defaults (no database): remembered too, and no database made", async () => {
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
    const again = await countWhile(() => Settings.getSettings());
    assert.deepEqual(again.counts, NONE);
    assert.deepEqual(again.result, DEFAULT_SETTINGS);
    assert.deepEqual(await idbNames(), []);
  });

  test("what a caller does to the settings it got changes nothing remembered", async () => {
    await Settings.saveSettings({ language: "ar" });
    const record = await Store.readRecord("settings");
    record.language = "en";
    assert.equal((await Settings.getSettings()).language, "ar");
  });

  test("this context's own write is read back at once", async () => {
    await Settings.getSettings();
    await Settings.saveSettings({ autoLockMinutes: 240 });
    assert.equal((await Settings.getSettings()).autoLockMinutes, 240);
  });

  test("another context's write is seen (its signal in session storage)", async () => {
    await Settings.saveSettings({ language: "fr" });
    assert.equal((await Settings.getSettings()).language, "fr");
    await Other.updateRecord("settings", (current) => ({ ...current, language: "ar", healthCounter: true }));
    await settle();
    assert.deepEqual(await Settings.getSettings(), { ...DEFAULT_SETTINGS, language: "ar", healthCounter: true });
  });

  test("another context's first write, where there was no database, is seen", async () => {
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
    await Other.updateRecord("settings", () => ({ language: "ar" }));
    await settle();
    assert.equal((await Settings.getSettings()).language, "ar");
  });

  test("a wipe in another context is seen, and the kept connection does not hold it up", async () => {
    await Settings.saveSettings({ language: "fr", backendUrl: "https://ngo.example" });
    assert.equal((await Settings.getSettings()).language, "fr");
    // The other context deletes the database alone (no session signal to help): the kept
    // connection's versionchange is what tells this one.
    await Other.deleteVaultStore();
    assert.deepEqual(await idbNames(), []);
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
    assert.deepEqual(await idbNames(), [], "the read after the wipe makes no database");
  });

  test("a wipe in this context is seen", async () => {
    await Settings.saveSettings({ language: "fr" });
    await Settings.getSettings();
    await wipeEverything();
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
    assert.deepEqual(await idbNames(), []);
  });

  test("a write that lands while the first read is under way is not hidden by it", async () => {
    await Settings.saveSettings({ language: "fr" });
    await Other.deleteVaultStore(); // this context reads afresh below
    await setIdbRecord("settings", { language: "fr" });
    const reading = Settings.getSettings();
    const writing = Other.updateRecord("settings", () => ({ language: "ar" }));
    await Promise.all([reading, writing]);
    await settle();
    assert.equal((await Settings.getSettings()).language, "ar");
  });

  test("a read that no longer looks in `local` still waits for a wipe: no empty database made after it", async () => {
    await Store.writeRecord("vault", { version: 1, slots: [] });
    await Store.readRecord("vault"); // `local` seen empty: no move, no lock for it any more
    for (let i = 0; i < 5; i += 1) {
      await Store.writeRecord("vault", { version: 1, slots: [] });
      await Promise.all([Store.readRecord("vault"), Other.deleteVaultStore(), Store.readRecord("vault")]);
      assert.deepEqual(await idbNames(), [], `round ${i}`);
    }
  });

  test("an older version's settings put into `local` in a context's life (none can be: still moved)", async () => {
    await Settings.saveSettings({ language: "fr" });
    await Settings.getSettings();
    await browser.storage.local.set({ language: "en", bannerEverywhere: true });
    await settle();
    assert.deepEqual(await Settings.getSettings(), { ...DEFAULT_SETTINGS, language: "en", bannerEverywhere: true });
    assert.deepEqual(await browser.storage.local.get(null), {}, "moved out of `local`");
  });

  test("a new context moves an older version's settings at its first read", async () => {
    await browser.storage.local.set({ language: "en", autoLockMinutes: 15 });
    const Fresh = await import("../../extension/shared/vault-store.js?new-page");
    assert.deepEqual(await Fresh.readRecord("settings"), { language: "en", autoLockMinutes: 15 });
    assert.deepEqual(await browser.storage.local.get(null), {});
  });
});

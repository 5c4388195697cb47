// Nothing of Haris's stays in `storage.local` (readable by content scripts in Firefox and in
// Chromium before 140): the settings, the health counter's counts and the contacts and API key a
// version older than the vault kept there in clear move into the extension's own IndexedDB
// (shared/vault-store.js, the vault's verified, locked move), at the worker's start; their writes
// tell the worker and the pages through session storage (IndexedDB has no change event); the wipe
// deletes them; a read makes no database. The older versions' layout is written here by hand, as
// they left it. (tests/browser shows the same from a content script's world in Chromium and Firefox.)
import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { IDBObjectStore } from "fake-indexeddb";
import { clearEverything, everythingStored, idbNames, idbRecord, idbRecords, installFakeBrowser, sendToWorker, setIdbRecord } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Store = await import("../../extension/shared/vault-store.js");
const Settings = await import("../../extension/shared/settings.js");
const Vault = await import("../../extension/shared/vault.js");
const { wipeEverything } = await import("../../extension/shared/wipe.js");
const { DEFAULT_SETTINGS, HEALTH } = await import("../../extension/shared/constants.js");

const PASS = "olive tram seventeen lantern";
const SETTINGS = { backendUrl: "https://ngo.example", language: "ar", bannerEverywhere: true, pageSilent: false, healthCounter: true, autoLockMinutes: 15 };
const COUNTS = { healthCounts: { "x|2026.1": { complete: 3, incomplete: 0, no_profile: 0, error: 0, missing: {} } }, healthNextSend: 1_900_000_000_000, healthIdle: 1 };
const FRIENDS = [{ display_name: "Karim Mansour", platform: "facebook", account_id: "100012345", handle: "karim.mansour" }];
const CLEAR = { contacts: FRIENDS, apiKey: "hk_clear_api_key_1", contactsRev: 4 };
const IN_CLEAR = ["Karim Mansour", "karim.mansour", "100012345", "hk_clear_api_key_1"];

/** A profile as a version older than the vault left it: everything in `local`, no database. */
async function olderProfile({ clear = true } = {}) {
  await clearEverything(browser);
  await browser.storage.local.set({ ...SETTINGS, ...COUNTS, ...(clear ? CLEAR : {}) });
}

async function settle() {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

// The worker, started over an older profile, moves all of it before anything asks for it.
await olderProfile();
await import("../../extension/background/service-worker.js");
await settle();
const afterStart = { local: await browser.storage.local.get(null), records: await idbRecords(), state: await Vault.vaultState() };

beforeEach(() => clearEverything(browser));

describe("an older profile's `local` moves out at the worker's start", () => {
  test("settings, health counts and the clear contacts and API key: `local` is left empty", () => {
    assert.deepEqual(afterStart.local, {});
    assert.deepEqual(afterStart.records, { health: COUNTS, settings: SETTINGS, unsealed: CLEAR });
    assert.equal(afterStart.state, "none", "no passphrase yet: the contacts wait for one");
  });

  test("the clear contacts wait for a passphrase, which the popup and Options ask for; createVault seals them and deletes the clear copy", async () => {
    await olderProfile();
    assert.equal(await Store.migrateRecord("unsealed"), "moved");
    assert.deepEqual(await browser.storage.local.get(["contacts", "apiKey", "contactsRev"]), {});
    assert.equal(await Vault.unsealedWaiting(), true);
    await Vault.createVault(PASS);
    assert.equal(await Vault.unsealedWaiting(), false);
    assert.equal(await idbRecord("unsealed"), null);
    const everything = await everythingStored(browser);
    for (const secret of IN_CLEAR) assert.equal(everything.includes(secret), false, secret);
    assert.deepEqual(await Vault.readSecrets(), { contacts: FRIENDS, apiKey: "hk_clear_api_key_1" });
  });

  test("createVault takes them from `local` too, where the worker has not moved them yet", async () => {
    await olderProfile();
    await Vault.createVault(PASS, { contacts: [{ display_name: "Lina", platform: "x", handle: "lina_k" }] });
    assert.deepEqual((await Vault.readSecrets()).contacts.map((c) => c.handle), ["karim.mansour", "lina_k"]);
    const everything = await everythingStored(browser);
    for (const secret of IN_CLEAR) assert.equal(everything.includes(secret), false, secret);
  });

  test("a vault made meanwhile in another page: createVault refuses, and the clear copy is not lost", async () => {
    await olderProfile();
    await Store.migrateRecord("unsealed");
    // Another page's vault is written while this one derives its key (after its own check).
    const derive = SubtleCrypto.prototype.deriveBits;
    SubtleCrypto.prototype.deriveBits = async function (...args) {
      await setIdbRecord("vault", { version: 1, made: "elsewhere" });
      return derive.apply(this, args);
    };
    try {
      await assert.rejects(Vault.createVault(PASS), { code: "exists" });
    } finally {
      SubtleCrypto.prototype.deriveBits = derive;
    }
    assert.deepEqual(await idbRecord("vault"), { version: 1, made: "elsewhere" });
    assert.deepEqual(await idbRecord("unsealed"), CLEAR, "the clear copy stays until a vault of this page holds it");
  });

  test("a profile with nothing in clear asks for nothing", async () => {
    await olderProfile({ clear: false });
    assert.equal(await Vault.unsealedWaiting(), false);
    assert.deepEqual(await Store.migrateAll(), { vault: "none", settings: "moved", health: "moved", unsealed: "none" });
    assert.equal(await idbRecord("unsealed"), null);
  });
});

describe("a vault and the clear copy both there (an older createVault stopped between its two writes)", () => {
  const DURESS = "seven quiet harbour lamps";
  const LINA = { display_name: "Lina Khoury", platform: "x", handle: "lina_k" };
  const KARIM_NOW = { ...FRIENDS[0], display_name: "Karim M." }; // renamed in the vault since

  /**
   * What an older createVault that stopped between its two writes leaves: a vault made from the
   * clear copy (every createVault sealed all of it into the main slot), a second passphrase, the
   * user's own changes since (`since`, in the open vault), locked; and the clear copy still there.
   */
  async function crashedCreate({ contacts = [], apiKey = "", since = null } = {}) {
    await setIdbRecord("unsealed", CLEAR);
    await Vault.createVault(PASS, { contacts, apiKey });
    await Vault.setDuressPassphrase(DURESS);
    if (since) await Vault.updateSecrets(since);
    await Vault.lock();
    await setIdbRecord("unsealed", CLEAR);
  }

  test("the main passphrase erases the clear copy and writes nothing else: the vault is as the user left it", async () => {
    await crashedCreate({ contacts: [LINA], since: () => ({ contacts: [KARIM_NOW, LINA] }) });
    const record = await idbRecord("vault");
    const written = [];
    const put = IDBObjectStore.prototype.put;
    const remove = IDBObjectStore.prototype.delete;
    IDBObjectStore.prototype.put = function (value, key) {
      written.push(["put", key]);
      return put.call(this, value, key);
    };
    IDBObjectStore.prototype.delete = function (key) {
      written.push(["delete", key]);
      return remove.call(this, key);
    };
    let answer;
    try {
      answer = await Vault.unlock(PASS);
    } finally {
      IDBObjectStore.prototype.put = put;
      IDBObjectStore.prototype.delete = remove;
    }
    assert.deepEqual(answer, { folded: true }, "the popup and Options say so");
    assert.deepEqual(written, [["delete", "unsealed"]]);
    assert.equal(await idbRecord("unsealed"), null);
    assert.deepEqual(await idbRecord("vault"), record);
    const secrets = await Vault.readSecrets();
    assert.deepEqual(secrets.contacts.map((c) => c.display_name), ["Karim M.", "Lina Khoury"], "no duplicate; the vault's copy wins");
    assert.equal(secrets.apiKey, "hk_clear_api_key_1", "sealed at the vault's creation");
    const everything = await everythingStored(browser);
    for (const secret of IN_CLEAR) assert.equal(everything.includes(secret), false, secret);
    // The second passphrase still opens its empty list.
    await Vault.lock();
    assert.deepEqual(await Vault.unlock(DURESS), { folded: false });
    assert.deepEqual(await Vault.readSecrets(), { contacts: [], apiKey: "" });
  });

  test("a contact and an API key the user deleted since the vault was made do not come back from the clear copy", async () => {
    await crashedCreate({ contacts: [LINA], since: (secrets) => ({ contacts: secrets.contacts.filter((c) => c.handle !== "karim.mansour"), apiKey: "" }) });
    assert.deepEqual(await Vault.unlock(PASS), { folded: true });
    const secrets = await Vault.readSecrets();
    assert.deepEqual(secrets.contacts.map((c) => c.handle), ["lina_k"], "Karim was deleted: he stays deleted");
    assert.equal(secrets.apiKey, "", "the key was removed: it stays removed");
    assert.equal(await idbRecord("unsealed"), null);
    const everything = await everythingStored(browser);
    for (const secret of IN_CLEAR) assert.equal(everything.includes(secret), false, secret);
  });

  test("an API key typed at the vault's creation stays, and the clear one is not added", async () => {
    await crashedCreate({ apiKey: "hk_vault_key" });
    assert.deepEqual(await Vault.unlock(PASS), { folded: true });
    const secrets = await Vault.readSecrets();
    assert.deepEqual(secrets.contacts.map((c) => c.handle), ["karim.mansour"]);
    assert.equal(secrets.apiKey, "hk_vault_key");
  });

  test("the second passphrase erases the clear copy, adds nothing to either list, and says nothing", async () => {
    await crashedCreate({ contacts: [LINA] });
    const record = await idbRecord("vault");
    assert.deepEqual(await Vault.unlock(DURESS), { folded: false });
    assert.deepEqual(await Vault.readSecrets(), { contacts: [], apiKey: "" });
    assert.equal(await idbRecord("unsealed"), null);
    assert.deepEqual(await idbRecord("vault"), record, "the vault is not written: the main slot cannot be opened from here");
    const everything = await everythingStored(browser);
    for (const secret of IN_CLEAR) assert.equal(everything.includes(secret), false, secret);
    await Vault.lock();
    assert.deepEqual(await Vault.unlock(PASS), { folded: false });
    assert.deepEqual((await Vault.readSecrets()).contacts.map((c) => c.handle), ["karim.mansour", "lina_k"]);
  });

  test("a wrong passphrase changes nothing", async () => {
    await crashedCreate({ contacts: [LINA] });
    await assert.rejects(Vault.unlock("not the passphrase at all"), { code: "wrong_passphrase" });
    assert.deepEqual(await idbRecord("unsealed"), CLEAR);
  });
});

describe("the settings' move", () => {
  test("at their first read in a page, the same values; again and again is harmless", async () => {
    await olderProfile({ clear: false });
    assert.deepEqual(await Settings.getSettings(), SETTINGS);
    assert.deepEqual(await browser.storage.local.get(Object.keys(SETTINGS)), {});
    assert.deepEqual(await idbRecord("settings"), SETTINGS);
    assert.equal(await Store.migrateRecord("settings"), "none");
    assert.deepEqual(await Settings.getSettings(), SETTINGS);
  });

  test("interrupted after the copy: the copy is checked and the move finished", async () => {
    await olderProfile({ clear: false });
    await setIdbRecord("settings", SETTINGS);
    assert.equal(await Store.migrateRecord("settings"), "moved");
    assert.deepEqual(await browser.storage.local.get(null), COUNTS);
    assert.deepEqual(await idbRecord("settings"), SETTINGS);
  });

  test("a field still in `local` is newer than the one here; the fields only here stay", async () => {
    await setIdbRecord("settings", { language: "fr", autoLockMinutes: 240 });
    await browser.storage.local.set({ language: "en" });
    assert.deepEqual(await Settings.getSettings(), { ...DEFAULT_SETTINGS, language: "en", autoLockMinutes: 240 });
    assert.deepEqual(await browser.storage.local.get(null), {});
  });

  test("a copy that does not read back equal: `local` keeps them, read and written there, and the move is done later", async () => {
    await olderProfile({ clear: false });
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      return put.call(this, key === "settings" ? { ...value, language: "xx" } : value, key);
    };
    try {
      assert.equal(await Store.migrateRecord("settings"), "kept");
      assert.deepEqual(await Settings.getSettings(), SETTINGS);
      await Settings.saveSettings({ language: "fr" });
      assert.equal((await browser.storage.local.get("language")).language, "fr", "written where they still are");
      assert.equal((await Settings.getSettings()).language, "fr");
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    assert.equal(await Store.migrateRecord("settings"), "moved");
    assert.deepEqual(await Settings.getSettings(), { ...SETTINGS, language: "fr" });
    assert.deepEqual(await browser.storage.local.get(Object.keys(SETTINGS)), {});
  });

  test("a wipe while they move: no copy outlives the wipe", async () => {
    await olderProfile();
    await Promise.all([Store.migrateAll(), wipeEverything()]);
    assert.deepEqual(await idbNames(), []);
    assert.deepEqual(await browser.storage.local.get(null), {});
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
  });
});

describe("the settings' store", () => {
  test("a fresh install reads the defaults and makes no database", async () => {
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
    assert.equal(await Vault.unsealedWaiting(), false);
    assert.equal(await Vault.vaultState(), "none");
    assert.deepEqual(await idbNames(), []);
  });

  test("saved in IndexedDB, nothing in `local`; the wipe deletes them and leaves no database, and reads after it make none", async () => {
    await Settings.saveSettings({ backendUrl: "https://ngo.example", language: "fr", healthCounter: true });
    assert.deepEqual(await browser.storage.local.get(null), {});
    assert.deepEqual(await idbRecord("settings"), { backendUrl: "https://ngo.example", language: "fr", healthCounter: true });
    await wipeEverything();
    assert.deepEqual(await idbNames(), []);
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
    await Vault.vaultState();
    await sendToWorker(browser, { type: "pageSetup" });
    assert.deepEqual(await idbNames(), [], "no trace of Haris made by a read after the wipe");
    assert.equal(await everythingStored(browser), JSON.stringify({ local: {}, session: {}, sync: {} }));
  });

  test("the wipe stops the health counter's send: no alarm says when Haris was used", async () => {
    await Settings.saveSettings({ healthCounter: true });
    await settle();
    assert.ok(browser.alarms.scheduled.has(HEALTH.alarm), "opting in plans a send (told through session storage)");
    await wipeEverything();
    assert.equal(browser.alarms.scheduled.has(HEALTH.alarm), false);
  });

  test("every write that changes something tells the other contexts which settings changed (session storage); reads and unchanged writes tell nothing", async () => {
    const seen = [];
    const listen = (changes, area) => seen.push([area, structuredClone(changes)]);
    browser.storage.onChanged.addListener(listen);
    after(() => browser.storage.onChanged.removeListener(listen));
    await Settings.saveSettings({ language: "ar", bannerEverywhere: true });
    await Settings.saveSettings({ language: "ar", pageSilent: false });
    await Settings.saveSettings({ language: "ar" });
    await Settings.getSettings();
    const told = seen.map(([area, changes]) => [area, Object.keys(changes), changes.settingsWritten.newValue.changed]);
    assert.deepEqual(told, [["session", ["settingsWritten"], ["bannerEverywhere", "language"]], ["session", ["settingsWritten"], ["pageSilent"]]]);
    const [first, second] = seen.map(([, changes]) => changes.settingsWritten.newValue.id);
    assert.notEqual(first, second);
    assert.deepEqual(Settings.changedSettings({ settingsWritten: { oldValue: { id: "a", changed: ["language"] } } }, "session"), [], "a wipe's clear says nothing changed");
    assert.deepEqual(Settings.changedSettings({ language: { newValue: "fr" } }, "local"), [], "`local` is no signal");
  });

  test("a write from a page and one from the worker at once: neither is lost (one transaction each)", async () => {
    const Page = await import("../../extension/shared/settings.js?options-page");
    await Promise.all([Page.saveSettings({ language: "fr" }), Settings.saveSettings({ autoLockMinutes: 240 }), Page.saveSettings({ bannerEverywhere: true })]);
    assert.deepEqual(await Settings.getSettings(), { ...DEFAULT_SETTINGS, language: "fr", autoLockMinutes: 240, bannerEverywhere: true });
  });

  test("a stored value that is not one of the choices reads as the default", async () => {
    await setIdbRecord("settings", { autoLockMinutes: 7, language: 3, bannerEverywhere: "yes" });
    assert.deepEqual(await Settings.getSettings(), DEFAULT_SETTINGS);
  });
});

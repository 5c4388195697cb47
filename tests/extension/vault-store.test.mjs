// The vault's record moves out of `storage.local` (readable by content scripts in Firefox and in
// Chromium before 140) into the extension's own IndexedDB (shared/vault-store.js), at the worker's
// start and at the first use of the vault, and no interruption may lose it: a copy is removed
// from `local` only once it reads back equal. IndexedDB here is fake-indexeddb, a complete
// in-memory implementation (transactions, versionchange, deleteDatabase); the layout of the
// older versions is made by this version's vault and then put where they kept it.
// (tests/browser shows the same in a real Chromium and Firefox.)
import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { IDBFactory, IDBObjectStore } from "fake-indexeddb";
import { clearEverything, idbNames, idbRawRecord, idbRecord, idbVault, installFakeBrowser, setIdbRecord, setIdbVault } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const Store = await import("../../extension/shared/vault-store.js");
const Contacts = await import("../../extension/shared/contacts.js");
const { wipeEverything } = await import("../../extension/shared/wipe.js");
const { RECORD_FILES } = await import("../../extension/shared/constants.js");

const PASS = "olive tram seventeen lantern";
const OTHER_PASS = "a different vault entirely";
const FRIENDS = [{ display_name: "Zaynab Haddad", platform: "instagram", account_id: "77001234", handle: "zaynab.h" }];
const SETTINGS = { backendUrl: "https://haris.example", language: "ar" };

/** A vault as an older version left it: its record in `local` beside the settings, no database, locked. */
async function olderVersionsVault(passphrase = PASS, contacts = FRIENDS) {
  await clearEverything(browser);
  await Vault.createVault(passphrase, { contacts, apiKey: "hk_secret_api_key" });
  const record = await idbVault();
  await clearEverything(browser);
  await browser.storage.local.set({ ...SETTINGS, vault: record });
  return record;
}

async function settle() {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function assertMoved(record) {
  assert.deepEqual(await browser.storage.local.get(null), SETTINGS, "the vault left `local`; the settings stayed");
  assert.deepEqual(await idbVault(), record, "the same record, byte for byte");
  await Vault.unlock(PASS);
  assert.deepEqual(await Contacts.getContacts(), FRIENDS);
  assert.equal((await Vault.readSecrets()).apiKey, "hk_secret_api_key");
}

// The worker, started over an older version's profile, moves the vault before anything asks for it.
const atStart = await olderVersionsVault();
await import("../../extension/background/service-worker.js");
await settle();
const afterStart = { local: await browser.storage.local.get(null), idb: await idbVault(), settings: await idbRecord("settings") };

beforeEach(() => clearEverything(browser));

describe("the vault moves out of storage.local", () => {
  test("at the worker's start (with the settings: settings-store.test.mjs)", async () => {
    assert.deepEqual(afterStart.local, {});
    assert.deepEqual(afterStart.settings, SETTINGS);
    assert.deepEqual(afterStart.idb, atStart);
  });

  test("at its first use in a page of the extension (the worker asleep or not yet started)", async () => {
    const record = await olderVersionsVault();
    assert.equal(await Vault.vaultState(), "locked");
    await assertMoved(record);
  });

  test("again and again: nothing to move is no error, and a moved vault stays", async () => {
    assert.equal(await Store.migrateVault(), "none");
    const record = await olderVersionsVault();
    assert.equal(await Store.migrateVault(), "moved");
    assert.equal(await Store.migrateVault(), "none");
    await assertMoved(record);
  });

  test("interrupted after the copy (the copy here, the vault still in `local`): the copy is checked and the move finished", async () => {
    const record = await olderVersionsVault();
    await setIdbVault(record);
    assert.equal(await Store.migrateVault(), "moved");
    await assertMoved(record);
  });

  test("both there and different: the one in `local` counts until a verified copy of it is here", async () => {
    // A record here that is not a copy of the `local` one (a downgrade wrote `local` afterwards):
    // only the `local` vault is the user's current one.
    const stale = await olderVersionsVault(OTHER_PASS, []);
    const record = await olderVersionsVault();
    await setIdbVault(stale);
    assert.equal(await Vault.vaultState(), "locked");
    await assertMoved(record);
    await Vault.lock();
    await assert.rejects(Vault.unlock(OTHER_PASS), { code: "wrong_passphrase" });
  });

  test("a copy that does not read back equal: `local` keeps the vault, used and written there, and the move is done later", async () => {
    const record = await olderVersionsVault();
    const put = IDBObjectStore.prototype.put;
    // A store that keeps something other than what it was given (a disk fault, a broken browser).
    IDBObjectStore.prototype.put = function (value, key) {
      return put.call(this, { ...value, slots: [] }, key);
    };
    try {
      assert.equal(await Store.migrateVault(), "kept");
      assert.deepEqual((await browser.storage.local.get("vault")).vault, record);
      await Vault.unlock(PASS);
      assert.deepEqual(await Contacts.getContacts(), FRIENDS);
      // A contact saved meanwhile is written where the vault is: `local` is never left older.
      await Contacts.upsertContact({ display_name: "Sami", platform: "x", handle: "sami_ahmad" });
      assert.notDeepEqual((await browser.storage.local.get("vault")).vault, record);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    assert.equal(await Store.migrateVault(), "moved");
    assert.equal("vault" in (await browser.storage.local.get(null)), false);
    assert.deepEqual((await Contacts.getContacts()).map((c) => c.handle), ["zaynab.h", "sami_ahmad"]);
  });

  test("no IndexedDB to be had: the vault stays in `local` and opens", async () => {
    const record = await olderVersionsVault();
    const working = globalThis.indexedDB;
    globalThis.indexedDB = { databases: async () => [], open: () => { throw new DOMException("refused", "UnknownError"); } };
    try {
      assert.equal(await Store.migrateVault(), "kept");
      assert.equal(await Vault.vaultState(), "locked");
      await Vault.unlock(PASS);
      assert.deepEqual(await Contacts.getContacts(), FRIENDS);
      assert.deepEqual((await browser.storage.local.get("vault")).vault, record);
    } finally {
      globalThis.indexedDB = working;
    }
  });

  test("the worker and a page moving it at once: one moves it, the other finds nothing to move", async () => {
    const record = await olderVersionsVault();
    // A second instance of the module, as the options page has its own beside the worker's.
    const Page = await import("../../extension/shared/vault-store.js?options-page");
    const results = await Promise.all([Store.migrateVault(), Page.migrateVault()]);
    assert.deepEqual(results.sort(), ["moved", "none"]);
    await assertMoved(record);
  });

  test("a wipe while it moves: no copy outlives the wipe", async () => {
    await olderVersionsVault();
    // The wipe's clear of `local` comes between the copy and its check (its delete of the
    // database waits for the move to end: the lock).
    const get = browser.storage.local.get;
    let reads = 0;
    browser.storage.local.get = async (keys) => {
      reads += 1;
      if (reads === 2) await browser.storage.local.clear();
      return get(keys);
    };
    try {
      assert.equal(await Store.migrateVault(), "none");
    } finally {
      browser.storage.local.get = get;
    }
    assert.deepEqual(await idbNames(), []);
    assert.equal(await Vault.vaultState(), "none");

    await olderVersionsVault();
    await Promise.all([Store.migrateVault(), wipeEverything()]);
    assert.deepEqual(await idbNames(), []);
    assert.deepEqual(await browser.storage.local.get(null), {});
    assert.equal(await Vault.vaultState(), "none");
  });
});

describe("the store", () => {
  test("every write tells the other contexts (session storage, a new value each time); reads tell nothing", async () => {
    const seen = [];
    const listen = (changes, area) => seen.push([area, Object.keys(changes)]);
    browser.storage.onChanged.addListener(listen);
    after(() => browser.storage.onChanged.removeListener(listen));
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const first = (await browser.storage.session.get("vaultWritten")).vaultWritten;
    await Contacts.setContacts([]);
    const second = (await browser.storage.session.get("vaultWritten")).vaultWritten;
    assert.equal(typeof first, "string");
    assert.notEqual(first, second);
    seen.length = 0;
    await Vault.readSecrets();
    await Vault.vaultState();
    assert.deepEqual(seen, []);
  });

  test("one database, one record; nothing of it in `local`, `sync` or `session`", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    assert.deepEqual(await idbNames(), [Store.VAULT_DB.name]);
    assert.deepEqual(await browser.storage.local.get(null), {});
    assert.deepEqual(await browser.storage.sync.get(null), {});
    const session = JSON.stringify(await browser.storage.session.get(null));
    for (const slot of (await idbVault()).slots) assert.equal(session.includes(slot.salt) || session.includes(slot.data.slice(0, 40)), false);
    assert.equal(globalThis.indexedDB instanceof IDBFactory, true);
  });

  test("the vault and the clear copy are written over the browser's file size, with a new random filler each time; reads never see it", async () => {
    // Chromium keeps a value over 64 KiB in a file of its own, deleted when the value is replaced
    // or deleted; under it, in LevelDB, where older versions stay on disk (tests/browser/test_device_seized.py).
    const minimum = Math.ceil((RECORD_FILES.fillerBytes * 4) / 3);
    assert.ok(minimum >= 2 * 64 * 1024, "twice Chromium's threshold");
    await setIdbRecord("unsealed", { contacts: FRIENDS, apiKey: "hk_clear" });
    await Store.migrateAll();
    await Vault.createVault(PASS);
    const first = await idbRawRecord("vault");
    assert.ok(first[RECORD_FILES.field].length >= minimum);
    await Contacts.setContacts([]);
    const second = await idbRawRecord("vault");
    assert.ok(second[RECORD_FILES.field].length >= minimum);
    assert.notEqual(first[RECORD_FILES.field], second[RECORD_FILES.field], "fresh at every write");
    assert.equal(Object.hasOwn(await Store.readVaultRecord(), RECORD_FILES.field), false);
    assert.deepEqual(Object.keys(await Store.readVaultRecord()).sort(), ["kdf", "slots", "version"]);
    // The clear copy, as written by a move out of `local`.
    await clearEverything(browser);
    await browser.storage.local.set({ contacts: FRIENDS, apiKey: "hk_clear" });
    assert.equal(await Store.migrateRecord("unsealed"), "moved");
    assert.ok((await idbRawRecord("unsealed"))[RECORD_FILES.field].length >= minimum);
    assert.deepEqual(await Store.readRecord("unsealed"), { contacts: FRIENDS, apiKey: "hk_clear" });
    // The settings are small and stay so.
    await Store.writeRecord("settings", SETTINGS);
    assert.deepEqual(await idbRawRecord("settings"), SETTINGS);
  });
});

/*
 * Where the vault's record (its ciphertext, salts and PBKDF2 settings) is kept: the extension's own
 * IndexedDB, in the origin chrome-extension://<id> or moz-extension://<uuid>. Content scripts run
 * in the page's origin, so their `indexedDB` is the page's: a page that takes over its renderer
 * cannot copy the ciphertext to guess the passphrase offline. `storage.local`, where the vault was
 * kept before, is readable by content scripts in Firefox and in Chromium before 140
 * (background/storage-access.js), hence the move.
 *
 * One record under one key. Every open is closed again once its transaction is done, so that the
 * wipe's deleteDatabase is never held up by a connection this module forgot (a service worker
 * keeps its globals between events).
 *
 * Migration (migrateVault): a vault still in `storage.local` is copied here, read back, compared,
 * and only then removed from `storage.local`. While `storage.local` holds a vault it is the one
 * that counts (this module never writes here before the copy is verified, so a `local` vault is
 * never older than the one here); an interrupted migration is simply done again. The worker and
 * the extension's pages each may start one: a Web Lock (one per origin, so shared by all of them)
 * lets one run at a time, and the wipe's delete waits for it.
 */
import { api } from "./browser.js";
import { STORAGE } from "./constants.js";

export const VAULT_DB = Object.freeze({ name: "haris-vault", version: 1, store: "records", key: "vault" });
const LEGACY = STORAGE.legacyVault;
const WRITTEN = STORAGE.session.vaultWritten;

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function openDb() {
  const req = globalThis.indexedDB.open(VAULT_DB.name, VAULT_DB.version);
  req.onupgradeneeded = () => req.result.createObjectStore(VAULT_DB.store);
  return request(req).then((db) => {
    // Another context deletes the database (the wipe): let it, at once.
    db.onversionchange = () => db.close();
    return db;
  });
}

/** Run `work(store)` in one transaction; resolves with its request's result once the transaction is committed. */
async function inStore(mode, work) {
  const db = await openDb();
  try {
    const tx = db.transaction(VAULT_DB.store, mode);
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error || new Error("aborted"));
      tx.onerror = () => reject(tx.error);
    });
    const result = request(work(tx.objectStore(VAULT_DB.store)));
    await done;
    return await result;
  } finally {
    db.close();
  }
}

// A read opens no database that is not there: after a wipe, the popup asking whether there is a
// vault must not make an empty one (a trace of Haris on disk). databases(): Chromium 71, Firefox 126.
const exists = async () => (await globalThis.indexedDB.databases()).some((db) => db.name === VAULT_DB.name);
const readIdb = async () => ((await exists()) ? ((await inStore("readonly", (store) => store.get(VAULT_DB.key))) ?? null) : null);
const writeIdb = (record) => inStore("readwrite", (store) => store.put(record, VAULT_DB.key));
const dropDatabase = () => request(globalThis.indexedDB.deleteDatabase(VAULT_DB.name));
const readLegacy = async () => (await api.storage.local.get(LEGACY))[LEGACY] ?? null;
// The records are plain JSON (they were made by JSON-safe code and kept in storage.local).
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** `work` while no other context of the extension migrates or wipes (navigator.locks: Chromium 69, Firefox 96). */
function exclusively(work) {
  const locks = globalThis.navigator && globalThis.navigator.locks;
  return locks ? locks.request(VAULT_DB.name, work) : work();
}

let migrating = null;

/**
 * Move a vault from `storage.local` into IndexedDB; resolves to "none" (nothing to move), "moved",
 * or "kept" (the copy did not read back equal: `local` keeps the vault, tried again next time).
 * One migration at a time in the whole extension; calling it again is harmless.
 */
export function migrateVault() {
  if (!migrating) migrating = exclusively(migrateOnce).finally(() => { migrating = null; });
  return migrating;
}

async function migrateOnce() {
  const legacy = await readLegacy();
  if (!legacy) return "none";
  try {
    // A copy left here by an interrupted migration is the same record: read back equal, it is
    // kept. Any other record here is older than the one in `local` (see the head of this file).
    if (!same(await readIdb(), legacy)) await writeIdb(legacy);
    if (!same(await readIdb(), legacy)) return "kept";
  } catch (_error) {
    return "kept"; // no IndexedDB to be had (full disk, a browser that refuses it): `local` keeps the vault
  }
  // A wipe between the read and here (no other migration runs: exclusively): the `local` vault is
  // gone, and its copy must not outlive it. One written there meanwhile (where a move was "kept")
  // is newer: it is moved next time.
  const now = await readLegacy();
  if (!now) await dropDatabase();
  if (!same(now, legacy)) return now ? "kept" : "none";
  await api.storage.local.remove(LEGACY);
  return "moved";
}

/** The vault's record, or null when there is none (a vault still in `local` is moved first). */
export async function readVaultRecord() {
  // A move that did not verify leaves the vault in `local`, where it is then read.
  return (await migrateVault()) === "kept" ? readLegacy() : readIdb();
}

/**
 * Keep a new record, then tell every context that it changed (session storage: memory only,
 * closed to content scripts in every browser): the worker forgets the findings made with the old
 * contacts and has the pages check again, the options page redraws. IndexedDB has no change
 * event across contexts.
 */
export async function writeVaultRecord(record) {
  // Where the move did not verify, the vault is written where it still is: a `local` vault must
  // never be older than the one here, or the next move would put the older one back.
  if ((await migrateVault()) === "kept") await api.storage.local.set({ [LEGACY]: record });
  else await writeIdb(record);
  await api.storage.session.set({ [WRITTEN]: globalThis.crypto.randomUUID() });
}

/** The wipe: the database goes whole. Resolves once it is deleted (open connections close on versionchange). */
export function deleteVaultStore() {
  return exclusively(dropDatabase);
}

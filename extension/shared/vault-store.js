/*
 * Everything Haris keeps on disk: the extension's own IndexedDB (database `haris-vault`), in the
 * origin chrome-extension://<id> or moz-extension://<uuid>. Content scripts run in the page's
 * origin, so their `indexedDB` is the page's: a page that takes over its renderer can neither copy
 * the vault's ciphertext (to guess the passphrase offline) nor read the settings (the server's
 * address can name the organisation a user works with). `storage.local`, where older versions
 * kept all of it, is readable by content scripts in Firefox and in Chromium before 140
 * (background/storage-access.js), hence the move; nothing is written there any more.
 *
 * One store, one record per kind (STORAGE.records): the vault's record, the settings, the health
 * counter's counts, and the contacts and API key an older version kept in clear (until a
 * passphrase is chosen: shared/vault.js). Every open is closed again once its transaction is done,
 * so that the wipe's deleteDatabase is never held up by a connection this module forgot (a service
 * worker keeps its globals between events). A read opens no database that is not there: after a
 * wipe, the popup asking for the language or whether there is a vault must not make an empty one
 * (a trace of Haris on disk).
 *
 * Migration (migrateRecord): a record still in `storage.local` is copied here, read back,
 * compared, and only then removed from `storage.local`. While `storage.local` holds a record it is
 * the one that counts (this module never writes here before the copy is verified, so a `local`
 * record is never older than the one here); an interrupted migration is simply done again. The
 * worker and the extension's pages each may start one: a Web Lock (one per origin, so shared by
 * all of them) lets one migration or write run at a time, and the wipe's delete waits for it.
 *
 * Old versions on disk (RECORD_FILES): Chromium keeps an IndexedDB value in its LevelDB, where a
 * replaced or deleted value stays in the log or a table file until LevelDB compacts that range,
 * which for a database this small may be never (a deleted record, even the whole database deleted
 * by the wipe, was still in the profile directory after the browser closed). A value over 64 KiB
 * is kept in a file of its own instead, deleted when the value is replaced or deleted. The vault's
 * and the clear copy's records are written so (toDisk: a random filler field), and read without
 * it (fromDisk); nothing else in this module sees the filler.
 *
 * IndexedDB has no change event across contexts: a write of the vault or of the settings sets a
 * random value in session storage (memory only, closed to content scripts in every browser), which
 * the worker and the extension's pages watch (`storage.onChanged`, area "session").
 *
 * Reading again cheaply (the worker reads the settings at every check). Each context (the worker,
 * a page) remembers, for its life:
 * - which records `local` was seen to hold nothing of (a move found none, or finished): their reads
 *   and writes no longer look there (a read still takes the lock once, to find and open the
 *   database with no wipe between; a remembered one, not after its first). Only an older version writes them
 *   there, and a browser runs one version of an extension at a time (an update restarts every
 *   context); `local` is not synced. Should anything put one there all the same (this version does,
 *   for a record whose move did not verify: then it was never seen empty), `storage.onChanged`
 *   (area "local") says so, and the next read moves it again.
 * - the settings' record (REMEMBERED), read once through a connection it keeps open, and forgotten
 *   when it can be stale: at the context's own write, at another context's (its signal in session
 *   storage), and at a wipe (deleteDatabase's `versionchange` reaches the kept connection, which
 *   closes at once so the delete is not held up; `close` too, when the browser drops the data).
 *   A read that began before such a change does not keep what it read.
 */
import { api } from "./browser.js";
import { toBase64 } from "./base64.js";
import { RECORD_FILES, STORAGE } from "./constants.js";
import { randomBytes } from "./random.js";

export const VAULT_DB = Object.freeze({ name: "haris-vault", version: 1, store: "records", key: STORAGE.records.vault });
const RECORDS = STORAGE.records;

/** A record older versions kept whole under one `local` key (the vault's). */
function wholeUnder(key) {
  return {
    legacyKeys: [key],
    // (Without a filler: one there would never read back equal from here, where reads strip it.)
    fromLocal: (stored) => fromDisk(stored[key]),
    toLocal: (record) => (record === null ? {} : { [key]: record }),
    // A record here that is not a copy of the `local` one is older (see the head of this file).
    merge: (_here, moved) => moved,
  };
}

/** A record whose fields older versions kept as `local` keys of the same names (the settings). */
function fieldsUnder(keys) {
  return {
    legacyKeys: keys,
    fromLocal: (stored) => {
      const present = keys.filter((key) => Object.hasOwn(stored, key));
      return present.length ? Object.fromEntries(present.map((key) => [key, stored[key]])) : null;
    },
    toLocal: (record) => record ?? {},
    // Fields still in `local` are newer than those here; the others here stay.
    merge: (here, moved) => ({ ...(here || {}), ...moved }),
  };
}

const fresh = () => globalThis.crypto.randomUUID();
/** The names of the fields that differ between two versions of a record (the settings' signal says which changed). */
function changedFields(before, after) {
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  return [...keys].filter((key) => !same((before || {})[key], (after || {})[key])).sort();
}

/** The records each context remembers once read (see the head of this file): the settings, read at every check. */
const REMEMBERED = Object.freeze([RECORDS.settings]);

const LAYOUT = Object.freeze({
  [RECORDS.vault]: { ...wholeUnder(STORAGE.legacyVault), signal: STORAGE.session.vaultWritten, signalValue: () => fresh() },
  [RECORDS.settings]: {
    ...fieldsUnder(Object.values(STORAGE.settings)),
    signal: STORAGE.session.settingsWritten,
    signalValue: (before, after) => ({ id: fresh(), changed: changedFields(before, after) }),
  },
  [RECORDS.health]: fieldsUnder(Object.values(STORAGE.health)),
  [RECORDS.unsealed]: fieldsUnder(STORAGE.legacyClear),
});

function layoutOf(name) {
  const layout = LAYOUT[name];
  if (!layout) throw new TypeError(`no record ${name}`);
  return layout;
}

/** A record as it is written: the vault and the clear copy with a fresh random filler (RECORD_FILES). */
function toDisk(name, record) {
  if (!RECORD_FILES.records.includes(name) || !record || typeof record !== "object") return record;
  return { ...record, [RECORD_FILES.field]: toBase64(randomBytes(RECORD_FILES.fillerBytes)) };
}

/** A record as it was read, without its filler. */
function fromDisk(record) {
  if (!record || typeof record !== "object" || !Object.hasOwn(record, RECORD_FILES.field)) return record ?? null;
  const { [RECORD_FILES.field]: _filler, ...rest } = record;
  return rest;
}

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

/**
 * Run `work(store, tx)` in one transaction of `db`; resolves with what it returned once the
 * transaction is committed (rejects with the transaction's error, or with the one `work` left in
 * `tx.failure`).
 */
async function inTransaction(db, mode, work) {
  const tx = db.transaction(VAULT_DB.store, mode);
  const done = new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.failure || tx.error || new Error("aborted"));
    tx.onerror = () => reject(tx.failure || tx.error);
  });
  const result = work(tx.objectStore(VAULT_DB.store), tx);
  await done;
  return await result;
}

/** inTransaction on a connection opened for it and closed after. */
async function inStore(mode, work) {
  const db = await openDb();
  try {
    return await inTransaction(db, mode, work);
  } finally {
    db.close();
  }
}

/**
 * Read the records `names`, then write what `decide(current)` says, in the one transaction: the
 * writes are queued from the reads' own success events (no promise between), so no other context's
 * write can come between the read and the write. `decide` throwing aborts the transaction: nothing
 * is written, and its error is the one the caller gets.
 */
function readThenWrite(store, tx, names, decide) {
  const current = {};
  let left = names.length;
  for (const name of names) {
    const read = store.get(name);
    read.onsuccess = () => {
      current[name] = fromDisk(read.result);
      left -= 1;
      if (left) return;
      try {
        for (const [key, record] of Object.entries(decide(current))) {
          if (record === null || record === undefined) store.delete(key);
          else store.put(toDisk(key, record), key);
        }
      } catch (error) {
        tx.failure = error;
        tx.abort();
      }
    };
  }
}

// databases(): Chromium 71, Firefox 126.
const exists = async () => (await globalThis.indexedDB.databases()).some((db) => db.name === VAULT_DB.name);
const readIdb = async (name) => ((await exists()) ? fromDisk(await inStore("readonly", (store) => request(store.get(name)))) : null);
const writeIdb = (name, record) => inStore("readwrite", (store) => request(store.put(toDisk(name, record), name)));
const absent = (record) => record === null || record === undefined;
const dropDatabase = () => request(globalThis.indexedDB.deleteDatabase(VAULT_DB.name));
const readLegacy = async (name) => layoutOf(name).fromLocal(await api.storage.local.get(layoutOf(name).legacyKeys));
// The records are plain JSON (made by JSON-safe code; older versions kept them in storage.local).
const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** `work` while no other context of the extension migrates, writes or wipes (navigator.locks: Chromium 69, Firefox 96). */
function exclusively(work) {
  const locks = globalThis.navigator && globalThis.navigator.locks;
  return locks ? locks.request(VAULT_DB.name, work) : work();
}

const migrating = new Map();

/**
 * Move a record (STORAGE.records) from `storage.local` into IndexedDB; resolves to "none"
 * (nothing to move), "moved", or "kept" (the copy did not read back equal, or there is no
 * IndexedDB to be had: `local` keeps it, tried again next time). One migration or write at a time
 * in the whole extension; calling it again is harmless.
 */
export function migrateRecord(name) {
  layoutOf(name);
  if (!migrating.has(name)) migrating.set(name, exclusively(() => migrateOnce(name)).finally(() => migrating.delete(name)));
  return migrating.get(name);
}

/** Every record an older version left in `local`, moved (the worker, at its start). */
export async function migrateAll() {
  const names = Object.keys(LAYOUT);
  const results = await Promise.all(names.map((name) => migrateRecord(name)));
  return Object.fromEntries(names.map((name, i) => [name, results[i]]));
}

async function migrateOnce(name) {
  const where = await moveOnce(name);
  // Seen empty under the lock: nothing is to be moved again in this context's life (head of this file).
  if (where !== "kept") thisContext().localClear.add(name);
  return where;
}

async function moveOnce(name) {
  const layout = layoutOf(name);
  const legacy = await readLegacy(name);
  if (!legacy) return "none";
  let target;
  try {
    target = layout.merge(await readIdb(name), legacy);
    // A copy left here by an interrupted migration reads back equal: it is kept as it is.
    if (!same(await readIdb(name), target)) await writeIdb(name, target);
    if (!same(await readIdb(name), target)) return "kept";
  } catch (_error) {
    return "kept"; // no IndexedDB to be had (full disk, a browser that refuses it): `local` keeps it
  }
  // A wipe between the read and here (no other migration or write runs: exclusively): the `local`
  // record is gone, and its copy must not outlive it. One written there meanwhile is newer: it is
  // moved next time.
  const now = await readLegacy(name);
  if (!now) await dropDatabase();
  if (!same(now, legacy)) return now ? "kept" : "none";
  await api.storage.local.remove(layout.legacyKeys);
  return "moved";
}

/** A record as it stands where a move that did not verify left it: in `local`, over what is here. */
async function readKept(name) {
  let here = null;
  try {
    here = await readIdb(name);
  } catch (_error) {
    here = null;
  }
  const legacy = await readLegacy(name);
  return legacy ? layoutOf(name).merge(here, legacy) : here;
}

/** A record, or null when there is none (one still in `local` is moved first). Opens no database that is not there. */
export async function readRecord(name) {
  layoutOf(name);
  const known = thisContext();
  if (!known.localClear.has(name) && (await migrateRecord(name)) === "kept") return readKept(name);
  // Under the lock: a wipe's delete cannot come between finding the database and opening it
  // (an open after the delete would make an empty one, a trace of Haris).
  return REMEMBERED.includes(name) ? readRemembered(name) : exclusively(() => readIdb(name));
}

/** What this context remembers (see the head of this file), for the IndexedDB it was read from. */
const context = { factory: null, localClear: new Set(), remembered: new Map(), generation: 0, held: null };

/** The context's memory; all of it forgotten if the IndexedDB is not the one it was read from (tests start a fresh profile so). */
function thisContext() {
  if (context.factory !== globalThis.indexedDB) {
    if (context.held) context.held.close();
    context.held = null;
    context.factory = globalThis.indexedDB;
    context.localClear.clear();
    forgetRemembered();
  }
  return context;
}

function forgetRemembered() {
  context.generation += 1;
  context.remembered.clear();
}

/** The kept connection (one per context), opened on the first remembered read that finds the database. */
async function heldDb() {
  if (context.held) return context.held;
  const db = await openDb();
  if (context.held) {
    db.close();
    return context.held;
  }
  const letGo = () => {
    db.close();
    if (context.held === db) context.held = null;
    forgetRemembered();
  };
  db.onversionchange = letGo; // a wipe (deleteDatabase), in this context or another
  db.onclose = letGo; // the browser closed it (its site data cleared)
  context.held = db;
  return db;
}

/**
 * A remembered record: read once, under the lock (no wipe's delete between finding the database
 * and opening it), through the kept connection; a database that is not there is neither made nor
 * watched (the record's first write, here or in another context, makes this one forget).
 */
async function readRemembered(name) {
  const known = thisContext();
  if (known.remembered.has(name)) return structuredClone(known.remembered.get(name));
  const generation = known.generation;
  const record = await exclusively(async () => {
    if (!(await exists())) return null;
    return fromDisk(await inTransaction(await heldDb(), "readonly", (store) => request(store.get(name))));
  });
  if (known.generation === generation && known.factory === globalThis.indexedDB) known.remembered.set(name, structuredClone(record));
  return record;
}

/** Another context's change: a record's signal (session), or an older version's record put into `local`. */
function noticeChange(changes, area) {
  for (const [name, layout] of Object.entries(LAYOUT)) {
    if (area === "session" && layout.signal && Object.hasOwn(changes, layout.signal)) forgetRemembered();
    const put = (key) => Object.hasOwn(changes, key) && changes[key].newValue !== undefined;
    if (area === "local" && layout.legacyKeys.some(put)) {
      context.localClear.delete(name);
      forgetRemembered();
    }
  }
}
if (api.storage && api.storage.onChanged) api.storage.onChanged.addListener(noticeChange);

/**
 * Change records together: `update(current)` gets {name: record or null} for every name and
 * returns the new records (null: deleted), at once, in one transaction (all or none; a move into
 * the vault and the deletion of its clear copy cannot be split by a crash). `guard()` is asked
 * last, inside the lock and before anything is written: a worker's task that a wipe ended throws
 * there (background/epochs.js), and the wipe's delete has either come after or is still to come.
 * A record whose move did not verify is written where it still is (`local`): a `local` record must
 * never be older than the one here, or the next move would put the older one back. A change that
 * leaves nothing to keep makes no database. Resolves to {before, after}.
 */
export function changeRecords(names, update, guard = () => {}) {
  names.forEach(layoutOf);
  return exclusively(async () => {
    const known = thisContext();
    const where = await Promise.all(names.map((name) => (known.localClear.has(name) ? "none" : migrateOnce(name))));
    const kept = names.filter((_name, i) => where[i] === "kept");
    const before = {};
    for (const name of kept) before[name] = await readKept(name);
    const inIdb = names.filter((name) => !kept.includes(name));
    let after = null;
    const decide = (current) => {
      Object.assign(before, current);
      after = { ...before, ...update(before) };
      guard();
      // Only what changed is written; a record that is not there and stays so makes no database.
      return Object.fromEntries(inIdb.filter((name) => !same(after[name], before[name])).map((name) => [name, after[name] ?? null]));
    };
    if (inIdb.length && (await exists())) {
      await inStore("readwrite", (store, tx) => readThenWrite(store, tx, inIdb, decide));
    } else {
      const writes = decide(Object.fromEntries(inIdb.map((name) => [name, null])));
      const made = Object.entries(writes).filter(([, record]) => !absent(record));
      if (made.length) await inStore("readwrite", (store) => made.forEach(([name, record]) => store.put(toDisk(name, record), name)));
    }
    for (const name of kept) await writeLocal(name, after[name] ?? null);
    // This context's own write: what it remembered is older (other contexts learn from the signal).
    forgetRemembered();
    await signal(names, before, after);
    return { before, after };
  });
}

async function writeLocal(name, record) {
  const layout = layoutOf(name);
  const values = layout.toLocal(record);
  const gone = layout.legacyKeys.filter((key) => !Object.hasOwn(values, key));
  if (Object.keys(values).length) await api.storage.local.set(values);
  if (gone.length) await api.storage.local.remove(gone);
}

/**
 * Tell every context that a record changed (session storage): the worker forgets the findings made
 * with the old contacts, plans the health counter's sends, has the pages check again or redraw
 * in a new language; the options page redraws.
 */
async function signal(names, before, after) {
  const values = {};
  for (const name of names) {
    const layout = layoutOf(name);
    if (layout.signal && !same(before[name], after[name])) values[layout.signal] = layout.signalValue(before[name], after[name]);
  }
  if (Object.keys(values).length) await api.storage.session.set(values);
}

/** Keep one record (null: delete it). */
export async function writeRecord(name, record, guard) {
  await changeRecords([name], () => ({ [name]: record }), guard);
}

/** Change one record from its current value; resolves to {before, after}. */
export async function updateRecord(name, update, guard) {
  const { before, after } = await changeRecords([name], (current) => ({ [name]: update(current[name]) }), guard);
  return { before: before[name], after: after[name] };
}

/** The vault's record, or null when there is none. */
export const readVaultRecord = () => readRecord(RECORDS.vault);
/** Keep a new vault record (and tell the other contexts: `vaultWritten`). */
export const writeVaultRecord = (record) => writeRecord(RECORDS.vault, record);
/** The vault's move alone (tests; the worker moves every record: migrateAll). */
export const migrateVault = () => migrateRecord(RECORDS.vault);

/** The wipe: the database goes whole. Resolves once it is deleted (open connections close on versionchange). */
export function deleteVaultStore() {
  forgetRemembered();
  return exclusively(dropDatabase).finally(forgetRemembered);
}

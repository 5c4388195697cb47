// A faithful stand-in for Firefox's promise-based `browser.*` API as the extension's modules use
// it: storage areas (local, session, sync) with get/set/remove/clear, values stored as copies
// (structured clone, as the browser serialises them), onChanged events with {oldValue, newValue}
// per key and the area's name, setAccessLevel (session's, as every browser has it; `local` and
// `sync` too when a test asks for Chromium 140's, with each area's default level), alarms (scheduled, never fired by a
// clock: tests fire them with `fire`), idle's state events (emitted by tests), runtime and i18n. It has to be installed
// before the first import of a module that reads `browser`.
import { readFileSync } from "node:fs";
import { IDBFactory } from "fake-indexeddb";

function event() {
  const listeners = [];
  return {
    listeners,
    addListener: (fn) => listeners.push(fn),
    removeListener: (fn) => listeners.splice(listeners.indexOf(fn), 1),
    hasListener: (fn) => listeners.includes(fn),
    emit: (...args) => listeners.map((fn) => fn(...args)),
  };
}

function area(name, onChanged, { settable }) {
  const data = new Map();
  const notify = (changes) => {
    if (Object.keys(changes).length) onChanged.emit(changes, name);
  };
  const api = {
    data,
    // The browsers' defaults: `session` for the extension's own pages only, the others for content scripts too.
    accessLevel: name === "session" ? "TRUSTED_CONTEXTS" : "TRUSTED_AND_UNTRUSTED_CONTEXTS",
    async get(keys) {
      if (keys === null || keys === undefined) return Object.fromEntries([...data].map(([k, v]) => [k, structuredClone(v)]));
      const wanted = typeof keys === "string" ? { [keys]: undefined } : Array.isArray(keys) ? Object.fromEntries(keys.map((k) => [k, undefined])) : keys;
      const out = {};
      for (const [key, fallback] of Object.entries(wanted)) {
        if (data.has(key)) out[key] = structuredClone(data.get(key));
        else if (fallback !== undefined) out[key] = fallback;
      }
      return out;
    },
    async set(items) {
      const changes = {};
      for (const [key, value] of Object.entries(items)) {
        if (value === undefined) continue;
        const copy = structuredClone(value);
        changes[key] = { oldValue: data.get(key), newValue: structuredClone(copy) };
        data.set(key, copy);
      }
      notify(changes);
    },
    async remove(keys) {
      const changes = {};
      for (const key of typeof keys === "string" ? [keys] : keys) {
        if (data.has(key)) changes[key] = { oldValue: data.get(key) };
        data.delete(key);
      }
      notify(changes);
    },
    async clear() {
      const changes = Object.fromEntries([...data].map(([k, v]) => [k, { oldValue: v }]));
      data.clear();
      notify(changes);
    },
  };
  if (settable.includes(name)) {
    api.setAccessLevel = async ({ accessLevel }) => {
      if (!["TRUSTED_CONTEXTS", "TRUSTED_AND_UNTRUSTED_CONTEXTS"].includes(accessLevel)) throw new Error("bad access level");
      api.accessLevel = accessLevel;
    };
  }
  return api;
}

export const EXTENSION_ROOT = new URL("../../extension/", import.meta.url);

/**
 * `accessLevels`: the areas that have setAccessLevel (["session"]: Chromium before 140; add
 * "local" and "sync" for Chromium 140 and later; Firefox has it on none).
 */
export function installFakeBrowser({ uiLanguage = "en-US", accessLevels = ["session"] } = {}) {
  const onChanged = event();
  const settable = { settable: accessLevels };
  const browser = {
    storage: { onChanged, local: area("local", onChanged, settable), session: area("session", onChanged, settable), sync: area("sync", onChanged, settable) },
    runtime: {
      id: "haris@test",
      onInstalled: event(),
      onStartup: event(),
      getURL: (path) => new URL(path, EXTENSION_ROOT).href,
      getManifest: () => JSON.parse(readFileSync(new URL("manifest.json", EXTENSION_ROOT), "utf8")),
      onMessage: event(),
      openOptionsPage: async () => {},
    },
    i18n: { getUILanguage: () => uiLanguage },
    // `origins`: the optional origins granted (a test sets them); the manifest's own are always
    // granted and, as in Chromium, cannot be removed. `dataCollection`: Firefox's optional
    // data-collection consents granted (listed by getAll as `data_collection`, Firefox 139+,
    // and given back by remove). `contains` says yes to all (the loopback server the tests run
    // is one of the manifest's).
    permissions: {
      origins: [],
      dataCollection: [],
      contains: async () => true,
      request: async ({ origins = [], data_collection: kinds = [] } = {}) => {
        browser.permissions.origins.push(...origins.filter((o) => !browser.permissions.origins.includes(o)));
        browser.permissions.dataCollection.push(...kinds.filter((k) => !browser.permissions.dataCollection.includes(k)));
        return true;
      },
      getAll: async () => {
        const manifest = browser.runtime.getManifest();
        return {
          permissions: manifest.permissions,
          origins: [...manifest.host_permissions, ...manifest.content_scripts[0].matches, ...browser.permissions.origins],
          data_collection: [...manifest.browser_specific_settings.gecko.data_collection_permissions.required, ...browser.permissions.dataCollection],
        };
      },
      remove: async ({ origins = [], data_collection: kinds = [] } = {}) => {
        const manifest = browser.runtime.getManifest();
        if (origins.some((o) => manifest.host_permissions.includes(o) || manifest.content_scripts[0].matches.includes(o))) throw new Error("You cannot remove required permissions.");
        if (kinds.some((k) => !manifest.browser_specific_settings.gecko.data_collection_permissions.optional.includes(k))) throw new Error("You cannot remove required permissions.");
        browser.permissions.origins = browser.permissions.origins.filter((o) => !origins.includes(o));
        browser.permissions.dataCollection = browser.permissions.dataCollection.filter((k) => !kinds.includes(k));
        return true;
      },
    },
    action: { badges: new Map(), setBadgeText: async ({ tabId, text }) => browser.action.badges.set(tabId, text), setBadgeBackgroundColor: async () => {}, openPopup: async () => { throw new Error("no window"); } },
    tabs: {
      created: [], messages: [], query: async () => [{ id: 7 }], create: async (props) => browser.tabs.created.push(props), onRemoved: event(),
      sendMessage: async (tabId, message) => browser.tabs.messages.push({ tabId, message: structuredClone(message) }),
    },
    commands: { onCommand: event() },
    idle: { onStateChanged: event() },
    alarms: {
      scheduled: new Map(),
      onAlarm: event(),
      async create(name, { when, periodInMinutes }) {
        browser.alarms.scheduled.set(name, { name, scheduledTime: when, ...(periodInMinutes ? { periodInMinutes } : {}) });
      },
      async get(name) {
        const alarm = browser.alarms.scheduled.get(name);
        return alarm ? { ...alarm } : undefined;
      },
      async clear(name) {
        return browser.alarms.scheduled.delete(name);
      },
      async clearAll() {
        const had = browser.alarms.scheduled.size > 0;
        browser.alarms.scheduled.clear();
        return had;
      },
      /** The alarm `name` goes off (as the browser would at its time; a periodic one is planned a period later); the listeners' promises. */
      fire(name) {
        const alarm = browser.alarms.scheduled.get(name);
        if (alarm && alarm.periodInMinutes) browser.alarms.scheduled.set(name, { ...alarm, scheduledTime: alarm.scheduledTime + alarm.periodInMinutes * 60_000 });
        else browser.alarms.scheduled.delete(name);
        return Promise.all(browser.alarms.onAlarm.emit(alarm || { name }));
      },
    },
  };
  globalThis.browser = browser;
  // The extension's own IndexedDB (the vault's record: shared/vault-store.js): fake-indexeddb, an
  // in-memory implementation of the whole IndexedDB API (transactions, versionchange, deleteDatabase).
  globalThis.indexedDB = new IDBFactory();
  // Web Locks (navigator.locks, which Node 20 lacks), as the browsers give them to an extension's
  // worker and pages alike: exclusive, one queue per name, released when the callback settles.
  if (!globalThis.navigator || !globalThis.navigator.locks) {
    const queues = new Map();
    const locks = {
      held: [],
      request(name, callback) {
        const before = queues.get(name) || Promise.resolve();
        const run = before.then(async () => {
          locks.held.push(name);
          try {
            return await callback({ name, mode: "exclusive" });
          } finally {
            locks.held.splice(locks.held.indexOf(name), 1);
          }
        });
        queues.set(name, run.catch(() => {}));
        return run;
      },
    };
    Object.defineProperty(globalThis, "navigator", { value: { ...(globalThis.navigator || {}), locks }, configurable: true, writable: true });
  }
  // The extension fetches its own files (string catalogues) by URL; Node's fetch has no file:.
  if (!globalThis.fetch.extensionFiles) {
    const realFetch = globalThis.fetch;
    const fetchWithFiles = async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith("file:")) return new Response(readFileSync(new URL(url)), { headers: { "Content-Type": "application/json" } });
      return realFetch(input, init);
    };
    fetchWithFiles.extensionFiles = true;
    globalThis.fetch = fetchWithFiles;
  }
  return browser;
}

/**
 * Send a message to the worker's listener as a content script of tab `tabId` would (`url`: the
 * sender's address, as the browser gives it: an extension page's for the popup or options;
 * `active`: whether its tab is the one shown in its window, as the browser gives it in `sender.tab`).
 */
export function sendToWorker(browser, message, { tabId = 7, id = browser.runtime.id, url = undefined, frameId = 0, active = true } = {}) {
  return new Promise((resolve) => {
    // A content script's sender, as the browser sets it: its tab, its frame and the page's address
    // (a platform's, where the manifest runs the content scripts), unless the test names another.
    const address = url === undefined && tabId !== null ? "https://x.com/someone" : url;
    const sender = { id, tab: tabId === null ? undefined : { id: tabId, active }, ...(tabId === null ? {} : { frameId }), ...(address === undefined ? {} : { url: address }) };
    const kept = browser.runtime.onMessage.listeners.map((fn) => fn(message, sender, resolve));
    if (!kept.includes(true)) resolve(undefined);
  });
}

/** Every stored value of every area and the extension's IndexedDB, as one string, to look for clear text in. */
export async function everythingStored(browser) {
  const all = {};
  for (const name of ["local", "session", "sync"]) all[name] = await browser.storage[name].get(null);
  // The extension's IndexedDB, when there is one (a wipe deletes it whole: then it is not listed).
  if ((await idbNames()).length) all.indexedDB = await idbRecords();
  return JSON.stringify(all);
}

// The extension's database as shared/vault-store.js lays it out (one store, one record per kind:
// vault, settings, health, unsealed), read and written here directly (not through the module
// under test), as another program reading the profile would.
const DB = { name: "haris-vault", version: 1, store: "records" };

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inVaultDb(mode, work) {
  const open = globalThis.indexedDB.open(DB.name, DB.version);
  open.onupgradeneeded = () => open.result.createObjectStore(DB.store);
  const db = await done(open);
  try {
    const tx = db.transaction(DB.store, mode);
    const result = done(work(tx.objectStore(DB.store)));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
    return await result;
  } finally {
    db.close();
  }
}

/** One record of the extension's IndexedDB ("vault", "settings", "health", "unsealed"), or null (and no database made where there is none). */
export async function idbRecord(name) {
  return withoutFiller(await idbRawRecord(name));
}

/**
 * A record as stored, with the random filler that keeps the vault's and the clear copy's records
 * in a file of their own in Chromium (RECORD_FILES in shared/constants.js); idbRecord and
 * idbRecords leave the filler out, so that tests compare what a record holds.
 */
export async function idbRawRecord(name) {
  if (!(await idbNames()).includes(DB.name)) return null;
  return (await inVaultDb("readonly", (store) => store.get(name))) ?? null;
}

function withoutFiller(record) {
  if (!record || typeof record !== "object" || !Object.hasOwn(record, "filler")) return record;
  const { filler: _filler, ...rest } = record;
  return rest;
}

/** Every record of the extension's IndexedDB, by name ({} when there is no database; none made). */
export async function idbRecords() {
  if (!(await idbNames()).includes(DB.name)) return {};
  const keys = await inVaultDb("readonly", (store) => store.getAllKeys());
  const values = await inVaultDb("readonly", (store) => store.getAll());
  return Object.fromEntries(keys.map((key, i) => [key, withoutFiller(values[i])]));
}

/** Put a record there (a test's tampered or left-over copy, or an older version's). */
export function setIdbRecord(name, record) {
  return inVaultDb("readwrite", (store) => store.put(record, name));
}

/** The vault's record in the extension's IndexedDB, or null. */
export const idbVault = () => idbRecord("vault");

/** Put a vault record there. */
export const setIdbVault = (record) => setIdbRecord("vault", record);

/** The names of the extension's IndexedDB databases (none after a wipe). */
export async function idbNames() {
  return (await globalThis.indexedDB.databases()).map((db) => db.name);
}

/**
 * A fresh install's storage: every area emptied (with their change events, as the browser's
 * clear() sends them) and a new, empty IndexedDB for the extension.
 */
export async function clearEverything(browser) {
  for (const name of ["local", "session", "sync"]) await browser.storage[name].clear();
  browser.permissions.origins = [];
  browser.permissions.dataCollection = [];
  globalThis.indexedDB = new IDBFactory();
}

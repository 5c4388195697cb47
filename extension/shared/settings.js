/*
 * The settings that are not secret (server address, language, where banners show, the health
 * counter's opt-in, when the vault locks itself): one record in the extension's own IndexedDB
 * (shared/vault-store.js), out of content scripts' reach in every browser. They must stay readable
 * while the vault is locked, so that checks still run; what they reveal on a seized device is
 * written down in docs/extension.md. A fresh install (no database) reads the defaults, and reading
 * makes no database.
 */
import { AUTO_LOCK, DEFAULT_SETTINGS, STORAGE } from "./constants.js";
import { readRecord, updateRecord } from "./vault-store.js";
import { vaultState, VaultError } from "./vault.js";

const KEYS = STORAGE.settings;
const RECORD = STORAGE.records.settings;

export async function getSettings() {
  const stored = (await readRecord(RECORD)) || {};
  return {
    backendUrl: typeof stored[KEYS.backendUrl] === "string" ? stored[KEYS.backendUrl] : DEFAULT_SETTINGS.backendUrl,
    language: typeof stored[KEYS.language] === "string" ? stored[KEYS.language] : DEFAULT_SETTINGS.language,
    bannerEverywhere: stored[KEYS.everywhere] === true,
    pageSilent: stored[KEYS.silent] === true,
    healthCounter: stored[KEYS.health] === true,
    autoLockMinutes: AUTO_LOCK.choices.includes(stored[KEYS.autoLock]) ? stored[KEYS.autoLock] : DEFAULT_SETTINGS.autoLockMinutes,
  };
}

/** How long a vault stays open after its last use, to compare choices: 0 is "until the browser closes". */
const openFor = (minutes) => (minutes === 0 ? Infinity : minutes);

/**
 * Change the settings given (the others stay). The worker and the extension's pages learn which
 * changed from `settingsWritten` in session storage (vault-store.js): IndexedDB has no change event.
 *
 * A new server address while a vault is there and locked is refused (VaultError "locked"): the
 * server gets every profile opened and, once the vault is open, the contacts, so whoever holds the
 * device with Haris locked must not be able to point it at a server of theirs and wait for the
 * user's next unlock. With the vault open (the passphrase was typed) or with no vault, it may change.
 * So is a longer time before the vault locks itself (or "only when the browser closes"): set while
 * locked, it would leave the vault open after the next unlock for whoever takes the device next.
 * A shorter one is taken.
 */
export async function saveSettings({ backendUrl, language, bannerEverywhere, pageSilent, healthCounter, autoLockMinutes }) {
  const current = await getSettings();
  const newServer = backendUrl !== undefined && backendUrl !== current.backendUrl;
  const longerOpen = AUTO_LOCK.choices.includes(autoLockMinutes) && openFor(autoLockMinutes) > openFor(current.autoLockMinutes);
  if ((newServer || longerOpen) && (await vaultState()) === "locked") throw new VaultError("locked");
  const values = {};
  if (backendUrl !== undefined) values[KEYS.backendUrl] = backendUrl;
  if (language !== undefined) values[KEYS.language] = language;
  if (bannerEverywhere !== undefined) values[KEYS.everywhere] = Boolean(bannerEverywhere);
  if (pageSilent !== undefined) values[KEYS.silent] = Boolean(pageSilent);
  if (healthCounter !== undefined) values[KEYS.health] = Boolean(healthCounter);
  if (AUTO_LOCK.choices.includes(autoLockMinutes)) values[KEYS.autoLock] = autoLockMinutes;
  if (!Object.keys(values).length) return;
  await updateRecord(RECORD, (current) => ({ ...(current || {}), ...values }));
}

/**
 * The names of the settings a write changed, from a `storage.onChanged` event of session storage
 * (none when the event is not about the settings; a wipe's clear removes the signal: none either).
 */
export function changedSettings(changes, area) {
  const written = area === "session" ? changes[STORAGE.session.settingsWritten] : null;
  const value = written && written.newValue;
  return value && Array.isArray(value.changed) ? value.changed : [];
}

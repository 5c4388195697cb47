/*
 * The settings that are not secret (server address, language, where banners show, the health
 * counter's opt-in, when the vault locks itself), in `local` storage. They must stay readable while the vault is locked, so
 * that checks still run; what they reveal on a seized device is written down in docs/extension.md.
 */
import { api } from "./browser.js";
import { AUTO_LOCK, DEFAULT_SETTINGS, STORAGE } from "./constants.js";

const KEYS = STORAGE.local;

export async function getSettings() {
  const stored = await api.storage.local.get([KEYS.backendUrl, KEYS.language, KEYS.everywhere, KEYS.silent, KEYS.health, KEYS.autoLock]);
  return {
    backendUrl: typeof stored[KEYS.backendUrl] === "string" ? stored[KEYS.backendUrl] : DEFAULT_SETTINGS.backendUrl,
    language: typeof stored[KEYS.language] === "string" ? stored[KEYS.language] : DEFAULT_SETTINGS.language,
    bannerEverywhere: stored[KEYS.everywhere] === true,
    pageSilent: stored[KEYS.silent] === true,
    healthCounter: stored[KEYS.health] === true,
    autoLockMinutes: AUTO_LOCK.choices.includes(stored[KEYS.autoLock]) ? stored[KEYS.autoLock] : DEFAULT_SETTINGS.autoLockMinutes,
  };
}

export async function saveSettings({ backendUrl, language, bannerEverywhere, pageSilent, healthCounter, autoLockMinutes }) {
  const values = {};
  if (backendUrl !== undefined) values[KEYS.backendUrl] = backendUrl;
  if (language !== undefined) values[KEYS.language] = language;
  if (bannerEverywhere !== undefined) values[KEYS.everywhere] = Boolean(bannerEverywhere);
  if (pageSilent !== undefined) values[KEYS.silent] = Boolean(pageSilent);
  if (healthCounter !== undefined) values[KEYS.health] = Boolean(healthCounter);
  if (AUTO_LOCK.choices.includes(autoLockMinutes)) values[KEYS.autoLock] = autoLockMinutes;
  await api.storage.local.set(values);
}

/*
 * The vault locks itself: after the minutes chosen in Options without use (an unlock, or a check
 * that sent the contacts), and at once when the device's screen locks, where the browser reports
 * it (Chromium's idle API; Firefox reports no screen lock). A device taken some time after its
 * last use, or taken with its screen locked, then holds no key: the contacts stay encrypted until
 * the passphrase — or the second one — is typed. "Only when the browser closes" turns both off.
 */
import { api } from "../shared/browser.js";
import { AUTO_LOCK, STORAGE } from "../shared/constants.js";
import { getSettings } from "../shared/settings.js";
import { lock, vaultState } from "../shared/vault.js";

/** The clock (tests pin it). */
export const timing = { now: () => Date.now() };

const MINUTE_MS = 60 * 1000;

/** The vault was used: it locks itself the chosen minutes from now (none: the alarm goes). */
export async function noteUse(now = timing.now()) {
  if (!api.alarms) return;
  const { autoLockMinutes } = await getSettings();
  if (!autoLockMinutes) await api.alarms.clear(AUTO_LOCK.alarm);
  else await api.alarms.create(AUTO_LOCK.alarm, { when: now + autoLockMinutes * MINUTE_MS });
}

async function lockIfOpen() {
  if ((await vaultState()) === "unlocked") await lock();
}

/** Listeners of the worker: the alarm, the screen lock, unlocks and locks, the choice in Options. */
export function initAutoLock() {
  if (!api.alarms) return;
  api.alarms.onAlarm.addListener((alarm) => (alarm.name === AUTO_LOCK.alarm ? lockIfOpen().catch(() => {}) : undefined));
  api.storage.onChanged.addListener((changes, area) => {
    const key = area === "session" ? changes[STORAGE.session.vaultKey] : null;
    // An unlock (or a new passphrase) is a use; a lock needs no alarm any more.
    if (key) (key.newValue ? noteUse() : api.alarms.clear(AUTO_LOCK.alarm)).catch(() => {});
    if (area === "local" && changes[STORAGE.local.autoLock]) {
      vaultState().then((state) => (state === "unlocked" ? noteUse() : null)).catch(() => {});
    }
  });
  if (api.idle && api.idle.onStateChanged) {
    api.idle.onStateChanged.addListener((state) => {
      if (state !== "locked") return;
      getSettings().then((settings) => (settings.autoLockMinutes ? lockIfOpen() : null)).catch(() => {});
    });
  }
}

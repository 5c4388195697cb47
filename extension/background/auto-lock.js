/*
 * The vault locks itself: after the minutes chosen in Options without use (an unlock, or a check
 * that sent the contacts), and at once when the device's screen locks, where the browser reports
 * it (Chromium's idle API; Firefox reports no screen lock). A device taken some time after its
 * last use, or taken with its screen locked, then holds no key: the contacts stay encrypted until
 * the passphrase — or the second one — is typed. "Only when the browser closes" turns both off.
 *
 * The time of the last use is kept in memory (`storage.session`) only, and the worker's tick
 * (every 5 minutes, service-worker.js) looks whether it is time: an alarm timed from the last use
 * would be written, with that time, to the browser's profile directory.
 */
import { api } from "../shared/browser.js";
import { STORAGE } from "../shared/constants.js";
import { getSettings } from "../shared/settings.js";
import { lock, vaultState } from "../shared/vault.js";

/** The clock (tests pin it). */
export const timing = { now: () => Date.now() };

const MINUTE_MS = 60 * 1000;
const LAST_USE = STORAGE.session.lastUse;

/** The vault was used: the chosen time counts from now. */
export async function noteUse(now = timing.now()) {
  await api.storage.session.set({ [LAST_USE]: now });
}

/** The tick: lock when the chosen time has passed since the last use. */
export async function lockIfIdle(now = timing.now()) {
  const { autoLockMinutes } = await getSettings();
  if (!autoLockMinutes || (await vaultState()) !== "unlocked") return;
  const lastUse = (await api.storage.session.get(LAST_USE))[LAST_USE];
  // Opened a moment ago, before the unlock's time was noted: it counts from now.
  if (!Number.isFinite(lastUse)) await noteUse(now);
  else if (now - lastUse >= autoLockMinutes * MINUTE_MS) await lock();
}

async function lockIfOpen() {
  if ((await vaultState()) === "unlocked") await lock();
}

/** Listeners of the worker: unlocks and locks, the screen lock. */
export function initAutoLock() {
  api.storage.onChanged.addListener((changes, area) => {
    const key = area === "session" ? changes[STORAGE.session.vaultKey] : null;
    // An unlock (or a new passphrase) is a use; a lock leaves no time of use behind.
    if (key && key.newValue) noteUse().catch(() => {});
    else if (key) api.storage.session.remove(LAST_USE).catch(() => {});
  });
  if (api.idle && api.idle.onStateChanged) {
    api.idle.onStateChanged.addListener((state) => {
      if (state !== "locked") return;
      getSettings().then((settings) => (settings.autoLockMinutes ? lockIfOpen() : null)).catch(() => {});
    });
  }
}

/*
 * The vault locks itself: after the minutes chosen in Options without use (an unlock, or a check
 * that sent the contacts), and at once when the device's screen locks, where the browser reports
 * it (Chromium's idle API; Firefox reports no screen lock). A device taken some time after its
 * last use, or taken with its screen locked, then holds no key: the contacts stay encrypted until
 * the passphrase — or the second one — is typed. "Only when the browser closes" turns both off.
 *
 * The time of the last use is kept in memory (`storage.session`) only. While the vault is open, a
 * periodic alarm on the clock's grid (background/grid-alarm.js) looks whether the time has come:
 * an alarm timed from the last use would be written, with that time, to the browser's profile.
 */
import { api } from "../shared/browser.js";
import { AUTO_LOCK, STORAGE } from "../shared/constants.js";
import { getSettings } from "../shared/settings.js";
import { lock, vaultState } from "../shared/vault.js";
import { ensureGridAlarm } from "./grid-alarm.js";

/** The clock (tests pin it). */
export const timing = { now: () => Date.now() };

const MINUTE_MS = 60 * 1000;
const LAST_USE = STORAGE.session.lastUse;

/** The vault was used: the chosen time counts from now. */
export async function noteUse(now = timing.now()) {
  await api.storage.session.set({ [LAST_USE]: now });
}

// One plan at a time, each on the settings and vault as they are when it runs: an unlock and a
// new choice in Options at once must not leave the watch of the older state.
let queue = Promise.resolve();

/** The watch runs while the vault is open and locks itself; else there is no alarm. */
function planWatch(now = timing.now()) {
  const run = queue.then(async () => {
    if (!api.alarms) return;
    const { autoLockMinutes } = await getSettings();
    if (autoLockMinutes && (await vaultState()) === "unlocked") await ensureGridAlarm(AUTO_LOCK.alarm, AUTO_LOCK.everyMinutes, now);
    else await api.alarms.clear(AUTO_LOCK.alarm);
  });
  queue = run.catch(() => {});
  return run;
}

/** The watch's alarm: lock when the chosen time has passed since the last use. */
export async function lockIfIdle(now = timing.now()) {
  const { autoLockMinutes } = await getSettings();
  if (!autoLockMinutes || (await vaultState()) !== "unlocked") return planWatch(now);
  const lastUse = (await api.storage.session.get(LAST_USE))[LAST_USE];
  if (!Number.isFinite(lastUse) || now - lastUse >= autoLockMinutes * MINUTE_MS) await lock();
  return null;
}

async function lockIfOpen() {
  if ((await vaultState()) === "unlocked") await lock();
}

/** Listeners of the worker: the watch, the screen lock, unlocks and locks, the choice in Options. */
export function initAutoLock() {
  if (!api.alarms) return;
  api.alarms.onAlarm.addListener((alarm) => (alarm.name === AUTO_LOCK.alarm ? lockIfIdle().catch(() => {}) : undefined));
  api.storage.onChanged.addListener((changes, area) => {
    const key = area === "session" ? changes[STORAGE.session.vaultKey] : null;
    if (key && key.newValue) {
      // An unlock (or a new passphrase) is a use.
      noteUse().then(() => planWatch()).catch(() => {});
    } else if (key) {
      Promise.all([planWatch(), api.storage.session.remove(LAST_USE)]).catch(() => {});
    }
    if (area === "local" && changes[STORAGE.local.autoLock]) planWatch().catch(() => {});
  });
  if (api.idle && api.idle.onStateChanged) {
    api.idle.onStateChanged.addListener((state) => {
      if (state !== "locked") return;
      getSettings().then((settings) => (settings.autoLockMinutes ? lockIfOpen() : null)).catch(() => {});
    });
  }
}

/*
 * Periodic alarms whose times lie on a fixed grid of the wall clock (every whole period since
 * 1970), for the worker's tick. Chromium keeps an extension's alarms on disk, with their next time
 * and the delay they were made with: an alarm planned from a check or an unlock ("10 minutes after
 * it") would write when Haris was last used into the profile directory of a seized device. The
 * tick is made at install and start-up only, on the grid: its record says only that the browser ran.
 */
import { api } from "../shared/browser.js";

const MINUTE_MS = 60 * 1000;

/** The first grid time after `now` for a period of `minutes`. */
export function nextOnGrid(now, minutes) {
  const period = minutes * MINUTE_MS;
  return (Math.floor(now / period) + 1) * period;
}

/** The periodic alarm `name`, created on the grid unless it is already there. */
export async function ensureGridAlarm(name, minutes, now) {
  if (!api.alarms) return;
  const existing = await api.alarms.get(name);
  if (existing && existing.periodInMinutes === minutes) return;
  await api.alarms.create(name, { when: nextOnGrid(now, minutes), periodInMinutes: minutes });
}

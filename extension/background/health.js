/*
 * The opt-in extractor health counter (docs/extension.md, "Knowing when a platform changes"):
 * counts of judged visits (content/health.js) kept in the extension's IndexedDB (one record:
 * shared/vault-store.js, out of content scripts' reach), sent to the server about
 * once a day by an alarm — never with a check, never at the moment of a page read.
 *
 * Off by default. Turning it off deletes the counts and the alarm. On Firefox it also needs the
 * browser's own "technical and interaction data" consent (asked in Options), and a revoked
 * consent stops it. What is kept: the counts (no address, no handle, no time) and the time of
 * the next send, set at a send and never at a page read.
 */
import { api } from "../shared/browser.js";
import { HEALTH, STORAGE } from "../shared/constants.js";
import { changedSettings, getSettings, saveSettings } from "../shared/settings.js";
import { changeRecords, readRecord } from "../shared/vault-store.js";
import { backendAllowed } from "./check.js";
import { sendHealth } from "./checker.js";
import { addVisit, lateSend, mergeCounts, nextSend, reportBody, validVisit, visitsIn } from "./health-counts.js";
import { refuseIfEpochEnded, currentEpoch } from "./epochs.js";
import { giveBackDataConsent } from "../shared/grants.js";

const KEYS = STORAGE.health;
const RECORD = STORAGE.records.health;
const SETTINGS = STORAGE.records.settings;
export const DATA_CONSENT = HEALTH.dataConsent;

/** A uniform number in [0, 1) from the browser's cryptographic generator. */
export function secureRandom() {
  return crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32;
}

/** The clock and the random draws of sends and rounding (tests pin them). */
export const timing = { now: () => Date.now(), random: secureRandom };

/** Firefox alone asks for data-collection consent (runtime.getBrowserInfo is Firefox's). */
export function asksDataConsent() {
  return Boolean(api.runtime && api.runtime.getBrowserInfo);
}

async function consented() {
  if (!asksDataConsent()) return true;
  try {
    return await api.permissions.contains(DATA_CONSENT);
  } catch (_error) {
    return false;
  }
}

// Counts are read, changed and written back: one change at a time, so no visit is lost.
let queue = Promise.resolve();
function serial(task) {
  const run = queue.then(task, task);
  queue = run.catch(() => {});
  return run;
}

/** The health record's fields (none: {}). */
const readCounts = async () => (await readRecord(RECORD)) || {};

/**
 * Set and remove fields of the record, in one step with a look at the choice: while the settings
 * (same transaction) do not say the user opted in — she turned it off, or a wipe deleted them —
 * nothing is set, so no count or planned send outlives the choice or a wipe. A record left empty
 * is deleted (and none is made to delete from). `guard`: see vault-store.js changeRecords.
 * Resolves to whether the values were set.
 */
async function changeCounts(values, remove = [], guard = undefined) {
  let kept = false;
  await changeRecords([RECORD, SETTINGS], (current) => {
    const optedIn = Boolean(current[SETTINGS] && current[SETTINGS][STORAGE.settings.health] === true);
    const next = { ...(current[RECORD] || {}), ...(optedIn ? values(current[RECORD] || {}) : {}) };
    for (const key of remove) delete next[key];
    kept = optedIn;
    return { [RECORD]: Object.keys(next).length ? next : null };
  }, guard);
  return kept;
}

/** Count one judged visit, if the user opted in. */
export function recordVisit(message, epoch = currentEpoch()) {
  return serial(async () => {
    if (!validVisit(message) || !(await getSettings()).healthCounter || !(await consented())) return { ok: false };
    refuseIfEpochEnded(epoch);
    // Read and written in one step; a wipe (or lock) since this visit was reported: its count is
    // not written back (background/epochs.js; asked again inside the store's lock, after which the
    // wipe's delete of the database comes).
    const counted = await changeCounts((current) => ({ [KEYS.counts]: addVisit(current[KEYS.counts], message) }), [], () => refuseIfEpochEnded(epoch));
    return { ok: counted };
  });
}

async function planSend(when) {
  if (await changeCounts(() => ({ [KEYS.nextSend]: when }))) await api.alarms.create(HEALTH.alarm, { when });
}

/** Off: no counts, no planned send, no alarm. */
async function forget() {
  await changeCounts(() => ({}), [KEYS.counts, KEYS.nextSend, KEYS.idle]);
  await api.alarms.clear(HEALTH.alarm);
}

/**
 * Make the alarm agree with the choice (at start-up and when the choice changes): a first send a
 * day after opting in; a time that passed while the browser was closed, soon after it starts.
 */
export function syncHealth(now = timing.now(), random = timing.random) {
  return serial(async () => {
    if (!(await getSettings()).healthCounter) return forget();
    const planned = (await readCounts())[KEYS.nextSend];
    if (!Number.isFinite(planned)) return planSend(nextSend(now, random));
    if (planned <= now) return planSend(lateSend(now, random));
    const alarm = await api.alarms.get(HEALTH.alarm);
    if (!alarm || alarm.scheduledTime !== planned) await api.alarms.create(HEALTH.alarm, { when: planned });
    return null;
  });
}

/**
 * The counts to send, taken in one transaction (under the same look at the choice as every change:
 * changeCounts): when they stand for enough visits they are removed (with the idle sends' tally)
 * as they are read, so a visit counted while they are on their way is kept beside them, neither
 * lost by a reset that comes after it nor sent again; too few, and one more idle send is noted
 * (the counts dropped after too many). Resolves to the counts taken, or null.
 */
async function takeCounts() {
  let taken = null;
  await changeRecords([RECORD, SETTINGS], (current) => {
    taken = null;
    const next = { ...(current[RECORD] || {}) };
    if (!(current[SETTINGS] && current[SETTINGS][STORAGE.settings.health] === true)) return {};
    const counts = next[KEYS.counts] || {};
    const idle = (next[KEYS.idle] || 0) + 1;
    if (visitsIn(counts) >= HEALTH.minVisits || idle > HEALTH.maxIdleSends) {
      if (visitsIn(counts) >= HEALTH.minVisits) taken = counts;
      delete next[KEYS.counts];
      delete next[KEYS.idle];
    } else {
      next[KEYS.idle] = idle;
    }
    return { [RECORD]: Object.keys(next).length ? next : null };
  });
  return taken;
}

/**
 * Counts the server could not take now, put back beside those counted since they were taken (one
 * transaction). Not after a wipe or an opt-out meanwhile: changeCounts sets nothing then.
 */
const putBack = (counts) => changeCounts((current) => ({ [KEYS.counts]: mergeCounts(current[KEYS.counts], counts) }));

let sending = null;

/**
 * The alarm: send the counts if they stand for enough visits, then plan the next send. Counts
 * go back for the next try when the server cannot take them now (down, rate limited); a refusal
 * of the counts themselves (4xx) drops them, since they would be refused again. The request is
 * not made inside the queue of count changes: a visit is counted at once while it is on its way
 * (takeCounts). One send at a time. A worker stopped while the request is out loses that day's
 * counts (they are neither on disk nor sent twice).
 */
export function sendDue(now = timing.now(), random = timing.random) {
  if (!sending) sending = sendOnce(now, random).finally(() => (sending = null));
  return sending;
}

async function sendOnce(now, random) {
  const taken = await serial(async () => {
    const settings = await getSettings();
    if (!settings.healthCounter) return forget().then(() => null);
    if (!(await consented())) return planSend(nextSend(now, random)).then(() => null);
    // A server the user has not allowed: the counts stay where they are, tried again in hours.
    if (!(await backendAllowed(settings.backendUrl))) return planSend(nextSend(now, random, HEALTH.retryMs)).then(() => null);
    const counts = await takeCounts();
    if (!counts) return planSend(nextSend(now, random)).then(() => null);
    return { settings, counts };
  });
  if (!taken) return null;
  const body = reportBody(taken.counts, random);
  const answer = body.extractors.length ? await sendHealth(fetch, taken.settings, body) : { ok: false, reason: "empty" };
  return serial(async () => {
    if (answer.ok || answer.reason === "empty" || (answer.reason === "error" && answer.status >= 400 && answer.status < 500)) {
      return planSend(nextSend(now, random));
    }
    await putBack(taken.counts);
    return planSend(nextSend(now, random, HEALTH.retryMs));
  });
}

/**
 * The user's choice in Options, made there with this. On: Firefox's consent to send technical
 * data is asked first (inside the click, as browsers require: the request is the first thing
 * done, before any await), and without it nothing is turned on. Off: the choice is saved, then
 * the consent is given back (shared/grants.js), as the wipe does: Firefox keeps it in the profile,
 * and left there it would say that the counter was once on. Chromium asks nothing of its own for
 * the counter (it sends to the server the checks use, whose origin stays granted for them), so
 * there is nothing to give back there. Resolves to whether the counter is now on.
 */
export async function chooseHealth(on) {
  if (on) {
    if (asksDataConsent()) {
      let granted = false;
      try {
        granted = await api.permissions.request(DATA_CONSENT);
      } catch (_error) {
        granted = false;
      }
      if (!granted) return false;
    }
    await saveSettings({ healthCounter: true });
    return true;
  }
  await saveSettings({ healthCounter: false });
  await giveBackDataConsent();
  return false;
}

/** Listeners of the worker: the alarm, the choice in Options, and a start of the worker. */
export function initHealth() {
  if (!api.alarms) return;
  api.alarms.onAlarm.addListener((alarm) => (alarm.name === HEALTH.alarm ? sendDue().catch(() => {}) : undefined));
  // The choice, made in Options: told through session storage (the settings are in IndexedDB).
  api.storage.onChanged.addListener((changes, area) => {
    if (changedSettings(changes, area).includes(STORAGE.settings.health)) syncHealth().catch(() => {});
  });
  syncHealth().catch(() => {});
}

/*
 * The service worker (Chromium) / background module (Firefox). Every network call of the
 * extension happens here, because a content script on an https page may not reach a loopback
 * backend and must not carry the user's cookies anywhere. Content scripts are its correspondents;
 * the extension's own pages use the shared modules directly, but for the wipe, which is done here.
 */
import { api } from "../shared/browser.js";
import { MESSAGES, REPORT_REASONS, STORAGE, TICK } from "../shared/constants.js";
import { loadStrings, resolveLocale } from "../shared/i18n.js";
import { getSettings } from "../shared/settings.js";
import { MAX_OTHER_IDS, otherIds } from "../shared/contacts.js";
import { forgetInTabs, wipeEverything } from "../shared/wipe.js";
import { backendAllowed, check, pruneSession, sessionGet, sessionSet, validRequest } from "./check.js";
import { ensureGridAlarm } from "./grid-alarm.js";
import { clampProfile, sendReport } from "./checker.js";
import { initAutoLock, lockIfIdle } from "./auto-lock.js";
import { initHealth, recordVisit } from "./health.js";
import { currentEpoch, EpochEnded, newEpoch, refuseIfEpochEnded } from "./epochs.js";

const PREFIX = STORAGE.sessionPrefixes;
const UNAVAILABLE = { view: { state: "unavailable", reason: "error" } };

async function pageSetup() {
  const settings = await getSettings();
  const locale = resolveLocale(settings.language);
  return { locale, strings: await loadStrings(locale), everywhere: settings.bannerEverywhere };
}

async function report(message) {
  const settings = await getSettings();
  if (!(await backendAllowed(settings.backendUrl))) return { ok: false, reason: "permission" };
  const last = (await sessionGet(`${PREFIX.last}${message.key}`)) || {};
  return sendReport(fetch, settings, { platform: message.platform, profile: message.profile, avatarHash: last.avatarHash, reason: message.reason });
}

/**
 * The extension's own window for this tab: the full report, and there — out of the page's
 * reach — "Save as a trusted contact". The toolbar popup where the browser allows it, else a tab.
 */
async function openDetails(sender) {
  const tabId = sender.tab ? sender.tab.id : null;
  try {
    await api.action.openPopup();
  } catch (_error) {
    await api.tabs.create({ url: api.runtime.getURL(`popup/popup.html?tab=${tabId}`) });
  }
  return { ok: true };
}

/**
 * The profile a content script sent, cut to the API's limits at once: what the worker hashes,
 * compares with the contacts and keeps for the popup is never larger than what the server takes
 * (a page made to be read as a megabyte of bio costs nothing more than 2,000 characters).
 */
function bounded(message) {
  return message && message.profile && typeof message.profile === "object" ? { ...message, profile: kept(message.profile) } : message;
}

/**
 * The profile as the worker keeps it for the popup: the API's fields (clampProfile) and the
 * account's other ids the page gave (`account_ids`, a Facebook Page's old Page id and new profile
 * id), which a contact saved from the popup records. They are not sent to the server
 * (buildCheckBody clamps again): it compares one id per contact (background/check.js).
 */
function kept(profile) {
  const out = clampProfile(profile);
  // The page's first few entries only: what a page sends costs no more than that to clean.
  const ids = otherIds(Array.isArray(profile.account_ids) ? profile.account_ids.slice(0, MAX_OTHER_IDS) : [], out.account_id);
  if (ids.length) out.account_ids = ids;
  return out;
}

/**
 * The wipe, here: a new epoch, so that nothing a check or a count under way would write gets
 * written (background/epochs.js), then everything goes.
 */
async function wipe() {
  newEpoch();
  await wipeEverything();
  return { ok: true };
}

/** The extension's own pages (popup, options), whatever tab they are in; never a web page's content script. */
function fromOwnPage(sender) {
  return typeof sender.url === "string" && sender.url.startsWith(api.runtime.getURL(""));
}

async function handle(received, sender, epoch) {
  const message = bounded(received);
  switch (message && message.type) {
    case MESSAGES.PAGE_SETUP:
      return pageSetup();
    case MESSAGES.CHECK:
      return validRequest(message) ? check(message, sender, epoch) : UNAVAILABLE;
    case MESSAGES.WIPE:
      // A page (or a renderer taken over by one) must not be able to erase the user's contacts.
      return fromOwnPage(sender) ? wipe() : { ok: false };
    case MESSAGES.FRIEND:
    case MESSAGES.DETAILS:
      return openDetails(sender);
    case MESSAGES.REPORT:
      return validRequest(message) && REPORT_REASONS.includes(message.reason) ? report(message) : { ok: false };
    case MESSAGES.DISMISS:
      // Session storage only: "Not now" never becomes a list of profiles on disk.
      if (typeof message.key === "string" && message.key.length < 300) {
        refuseIfEpochEnded(epoch);
        await sessionSet(`${PREFIX.dismissed}${message.key}`, true);
      }
      return { ok: true };
    case MESSAGES.IS_DISMISSED:
      return { dismissed: Boolean(await sessionGet(`${PREFIX.dismissed}${message.key}`)) };
    case MESSAGES.HEALTH:
      // Counted only if the user opted in; never sent from here (an alarm sends, once a day).
      return recordVisit(message, epoch);
    default:
      return { ok: false };
  }
}

api.runtime.onMessage.addListener((message, sender, sendResponse) => {
  // Only this extension's own content scripts talk to the worker.
  if (sender.id !== api.runtime.id) return false;
  const failed = (error) => sendResponse(error instanceof EpochEnded ? { ok: false, stale: true } : { ...UNAVAILABLE, ok: false });
  handle(message, sender, currentEpoch()).then(sendResponse, failed);
  return true;
});

// The keyboard shortcut (manifest `commands`): wipe at once, from any page, without a window.
if (api.commands && api.commands.onCommand) {
  api.commands.onCommand.addListener((command) => {
    if (command === "wipe") wipe().catch(() => {});
  });
}

initHealth();
initAutoLock();

// The vault's key is in session storage: never where a content script can read it.
if (api.storage.session.setAccessLevel) {
  api.storage.session.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});
}

api.storage.onChanged.addListener((changes, area) => {
  const local = STORAGE.local;
  const changed = (key) => Object.hasOwn(changes, key);
  // Locked or opened (perhaps with the second passphrase): the banners drawn with the old contacts
  // go, and their profiles are checked again. The "Not now" dismissals and the last checks'
  // records go too: they name the profiles the user looked at and the warnings she saw, and a lock
  // (the user's "someone is taking my phone") must leave no such list behind.
  const lockedOrOpened = area === "session" && changed(STORAGE.session.vaultKey);
  if (lockedOrOpened) {
    // A check under way would write findings about the contacts of before (background/epochs.js).
    newEpoch();
    forgetInTabs().catch(() => {});
  }
  // The contacts changed, or the vault was locked or opened: the per-tab reports go too, since
  // their findings name contacts (which the popup shows) and a lock must leave no contact
  // readable, nor a hint that the list just opened is not the real one.
  const contacts = lockedOrOpened || (area === "local" && changed(local.vault));
  // New contacts, a new server or language, a lock or unlock: cached verdicts and backoff are stale.
  if (contacts || (area === "local" && [local.backendUrl, local.language].some(changed))) {
    const prefixes = [PREFIX.verdict, ...(contacts ? [PREFIX.tab] : []), ...(lockedOrOpened ? [PREFIX.dismissed, PREFIX.last] : [])];
    api.storage.session.get(null).then((all) => {
      const stale = Object.keys(all).filter((k) => k === STORAGE.session.backoffUntil || prefixes.some((p) => k.startsWith(p)));
      return stale.length ? api.storage.session.remove(stale) : null;
    }).catch(() => {});
  }
});

// The tick (shared/constants.js TICK): checks' records older than the cache lifetime go, whether
// or not another check comes, and a vault unused for the chosen time locks. The alarm is made at
// install and start-up on the clock's grid and lives on: Chromium keeps alarms on disk with their
// times (and the delay they were made with), so none is ever made or moved by a check or an unlock.
if (api.alarms) {
  const ensureTick = () => ensureGridAlarm(TICK.alarm, TICK.minutes, Date.now()).catch(() => {});
  api.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== TICK.alarm) return undefined;
    return Promise.all([pruneSession(Date.now()), lockIfIdle()]).catch(() => {});
  });
  if (api.runtime.onStartup) api.runtime.onStartup.addListener(ensureTick);
  if (api.runtime.onInstalled) api.runtime.onInstalled.addListener(ensureTick);
  ensureTick();
}

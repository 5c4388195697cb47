/*
 * The service worker (Chromium) / background module (Firefox). Every network call of the
 * extension happens here, because a content script on an https page may not reach a loopback
 * backend and must not carry the user's cookies anywhere. Content scripts are its correspondents;
 * the extension's own pages use the shared modules directly, but for the wipe, which is done here.
 */
import { api } from "../shared/browser.js";
import { MESSAGES, OPEN_WINDOW_LIMITS, PAGE_LIMITS, PLATFORM_SITES, REPORT_REASONS, STORAGE, TICK } from "../shared/constants.js";
import { loadStrings, resolveLocale } from "../shared/i18n.js";
import { changedSettings, getSettings } from "../shared/settings.js";
import { MAX_OTHER_IDS, otherIds } from "../shared/contacts.js";
import { forgetInTabs, wipeEverything } from "../shared/wipe.js";
import { tellEveryTab } from "../shared/tabs.js";
import { parsedUrl } from "../shared/urls.js";
import { backendAllowed, check, forgetTab, keepRecord, lastKey, pruneSession, sessionGet, validRequest } from "./check.js";
import { ensureGridAlarm } from "./grid-alarm.js";
import { clampProfile, sendReport } from "./checker.js";
import { MAX_AVATAR_BASE64 } from "./avatar.js";
import { initAutoLock, lockIfIdle } from "./auto-lock.js";
import { initHealth, recordVisit } from "./health.js";
import { validVisit } from "./health-counts.js";
import { currentEpoch, EpochEnded, newEpoch } from "./epochs.js";
import { restrictStorageAccess } from "./storage-access.js";
import { migrateAll } from "../shared/vault-store.js";

const PREFIX = STORAGE.sessionPrefixes;
const UNAVAILABLE = { view: { state: "unavailable", reason: "error" } };

async function pageSetup() {
  const settings = await getSettings();
  // `silent`: the user chose to have nothing drawn in pages (a page then cannot tell Haris runs,
  // nor what it found); the toolbar badge and the popup still say it. Nothing is drawn, so the
  // page is given no strings and no language: a renderer taken over by its page would learn
  // which language the user chose for Haris (no check's answer says it either: check.js).
  if (settings.pageSilent) return { locale: null, strings: {}, everywhere: false, silent: true };
  const locale = resolveLocale(settings.language);
  return { locale, strings: await loadStrings(locale), everywhere: settings.bannerEverywhere, silent: false };
}

async function report(message, sender) {
  const settings = await getSettings();
  if (!(await backendAllowed(settings.backendUrl))) return { ok: false, reason: "permission" };
  // This tab's and site's check of the profile only (check.js lastKey): never another tab's.
  const key = lastKey(sender.tab.id, sender.url, message.key);
  const last = (key && (await sessionGet(key))) || {};
  return sendReport(fetch, settings, { platform: message.platform, profile: message.profile, avatarHash: last.avatarHash, reason: message.reason });
}

/**
 * The extension's own window for this tab: the full report, and there — out of the page's
 * reach — "Save as a trusted contact". The toolbar popup where the browser allows it, else a tab.
 * Only for the tab the user is looking at (the browser says whether the sender's tab is active:
 * a page in a background tab cannot put the popup over another site), and at most once per
 * OPEN_WINDOW_LIMITS.perTabMs for a tab and once per anyMs in all: the worker cannot verify a
 * click in the page (a renderer taken over by its page sends what it likes), and this message
 * sent in a loop would otherwise cover the user's screen, or bury her under extension tabs.
 */
const lastOpened = new Map(); // tab id → when its window was last opened (the latest few only)
let lastOpenedAny = -Infinity;
async function openDetails(sender) {
  const tabId = sender.tab.id;
  const now = Date.now();
  if (sender.tab.active !== true) return { ok: false };
  if (now - lastOpenedAny < OPEN_WINDOW_LIMITS.anyMs || now - (lastOpened.get(tabId) ?? -Infinity) < OPEN_WINDOW_LIMITS.perTabMs) return { ok: false };
  lastOpenedAny = now;
  // Tabs whose gap has passed are forgotten: at most perTabMs / anyMs entries are ever kept.
  for (const [tab, at] of lastOpened) if (now - at >= OPEN_WINDOW_LIMITS.perTabMs) lastOpened.delete(tab);
  lastOpened.set(tabId, now);
  try {
    await api.action.openPopup();
  } catch (_error) {
    await api.tabs.create({ url: api.runtime.getURL(`popup/popup.html?tab=${tabId}`) });
  }
  return { ok: true };
}

/**
 * "Not now": kept in session storage (memory) with its time, the latest PAGE_LIMITS.maxDismissed
 * only. A person dismisses a few profiles a day; a renderer taken over by its page could send
 * millions of keys and fill session storage, where the vault's key then would not fit (no unlock).
 */
function dismissProfile(key, epoch) {
  // One record at a time (keepRecord): a flood sent all at once finds no room twice.
  return keepRecord(PREFIX.dismissed, `${PREFIX.dismissed}${key}`, { at: Date.now() }, epoch, PAGE_LIMITS.maxDismissed);
}

/** A profile's key as content scripts send it ("x:id:123"): a short string, or nothing. */
function validKey(key) {
  return typeof key === "string" && key.length > 0 && key.length < PAGE_LIMITS.maxKey;
}

/**
 * The platform whose pages the sender's site shows (shared/constants.js PLATFORM_SITES), or null.
 * A key names its platform first ("x:id:123"): a page is answered about its own platform's only.
 */
function platformOf(sender) {
  const url = parsedUrl(sender?.url);
  if (!url) return null;
  return Object.keys(PLATFORM_SITES).find((platform) => PLATFORM_SITES[platform].includes(url.hostname)) || null;
}

/**
 * "Not now" is asked and kept for a profile of the sender's own platform only: the list holds the
 * profiles dismissed on every platform, and a renderer taken over by, say, X's page must not
 * learn, key by key, which Facebook or Telegram profiles the user dismissed.
 */
function ownPlatformKey(key, sender) {
  const platform = platformOf(sender);
  return validKey(key) && platform !== null && key.startsWith(`${platform}:`);
}

/**
 * The photo a check may carry: a CDN address (the worker downloads it, from the allowed hosts
 * only) or bytes read from a blob:, within the photo limit; anything else is dropped before the
 * request is hashed or kept, so a 60 MB "photo" costs the worker nothing.
 */
function boundedAvatar(avatar) {
  if (!avatar || typeof avatar !== "object") return null;
  if (typeof avatar.url === "string" && avatar.url.length <= PAGE_LIMITS.maxAvatarUrl) return { url: avatar.url };
  if (typeof avatar.base64 === "string" && avatar.base64.length <= MAX_AVATAR_BASE64) return { base64: avatar.base64 };
  return null;
}

/**
 * The profile a content script sent, cut to the API's limits at once: what the worker hashes,
 * compares with the contacts and keeps for the popup is never larger than what the server takes
 * (a page made to be read as a megabyte of bio costs nothing more than 2,000 characters).
 */
function bounded(message) {
  if (!message || typeof message !== "object") return null;
  const out = message.profile && typeof message.profile === "object" ? { ...message, profile: kept(message.profile) } : { ...message };
  if (message.type === MESSAGES.CHECK) {
    out.avatar = boundedAvatar(message.avatar);
    out.force = message.force === true;
  }
  return out;
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

/**
 * The origins the manifest runs the content scripts in ("https://x.com", …). Read from the
 * manifest itself, so the list is not written twice.
 */
const PAGE_ORIGINS = new Set(
  (api.runtime.getManifest().content_scripts || []).flatMap((script) => script.matches).map((pattern) => new URL(pattern.replace(/\*$/, "")).origin),
);

/**
 * A content script's message: from the top frame of a tab showing one of the platforms (the
 * browser sets `sender.url`, `sender.frameId` and `sender.tab`; a page cannot). A renderer of any
 * other site, taken over by its page, gets nothing from the worker at all.
 */
function fromPlatformPage(sender) {
  if (!sender.tab || (sender.frameId !== undefined && sender.frameId !== 0) || typeof sender.url !== "string") return false;
  const url = parsedUrl(sender.url);
  return url !== null && PAGE_ORIGINS.has(url.origin);
}

/**
 * What each sender may ask. The platforms' pages: "check this profile" and what the banner's
 * buttons do (none of which reads a contact, the API key or a setting beyond the page's own
 * language and where banners show, nor locks, unlocks, wipes or exports anything). The
 * extension's own pages: the wipe. Anything else is refused.
 */
const PAGE_MESSAGES = new Set([
  MESSAGES.PAGE_SETUP, MESSAGES.CHECK, MESSAGES.FRIEND, MESSAGES.DETAILS, MESSAGES.REPORT, MESSAGES.DISMISS, MESSAGES.IS_DISMISSED, MESSAGES.HEALTH,
]);
const OWN_PAGE_MESSAGES = new Set([MESSAGES.WIPE]);

function allowed(message, sender) {
  if (!message || typeof message.type !== "string") return false;
  if (OWN_PAGE_MESSAGES.has(message.type)) return fromOwnPage(sender);
  return PAGE_MESSAGES.has(message.type) && fromPlatformPage(sender);
}

async function handle(received, sender, epoch) {
  const message = bounded(received);
  if (!allowed(message, sender)) return { ok: false };
  switch (message.type) {
    case MESSAGES.PAGE_SETUP:
      return pageSetup();
    case MESSAGES.CHECK:
      return validRequest(message) ? check(message, sender, epoch) : UNAVAILABLE;
    case MESSAGES.WIPE:
      // A page (or a renderer taken over by one) must not be able to erase the user's contacts
      // (allowed(): from the extension's own pages only).
      return wipe();
    case MESSAGES.FRIEND:
    case MESSAGES.DETAILS:
      return openDetails(sender);
    case MESSAGES.REPORT:
      return validRequest(message) && REPORT_REASONS.includes(message.reason) ? report(message, sender) : { ok: false };
    case MESSAGES.DISMISS:
      // Session storage only: "Not now" never becomes a list of profiles on disk.
      if (!ownPlatformKey(message.key, sender)) return { ok: false };
      await dismissProfile(message.key, epoch);
      return { ok: true };
    case MESSAGES.IS_DISMISSED:
      return { dismissed: ownPlatformKey(message.key, sender) && Boolean(await sessionGet(`${PREFIX.dismissed}${message.key}`)) };
    case MESSAGES.HEALTH:
      // Counted only if the user opted in; never sent from here (an alarm sends, once a day). The
      // answer is the same whether or not it was counted: it would tell the page the user's choice.
      await recordVisit(message, epoch);
      return { ok: validVisit(message) };
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

// A closed tab's cached verdicts and its report go with it (background/check.js forgetTab): they
// would otherwise say, for up to the cache's lifetime, what was checked in a tab no longer open.
if (api.tabs && api.tabs.onRemoved) api.tabs.onRemoved.addListener((tabId) => forgetTab(tabId).catch(() => {}));

// The keyboard shortcut (manifest `commands`): wipe at once, from any page, without a window.
if (api.commands && api.commands.onCommand) {
  // The wipe's promise is returned for tests to wait on (the browser ignores a listener's value).
  api.commands.onCommand.addListener((command) => (command === "wipe" ? wipe().catch(() => {}) : undefined));
}

initHealth();
initAutoLock();

// The vault's key (session) and, where the browser allows it, `local` and `sync` (which hold
// nothing of Haris's once an older version's records are moved, below): never where a content
// script can read them (background/storage-access.js; the vault's ciphertext, the settings and
// the health counts are in the extension's IndexedDB, shared/vault-store.js). At every
// start of the worker, and at install and browser start-up: Chromium keeps the level in the
// profile, but a start that finds it reset closes it again before any page is checked.
restrictStorageAccess();
if (api.runtime.onInstalled) api.runtime.onInstalled.addListener(() => restrictStorageAccess());
if (api.runtime.onStartup) api.runtime.onStartup.addListener(() => restrictStorageAccess());
// What an older version kept in `local` (open to content scripts in Firefox and Chromium before
// 140) moves into the extension's IndexedDB at once, not at its first use (shared/vault-store.js):
// the vault's record, the settings, the health counts, and contacts and an API key kept in clear
// (still unencrypted there until a passphrase is chosen, which the popup and Options ask for).
migrateAll().catch(() => {});

/**
 * Every tab's content script asks for its strings and settings again and checks its profile again
 * (MESSAGES.REFRESH): it cannot watch `local` storage itself.
 */
function refreshTabs() {
  return tellEveryTab({ type: MESSAGES.REFRESH });
}

// What a page's banner is drawn from: its language and where banners show (PAGE_SETUP), and what
// its check is made with (the contacts, the server).
const SETTINGS = STORAGE.settings;
const PAGE_SETTINGS = [SETTINGS.language, SETTINGS.backendUrl, SETTINGS.everywhere, SETTINGS.silent];

api.storage.onChanged.addListener((changes, area) => {
  // The settings are in IndexedDB, which has no change event: every write of them sets
  // `settingsWritten` in session storage with the names of those that changed (shared/settings.js).
  const settings = changedSettings(changes, area);
  const changed = (key) => Object.hasOwn(changes, key);
  // Locked or opened (perhaps with the second passphrase): the banners drawn with the old contacts
  // go, and their profiles are checked again. The "Not now" dismissals and the last checks'
  // records go too: they name the profiles the user looked at and the warnings she saw, and a lock
  // (the user's "someone is taking my phone") must leave no such list behind.
  const lockedOrOpened = area === "session" && changed(STORAGE.session.vaultKey);
  if (lockedOrOpened) {
    // A check under way would write findings about the contacts of before (background/epochs.js).
    newEpoch();
    // The badges too: the reports they stood for go below, and a "!" on a tab would still say a
    // risky profile was seen there (the pages' new checks set them again).
    forgetInTabs({ badges: true }).catch(() => {});
  }
  // The contacts changed, or the vault was locked or opened: the per-tab reports go too, since
  // their findings name contacts (which the popup shows) and a lock must leave no contact
  // readable, nor a hint that the list just opened is not the real one.
  // (The vault's record is in IndexedDB, which has no such event: every write of it sets
  // `vaultWritten` in session storage, shared/vault-store.js.)
  const written = area === "session" && changed(STORAGE.session.vaultWritten);
  const contacts = lockedOrOpened || written;
  // New contacts, a new server or language, a lock or unlock: cached verdicts and backoff are stale.
  let cleared = Promise.resolve();
  if (contacts || [SETTINGS.backendUrl, SETTINGS.language].some((key) => settings.includes(key))) {
    const prefixes = [PREFIX.verdict, ...(contacts ? [PREFIX.tab] : []), ...(lockedOrOpened ? [PREFIX.dismissed, PREFIX.last] : [])];
    cleared = api.storage.session.get(null).then((all) => {
      const stale = Object.keys(all).filter((k) => k === STORAGE.session.backoffUntil || prefixes.some((p) => k.startsWith(p)));
      return stale.length ? api.storage.session.remove(stale) : null;
    }).catch(() => {});
  }
  // The pages redraw in the new language and check again with the new contacts or server, once
  // the stale verdicts are gone. (A lock or unlock tells them with FORGET, above.)
  if (written || PAGE_SETTINGS.some((key) => settings.includes(key))) cleared.then(refreshTabs).catch(() => {});
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

/*
 * One check, in small steps: what the check needs (settings, language, contacts if the vault is
 * open), a cached verdict, the server's backoff, the permission, the photo, the server's answer,
 * what is remembered for the popup (session storage only), the badge, and what the page is shown.
 */
import { toBase64 } from "../shared/base64.js";
import { api } from "../shared/browser.js";
import { CACHE_TTL_MS, drawnInPage, PAGE_LIMITS, PLATFORMS, STORAGE } from "../shared/constants.js";
import { isContactsAccount, sameAccount } from "../shared/contacts.js";
import { loadStrings, resolveLocale } from "../shared/i18n.js";
import { getSettings } from "../shared/settings.js";
import { parsedUrl } from "../shared/urls.js";
import { readSecrets } from "../shared/vault.js";
import { noteUse } from "./auto-lock.js";
import { fetchAvatar, MAX_AVATAR_BASE64 } from "./avatar.js";
import { checkProfile, normaliseBackend } from "./checker.js";
import { refuseIfEpochEnded, EpochEnded, currentEpoch } from "./epochs.js";

const PREFIX = STORAGE.sessionPrefixes;
const SESSION = STORAGE.session;
const session = () => api.storage.session;

export async function sessionGet(key) {
  return (await session().get(key))[key];
}

export async function sessionSet(key, value) {
  await session().set({ [key]: value });
}

// The records of many profiles (verdicts, last profiles, "Not now"), written one at a time.
let recordWrites = Promise.resolve();
function oneWriteAtATime(write) {
  const run = recordWrites.then(write, write);
  recordWrites = run.catch(() => {});
  return run;
}

// Tabs closed since the worker started (the browsers never give a closed tab's id to another): a
// check under way when its tab closed keeps nothing for it (forgetTab). The latest few only.
const closedTabs = new Set();
const MAX_CLOSED_TABS = 1000;
const tabClosed = (tabId) => tabId != null && closedTabs.has(tabId);

/**
 * Keep `value` under `key`, one of many records whose keys start with `prefix`, with room made
 * first: the oldest (by their `at`) beyond `max` go. A person opens a few profiles a minute; a
 * page that draws one invented profile after another, or a renderer taken over by its page that
 * names thousands at once (a check answered from the server's backoff costs nothing), could
 * otherwise fill session storage, where the vault's key then would not fit: no unlock, and no
 * contacts in any check. One such write at a time in the worker, so that messages handled at
 * once do not each find room in the same count. `epoch`: see background/epochs.js.
 */
export function keepRecord(prefix, key, value, epoch, max = PAGE_LIMITS.maxRecords, tabId = null) {
  return oneWriteAtATime(async () => {
    if (tabClosed(tabId)) return;
    const all = await session().get(null);
    const others = Object.keys(all).filter((k) => k.startsWith(prefix) && k !== key);
    const at = (k) => (all[k] && typeof all[k].at === "number" ? all[k].at : 0);
    const over = others.length + 1 - max;
    if (over > 0) await session().remove(others.sort((a, b) => at(a) - at(b)).slice(0, over));
    refuseIfEpochEnded(epoch);
    await sessionSet(key, value);
  });
}

export function validRequest(message) {
  return Boolean(
    message && PLATFORMS.includes(message.platform) && typeof message.key === "string" && message.key.length < 300 &&
    message.profile && typeof message.profile === "object",
  );
}

/** May the worker reach the server? Loopback is granted at install; anything else is asked in Options. */
export async function backendAllowed(backendUrl) {
  const base = normaliseBackend(backendUrl);
  if (!base) return false;
  try {
    return await api.permissions.contains({ origins: [`${new URL(base).origin}/*`] });
  } catch (_error) {
    return true; // a browser without the permissions API: let the fetch itself decide
  }
}

/**
 * What was asked: a digest of the profile and photo the content script read. A cached answer is
 * used only for the same request — the key names the profile's handle or id alone, and a page
 * that drew other fields under that handle (a fake header in one tab) must not leave its answer
 * for the real profile opened in another.
 */
async function requestDigest(message) {
  const request = JSON.stringify({ platform: message.platform, profile: message.profile, avatar: message.avatar || null });
  const hash = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(request));
  return toBase64(new Uint8Array(hash));
}

/**
 * Whether `contact` is known by username alone while the checked profile shows that username
 * and an account id. X, Instagram and Telegram give a username that someone gave up to anyone
 * who asks: police can register a friend's old one with her name and photo. Such a contact is
 * not taken for this profile silently — the profile is not "trusted", the contact goes to the
 * server without the username (so the server compares her name and photo with the profile
 * instead of taking the username for her account), and the page and popup say that Haris cannot
 * tell. Saving the profile from the popup records its account id with her, and ends this.
 * `checked`: the profile with its platform, as `sameAccount` takes it.
 */
export function unconfirmedBy(contact, checked) {
  return Boolean(!contact.account_id && contact.handle && checked.account_id && sameAccount(contact, checked));
}

/** Settings, language and the contacts (none while the vault is locked) for one check. */
async function checkContext(message, sender) {
  const settings = await getSettings();
  const locale = resolveLocale(settings.language);
  const secrets = await readSecrets();
  const saved = secrets ? secrets.contacts : [];
  const checked = { platform: message.platform, ...message.profile };
  const tabId = sender.tab && Number.isInteger(sender.tab.id) ? sender.tab.id : null;
  const unconfirmed = saved.filter((c) => unconfirmedBy(c, checked));
  const trustedBy = saved.filter((c) => !unconfirmed.includes(c) && isContactsAccount(c, checked));
  // A contact recognised under one of her other ids (a Facebook Page saved at its vanity address,
  // opened at its old /<name>-<page id>/ one): the server compares one id per contact, so she goes
  // with the id this page is keyed by, and its name and photo are taken for hers, not a clone's.
  const contacts = saved.map((c) => {
    if (unconfirmed.includes(c)) return { ...c, handle: null };
    if (trustedBy.includes(c) && !sameAccount(c, checked)) return { ...c, account_id: checked.account_id };
    return c;
  });
  return {
    settings, locale, contacts, open: Boolean(secrets), unconfirmed: unconfirmed.length > 0,
    trusted: trustedBy.length > 0,
    // Trusted on the username alone: the page showed no account id to compare (often after the
    // platform's in-app navigation, whose page data still describes the first profile loaded).
    byUsername: trustedBy.length > 0 && !trustedBy.some((c) => c.account_id && message.profile.account_id),
    tabId,
    now: Date.now(),
    lastKey: lastKey(tabId, sender.url, message.key),
    cacheKey: verdictKey(tabId, sender.url, `${message.key}|${locale}|${secrets ? "open" : "locked"}|${settings.backendUrl}`),
    request: await requestDigest(message),
  };
}

/** Where a tab's cached verdicts start: `verdictKey`'s prefix, forgotten with the tab (forgetTab). */
const tabVerdicts = (tabId) => `${PREFIX.verdict}${tabId}|`;
/** Where a tab's last profiles start (`lastKey`), forgotten with the tab too. */
const tabLasts = (tabId) => `${PREFIX.last}${tabId}|`;

/** "https://x.com/someone" → "https://x.com"; null for anything else. */
function originOf(url) {
  const parsed = parsedUrl(url);
  return parsed ? parsed.origin : null;
}

/**
 * The key of the last profile checked under `profileKey` in a tab, by a site: what Report sends
 * with it (the photo's fingerprint) is read from here. Per tab and site, as verdicts are: kept
 * under the profile's key alone, a page in one tab could have another tab's check filed in a
 * report (a report in the user's name, with the photo's fingerprint the other tab's check got).
 * No tab or site (never a content script's message): null, nothing kept or read.
 */
export function lastKey(tabId, url, profileKey) {
  const origin = originOf(url);
  if (!Number.isInteger(tabId) || !origin) return null;
  return `${tabLasts(tabId)}${origin}|${profileKey}`;
}

/**
 * A cached verdict's key: the tab and the site that asked as well as the request's. A cached
 * answer comes at once and a new one only after the server's round trip, so a renderer taken over
 * by its page, timing checks of profiles it names, would learn whether each was checked in any tab
 * in the cache's lifetime: it learns only what was checked in its own tab, by its own site (a
 * site the tab showed before is another renderer). No tab (never a content script): not cached.
 */
function verdictKey(tabId, url, request) {
  const origin = originOf(url);
  if (!Number.isInteger(tabId) || !origin) return null;
  return `${tabVerdicts(tabId)}${origin}|${request}`;
}

/**
 * A closed tab's cached verdicts, last profiles and its report for the popup go at once, not at the end of their
 * lifetime. In the queue of record writes (keepRecord), after any under way.
 */
export function forgetTab(tabId) {
  if (!Number.isInteger(tabId)) return Promise.resolve();
  closedTabs.add(tabId);
  if (closedTabs.size > MAX_CLOSED_TABS) closedTabs.delete(closedTabs.values().next().value);
  return oneWriteAtATime(async () => {
    const all = await session().get(null);
    const gone = Object.keys(all).filter((k) => k.startsWith(tabVerdicts(tabId)) || k.startsWith(tabLasts(tabId)) || k === `${PREFIX.tab}${tabId}`);
    if (gone.length) await session().remove(gone);
  });
}

async function cachedView(context, message) {
  if (message.force || !context.cacheKey) return null;
  const cached = await sessionGet(context.cacheKey);
  const fresh = cached && context.now - cached.at < CACHE_TTL_MS && cached.request === context.request;
  return fresh ? { ...cached.view, state: "result" } : null;
}

async function refusal(context) {
  const until = (await sessionGet(SESSION.backoffUntil)) || 0;
  if (context.now < until && (await sessionGet(SESSION.backoffBackend)) === context.settings.backendUrl) {
    return { state: "unavailable", reason: "rate_limited" };
  }
  if (!(await backendAllowed(context.settings.backendUrl))) return { state: "unavailable", reason: "permission" };
  return null;
}

/** The photo: downloaded by the worker from the CDN, or read by the content script from a blob:. */
async function avatarOf(message) {
  const avatar = message.avatar;
  if (avatar && typeof avatar.url === "string") return fetchAvatar(fetch, avatar.url);
  if (avatar && typeof avatar.base64 === "string" && avatar.base64.length <= MAX_AVATAR_BASE64) return avatar.base64;
  return null;
}

async function askServer(context, message) {
  const answer = await checkProfile(fetch, context.settings, {
    platform: message.platform, profile: message.profile, avatarBase64: await avatarOf(message),
    contacts: context.contacts, locale: context.locale,
  });
  if (!answer.ok) {
    if (answer.reason === "rate_limited") {
      refuseIfEpochEnded(context.epoch);
      await session().set({ [SESSION.backoffUntil]: context.now + answer.retryAfter * 1000, [SESSION.backoffBackend]: context.settings.backendUrl });
    }
    return { state: "unavailable", reason: answer.reason };
  }
  const report = answer.report;
  const view = {
    state: "result", level: report.level, risk: report.risk, findings: report.findings,
    unavailable: report.unavailable || [], avatarHash: report.avatar_hash || null, rulesVersion: report.rules_version,
  };
  // Without its state: Firefox stores values by structured clone, which keeps a key set to
  // undefined, and a cached view's `state: undefined` hid the next visit's warning.
  const { state: _state, ...stored } = view;
  if (context.cacheKey) await keepRecord(PREFIX.verdict, context.cacheKey, { at: context.now, request: context.request, view: stored }, context.epoch, PAGE_LIMITS.maxRecords, context.tabId);
  return view;
}

/**
 * Forget verdicts, last profiles and per-tab reports older than the cache lifetime (at each check,
 * and at the worker's tick, so that they go even if no other check comes).
 */
export async function pruneSession(now) {
  const all = await session().get(null);
  const records = [PREFIX.verdict, PREFIX.last, PREFIX.tab];
  const stale = Object.keys(all).filter((k) => records.some((p) => k.startsWith(p)) && !(all[k] && now - all[k].at <= CACHE_TTL_MS));
  if (stale.length) await session().remove(stale);
  // A tab's badge goes with its report: a "!" left on a tab still open on the feed, long after the
  // report it stood for was forgotten, would tell whoever takes the device that a profile seen
  // there was risky. (A tab that navigated away already lost it: the browser resets it.)
  const tabs = stale.filter((k) => k.startsWith(PREFIX.tab)).map((k) => Number(k.slice(PREFIX.tab.length))).filter(Number.isInteger);
  if (api.action) await Promise.all(tabs.map((tabId) => api.action.setBadgeText({ tabId, text: "" }).catch(() => {})));
}


/** What the popup's Details shows and Save and Report use: in session storage, gone when the browser closes. */
async function remember(context, message, view) {
  await pruneSession(context.now);
  const { platform, profile } = message;
  if (context.lastKey) {
    await keepRecord(PREFIX.last, context.lastKey, { at: context.now, platform, profile, avatarHash: view.avatarHash || null }, context.epoch, PAGE_LIMITS.maxRecords, context.tabId);
  }
  if (context.tabId != null) {
    // Not for a tab closed meanwhile (forgetTab): one at a time with its forgetting.
    await oneWriteAtATime(async () => {
      if (tabClosed(context.tabId)) return;
      refuseIfEpochEnded(context.epoch);
      await sessionSet(`${PREFIX.tab}${context.tabId}`, { at: context.now, key: message.key, platform, profile, view, locale: context.locale });
    });
  }
}

export async function setBadge(tabId, view, epoch = currentEpoch()) {
  if (tabId == null || !api.action) return;
  const badge =
    view.state === "unavailable" ? { text: "?", color: "#555" }
    : view.level === "high" ? { text: "!", color: "#8f1515" }
    : view.level === "medium" ? { text: "!", color: "#b36b00" }
    : { text: "", color: "#24415f" };
  try {
    refuseIfEpochEnded(epoch);
    await api.action.setBadgeText({ tabId, text: badge.text });
    await api.action.setBadgeBackgroundColor({ tabId, color: badge.color });
  } catch (error) {
    if (error instanceof EpochEnded) throw error;
    // The tab may have closed meanwhile.
  }
}

const MAX_PAGE_MESSAGE = 300;
const cut = (text, max) => (text.length <= max ? text : `${Array.from(text).slice(0, max - 1).join("")}…`);

/**
 * What the page may see: no evidence, no photo fingerprint, and never a contact's name — a
 * finding about a contact says "one of your contacts"; which one is shown in the popup only.
 */
export function pageView(view, strings) {
  if (view.state !== "result") return { state: view.state, reason: view.reason };
  // Never whether the profile is a trusted contact (`trusted`, `byUsername`): the banner would say
  // so in a note, without "This is my real friend", and a page's script measures the area the
  // banner covers (elementFromPoint finds its host), so the platform would learn, one visit at a
  // time, who the user's trusted contacts are. The page's banner is the same for a contact as for
  // anyone else; "This is my real friend" opens the popup, which says she is one.
  // (`unconfirmed` is drawn whatever the score: docs/extension.md, "What a page can tell".)
  const out = { state: view.state, unconfirmed: Boolean(view.unconfirmed) };
  const aboutContact = (f) => f.code === "impersonation.contact" || Boolean(f.evidence && Object.hasOwn(f.evidence, "contact"));
  // A finding about a contact saved by username alone says what is known: her username, not
  // whether this is her (unconfirmedBy). The server's own messages are cut to a few lines: they
  // quote what the account wrote, which must not fill the user's screen.
  const contactMessage = view.unconfirmed ? strings.unconfirmedContact : strings.contactLookalike;
  const findings = (view.findings || []).map((f) => ({ code: f.code, points: f.points, message: aboutContact(f) ? contactMessage : cut(f.message, MAX_PAGE_MESSAGE) }));
  return { ...out, level: view.level, risk: view.risk, findings, unavailable: view.unavailable || [] };
}

/**
 * One check. `epoch`: the worker's epoch when its message came (background/epochs.js). A wipe,
 * lock or unlock since stops it before its next write: nothing of it is kept, no badge is set,
 * and the page is told the answer is `stale` (the page has been told to forget it anyway).
 */
export async function check(message, sender, epoch = currentEpoch()) {
  try {
    const context = { ...(await checkContext(message, sender)), epoch };
    // A check that sends the contacts is a use of the vault: it stays open the chosen time from
    // now. Only a check of the tab the user is looking at (the browser says whether the sender's
    // tab is active): a page in a background tab checking in a loop would keep the vault open
    // past the time the user chose, on a device left alone or taken.
    if (context.open && sender.tab && sender.tab.active === true) {
      refuseIfEpochEnded(epoch);
      await noteUse();
    }
    const view = (await cachedView(context, message)) || (await refusal(context)) || (await askServer(context, message));
    view.trusted = context.trusted;
    view.byUsername = context.byUsername;
    view.unconfirmed = context.unconfirmed;
    await remember(context, message, view);
    await setBadge(context.tabId, view, epoch);
    // An answer the page will not draw (low risk by default; any, with "Nothing in the page") is
    // not handed to it: a renderer taken over by its page would otherwise learn every verdict,
    // and whether each profile it names is one of the user's trusted contacts (a low-risk answer
    // with `trusted`), at the server's rate. The toolbar badge and the popup have it all.
    const settings = context.settings;
    // Nor its language: with "Nothing in the page" every answer is hidden, and the page is told no
    // language at all (service-worker.js pageSetup).
    if (!drawnInPage(view, { everywhere: settings.bannerEverywhere, silent: settings.pageSilent })) return { view: { state: "hidden" } };
    return { view: pageView(view, await loadStrings(context.locale)), locale: context.locale };
  } catch (error) {
    if (error instanceof EpochEnded) return { stale: true };
    throw error;
  }
}

/*
 * The service worker (Chromium) / background script (Firefox). Every network call of the extension
 * happens here, because a content script on an https page may not reach a loopback backend and
 * must not carry the user's cookies anywhere:
 *   - avatar bytes from the platform's own image CDN (host permission only for those), no cookies;
 *   - POST /v1/check with the trusted contacts and the chosen language; POST /v1/reports.
 * Verdicts are cached per account for CACHE_TTL_MS in session storage (memory; never on disk).
 */
/* global importScripts */
if (typeof importScripts === "function" && !globalThis.HarisChecker) {
  importScripts("checker.js", "../shared/settings.js");
}

(function (root) {
  "use strict";
  const { HarisChecker: Checker, HarisSettings: Settings } = root;
  const api = Settings.api;

  const CACHE_TTL_MS = 10 * 60 * 1000;
  const AVATAR_TIMEOUT_MS = 5000;
  const MAX_AVATAR_BYTES = 4 * 1024 * 1024;
  const MAX_AVATAR_BASE64 = Math.ceil(MAX_AVATAR_BYTES / 3) * 4;
  const AVATAR_HOSTS = [/^pbs\.twimg\.com$/, /^abs\.twimg\.com$/, /(^|\.)cdninstagram\.com$/, /(^|\.)fbcdn\.net$/];
  const PLATFORMS = new Set(["facebook", "instagram", "x", "telegram"]);

  function withTimeout(ms) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    return { signal: controller.signal, done: () => clearTimeout(timer) };
  }

  /** The photo's bytes as base64 from an allowed CDN, or null (then the check runs without it). */
  async function fetchAvatar(url) {
    let parsed;
    try {
      parsed = new URL(url);
    } catch (_error) {
      return null;
    }
    if (parsed.protocol !== "https:" || !AVATAR_HOSTS.some((host) => host.test(parsed.hostname))) return null;
    const deadline = withTimeout(AVATAR_TIMEOUT_MS);
    try {
      const response = await fetch(parsed.href, { credentials: "omit", referrerPolicy: "no-referrer", signal: deadline.signal });
      if (!response.ok || !/^image\//.test(response.headers.get("Content-Type") || "")) return null;
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (!bytes.length || bytes.length > MAX_AVATAR_BYTES) return null;
      return Checker.toBase64(bytes);
    } catch (_error) {
      return null;
    } finally {
      deadline.done();
    }
  }

  async function backendAllowed(backendUrl) {
    const base = Checker.normaliseBackend(backendUrl);
    if (!base) return false;
    try {
      return await api.permissions.contains({ origins: [`${new URL(base).origin}/*`] });
    } catch (_error) {
      return true; // a browser without the permissions API: let the fetch itself decide
    }
  }

  async function sessionGet(key) {
    const stored = await api.storage.session.get(key);
    return stored[key];
  }

  async function sessionSet(key, value) {
    await api.storage.session.set({ [key]: value });
  }

  /** Forget verdicts, last profiles and per-tab reports older than the cache lifetime. */
  async function pruneCache(now) {
    const all = await api.storage.session.get(null);
    const stale = Object.keys(all).filter(
      (k) => /^(v|last|tab)\|/.test(k) && !(all[k] && now - all[k].at <= CACHE_TTL_MS),
    );
    if (stale.length) await api.storage.session.remove(stale);
  }

  function validRequest(message) {
    return (
      message && PLATFORMS.has(message.platform) && typeof message.key === "string" && message.key.length < 300 &&
      message.profile && typeof message.profile === "object"
    );
  }

  async function setBadge(tabId, view) {
    if (tabId == null || !api.action) return;
    const badge =
      view.state === "unavailable" ? { text: "?", color: "#555" }
      : view.level === "high" ? { text: "!", color: "#8f1515" }
      : view.level === "medium" ? { text: "!", color: "#b36b00" }
      : { text: "", color: "#24415f" };
    try {
      await api.action.setBadgeText({ tabId, text: badge.text });
      await api.action.setBadgeBackgroundColor({ tabId, color: badge.color });
    } catch (_error) {
      // The tab may have closed meanwhile.
    }
  }

  async function check(message, sender) {
    const settings = await Settings.getSettings();
    const locale = Settings.resolveLocale(settings.language);
    const contacts = await Settings.getContacts();
    const trusted = contacts.some((c) => Settings.sameAccount(c, { platform: message.platform, ...message.profile }));
    const tabId = sender.tab ? sender.tab.id : null;
    const now = Date.now();
    const { contactsRev } = await api.storage.local.get("contactsRev");
    const cacheKey = `v|${message.key}|${locale}|${contactsRev || 0}|${settings.backendUrl}`;

    let view = null;
    const cached = await sessionGet(cacheKey);
    if (cached && now - cached.at < CACHE_TTL_MS && !message.force) {
      view = { state: "result", ...cached.view };
    } else {
      const backoffUntil = (await sessionGet("backoffUntil")) || 0;
      if (now < backoffUntil && (await sessionGet("backoffBackend")) === settings.backendUrl) {
        view = { state: "unavailable", reason: "rate_limited" };
      } else if (!(await backendAllowed(settings.backendUrl))) {
        view = { state: "unavailable", reason: "permission" };
      } else {
        let avatarBase64 = null;
        if (message.avatar && typeof message.avatar.url === "string") avatarBase64 = await fetchAvatar(message.avatar.url);
        else if (message.avatar && typeof message.avatar.base64 === "string" && message.avatar.base64.length <= MAX_AVATAR_BASE64) {
          avatarBase64 = message.avatar.base64; // read by the content script from the page's own blob:
        }
        const answer = await Checker.checkProfile(fetch, settings, {
          platform: message.platform, profile: message.profile, avatarBase64, contacts, locale,
        });
        if (answer.ok) {
          const report = answer.report;
          view = {
            state: "result", level: report.level, risk: report.risk, findings: report.findings,
            unavailable: report.unavailable || [], avatarHash: report.avatar_hash || null, rulesVersion: report.rules_version,
          };
          await sessionSet(cacheKey, { at: now, view: { ...view, state: undefined } });
        } else {
          if (answer.reason === "rate_limited") {
            await api.storage.session.set({ backoffUntil: now + answer.retryAfter * 1000, backoffBackend: settings.backendUrl });
          }
          view = { state: "unavailable", reason: answer.reason };
        }
      }
    }
    view.trusted = trusted;
    // What the popup's Details shows, and what "This is my real friend" stores.
    await pruneCache(now);
    await sessionSet(`last|${message.key}`, { at: now, platform: message.platform, profile: message.profile, avatarHash: view.avatarHash || null });
    if (tabId != null) await sessionSet(`tab|${tabId}`, { platform: message.platform, profile: message.profile, view, locale, at: now });
    await setBadge(tabId, view);
    return { view, locale };
  }

  async function addFriend(message) {
    const last = (await sessionGet(`last|${message.key}`)) || {};
    const profile = message.profile || {};
    const contact = await Settings.upsertContact({
      display_name: profile.display_name, platform: message.platform, account_id: profile.account_id,
      handle: profile.handle, avatar_hash: last.avatarHash || null,
    });
    return { ok: true, contact };
  }

  async function report(message) {
    const settings = await Settings.getSettings();
    if (!(await backendAllowed(settings.backendUrl))) return { ok: false, reason: "permission" };
    const last = (await sessionGet(`last|${message.key}`)) || {};
    return Checker.sendReport(fetch, settings, {
      platform: message.platform, profile: message.profile, avatarHash: last.avatarHash || null, reason: message.reason,
    });
  }

  async function openDetails(sender) {
    const tabId = sender.tab ? sender.tab.id : null;
    try {
      await api.action.openPopup();
      return { ok: true };
    } catch (_error) {
      await api.tabs.create({ url: api.runtime.getURL(`popup/popup.html?tab=${tabId}`) });
      return { ok: true };
    }
  }

  async function handle(message, sender) {
    switch (message && message.type) {
      case "strings": {
        const settings = await Settings.getSettings();
        const locale = Settings.resolveLocale(settings.language);
        return { locale, strings: await Settings.loadStrings(locale) };
      }
      case "check":
        if (!validRequest(message)) return { view: { state: "unavailable", reason: "error" } };
        return check(message, sender);
      case "friend":
        if (!validRequest(message)) return { ok: false };
        return addFriend(message);
      case "report":
        if (!validRequest(message) || !["impersonation", "entrapment", "harassment", "other"].includes(message.reason)) return { ok: false };
        return report(message);
      case "dismiss":
        if (typeof message.key === "string") await sessionSet(`dismissed|${message.key}`, true);
        return { ok: true };
      case "isDismissed":
        return { dismissed: Boolean(await sessionGet(`dismissed|${message.key}`)) };
      case "details":
        return openDetails(sender);
      default:
        return { ok: false };
    }
  }

  api.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // Only this extension's own pages and content scripts talk to the worker.
    if (sender.id !== api.runtime.id) return false;
    handle(message, sender).then(sendResponse, () => sendResponse({ view: { state: "unavailable", reason: "error" }, ok: false }));
    return true;
  });

  // Firefox keeps session storage away from content scripts already; say it explicitly for Chromium.
  if (api.storage.session.setAccessLevel) {
    api.storage.session.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});
  }
  api.storage.onChanged.addListener((changes, area) => {
    // New settings or contacts make cached verdicts stale (language, backend, contact list).
    if (area === "local" && (changes.language || changes.backendUrl || changes.contactsRev || changes.apiKey)) {
      api.storage.session.remove(["backoffUntil", "backoffBackend"]).catch(() => {});
    }
  });
})(globalThis);

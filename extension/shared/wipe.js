/*
 * One-step wipe: everything Haris keeps in this browser — the vault (contacts, API key), its key,
 * settings, cached verdicts, dismissals, badges and the banners in open pages — goes at
 * once, with no dialog that would name any of it.
 */
import { api } from "./browser.js";
import { MESSAGES } from "./constants.js";

export async function wipeEverything() {
  const areas = [api.storage.local, api.storage.session, api.storage.sync].filter(Boolean);
  await Promise.all(areas.map((area) => area.clear()));
  // No alarm is left that says when Haris was used: the worker's tick is made at install and
  // start-up only, and the health counter's send goes with its setting (background/health.js).
  // A "!" left on the toolbar would still say which tab was flagged, and a banner left in a page
  // what Haris said there ("one of your trusted contacts").
  await forgetInTabs({ badges: true, quiet: true });
}

/**
 * Every tab's content script takes its banner down (MESSAGES.FORGET) and checks its profile again,
 * or (`quiet`, after a wipe) not before the address changes; `badges`: the toolbar's go too.
 */
export async function forgetInTabs({ badges = false, quiet = false } = {}) {
  let tabs = [];
  try {
    tabs = await api.tabs.query({});
  } catch (_error) {
    return; // No tabs API here (a test double): nothing shown to clear.
  }
  await Promise.all(tabs.map(async (tab) => {
    if (badges) await api.action.setBadgeText({ tabId: tab.id, text: "" }).catch(() => {});
    // Tabs without Haris's content script refuse the message.
    await Promise.resolve().then(() => api.tabs.sendMessage(tab.id, { type: MESSAGES.FORGET, quiet })).catch(() => {});
  }));
}

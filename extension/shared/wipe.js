/*
 * One-step wipe: everything Haris keeps in this browser — the vault (contacts, API key), its key,
 * settings, cached verdicts, dismissals, badges and the banners in open pages — goes at
 * once, with no dialog that would name any of it.
 */
import { api } from "./browser.js";
import { HEALTH, MESSAGES } from "./constants.js";
import { tellEveryTab } from "./tabs.js";
import { deleteVaultStore } from "./vault-store.js";
import { giveBackDataConsent, giveBackOrigins } from "./grants.js";

export async function wipeEverything() {
  // The pages first: a banner left in a page would still say what Haris said there ("one of your
  // trusted contacts"), and a "!" on the toolbar which tab was flagged. Told before the clear, a
  // page stops checking its address (`quiet`) before the clear's own lock notice can reach it
  // (service-worker.js: a lock makes the pages check again).
  await forgetInTabs({ badges: true, quiet: true });
  // The vault's record, the settings and the health counts are in the extension's IndexedDB
  // (shared/vault-store.js): its database goes whole, beside the storage areas (`local` holds an
  // older version's records until they are moved); each started at once: one that fails stops no other.
  const areas = [api.storage.local, api.storage.session, api.storage.sync].filter(Boolean);
  // No alarm is left that says when Haris was used: the worker's tick is made at install and
  // start-up only, and the health counter's send goes with its setting, here.
  const alarm = api.alarms ? api.alarms.clear(HEALTH.alarm) : null;
  // The server's origin, which the browser keeps on disk among what it granted Haris, and Firefox's
  // consent to the health counter's sends, which says it was once on (shared/grants.js).
  await Promise.all([...areas.map((area) => area.clear()), deleteVaultStore(), alarm, giveBackOrigins(), giveBackDataConsent()]);
}

/**
 * The wipe of the extension's own pages (popup, options): done by the worker, which then lets no
 * check it has under way write anything afterwards (background/wipes.js). Where the worker does
 * not answer, the page wipes by itself: a wipe must never fail to happen.
 */
export async function requestWipe() {
  try {
    const answer = await api.runtime.sendMessage({ type: MESSAGES.WIPE });
    if (answer && answer.ok === true) return;
  } catch (_error) {
    // No worker to answer: wiped here below.
  }
  await wipeEverything();
}

/**
 * Every tab's content script takes its banner down (MESSAGES.FORGET) and checks its profile again,
 * or (`quiet`, after a wipe) not before the address changes; `badges`: the toolbar's go too.
 */
export async function forgetInTabs({ badges = false, quiet = false } = {}) {
  const clearBadge = (tab) => api.action.setBadgeText({ tabId: tab.id, text: "" }).catch(() => {});
  await tellEveryTab({ type: MESSAGES.FORGET, quiet }, badges ? clearBadge : null);
}

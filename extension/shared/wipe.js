/*
 * One-step wipe: everything Haris keeps in this browser — the vault (contacts, API key), its key,
 * settings, cached verdicts, dismissals — goes at once, with no dialog that would name any of it.
 */
import { api } from "./browser.js";

export async function wipeEverything() {
  const areas = [api.storage.local, api.storage.session, api.storage.sync].filter(Boolean);
  await Promise.all(areas.map((area) => area.clear()));
  // A planned alarm would say Haris was used lately (a check in the last 10 minutes, an unlock in
  // the last hour): none is left.
  if (api.alarms && api.alarms.clearAll) await api.alarms.clearAll().catch(() => {});
  // A "!" left on the toolbar would still say which tab was flagged.
  try {
    const tabs = await api.tabs.query({});
    await Promise.all(tabs.map((tab) => api.action.setBadgeText({ tabId: tab.id, text: "" }).catch(() => {})));
  } catch (_error) {
    // No tabs API here (a test double): nothing shown to clear.
  }
}

/*
 * A word from the worker to every tab's content script (MESSAGES.FORGET, MESSAGES.REFRESH). Sent
 * to every tab, since the worker may not read tabs' addresses; a tab without Haris's content
 * script refuses it, and a browser without the tabs API (a test double) has no tab to tell.
 */
import { api } from "./browser.js";

/** `message` to every tab; `first(tab)`, if given, is awaited for each tab before its message. */
export async function tellEveryTab(message, first = null) {
  let tabs = [];
  try {
    tabs = await api.tabs.query({});
  } catch (_error) {
    return;
  }
  await Promise.all(tabs.map(async (tab) => {
    if (first) await first(tab);
    await Promise.resolve().then(() => api.tabs.sendMessage(tab.id, message)).catch(() => {});
  }));
}

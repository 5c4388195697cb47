/*
 * Who may read the extension's storage. `session` (the vault's key) and, where the browser allows
 * it, `local` (which holds nothing of Haris's, but an older version's records until they are
 * moved) and `sync` are closed to content scripts: a page that takes over its renderer then cannot
 * read them, nor watch `storage.onChanged` for every change. Chromium offers setAccessLevel on
 * `session` from version 96 and on every area from 140; Firefox on none (Mozilla bug 1724754),
 * where `session` is closed to content scripts anyway and `local` stays open (docs/extension.md).
 * The vault's ciphertext, the settings and the health counts are out of their reach in every
 * browser: they are in the extension's own IndexedDB (shared/vault-store.js).
 * The content scripts read nothing from storage: the worker tells them what they need
 * (MESSAGES.PAGE_SETUP) and when it changed (MESSAGES.REFRESH).
 */
import { api } from "../shared/browser.js";

export const TRUSTED_ONLY = Object.freeze({ accessLevel: "TRUSTED_CONTEXTS" });
const AREAS = Object.freeze(["session", "local", "sync"]);

/**
 * Close every area the browser lets this extension close, each on its own: an area without the
 * method is left as the browser has it, and one that refuses does not stop the others. Resolves
 * to the names of the areas closed (for tests; the worker does not wait for it).
 */
export async function restrictStorageAccess() {
  const closed = await Promise.all(AREAS.map(async (name) => {
    const area = api.storage[name];
    if (!area || typeof area.setAccessLevel !== "function") return null;
    try {
      await area.setAccessLevel(TRUSTED_ONLY);
      return name;
    } catch (_error) {
      return null;
    }
  }));
  return closed.filter(Boolean);
}

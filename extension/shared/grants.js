/*
 * The servers the user allowed Haris to reach: https origins, optional in the manifest, asked for
 * in Options. The browser keeps what it granted an extension on disk, in clear, outside Haris's own
 * storage: Chromium in the profile's Preferences, Firefox in extension-preferences.json. So a
 * server's address, which can name the organisation a user works with, outlived a wipe there, and
 * every server ever chosen stayed listed. Given back at the wipe, and the others than the one in
 * use when a server is saved.
 *
 * Firefox keeps there, too, the user's consent to send technical data (the health counter's:
 * background/health.js), which says that the counter was once on: given back at the wipe as well.
 */
import { api } from "./browser.js";
import { HEALTH } from "./constants.js";

// What Options asks for: one https origin, "https://<host>/*" (options/options.js).
const SERVER_GRANT = /^https:\/\/[^*/]+\/\*$/;
/** "https://x.com/*" → "https://x.com": compared so, whatever case or form a browser lists them in. */
const originOf = (pattern) => {
  const match = /^([a-z]+):\/\/([^/]+)\//i.exec(pattern);
  return match ? `${match[1]}://${match[2]}`.toLowerCase() : null;
};

/** The origins the manifest asks for at install (host permissions, content scripts): never given back. */
function requiredOrigins() {
  const manifest = api.runtime.getManifest();
  const patterns = [...(manifest.host_permissions || []), ...(manifest.content_scripts || []).flatMap((script) => script.matches || [])];
  return new Set(patterns.map(originOf));
}

/**
 * Give back every server's origin granted but `keep` (a pattern such as
 * "https://haris.example.org/*", or none): only origins of the form Options asks for, never one
 * the manifest asks for at install (Firefox would take back a platform's, and the content script
 * would stop there). Each is given back on its own, so one a browser refuses keeps no other.
 * Resolves to the origins given back; a browser without the API gives back nothing.
 */
export async function giveBackOrigins(keep = null) {
  if (!api.permissions || !api.permissions.getAll || !api.permissions.remove) return [];
  let granted = [];
  try {
    granted = (await api.permissions.getAll()).origins || [];
  } catch (_error) {
    return [];
  }
  const required = requiredOrigins();
  const extra = granted.filter((o) => SERVER_GRANT.test(o) && !required.has(originOf(o)) && (!keep || originOf(o) !== originOf(keep)));
  const given = await Promise.all(extra.map((origin) => api.permissions.remove({ origins: [origin] }).then(() => origin, () => null)));
  return given.filter(Boolean);
}

/**
 * Give back Firefox's data-collection consent (HEALTH.dataConsent), if it was granted: a consent
 * left in the profile after a wipe would say that the health counter was once on. Chromium has no
 * such permission, lists none in getAll and would refuse the key in remove: nothing is asked there.
 * Resolves to whether it was given back; never rejects (a wipe must not fail for it).
 */
export async function giveBackDataConsent() {
  if (!api.permissions || !api.permissions.getAll || !api.permissions.remove) return false;
  try {
    const granted = (await api.permissions.getAll()).data_collection || [];
    const consent = HEALTH.dataConsent.data_collection.filter((kind) => granted.includes(kind));
    if (!consent.length) return false;
    return (await api.permissions.remove({ data_collection: consent })) !== false;
  } catch (_error) {
    return false;
  }
}

/*
 * The profile photo's bytes, from the platform's own image CDN only: https, one of the allowed
 * hosts, no cookies, no referrer, and no redirect — the worker holds host permissions for
 * loopback, so an open redirect on a CDN must not point it anywhere else.
 */
import { toBase64 } from "../shared/base64.js";
import { AVATAR_HOSTS, AVATAR_TIMEOUT_MS, MAX_AVATAR_BYTES } from "../shared/constants.js";

export const MAX_AVATAR_BASE64 = Math.ceil(MAX_AVATAR_BYTES / 3) * 4;

export function allowedAvatarUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && AVATAR_HOSTS.some((host) => host.test(url.hostname)) ? url : null;
  } catch (_error) {
    return null;
  }
}

/** base64 of the photo, or null (then the check runs without it). */
export async function fetchAvatar(fetchImpl, value, timeoutMs = AVATAR_TIMEOUT_MS) {
  const url = allowedAvatarUrl(value);
  if (!url) return null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url.href, {
      credentials: "omit", referrerPolicy: "no-referrer", redirect: "error", signal: controller.signal,
    });
    // Checked again after the fact, in case a fetch implementation followed a redirect anyway.
    if (response.redirected || (response.url && !allowedAvatarUrl(response.url))) return null;
    if (!response.ok || !/^image\//.test(response.headers.get("Content-Type") || "")) return null;
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (!bytes.length || bytes.length > MAX_AVATAR_BYTES) return null;
    return toBase64(bytes);
  } catch (_error) {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/*
 * The profile photo's bytes, from the platform's own image CDN only: https, one of the allowed
 * hosts, no cookies, no referrer, not kept in the browser's cache, and no redirect — the worker holds host permissions for
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

/**
 * The body's bytes, or null when it is longer than `max`: a declared length over it is refused
 * before reading, and the stream is cancelled as soon as it passes it, so a huge file on the CDN
 * costs the worker at most `max` bytes of memory, never its whole size.
 */
export async function boundedBody(response, max) {
  const declared = Number(response.headers.get("Content-Length"));
  if (Number.isFinite(declared) && declared > max) return null;
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** base64 of the photo, or null (then the check runs without it). */
export async function fetchAvatar(fetchImpl, value, timeoutMs = AVATAR_TIMEOUT_MS) {
  const url = allowedAvatarUrl(value);
  if (!url) return null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // no-store: the browser's disk cache would otherwise keep, under the extension's own name, the
    // photo of every profile Haris checked — a list of them on a seized device.
    const response = await fetchImpl(url.href, {
      credentials: "omit", referrerPolicy: "no-referrer", redirect: "error", cache: "no-store", signal: controller.signal,
    });
    // Checked again after the fact, in case a fetch implementation followed a redirect anyway.
    if (response.redirected || (response.url && !allowedAvatarUrl(response.url))) return null;
    if (!response.ok || !/^image\//.test(response.headers.get("Content-Type") || "")) return null;
    const bytes = await boundedBody(response, MAX_AVATAR_BYTES);
    if (!bytes || !bytes.length) return null;
    return toBase64(bytes);
  } catch (_error) {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

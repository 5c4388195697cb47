/*
 * Talking to the Haris backend: build the request, call it with a deadline, and classify every
 * outcome. No chrome.* calls (fetch is passed in), so Node's test runner can drive it against
 * real local servers.
 *
 * The one rule here: only a well-formed 200 answer becomes a result. Refused connections,
 * timeouts, 429, 5xx, error bodies and malformed JSON all become {ok: false, reason}, which the
 * banner shows as "could not check" — never as a low-risk result.
 */
(function (root) {
  "use strict";

  const LEVELS = new Set(["low", "medium", "high"]);
  const CONTACT_FIELDS = ["display_name", "platform", "account_id", "handle", "avatar_hash"];
  const MAX_RETRY_AFTER_S = 15 * 60;

  /** The backend base URL without trailing slash, or null if it is not http(s). */
  function normaliseBackend(value) {
    try {
      const url = new URL(String(value || "").trim());
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      if (url.username || url.password) return null;
      return url.href.replace(/\/+$/, "");
    } catch (_error) {
      return null;
    }
  }

  /** Only the contact fields the API's check request defines (see /openapi.json), without empty ones. */
  function contactForRequest(contact) {
    const out = {};
    for (const field of CONTACT_FIELDS) {
      const value = contact[field];
      if (value !== null && value !== undefined && value !== "") out[field] = value;
    }
    return out;
  }

  function buildCheckBody({ platform, profile, avatarBase64, contacts, locale }) {
    const body = { platform, profile, locale };
    if (avatarBase64) body.avatar = avatarBase64;
    const sent = (contacts || []).map(contactForRequest).filter((c) => c.display_name || c.account_id || c.handle);
    if (sent.length) body.contacts = sent;
    return body;
  }

  function looksLikeReport(json) {
    return (
      json && typeof json === "object" && LEVELS.has(json.level) && Number.isFinite(json.risk) &&
      Array.isArray(json.findings) && json.findings.every((f) => f && typeof f.code === "string" && typeof f.message === "string")
    );
  }

  function retryAfterSeconds(header) {
    const seconds = Number.parseInt(header || "", 10);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, MAX_RETRY_AFTER_S);
    return 60;
  }

  /**
   * POST a JSON body to the backend. Resolves (never rejects) to
   * {ok: true, status, json} or {ok: false, reason: "down"|"timeout"|"rate_limited"|"error", status?, retryAfter?, code?}.
   */
  async function postJson(fetchImpl, backend, path, body, { apiKey, timeoutMs = 8000 } = {}) {
    const base = normaliseBackend(backend);
    if (!base) return { ok: false, reason: "error", code: "bad_backend_url" };
    const headers = { "Content-Type": "application/json", Accept: "application/json" };
    if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
        signal: controller.signal,
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer",
      });
    } catch (error) {
      clearTimeout(timer);
      return { ok: false, reason: controller.signal.aborted ? "timeout" : "down" };
    }
    let json = null;
    try {
      json = await response.json();
    } catch (_error) {
      json = null;
    } finally {
      clearTimeout(timer);
    }
    if (controller.signal.aborted) return { ok: false, reason: "timeout" };
    if (response.status === 429) {
      return { ok: false, reason: "rate_limited", status: 429, retryAfter: retryAfterSeconds(response.headers.get("Retry-After")) };
    }
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      return { ok: false, reason: "down", status: response.status };
    }
    if (response.status < 200 || response.status >= 300) {
      const code = json && json.error && typeof json.error.code === "string" ? json.error.code : null;
      return { ok: false, reason: "error", status: response.status, code };
    }
    return { ok: true, status: response.status, json };
  }

  // A connection that fails before any answer (a server worker restarting, a proxy reset) is
  // tried once more. Only checks: asking twice changes nothing, but a report would be filed twice.
  const CHECK_RETRY_DELAY_MS = 300;
  // Refusals of the photo alone (a format the server does not take, such as AVIF; too many pixels;
  // damaged; a body too large with it). A warning from everything else beats no warning, so the
  // check is asked again without the photo.
  const PHOTO_REFUSALS = new Set([
    "image_format_not_allowed", "image_corrupt", "image_too_large", "image_too_many_pixels",
    "avatar_too_large", "invalid_base64", "body_too_large",
  ]);

  async function postCheck(fetchImpl, settings, body) {
    const answer = await postJson(fetchImpl, settings.backendUrl, "/v1/check", body, settings);
    if (answer.ok || answer.reason !== "down" || answer.status !== undefined) return answer;
    await new Promise((resolve) => setTimeout(resolve, settings.retryDelayMs ?? CHECK_RETRY_DELAY_MS));
    return postJson(fetchImpl, settings.backendUrl, "/v1/check", body, settings);
  }

  /** Score one profile. Resolves to {ok: true, report} or {ok: false, reason, …}. */
  async function checkProfile(fetchImpl, settings, request) {
    let answer = await postCheck(fetchImpl, settings, buildCheckBody(request));
    if (!answer.ok && request.avatarBase64 && PHOTO_REFUSALS.has(answer.code)) {
      answer = await postCheck(fetchImpl, settings, buildCheckBody({ ...request, avatarBase64: null }));
    }
    if (!answer.ok) return answer;
    if (!looksLikeReport(answer.json)) return { ok: false, reason: "error", status: answer.status, code: "malformed_response" };
    return { ok: true, report: answer.json };
  }

  /** Send a user's report. Resolves to {ok: true, id} or {ok: false, reason}. */
  async function sendReport(fetchImpl, settings, { platform, profile, avatarHash, reason }) {
    const body = { platform, profile, reason };
    if (avatarHash) body.avatar_hash = avatarHash;
    const answer = await postJson(fetchImpl, settings.backendUrl, "/v1/reports", body, settings);
    if (!answer.ok) return answer;
    if (answer.status !== 202 || !answer.json || typeof answer.json.id !== "string") return { ok: false, reason: "error", code: "malformed_response" };
    return { ok: true, id: answer.json.id };
  }

  /** base64 of bytes, in chunks so a 4 MB photo does not overflow the argument list. */
  function toBase64(bytes) {
    let binary = "";
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    for (let i = 0; i < view.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, view.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  root.HarisChecker = { normaliseBackend, contactForRequest, buildCheckBody, looksLikeReport, postJson, checkProfile, sendReport, toBase64 };
})(typeof globalThis !== "undefined" ? globalThis : this);

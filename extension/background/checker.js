/*
 * Talking to the Haris backend: build the request, call it with a deadline, and classify every
 * outcome. No browser-API calls (fetch is passed in), so Node's test runner drives it against
 * real local servers.
 *
 * The one rule here: only a well-formed 200 answer becomes a result. Refused connections,
 * timeouts, 429, 5xx, error bodies and malformed JSON all become {ok: false, reason}, which the
 * banner shows as "could not check" — never as a low-risk result.
 */
import { ANSWER_LIMITS, HEALTH, LIMITS } from "../shared/constants.js";
import { boundedBody } from "./avatar.js";

const LEVELS = new Set(["low", "medium", "high"]);
// A photo fingerprint as the server writes it: hex digits, whole bytes.
const HEX = /^([0-9a-f]{2})+$/i;
const UTF8 = new TextEncoder();
const CONTACT_FIELDS = ["display_name", "platform", "account_id", "handle", "avatar_hash"];
const MAX_RETRY_AFTER_S = 15 * 60;
// The extension's calls need no role: the API key never goes with them, so a seized server
// cannot tie a check, a report or health counts to the person or organisation the key was issued to.
const ANONYMOUS_PATHS = new Set(["/v1/check", "/v1/reports", HEALTH.path]);
const LOOPBACK_V4 = /^127(\.\d{1,3}){3}$/;

function isLoopback(hostname) {
  return hostname === "localhost" || hostname === "[::1]" || LOOPBACK_V4.test(hostname);
}

/**
 * The backend base URL without trailing slash, or null: https, or plain http only to this
 * computer (127.0.0.0/8, ::1, localhost), where nothing crosses a network. The options page
 * uses this same function.
 */
export function normaliseBackend(value) {
  try {
    const url = new URL(String(value || "").trim());
    if (url.username || url.password) return null;
    if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) return null;
    return url.href.replace(/\/+$/, "");
  } catch (_error) {
    return null;
  }
}

/** Cut text to `max` characters (code points, as the server counts), never inside a pair. */
function cut(value, max) {
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join("");
}

const codePoints = (value) => (value.length <= 0xffff ? Array.from(value).length : Infinity);

/**
 * The profile as the API takes it: known fields only, free text cut to its limit, identifiers
 * over their limit dropped (a cut id would name another account), counts within range.
 */
export function clampProfile(profile) {
  const out = {};
  for (const [field, max] of Object.entries(LIMITS.text)) {
    if (typeof profile[field] === "string") out[field] = cut(profile[field], max);
  }
  for (const [field, max] of Object.entries(LIMITS.identifiers)) {
    if (typeof profile[field] === "string" && codePoints(profile[field]) <= max) out[field] = profile[field];
  }
  for (const [field, max] of Object.entries(LIMITS.counts)) {
    const value = profile[field];
    if (Number.isInteger(value) && value >= 0) out[field] = Math.min(value, max);
  }
  for (const field of LIMITS.flags) {
    if (typeof profile[field] === "boolean") out[field] = profile[field];
  }
  for (const [field, values] of Object.entries(LIMITS.choices)) {
    if (values.includes(profile[field])) out[field] = profile[field];
  }
  return out;
}

/** Only the contact fields the API defines, without empty ones, within its limits. */
export function contactForRequest(contact) {
  const out = {};
  for (const field of CONTACT_FIELDS) {
    const value = contact[field];
    if (value !== null && value !== undefined && value !== "") out[field] = value;
  }
  if (typeof out.display_name === "string") out.display_name = cut(out.display_name, LIMITS.text.display_name);
  for (const field of ["account_id", "handle"]) {
    if (typeof out[field] === "string" && codePoints(out[field]) > LIMITS.identifiers[field]) delete out[field];
  }
  if (typeof out.avatar_hash === "string" && !(out.avatar_hash.length <= LIMITS.hashHex && HEX.test(out.avatar_hash))) delete out.avatar_hash;
  return out;
}

export function buildCheckBody({ platform, profile, avatarBase64, contacts, locale }) {
  const body = { platform, profile: clampProfile(profile || {}), locale };
  if (avatarBase64) body.avatar = avatarBase64;
  const sent = (contacts || []).map(contactForRequest).filter((c) => c.display_name || c.account_id || c.handle);
  if (sent.length) body.contacts = sent.slice(0, LIMITS.contacts);
  return body;
}

/** A finding as the banner and the popup draw it: a code, a message and points that are a number. */
const looksLikeFinding = (f) => f && typeof f === "object" && typeof f.code === "string" && typeof f.message === "string" && Number.isFinite(f.points);

export function looksLikeReport(json) {
  return Boolean(
    json && typeof json === "object" && LEVELS.has(json.level) && Number.isFinite(json.risk) &&
    Array.isArray(json.findings) && json.findings.every(looksLikeFinding) &&
    (json.unavailable === undefined || (Array.isArray(json.unavailable) && json.unavailable.every((u) => typeof u === "string"))),
  );
}

function retryAfterSeconds(header) {
  const seconds = Number.parseInt(header || "", 10);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, MAX_RETRY_AFTER_S);
  return 60;
}

/**
 * POST a JSON body to the backend. Resolves (never rejects) to {ok: true, status, json} or
 * {ok: false, reason: "down"|"timeout"|"rate_limited"|"error", status?, retryAfter?, code?, field?}.
 * The API key goes only to paths that need a role.
 */
export async function postJson(fetchImpl, backend, path, body, { apiKey, timeoutMs = 8000 } = {}) {
  const base = normaliseBackend(backend);
  if (!base) return { ok: false, reason: "error", code: "bad_backend_url" };
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (apiKey && !ANONYMOUS_PATHS.has(path)) headers.Authorization = `Bearer ${apiKey}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetchImpl(`${base}${path}`, {
      method: "POST", headers, body: JSON.stringify(body), signal: controller.signal,
      credentials: "omit", cache: "no-store", referrerPolicy: "no-referrer", redirect: "error",
    });
  } catch (_error) {
    clearTimeout(timer);
    return { ok: false, reason: controller.signal.aborted ? "timeout" : "down" };
  }
  let json = null;
  try {
    // At most ANSWER_LIMITS.bytes read: a server (or whoever answers in its name) cannot make the
    // worker hold, parse and keep a body of any size; a longer one is no answer.
    const bytes = await boundedBody(response, ANSWER_LIMITS.bytes);
    json = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : null;
  } catch (_error) {
    json = null;
  } finally {
    clearTimeout(timer);
  }
  if (controller.signal.aborted) return { ok: false, reason: "timeout" };
  if (response.status === 429) {
    return { ok: false, reason: "rate_limited", status: 429, retryAfter: retryAfterSeconds(response.headers.get("Retry-After")) };
  }
  if (response.status === 502 || response.status === 503 || response.status === 504) return { ok: false, reason: "down", status: response.status };
  if (response.status < 200 || response.status >= 300) {
    const error = json && json.error && typeof json.error === "object" ? json.error : {};
    const answer = { ok: false, reason: "error", status: response.status, code: typeof error.code === "string" ? error.code : null };
    if (typeof error.field === "string") answer.field = error.field;
    return answer;
  }
  return { ok: true, status: response.status, json };
}

// A connection that fails before any answer (a server worker restarting, a proxy reset) is
// tried once more. Only checks: asking twice changes nothing, but a report would be filed twice.
const CHECK_RETRY_DELAY_MS = 300;
// Refusals of the photo alone (a format the server does not take, such as AVIF; too many pixels;
// damaged; a body too large with it).
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

/**
 * The same body without what the server refused, or null when there is nothing to drop: the
 * photo, one profile field (422 names it, e.g. "profile.joined"), or one contact.
 */
export function withoutRefused(body, answer) {
  if (body.avatar && (PHOTO_REFUSALS.has(answer.code) || answer.field === "avatar")) {
    const { avatar: _dropped, ...rest } = body;
    return rest;
  }
  if (answer.status !== 422 || typeof answer.field !== "string") return null;
  const [area, name] = answer.field.split(".");
  if (area === "profile" && name && Object.hasOwn(body.profile || {}, name)) {
    const { [name]: _dropped, ...profile } = body.profile;
    return { ...body, profile };
  }
  const index = Number(name);
  if (area === "contacts" && Array.isArray(body.contacts) && Number.isInteger(index) && index < body.contacts.length) {
    return { ...body, contacts: body.contacts.filter((_c, i) => i !== index) };
  }
  return null;
}

/**
 * Score one profile. Resolves to {ok: true, report} or {ok: false, reason, …}. A warning from
 * everything else beats no warning: when the server refuses one part (the photo, one field), the
 * check is asked once more without it.
 */
export async function checkProfile(fetchImpl, settings, request) {
  const body = buildCheckBody(request);
  let answer = await postCheck(fetchImpl, settings, body);
  const smaller = answer.ok ? null : withoutRefused(body, answer);
  if (smaller) answer = await postCheck(fetchImpl, settings, smaller);
  if (!answer.ok) return answer;
  if (!looksLikeReport(answer.json)) return { ok: false, reason: "error", status: answer.status, code: "malformed_response" };
  return { ok: true, report: boundedReport(answer.json) };
}


/**
 * A well-formed report (looksLikeReport) as the worker keeps it for the popup and draws it: within
 * ANSWER_LIMITS, the risk within 0–100, a photo fingerprint only if it is one, and of a finding's
 * evidence only whether it is about one of the user's contacts (background/check.js pageView then
 * says "one of your contacts" in the page; the server's message names her in the popup). The
 * server decides what is said, not how much is kept: it is kept in session storage, where the
 * vault's key must still fit, once per profile checked (PAGE_LIMITS.maxRecords).
 */
export function boundedReport(json) {
  const findings = [];
  let bytes = 0;
  for (const f of json.findings.slice(0, ANSWER_LIMITS.findings)) {
    const finding = { code: cut(f.code, ANSWER_LIMITS.code), points: f.points, message: cut(f.message, ANSWER_LIMITS.message) };
    if (f.evidence && typeof f.evidence === "object" && Object.hasOwn(f.evidence, "contact")) finding.evidence = { contact: true };
    bytes += UTF8.encode(finding.code).length + UTF8.encode(finding.message).length;
    if (bytes > ANSWER_LIMITS.findingBytes) break;
    findings.push(finding);
  }
  const name = (value) => cut(value, ANSWER_LIMITS.name);
  const hash = json.avatar_hash;
  return {
    level: json.level,
    risk: Math.min(100, Math.max(0, json.risk)),
    findings,
    unavailable: (json.unavailable || []).slice(0, ANSWER_LIMITS.unavailable).map(name),
    avatar_hash: typeof hash === "string" && hash.length <= LIMITS.hashHex && HEX.test(hash) ? hash : null,
    rules_version: typeof json.rules_version === "string" ? name(json.rules_version) : null,
  };
}

/** Send a user's report. Resolves to {ok: true, id} or {ok: false, reason}. */
export async function sendReport(fetchImpl, settings, { platform, profile, avatarHash, reason }) {
  const body = { platform, profile: clampProfile(profile || {}), reason };
  if (typeof avatarHash === "string" && avatarHash.length <= LIMITS.hashHex) body.avatar_hash = avatarHash;
  const answer = await postJson(fetchImpl, settings.backendUrl, "/v1/reports", body, settings);
  if (!answer.ok) return answer;
  if (answer.status !== 202 || !answer.json || typeof answer.json.id !== "string") return { ok: false, reason: "error", code: "malformed_response" };
  return { ok: true, id: answer.json.id };
}

/**
 * Send the health counter's coarse counts (background/health-counts.js reportBody): a request
 * of its own, never sent again automatically. Resolves to {ok: true} or {ok: false, reason, …}.
 */
export async function sendHealth(fetchImpl, settings, body) {
  const answer = await postJson(fetchImpl, settings.backendUrl, HEALTH.path, body, settings);
  if (!answer.ok) return answer;
  return answer.status === 202 ? { ok: true } : { ok: false, reason: "error", code: "malformed_response" };
}

/*
 * The health counter's arithmetic, without browser APIs (Node's test runner drives it): which
 * visits are counted, how counts add up, how they are coarsened before they leave, and when the
 * next send is due. The storage, the alarm and the request are in background/health.js.
 *
 * The counts are {"<platform>|<version>": {complete, incomplete, no_profile, error, missing:
 * {<field>: n}}}: how many visits of each outcome, per platform and extractor version, and how
 * often each core field was missing. No address, no handle, no time.
 */
import { HEALTH, HEALTH_OUTCOMES, PLATFORMS } from "../shared/constants.js";

/** Whether a content script's message is a visit the counter may count. */
export function validVisit(message) {
  if (!message || !PLATFORMS.includes(message.platform) || !HEALTH_OUTCOMES.includes(message.outcome)) return false;
  if (typeof message.version !== "string" || !HEALTH.versionPattern.test(message.version)) return false;
  const missing = message.missing;
  if (!Array.isArray(missing) || missing.length > HEALTH.fields.length) return false;
  if (!missing.every((field) => HEALTH.fields.includes(field))) return false;
  return message.outcome === "incomplete" ? missing.length > 0 : missing.length === 0;
}

function emptyEntry() {
  return { complete: 0, incomplete: 0, no_profile: 0, error: 0, missing: {} };
}

/** The counts with one more visit (a new object; each count stops at HEALTH.maxCount): mergeCounts of the visit alone. */
export function addVisit(counts, { platform, version, outcome, missing }) {
  const visit = emptyEntry();
  visit[outcome] = 1;
  for (const field of missing) visit.missing[field] = (visit.missing[field] || 0) + 1;
  return mergeCounts(counts, { [`${platform}|${version}`]: visit });
}

/**
 * Two sets of counts added up (a new object; each count stops at HEALTH.maxCount, and entries
 * beyond HEALTH.maxEntries are left out, as addVisit does): counts taken for a send the server
 * could not take now, put back beside the visits counted meanwhile.
 */
export function mergeCounts(counts, more) {
  const out = structuredClone(counts || {});
  for (const [key, entry] of Object.entries(more || {})) {
    if (!out[key]) {
      if (Object.keys(out).length >= HEALTH.maxEntries) continue;
      out[key] = emptyEntry();
    }
    const into = out[key];
    for (const outcome of HEALTH_OUTCOMES) into[outcome] = Math.min(HEALTH.maxCount, (into[outcome] || 0) + (entry[outcome] || 0));
    for (const [field, n] of Object.entries(entry.missing || {})) into.missing[field] = Math.min(HEALTH.maxCount, (into.missing[field] || 0) + n);
  }
  return out;
}

/** How many visits the counts stand for. */
export function visitsIn(counts) {
  return Object.values(counts || {}).reduce((sum, entry) => sum + HEALTH_OUTCOMES.reduce((s, o) => s + (entry[o] || 0), 0), 0);
}

/**
 * `n` rounded to a multiple of HEALTH.grain, up with probability (n mod grain) / grain, else
 * down: on average exactly n, so the server's totals over many browsers stay right, while one
 * browser's count is only known to the grain.
 */
export function coarse(n, random) {
  const grain = HEALTH.grain;
  const below = Math.floor(n / grain) * grain;
  return random() < (n - below) / grain ? below + grain : below;
}

/** The request body: coarse counts per platform and extractor version, nothing else. */
export function reportBody(counts, random) {
  const extractors = [];
  for (const [key, entry] of Object.entries(counts || {})) {
    const [platform, version] = key.split("|");
    const item = { platform, version };
    for (const outcome of HEALTH_OUTCOMES) item[outcome] = coarse(entry[outcome] || 0, random);
    item.missing = {};
    for (const [field, n] of Object.entries(entry.missing || {})) {
      // A field cannot be missing from more visits than were incomplete.
      const value = Math.min(coarse(n, random), item.incomplete);
      if (value > 0) item.missing[field] = value;
    }
    if (HEALTH_OUTCOMES.some((outcome) => item[outcome] > 0)) extractors.push(item);
  }
  return { extractors };
}

/** When to send next after a send (or an attempt) at `now`: a day later, at a random hour. */
export function nextSend(now, random, afterMs = HEALTH.everyMs) {
  return now + afterMs + Math.floor(random() * HEALTH.jitterMs);
}

/** When to send when the planned time passed while the browser was closed: soon, not at once. */
export function lateSend(now, random) {
  const [least, most] = HEALTH.lateMs;
  return now + least + Math.floor(random() * (most - least));
}

// Red-team pass on what others can make the worker keep in session storage — memory where the
// vault's key must still fit: Chromium gives an extension's `storage.session` 10 MB, and a write
// past it fails, so a full area means no unlock and no contacts in any check (a clone of a friend
// is then not flagged as one). The adversaries: a page, or a renderer taken over by its page,
// that names thousands of invented profiles (checks, "Not now"), all at once; and the server the
// user pointed Haris at (or whoever answers in its name), whose answer is kept for the popup.
// The worker runs against fake-browser.mjs and a real local HTTP server.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, beforeEach, describe, test } from "node:test";
import { clearEverything, installFakeBrowser, sendToWorker } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
const { ANSWER_LIMITS, PAGE_LIMITS } = await import("../../extension/shared/constants.js");
await import("../../extension/background/service-worker.js");

const PASS = "olive tram seventeen lantern";
const HIGH = { risk: 88, level: "high", findings: [], avatar_hash: null, rules_version: "t", unavailable: [], locale: "en" };
/** What the stand-in server answers next: {status, body (a string, sent as it is), headers}. */
let answer = () => ({ status: 200, body: JSON.stringify(HIGH) });
let server;

before(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const { status, body, headers = {} } = answer();
      res.writeHead(status, { "Content-Type": "application/json", ...headers });
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
});
after(() => server.close());

beforeEach(async () => {
  await clearEverything(browser);
  await saveSettings({ backendUrl: `http://127.0.0.1:${server.address().port}`, language: "en", bannerEverywhere: true });
  answer = () => ({ status: 200, body: JSON.stringify(HIGH) });
});

/** A check of an invented profile, as a renderer taken over by its page would send it: every field at its limit. */
function invented(i) {
  const profile = { display_name: "م".repeat(200), bio: "😀".repeat(2000), account_id: String(1e9 + i), handle: `u${i}`, profile_url: `https://x.com/u${i}?${"a".repeat(2000)}` };
  return { type: "check", platform: "x", key: `x:id:${1e9 + i}`, profile };
}

async function sessionKeys(prefix) {
  return Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith(prefix));
}

describe("a flood from a page's tab", () => {
  test("checks of thousands of invented profiles, all at once, leave only the latest records: the vault still unlocks", async () => {
    await Vault.createVault(PASS);
    await Vault.lock();
    // The server soon asks Haris to slow down: every later check is answered at once, from the
    // backoff, and its profile was still kept for the popup.
    let served = 0;
    answer = () => (++served > 20 ? { status: 429, body: "{}", headers: { "Retry-After": "600" } } : { status: 200, body: JSON.stringify(HIGH) });
    const flood = PAGE_LIMITS.maxRecords * 4;
    await Promise.all(Array.from({ length: flood }, (_x, i) => sendToWorker(browser, invented(i))));
    assert.ok((await sessionKeys("last|")).length <= PAGE_LIMITS.maxRecords, `${(await sessionKeys("last|")).length} profiles kept`);
    assert.ok((await sessionKeys("v|")).length <= PAGE_LIMITS.maxRecords, `${(await sessionKeys("v|")).length} verdicts kept`);
    // What a person did last is still there: the popup's report and Report's photo fingerprint.
    const last = invented(flood);
    assert.equal((await sendToWorker(browser, last)).view.reason, "rate_limited");
    assert.deepEqual(await sessionKeys(`last|7|https://x.com|${last.key}`), [`last|7|https://x.com|${last.key}`]);
    assert.equal((await browser.storage.session.get("tab|7"))["tab|7"].key, last.key);
    // All of it within a few MB of Chromium's 10: the key of an unlock still fits.
    const size = JSON.stringify(await browser.storage.session.get(null)).length;
    assert.ok(size < 4 * 1024 * 1024, `${size} characters in session storage`);
    await Vault.unlock(PASS);
    assert.equal(await Vault.vaultState(), "unlocked");
  });

  test("'Not now' on thousands of profiles at once keeps the latest few hundred, not one per message", async () => {
    const flood = PAGE_LIMITS.maxDismissed * 3;
    await Promise.all(Array.from({ length: flood }, (_x, i) => sendToWorker(browser, { type: "dismiss", key: `x:id:${i}` })));
    assert.ok((await sessionKeys("dismissed|")).length <= PAGE_LIMITS.maxDismissed, `${(await sessionKeys("dismissed|")).length} dismissals kept`);
    assert.deepEqual(await sendToWorker(browser, { type: "dismiss", key: "x:id:last" }), { ok: true });
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: "x:id:last" }), { dismissed: true }, "the latest is kept");
  });
});

describe("what the server's answer may make the worker keep", () => {
  const check = { type: "check", platform: "x", key: "x:id:42", profile: { display_name: "Sara", account_id: "42", handle: "sara" } };

  test("a report of many long findings, names and lists is kept cut to size; what it says still reaches the page", async () => {
    // Under the size of an answer read at all (ANSWER_LIMITS.bytes), and still far more than a report.
    const long = "ن".repeat(1500);
    const findings = Array.from({ length: 150 }, (_x, i) => ({ code: `name.${"x".repeat(1000)}${i}`, points: 1, message: long, evidence: { contact: "Sara", blob: "b".repeat(500) } }));
    const body = { ...HIGH, findings, unavailable: Array(100).fill("x".repeat(1000)), rules_version: "$`".repeat(2000), avatar_hash: "zz".repeat(2000), risk: 1e300 };
    assert.ok(Buffer.byteLength(JSON.stringify(body)) < ANSWER_LIMITS.bytes);
    answer = () => ({ status: 200, body: JSON.stringify(body) });
    const seen = await sendToWorker(browser, check);
    assert.equal(seen.view.level, "high");
    assert.equal(seen.view.risk, 100, "a risk over 100 is 100");
    // A finding about a contact still says so to the page, in Haris's words, not the server's.
    assert.match(seen.view.findings[0].message, /one of your trusted contacts/i);
    const [verdict] = Object.values(await browser.storage.session.get(null)).filter((v) => v && v.view && v.request);
    const kept = verdict.view;
    assert.ok(kept.findings.length <= ANSWER_LIMITS.findings);
    for (const finding of kept.findings) {
      assert.ok(Array.from(finding.message).length <= ANSWER_LIMITS.message);
      assert.ok(finding.code.length <= ANSWER_LIMITS.code);
      assert.deepEqual(finding.evidence, { contact: true }, "of its evidence, only whether it is about a contact");
    }
    assert.ok(kept.unavailable.length <= ANSWER_LIMITS.unavailable && kept.unavailable.every((u) => u.length <= ANSWER_LIMITS.name));
    assert.ok(kept.rulesVersion.length <= ANSWER_LIMITS.name);
    assert.equal(kept.avatarHash, null, "not a fingerprint: no photo fingerprint kept");
    const size = JSON.stringify(await browser.storage.session.get(null)).length;
    assert.ok(size < 256 * 1024, `${size} characters in session storage`);
  });

  test("a server answering every check of a flood with the largest report it may: session storage stays within a few MB", async () => {
    // Each finding at its limits, in four-byte characters: what the worker keeps of one answer is bounded in bytes.
    const findings = Array.from({ length: ANSWER_LIMITS.findings }, (_x, i) => ({ code: `c.${"😀".repeat(100)}${i}`, points: 1, message: "😀".repeat(ANSWER_LIMITS.message) }));
    const body = JSON.stringify({ ...HIGH, findings, unavailable: Array(ANSWER_LIMITS.unavailable).fill("😀".repeat(ANSWER_LIMITS.name)) });
    assert.ok(Buffer.byteLength(body) < ANSWER_LIMITS.bytes);
    answer = () => ({ status: 200, body });
    await Promise.all(Array.from({ length: PAGE_LIMITS.maxRecords * 2 }, (_x, i) => sendToWorker(browser, invented(i))));
    const bytes = Buffer.byteLength(JSON.stringify(await browser.storage.session.get(null)));
    assert.ok(bytes < 5 * 1024 * 1024, `${bytes} bytes in session storage`);
  });

  test("an answer larger than any report is no report: 'could not check', nothing of it kept", async () => {
    const padding = "x".repeat(ANSWER_LIMITS.bytes);
    answer = () => ({ status: 200, body: JSON.stringify({ ...HIGH, findings: [{ code: "name.a", points: 1, message: "m", evidence: { padding } }] }) });
    const seen = await sendToWorker(browser, check);
    assert.equal(seen.view.state, "unavailable");
    const size = JSON.stringify(await browser.storage.session.get(null)).length;
    assert.ok(size < 64 * 1024, `${size} characters in session storage`);
  });
});

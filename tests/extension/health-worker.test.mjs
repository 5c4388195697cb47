// The health counter's worker half (extension/background/health.js, health-counts.js) through
// Firefox's `browser.*` API (fake-browser.mjs) against a real local HTTP server: off by default,
// what it keeps, when it sends, what the request holds, and what it does with each answer.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { clearEverything, everythingStored, idbRecord, installFakeBrowser, sendToWorker } from "./fake-browser.mjs";
import { jsonServer } from "./helpers.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { HEALTH } = await import("../../extension/shared/constants.js");
const Counts = await import("../../extension/background/health-counts.js");
const Health = await import("../../extension/background/health.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
await import("../../extension/background/service-worker.js");

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 2, 1, 12);
const half = () => 0.5;
// What the worker's own listeners do (the choice changing, the alarm) happens at NOW, mid-jitter.
Health.timing.now = () => NOW;
Health.timing.random = half;
const visit = (outcome, missing = [], platform = "x") => ({ type: "health", platform, version: "2026.1", outcome, missing });
const received = [];
let answer = { status: 202, body: { accepted: true } };
let server;
let base;

before(async () => {
  server = await jsonServer((req, sent) => {
    received.push({ url: req.url, headers: req.headers, body: sent });
    return answer;
  });
  base = server.base;
});
after(() => server.close());

/** A field of the health counter's record (the extension's IndexedDB). */
async function stored(key) {
  return ((await idbRecord("health")) || {})[key];
}

async function optIn() {
  await saveSettings({ healthCounter: true });
  await Health.syncHealth(NOW, half);
}

async function record(times, message) {
  for (let i = 0; i < times; i += 1) await sendToWorker(browser, message);
}

beforeEach(async () => {
  await clearEverything(browser);
  await saveSettings({ backendUrl: base, language: "en" });
  await Health.syncHealth(NOW, half); // settles the listeners' own work on the cleared storage
  browser.alarms.scheduled.clear();
  received.length = 0;
  answer = { status: 202, body: { accepted: true } };
});

describe("off by default", () => {
  test("without the opt-in a visit is not counted, nothing is planned, nothing is sent", async () => {
    await record(30, visit("complete"));
    assert.equal(await stored("healthCounts"), undefined);
    await Health.syncHealth(NOW, half);
    assert.equal(browser.alarms.scheduled.size, 0);
    await Health.sendDue(NOW + 2 * DAY, half);
    assert.equal(received.length, 0);
  });

  test("opting in plans the first send a day later at a random hour; opting out forgets everything", async () => {
    await optIn();
    const planned = await stored("healthNextSend");
    assert.equal(planned, NOW + DAY + 3 * HOUR, "a day plus half the six-hour jitter (random = 0.5)");
    assert.equal((await browser.alarms.get(HEALTH.alarm)).scheduledTime, planned);
    await record(3, visit("incomplete", ["followers"]));
    await saveSettings({ healthCounter: false });
    await Health.syncHealth(NOW, half);
    assert.deepEqual([await stored("healthCounts"), await stored("healthNextSend"), browser.alarms.scheduled.size], [undefined, undefined, 0]);
  });

  test("a planned time that passed while the browser was closed is moved soon after start, not to the start", async () => {
    await optIn();
    await Health.syncHealth(NOW + 3 * DAY, half);
    const moved = await stored("healthNextSend");
    assert.ok(moved >= NOW + 3 * DAY + 10 * 60 * 1000 && moved <= NOW + 3 * DAY + HOUR, String(moved - NOW - 3 * DAY));
  });
});

describe("counting", () => {
  test("visits add up per platform and extractor version; only outcomes and core field names are kept", async () => {
    await optIn();
    await record(4, visit("complete"));
    await record(2, visit("incomplete", ["followers", "has_avatar"]));
    await record(1, visit("no_profile", [], "instagram"));
    // What a tampered page could add beside the fields is never stored.
    await sendToWorker(browser, { ...visit("error"), url: "https://x.com/sara_h", handle: "sara_h", at: NOW });
    assert.deepEqual(await stored("healthCounts"), {
      "x|2026.1": { complete: 4, incomplete: 2, no_profile: 0, error: 1, missing: { followers: 2, has_avatar: 2 } },
      "instagram|2026.1": { complete: 0, incomplete: 0, no_profile: 1, error: 0, missing: {} },
    });
    const everything = await everythingStored(browser);
    for (const content of ["sara_h", "x.com/"]) assert.ok(!everything.includes(content), content);
  });

  test("messages that are not a judged visit are refused", async () => {
    await optIn();
    const refused = [
      { ...visit("complete"), platform: "myspace" },
      { ...visit("complete"), version: "2026.1 <img>" },
      { ...visit("complete"), version: 20261 },
      visit("sometimes"),
      visit("incomplete"), // incomplete names what was missing
      visit("complete", ["followers"]),
      visit("incomplete", ["password"]),
      { ...visit("incomplete"), missing: "followers" },
    ];
    for (const message of refused) assert.deepEqual(await sendToWorker(browser, message), { ok: false }, JSON.stringify(message));
    assert.equal(await stored("healthCounts"), undefined);
  });

  test("counts are bounded: at most 1,000 per outcome and 12 platform-version pairs", () => {
    let counts = {};
    for (let i = 0; i < 1005; i += 1) counts = Counts.addVisit(counts, visit("complete"));
    assert.equal(counts["x|2026.1"].complete, HEALTH.maxCount);
    for (let v = 0; v < 20; v += 1) counts = Counts.addVisit(counts, { ...visit("complete"), version: `2026.${v + 2}` });
    assert.equal(Object.keys(counts).length, HEALTH.maxEntries);
  });

  test("rounding to multiples of 5 is unbiased: on average exactly the true count", () => {
    for (let n = 0; n <= 13; n += 1) {
      let total = 0;
      for (let k = 0; k < 1000; k += 1) {
        const sent = Counts.coarse(n, () => (k + 0.5) / 1000);
        assert.equal(sent % HEALTH.grain, 0);
        assert.ok(Math.abs(sent - n) < HEALTH.grain);
        total += sent;
      }
      assert.equal(total / 1000, n, `n = ${n}`);
    }
  });
});

describe("sending", () => {
  test("fewer than 20 visits: nothing is sent, the counts wait for the next day", async () => {
    await optIn();
    await record(19, visit("complete"));
    await Health.sendDue(NOW + DAY, half);
    assert.equal(received.length, 0);
    assert.equal((await stored("healthCounts"))["x|2026.1"].complete, 19);
    assert.equal(await stored("healthNextSend"), NOW + 2 * DAY + 3 * HOUR);
  });

  test("the alarm sends coarse counts alone, anonymously, then forgets them and plans the next day", async () => {
    await Vault.createVault("olive tram seventeen lantern", { contacts: [], apiKey: "hk_secret_api_key" });
    await optIn();
    await record(22, visit("complete"));
    await record(3, visit("incomplete", ["has_avatar"]));
    await browser.alarms.fire(HEALTH.alarm);
    assert.equal(received.length, 1);
    const [request] = received;
    assert.equal(request.url, "/v1/extractor-health");
    assert.equal(request.headers.authorization, undefined, "never the API key");
    assert.equal(request.headers.cookie, undefined);
    assert.deepEqual(Object.keys(request.body), ["extractors"]);
    const [entry] = request.body.extractors;
    assert.deepEqual(Object.keys(entry).sort(), ["complete", "error", "incomplete", "missing", "no_profile", "platform", "version"]);
    assert.deepEqual([entry.platform, entry.version, entry.no_profile, entry.error], ["x", "2026.1", 0, 0]);
    for (const value of [entry.complete, entry.incomplete, ...Object.values(entry.missing)]) assert.equal(value % 5, 0);
    assert.ok([20, 25].includes(entry.complete) && [0, 5].includes(entry.incomplete));
    assert.equal(await stored("healthCounts"), undefined);
    const next = await stored("healthNextSend");
    assert.equal((await browser.alarms.get(HEALTH.alarm)).scheduledTime, next);
  });

  test("a server that cannot take them now (503, 429, unreachable): the counts stay, a retry in hours", async () => {
    await optIn();
    await record(20, visit("complete"));
    for (const status of [503, 429]) {
      answer = { status, body: { error: { code: "storage_unavailable", message: "later" } } };
      await Health.sendDue(NOW + DAY, half);
      assert.equal((await stored("healthCounts"))["x|2026.1"].complete, 20, String(status));
      assert.equal(await stored("healthNextSend"), NOW + DAY + 3 * HOUR + 3 * HOUR, String(status));
    }
    await saveSettings({ backendUrl: "http://127.0.0.1:9" });
    await Health.sendDue(NOW + DAY, half);
    assert.equal((await stored("healthCounts"))["x|2026.1"].complete, 20);
  });

  /**
   * A send whose request waits until the test lets it go (`release`); `out` resolves once it is
   * made. What the worker does meanwhile is what a visit counted during a slow send meets.
   */
  function heldSend() {
    const realFetch = globalThis.fetch;
    let release;
    let made;
    const gate = new Promise((resolve) => (release = resolve));
    const out = new Promise((resolve) => (made = resolve));
    globalThis.fetch = async (...args) => {
      made();
      await gate;
      return realFetch(...args);
    };
    return {
      out,
      release,
      restore: () => {
        release();
        globalThis.fetch = realFetch;
      },
    };
  }

  const waiting = () => new Promise((resolve) => setTimeout(() => resolve("still waiting"), 200));

  test("a visit counted while the counts are on their way is counted at once, kept, and not sent with them", async () => {
    await optIn();
    await record(20, visit("complete"));
    const held = heldSend();
    try {
      const sending = Health.sendDue(NOW + DAY, half);
      await held.out;
      // Taken and reset in one transaction before the request: the visit does not wait for it.
      const counted = await Promise.race([sendToWorker(browser, visit("incomplete", ["followers"])), waiting()]);
      assert.deepEqual(counted, { ok: true });
      held.release();
      await sending;
    } finally {
      held.restore();
    }
    assert.equal(received.length, 1);
    assert.deepEqual(received[0].body.extractors.map((e) => [e.complete, e.incomplete]), [[20, 0]], "the visit counted meanwhile is not in this send");
    assert.deepEqual(await stored("healthCounts"), { "x|2026.1": { complete: 0, incomplete: 1, no_profile: 0, error: 0, missing: { followers: 1 } } });
    await Health.sendDue(NOW + 2 * DAY, half);
    assert.equal(received.length, 1, "one visit is too few for the next send: the 20 are not sent twice");
  });

  test("a server that cannot take them now: the counts taken go back beside the visit counted meanwhile", async () => {
    await optIn();
    await record(20, visit("complete"));
    answer = { status: 503, body: { error: { code: "storage_unavailable", message: "later" } } };
    const held = heldSend();
    try {
      const sending = Health.sendDue(NOW + DAY, half);
      await held.out;
      assert.deepEqual(await Promise.race([sendToWorker(browser, visit("complete")), waiting()]), { ok: true });
      held.release();
      await sending;
    } finally {
      held.restore();
    }
    assert.deepEqual(await stored("healthCounts"), { "x|2026.1": { complete: 21, incomplete: 0, no_profile: 0, error: 0, missing: {} } });
    assert.equal(await stored("healthNextSend"), NOW + DAY + 3 * HOUR + 3 * HOUR, "a retry in hours");
  });

  test("a wipe while the counts are on their way: nothing is put back", async () => {
    await optIn();
    await record(20, visit("complete"));
    answer = { status: 503, body: { error: { code: "storage_unavailable", message: "later" } } };
    const held = heldSend();
    try {
      const sending = Health.sendDue(NOW + DAY, half);
      await held.out;
      const { wipeEverything } = await import("../../extension/shared/wipe.js");
      await wipeEverything();
      held.release();
      await sending;
    } finally {
      held.restore();
    }
    assert.equal(await everythingStored(browser), JSON.stringify({ local: {}, session: {}, sync: {} }));
    assert.equal(browser.alarms.scheduled.size, 0);
  });

  test("two alarms at once make one send", async () => {
    await optIn();
    await record(20, visit("complete"));
    await Promise.all([Health.sendDue(NOW + DAY, half), Health.sendDue(NOW + DAY, half)]);
    assert.equal(received.length, 1);
  });

  test("counts put back add up within the bounds", () => {
    const many = Counts.addVisit({}, visit("incomplete", ["followers"]));
    many["x|2026.1"].incomplete = HEALTH.maxCount;
    const merged = Counts.mergeCounts(many, { "x|2026.1": { complete: 2, incomplete: 5, no_profile: 0, error: 1, missing: { followers: 3 } }, "instagram|2026.1": { complete: 1, incomplete: 0, no_profile: 0, error: 0, missing: {} } });
    assert.deepEqual(merged, {
      "x|2026.1": { complete: 2, incomplete: HEALTH.maxCount, no_profile: 0, error: 1, missing: { followers: 4 } },
      "instagram|2026.1": { complete: 1, incomplete: 0, no_profile: 0, error: 0, missing: {} },
    });
  });

  test("a refusal of the counts themselves (422): they are dropped, not sent again and again", async () => {
    await optIn();
    await record(20, visit("complete"));
    answer = { status: 422, body: { error: { code: "unknown_platform", message: "no" } } };
    await Health.sendDue(NOW + DAY, half);
    assert.equal(received.length, 1);
    assert.equal(await stored("healthCounts"), undefined);
  });

  test("counts that never reach 20 visits are dropped after two weeks of waiting", async () => {
    await optIn();
    await record(5, visit("complete"));
    for (let day = 1; day <= HEALTH.maxIdleSends; day += 1) await Health.sendDue(NOW + day * DAY, half);
    assert.equal((await stored("healthCounts"))["x|2026.1"].complete, 5);
    await Health.sendDue(NOW + 15 * DAY, half);
    assert.equal(await stored("healthCounts"), undefined);
    assert.equal(received.length, 0);
  });

  test("the wipe takes the counts and the choice; the alarm that follows sends nothing", async () => {
    await optIn();
    await record(25, visit("complete"));
    const { wipeEverything } = await import("../../extension/shared/wipe.js");
    await wipeEverything();
    await Health.syncHealth(NOW, half);
    await saveSettings({ backendUrl: base });
    await Health.sendDue(NOW + DAY, half);
    assert.equal(received.length, 0);
    assert.equal(browser.alarms.scheduled.size, 0);
  });

  test("a visit being counted when the popup wipes is not written back after the wipe", async () => {
    await optIn();
    await record(3, visit("complete"));
    const popup = new URL("../../extension/popup/popup.html", import.meta.url).href;
    const counting = sendToWorker(browser, visit("complete"));
    const wiped = await sendToWorker(browser, { type: "wipe" }, { tabId: null, url: popup });
    assert.deepEqual(wiped, { ok: true });
    assert.deepEqual(await counting, { ok: false, stale: true });
    await Health.syncHealth(NOW, half);
    assert.equal(await everythingStored(browser), JSON.stringify({ local: {}, session: {}, sync: {} }));
  });
});

// Red-team pass on the worker's messages and what they leave behind. The adversary: a renderer
// taken over by its page (it sends the worker whatever a content script could), and whoever takes
// the device afterwards (what the toolbar still shows). The worker module runs against
// fake-browser.mjs (Firefox's `browser.*` API) and a real local HTTP server standing in for Haris.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, mock, test } from "node:test";
import { clearEverything, installFakeBrowser, sendToWorker } from "./fake-browser.mjs";
import { jsonServer } from "./helpers.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
const { OPEN_WINDOW_LIMITS, PAGE_LIMITS } = await import("../../extension/shared/constants.js");
await import("../../extension/background/service-worker.js");

const PASS = "olive tram seventeen lantern";
const RISKY = { type: "check", platform: "x", key: "x:id:999999", profile: { display_name: "Mohamed Saleh", account_id: "999999", handle: "mo_saleh_1" } };
const seen = [];
let server;
let lowAnswers = false; // the stand-in server answers "high" unless a test asks for "low"

/** Let the worker's pending promises (storage events, the tabs it tells) run. */
async function settle() {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

before(async () => {
  server = await jsonServer(async (req, sent) => {
    seen.push({ url: req.url, body: sent });
    if (lowAnswers) return { status: 200, body: { risk: 4, level: "low", findings: [], avatar_hash: null, rules_version: "t", unavailable: [], locale: "en" } };
    return { status: 200, body: { risk: 88, level: "high", findings: [], avatar_hash: null, rules_version: "t", unavailable: [], locale: "en" } };
  });
});
after(() => server.close());

beforeEach(async () => {
  await clearEverything(browser);
  await saveSettings({ backendUrl: server.base, language: "en" });
  browser.action.badges.clear();
  browser.tabs.created.length = 0;
  seen.length = 0;
  lowAnswers = false;
});

describe("who may ask the worker what", () => {
  test("a renderer of another site, or a platform page's sub-frame, gets nothing: no check, no setup, no dismissal", async () => {
    const elsewhere = [
      { url: "https://police.example/profile" },
      { url: "https://x.com.police.example/someone" },
      { url: "http://x.com/someone" }, // not the https page the manifest runs in
      { url: "https://x.com/someone", frameId: 3 },
      { url: "https://x.com/someone", tabId: null }, // no tab: not a page's content script
      { url: "not an address" },
    ];
    for (const sender of elsewhere) {
      for (const message of [RISKY, { type: "pageSetup" }, { type: "dismiss", key: "x:id:1" }, { type: "details" }, { type: "report", reason: "other", ...RISKY }]) {
        assert.deepEqual(await sendToWorker(browser, message, sender), { ok: false }, `${message.type} from ${JSON.stringify(sender)}`);
      }
    }
    assert.deepEqual(seen, [], "no request reached the server");
    // (settingsWritten: the set-up's own save of the settings, which names no profile.)
    assert.deepEqual(Object.keys(await browser.storage.session.get(null)), ["settingsWritten"]);
    assert.equal(browser.tabs.created.length, 0);
    // The same messages from the platform's page are answered.
    assert.equal((await sendToWorker(browser, RISKY, { url: "https://x.com/mo_saleh_1" })).view.level, "high");
    assert.equal(typeof (await sendToWorker(browser, { type: "pageSetup" }, { url: "https://web.telegram.org/a/" })).strings.checking, "string");
  });

  test("a platform page cannot ask for anything of the extension's own pages, nor anything unknown", async () => {
    await Vault.createVault(PASS, { contacts: [{ display_name: "Sara", platform: "x", handle: "sara" }], apiKey: "hk_secret" });
    for (const type of ["wipe", "forget", "unlock", "export", "contacts", "settings", "apiKey", "constructor", "__proto__", 42, null]) {
      assert.deepEqual(await sendToWorker(browser, { type }), { ok: false }, String(type));
    }
    assert.deepEqual(await sendToWorker(browser, null), { ok: false });
    assert.deepEqual(await sendToWorker(browser, "check"), { ok: false });
    assert.equal((await Vault.readSecrets()).contacts.length, 1, "nothing wiped");
    // And the extension's own page cannot send a page's messages (it has no reason to).
    const popup = browser.runtime.getURL("popup/popup.html");
    assert.deepEqual(await sendToWorker(browser, RISKY, { url: popup, tabId: null }), { ok: false });
  });

  test("'Not now' keeps the latest few hundred profiles: a flood of dismissals cannot fill session storage", async () => {
    const flood = PAGE_LIMITS.maxDismissed * 3;
    for (let i = 0; i < flood; i += 1) await sendToWorker(browser, { type: "dismiss", key: `x:id:${i}` });
    const dismissed = Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith("dismissed|"));
    assert.equal(dismissed.length, PAGE_LIMITS.maxDismissed);
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: `x:id:${flood - 1}` }), { dismissed: true }, "the latest is kept");
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: "x:id:0" }), { dismissed: false }, "the oldest went");
    // Keys that are no profile's key are refused, and asking about one answers nothing.
    for (const key of ["", "k".repeat(PAGE_LIMITS.maxKey), { toString: () => "x:id:1" }, ["x:id:1"], 5]) {
      assert.deepEqual(await sendToWorker(browser, { type: "dismiss", key }), { ok: false });
      assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key }), { dismissed: false });
    }
  });

  test("Details and 'This is my real friend' in a loop open one extension tab, not one per message", async () => {
    for (let i = 0; i < 40; i += 1) await sendToWorker(browser, { type: i % 2 ? "details" : "friend" });
    assert.equal(browser.tabs.created.length, 1);
  });

  test("a page asking for the extension's window in a loop gets it once per tab per ten seconds, and only for the tab the user looks at", async () => {
    // The worker's clock, moved by the test (the gaps are timed with Date.now).
    mock.timers.enable({ apis: ["Date"], now: Date.now() + 3_600_000 });
    const opened = [];
    const openPopup = browser.action.openPopup;
    browser.action.openPopup = async () => {
      opened.push(Date.now());
    };
    const ask = (from = {}) => sendToWorker(browser, { type: "details" }, from);
    try {
      // A page in a background tab cannot put the popup over what the user is looking at.
      assert.deepEqual(await ask({ active: false }), { ok: false });
      assert.equal(opened.length, 0);
      // The active tab's page, in a loop: once, then nothing until its gap has passed.
      assert.deepEqual(await ask(), { ok: true });
      for (let i = 0; i < 20; i += 1) assert.deepEqual(await ask(), { ok: false });
      mock.timers.tick(OPEN_WINDOW_LIMITS.perTabMs - 1);
      assert.deepEqual(await ask(), { ok: false });
      mock.timers.tick(1);
      assert.deepEqual(await ask(), { ok: true });
      // Another tab, become active, is not held by tab 7's gap, but by the one across tabs.
      assert.deepEqual(await ask({ tabId: 8 }), { ok: false });
      mock.timers.tick(OPEN_WINDOW_LIMITS.anyMs);
      assert.deepEqual(await ask({ tabId: 8 }), { ok: true });
      assert.equal(opened.length, 3);
      assert.equal(browser.tabs.created.length, 0, "the popup opened: no tab made");
    } finally {
      browser.action.openPopup = openPopup;
      mock.timers.reset();
    }
  });

  test("a check's photo is bounded before anything is done with it: an over-long one is dropped, the check still runs", async () => {
    const huge = { ...RISKY, key: "x:id:5", avatar: { base64: "A".repeat(6 * 1024 * 1024) } };
    assert.equal((await sendToWorker(browser, huge)).view.level, "high");
    assert.equal("avatar" in seen.at(-1).body, false, "no photo sent");
    const odd = { ...RISKY, key: "x:id:6", avatar: { url: `https://pbs.twimg.com/${"a".repeat(PAGE_LIMITS.maxAvatarUrl)}` } };
    assert.equal((await sendToWorker(browser, odd)).view.level, "high");
  });
});

describe("what the toolbar still shows", () => {
  test("a tab's '!' goes with its report at the worker's tick, even if the tab stays open on another page of the site", async () => {
    await sendToWorker(browser, RISKY);
    assert.equal(browser.action.badges.get(7), "!");
    await browser.alarms.fire("haris-tick");
    assert.equal(browser.action.badges.get(7), "!", "still within the cache lifetime");
    const session = browser.storage.session;
    for (const [key, value] of Object.entries(await session.get(null))) {
      if (value && typeof value.at === "number") await session.set({ [key]: { ...value, at: value.at - 10 * 60 * 1000 - 1000 } });
    }
    await browser.alarms.fire("haris-tick");
    assert.equal((await session.get("tab|7"))["tab|7"], undefined, "the report is gone");
    assert.equal(browser.action.badges.get(7), "", "and so is its badge");
  });

  test("a lock takes the badges down with the reports they stood for", async () => {
    await Vault.createVault(PASS);
    await sendToWorker(browser, RISKY);
    assert.equal(browser.action.badges.get(7), "!");
    await Vault.lock();
    await settle();
    assert.equal((await browser.storage.session.get("tab|7"))["tab|7"], undefined);
    assert.equal(browser.action.badges.get(7), "");
  });
});

describe("what the page is told of an answer", () => {
  const CONTACT = { display_name: "Sara Haddad", platform: "x", account_id: "424242", handle: "sara_h" };
  const probe = (id, key = `x:id:${id}`) => ({ type: "check", platform: "x", key, profile: { display_name: "Anyone", account_id: id, handle: `h${id}` } });

  test("by default, nothing of an answer the page will not draw: a renderer cannot learn who is a trusted contact", async () => {
    lowAnswers = true;
    await Vault.createVault(PASS, { contacts: [CONTACT] });
    const contact = await sendToWorker(browser, probe("424242"));
    const stranger = await sendToWorker(browser, probe("515151"));
    assert.deepEqual([contact, stranger], [{ view: { state: "hidden" } }, { view: { state: "hidden" } }]);
    // The popup has it: the per-tab record holds the whole answer.
    const record = (await browser.storage.session.get("tab|7"))["tab|7"];
    assert.deepEqual([record.view.level, record.view.trusted], ["low", false]);
    // With banners on every profile (the user's choice), the page draws the answer, but never
    // "trusted contact" (its script measures the banner): a contact's answer is a stranger's.
    await saveSettings({ bannerEverywhere: true });
    const drawn = await sendToWorker(browser, probe("424242", "x:id:424242b"));
    assert.equal((await browser.storage.session.get("tab|7"))["tab|7"].view.trusted, true, "the popup says it");
    assert.deepEqual(drawn, await sendToWorker(browser, probe("515151", "x:id:515151b")));
    assert.equal("trusted" in drawn.view, false);
  });

  test("with 'Nothing in the page', not even a high-risk answer: the badge and the popup have it", async () => {
    await saveSettings({ pageSilent: true });
    assert.deepEqual(await sendToWorker(browser, RISKY), { view: { state: "hidden" } });
    assert.equal(browser.action.badges.get(7), "!");
    assert.equal((await browser.storage.session.get("tab|7"))["tab|7"].view.level, "high");
  });
});

describe("nothing in the page", () => {
  test("page setup says `silent` when the user chose it, and no banner for every profile then", async () => {
    assert.deepEqual([(await sendToWorker(browser, { type: "pageSetup" })).silent], [false]);
    await saveSettings({ pageSilent: true, bannerEverywhere: true });
    const setup = await sendToWorker(browser, { type: "pageSetup" });
    assert.deepEqual([setup.silent, setup.everywhere], [true, false]);
  });

  test("with 'Nothing in the page', a page is told no language: not in its setup, not in a check's answer", async () => {
    await saveSettings({ pageSilent: true, language: "ar" });
    assert.deepEqual(await sendToWorker(browser, { type: "pageSetup" }), { locale: null, strings: {}, everywhere: false, silent: true });
    const answer = await sendToWorker(browser, RISKY);
    assert.equal(JSON.stringify(answer).includes("ar"), false, JSON.stringify(answer));
    // Drawn in pages again: the banner's language and strings are the page's to draw with.
    await saveSettings({ pageSilent: false });
    const setup = await sendToWorker(browser, { type: "pageSetup" });
    assert.equal(setup.locale, "ar");
    assert.equal(typeof setup.strings.checking, "string");
  });
});

describe("what a taken-over renderer learns of the user's choices and lists", () => {
  test("'Not now' is asked and kept for the page's own platform's profiles only", async () => {
    const facebook = { url: "https://www.facebook.com/someone" };
    assert.deepEqual(await sendToWorker(browser, { type: "dismiss", key: "facebook:id:4" }, facebook), { ok: true });
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: "facebook:id:4" }, { url: "https://m.facebook.com/someone" }), { dismissed: true });
    // X's page asks about the Facebook profile the user dismissed: it is told nothing.
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: "facebook:id:4" }), { dismissed: false });
    // Nor may it fill the list with another platform's profiles.
    assert.deepEqual(await sendToWorker(browser, { type: "dismiss", key: "telegram:h:someone" }), { ok: false });
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: "telegram:h:someone" }, { url: "https://web.telegram.org/a/" }), { dismissed: false });
    assert.deepEqual(await sendToWorker(browser, { type: "dismiss", key: "x:h:someone" }, { url: "https://twitter.com/someone" }), { ok: true });
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: "x:h:someone" }), { dismissed: true });
  });

  test("a health-counter visit is answered the same whether the user opted in or not", async () => {
    const visit = { type: "health", platform: "x", version: "2026.1", outcome: "complete", missing: [] };
    const off = await sendToWorker(browser, visit);
    await saveSettings({ healthCounter: true });
    const on = await sendToWorker(browser, visit);
    assert.deepEqual(off, on);
    assert.deepEqual(on, { ok: true });
    assert.deepEqual(await sendToWorker(browser, { ...visit, outcome: "sometimes" }), { ok: false }, "a malformed visit is still refused");
  });
});

// The background module through Firefox's `browser.*` API (fake-browser.mjs) against a real local
// HTTP server standing in for the Haris API: what it sends, what the page is shown, what it keeps.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { clearEverything, everythingStored, idbRecords, installFakeBrowser, sendToWorker } from "./fake-browser.mjs";
import { jsonServer, strings } from "./helpers.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
const { fetchAvatar } = await import("../../extension/background/avatar.js");
await import("../../extension/background/service-worker.js");

const PASS = "olive tram seventeen lantern";
const FRIEND = { display_name: "Mohamed Saleh", platform: "x", account_id: "111111", handle: "mo_saleh" };
const CLONE = { platform: "x", key: "x:id:999999", profile: { display_name: "Mohamed Saleh", account_id: "999999", handle: "mo_saleh_1" } };
const seen = [];
let server;
let base;
// While set, the server answers checks only once it resolves: a check under way.
let held = null;
const EMPTY = JSON.stringify({ local: {}, session: {}, sync: {} });
const POPUP = new URL("popup/popup.html", new URL("../../extension/", import.meta.url)).href;
/** Let the worker's pending promises and the loopback server's replies run. */
async function settle(rounds = 5) {
  for (let i = 0; i < rounds; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * A check as the page's tab sends it: what the page is told (`view`) and what the popup then shows
 * of it (`popup`, the tab's record), where alone whether the profile is a trusted contact is said.
 */
async function checkSeen(message) {
  const answer = await sendToWorker(browser, message);
  const record = (await browser.storage.session.get("tab|7"))["tab|7"];
  return { ...answer, popup: record ? record.view : null };
}

before(async () => {
  server = await jsonServer(async (req, sent) => {
    seen.push({ url: req.url, headers: req.headers, body: sent });
    if (req.url === "/v1/reports") return { status: 202, body: { id: "r1" } };
    if (held) await held;
    // A clone: a contact's name on another account (the real server is silent when the contact's
    // id is the profile's: heuristics/signals/impersonation.py, is_same_account).
    const findings = (sent.contacts || []).some((c) => c.display_name === sent.profile.display_name && !(c.account_id && c.account_id === sent.profile.account_id))
      ? [{ code: "impersonation.contact", points: 4.4, message: `This account looks like your contact “${sent.contacts[0].display_name}”.`, evidence: { contact: sent.contacts[0].display_name } }]
      : [];
    return { status: 200, body: { risk: findings.length ? 80 : 5, level: findings.length ? "high" : "low", findings, avatar_hash: "c0ffee00c0ffee00", rules_version: "t", unavailable: [], locale: "en" } };
  });
  base = server.base;
});
after(() => server.close());

beforeEach(async () => {
  await clearEverything(browser);
  // Banners on every profile: these tests read what the page is told of each answer, and by
  // default the page is told nothing of one it does not draw (worker-messages.test.mjs).
  await saveSettings({ backendUrl: base, language: "en", bannerEverywhere: true });
  seen.length = 0;
});

describe("background", () => {
  test("session storage is restricted to the extension's own pages at start", () => {
    assert.equal(browser.storage.session.accessLevel, "TRUSTED_CONTEXTS");
  });

  test("locked: the check runs without contacts; unlocked: with them, and the page never gets the contact's name", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND], apiKey: "hk_secret_api_key" });
    await Vault.lock();
    const locked = await sendToWorker(browser, { type: "check", ...CLONE });
    assert.equal(locked.view.level, "low");
    assert.equal("contacts" in seen.at(-1).body, false);

    await Vault.unlock(PASS);
    const open = await sendToWorker(browser, { type: "check", ...CLONE });
    assert.deepEqual(seen.at(-1).body.contacts, [FRIEND]);
    assert.equal(seen.at(-1).headers.authorization, undefined, "no API key on /v1/check");
    assert.equal(open.view.level, "high");
    const page = JSON.stringify(open);
    assert.equal(page.includes("Mohamed Saleh"), false, "finding 7: the name stays out of the page");
    assert.equal(page.includes("c0ffee00"), false, "nor the photo fingerprint");
    assert.equal(open.view.findings[0].message, strings("en").contactLookalike);
    // The popup (extension UI) has the full finding, from session storage.
    const record = (await browser.storage.session.get("tab|7"))["tab|7"];
    assert.match(record.view.findings[0].message, /Mohamed Saleh/);
  });

  test("a lock leaves no contact readable: the popup's per-tab reports, whose findings name contacts, go with the key", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    await sendToWorker(browser, { type: "check", ...CLONE });
    assert.match(JSON.stringify(await browser.storage.session.get("tab|7")), /your contact “Mohamed Saleh”/);
    await sendToWorker(browser, { type: "dismiss", key: CLONE.key });
    assert.equal((await sendToWorker(browser, { type: "isDismissed", key: CLONE.key })).dismissed, true);
    browser.tabs.messages.length = 0;
    await Vault.lock();
    await new Promise((resolve) => setTimeout(resolve, 20)); // the worker's storage listener
    assert.deepEqual(await browser.storage.session.get("tab|7"), {});
    // The "Not now" list and the check's record named the profile whose warning the user saw:
    // they go with the key.
    assert.equal((await sendToWorker(browser, { type: "isDismissed", key: CLONE.key })).dismissed, false);
    assert.equal((await everythingStored(browser)).includes(CLONE.key), false);
    assert.deepEqual(browser.tabs.messages, [{ tabId: 7, message: { type: "forget", quiet: false } }], "the page's banner goes too");
    assert.equal((await everythingStored(browser)).includes("your contact"), false);
    // The same when another slot is opened (the second passphrase) or the contacts change.
    await Vault.unlock(PASS);
    await sendToWorker(browser, { type: "check", ...CLONE });
    await Vault.updateSecrets(() => ({ contacts: [] }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal((await everythingStored(browser)).includes("your contact"), false);
  });

  test("a check's records are forgotten after the cache lifetime even if no other check comes", async () => {
    await sendToWorker(browser, { type: "check", ...CLONE });
    const session = browser.storage.session;
    const kept = Object.keys(await session.get(null)).filter((k) => /^(v|last|tab)\|/.test(k));
    assert.equal(kept.length, 3, "a verdict, the last profile and the tab's report");
    const at = (await session.get("tab|7"))["tab|7"].at;
    // The worker's tick: every 5 minutes on the clock's grid, made when the worker started.
    const tick = await browser.alarms.get("haris-tick");
    assert.deepEqual([tick.periodInMinutes, tick.scheduledTime % (5 * 60 * 1000)], [5, 0]);
    await browser.alarms.fire("haris-tick");
    assert.equal(Object.keys(await session.get(null)).filter((k) => /^(v|last|tab)\|/.test(k)).length, 3, "still fresh");
    // The clock passes the lifetime: the records are now older than it.
    for (const key of kept) await session.set({ [key]: { ...(await session.get(key))[key], at: at - 10 * 60 * 1000 - 1000 } });
    await browser.alarms.fire("haris-tick");
    assert.deepEqual(Object.keys(await session.get(null)).filter((k) => /^(v|last|tab)\|/.test(k)), []);
    assert.ok(await browser.alarms.get("haris-tick"), "the tick lives on");
  });

  test("a cached answer is reused only for the same profile read: a fake header under a handle leaves nothing for the real one", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    // One tab: a page draws a harmless header under the clone's handle (a page script, a fake page).
    const fake = { ...CLONE, profile: { handle: "mo_saleh_1", display_name: "Cooking tips" } };
    assert.equal((await sendToWorker(browser, { type: "check", ...fake }, { tabId: 8 })).view.level, "low");
    // Another tab opens the real clone: asked again, not answered from the cache.
    const real = await sendToWorker(browser, { type: "check", ...CLONE }, { tabId: 9 });
    assert.equal(seen.length, 2);
    assert.equal(real.view.level, "high");
    // The same profile read again in that tab is answered from the cache.
    assert.equal((await sendToWorker(browser, { type: "check", ...CLONE }, { tabId: 9 })).view.level, "high");
    assert.equal(seen.length, 2);
  });

  test("a risky profile opened again within the cache lifetime is answered from the cache, still risky (Firefox keeps undefined keys)", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    const first = await sendToWorker(browser, { type: "check", ...CLONE });
    const again = await sendToWorker(browser, { type: "check", ...CLONE });
    assert.equal(seen.length, 1, "the second answer comes from the cache");
    assert.deepEqual(again, first);
    assert.equal(again.view.state, "result");
    assert.equal(again.view.level, "high");
  });

  test("a tab's page cannot time the cache to learn what another tab, or another site in its own tab, checked", async () => {
    // Tab 7 checks the clone; the popup finds the verdict for tab 7.
    const first = await checkSeen({ type: "check", ...CLONE });
    assert.equal(first.popup.level, "low", JSON.stringify(first));
    assert.equal(seen.length, 1);
    // A renderer taken over by its page, in another tab, names the same profile: had anyone looked at
    // it lately, a cached answer would come at once. It is asked of the server like any other.
    await sendToWorker(browser, { type: "check", ...CLONE }, { tabId: 8 });
    assert.equal(seen.length, 2, "not answered from tab 7's cache");
    // Nor from the tab's own cache by another site it shows now (Instagram's renderer, not X's).
    await sendToWorker(browser, { type: "check", ...CLONE }, { url: "https://www.instagram.com/someone/" });
    assert.equal(seen.length, 3, "not answered from X's cache in the same tab");
    // The tab and site that checked it are answered from the cache, as before.
    await sendToWorker(browser, { type: "check", ...CLONE });
    assert.equal(seen.length, 3);
    assert.equal((await browser.storage.session.get("tab|7"))["tab|7"].key, CLONE.key, "the popup still finds tab 7's verdict");
  });

  test("a closed tab's cached verdicts and report go at once, and a check under way when it closed keeps nothing for it", async () => {
    await sendToWorker(browser, { type: "check", ...CLONE }, { tabId: 8 });
    await sendToWorker(browser, { type: "check", ...CLONE }, { tabId: 81 });
    const verdictsOf = async (tabId) => Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith(`v|${tabId}|`));
    const lastsOf = async (tabId) => Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith(`last|${tabId}|`));
    assert.equal((await verdictsOf(8)).length, 1);
    await Promise.all(browser.tabs.onRemoved.emit(8, { windowId: 1, isWindowClosing: false }));
    assert.deepEqual(await verdictsOf(8), []);
    assert.deepEqual(await lastsOf(8), [], "nor its last profiles");
    assert.deepEqual(await browser.storage.session.get("tab|8"), {});
    assert.equal((await lastsOf(81)).length, 1, "tab 81's last profile stays");
    assert.equal((await verdictsOf(81)).length, 1, "tab 81's stay");
    assert.ok((await browser.storage.session.get("tab|81"))["tab|81"]);
    let release;
    held = new Promise((resolve) => (release = resolve));
    try {
      const checking = sendToWorker(browser, { type: "check", ...CLONE, key: "x:id:5" }, { tabId: 82 });
      while (seen.length < 3) await settle(1);
      await Promise.all(browser.tabs.onRemoved.emit(82, { windowId: 1, isWindowClosing: false }));
      release();
      await checking;
      await settle();
      assert.deepEqual(await verdictsOf(82), []);
      assert.deepEqual(await lastsOf(82), []);
      assert.deepEqual(await browser.storage.session.get("tab|82"), {});
    } finally {
      release();
      held = null;
    }
  });

  test("whether a profile is a contact is never told to the page, answered or refused at once: the popup says it", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    const own = { type: "check", platform: "x", key: "x:id:111111", profile: { account_id: "111111", handle: "mo_saleh", display_name: "Mohamed Saleh" } };
    const answered = await checkSeen(own);
    assert.equal(answered.popup.trusted, true);
    const stranger = await checkSeen({ ...own, key: "x:id:222222", profile: { account_id: "222222", handle: "someone", display_name: "Someone" } });
    assert.equal(stranger.popup.trusted, false);
    assert.deepEqual(answered.view, stranger.view, "the same answer, drawn the same: the page measures the banner");
    // The server is rate limiting: every check is refused at once, without a request.
    await browser.storage.session.set({ backoffUntil: Date.now() + 60_000, backoffBackend: base });
    const refused = await checkSeen({ ...own, key: "x:h:mo_saleh", force: true });
    assert.deepEqual(refused.view, { state: "unavailable", reason: "rate_limited" });
    assert.equal(seen.length, 2);
  });

  test("a contact saved by username alone is not taken for an account that now holds the username: not trusted, not silenced, said so", async () => {
    const Contacts = await import("../../extension/shared/contacts.js");
    // Imported from a file: her name and username, no account id.
    const imported = { display_name: "Mohamed Saleh", platform: "x", handle: "mo_saleh" };
    await Vault.createVault(PASS, { contacts: [imported] });
    // Police registered the username she gave up, with her name: the page shows its account id.
    const squatter = { type: "check", platform: "x", key: "x:h:mo_saleh", profile: { display_name: "Mohamed Saleh", account_id: "555555", handle: "mo_saleh" } };
    const answer = await checkSeen(squatter);
    assert.equal(answer.popup.trusted, false, "not a trusted contact on the username alone");
    assert.equal(answer.view.unconfirmed, true);
    // The server gets her without the username, so it compares her name and photo with the
    // profile instead of taking the username for her account.
    assert.deepEqual(seen.at(-1).body.contacts, [{ display_name: "Mohamed Saleh", platform: "x" }]);
    assert.equal(answer.view.level, "high");
    assert.equal(answer.view.findings[0].message, strings("en").unconfirmedContact);
    assert.equal(JSON.stringify(answer.view).includes("Mohamed Saleh"), false, "no contact name in the page");
    const record = (await browser.storage.session.get("tab|7"))["tab|7"];
    assert.equal(record.view.unconfirmed, true, "the popup says it too");

    // A page that shows no account id (nothing to tell them apart by): the username decides, as before.
    const noId = { ...squatter, profile: { display_name: "Mohamed Saleh", handle: "mo_saleh" }, force: true };
    const byName = await checkSeen(noId);
    assert.equal(byName.popup.trusted, true);
    assert.equal(byName.popup.byUsername, true, "and it says so: the username was all Haris could compare");
    assert.equal(byName.view.unconfirmed, false);
    assert.deepEqual(seen.at(-1).body.contacts, [imported]);

    // She confirms through another channel and saves the account from the popup: its id is
    // recorded with her, and the next account to take the username is not her.
    await Contacts.upsertContact({ ...squatter.profile, platform: "x" });
    assert.deepEqual((await Contacts.getContacts()).map((c) => [c.handle, c.account_id]), [["mo_saleh", "555555"]]);
    const again = await checkSeen({ ...squatter, force: true });
    assert.equal(again.popup.trusted, true);
    assert.equal(again.popup.byUsername, false, "the ids agree");
    assert.equal(again.view.unconfirmed, false);
    // Her saved id, but a page (after in-app navigation) that shows no id: the username alone, said so.
    const stale = await checkSeen({ ...squatter, profile: { display_name: "Mohamed Saleh", handle: "mo_saleh" }, force: true });
    assert.deepEqual([stale.popup.trusted, stale.popup.byUsername], [true, true]);
    const next = await checkSeen({ ...squatter, profile: { ...squatter.profile, account_id: "777777" }, force: true });
    assert.equal(next.popup.trusted, false);
    assert.equal(next.view.unconfirmed, false, "both ids known: the ids decide");
    assert.equal(next.view.level, "high");
  });

  test("a Facebook Page saved at its vanity address is her account at its old /<name>-<page id>/ one; the visited page's own claims are not enough", async () => {
    const Contacts = await import("../../extension/shared/contacts.js");
    // What extract-facebook.js reads of the real heymeedan page at its two addresses.
    const atVanity = { platform: "facebook", key: "facebook:h:heymeedan", profile: { handle: "heymeedan", account_id: "100067935271247", account_ids: ["54421674438"], display_name: "Meedan" } };
    const atOld = { platform: "facebook", key: "facebook:id:54421674438", profile: { account_id: "54421674438", account_ids: ["100067935271247"], display_name: "Meedan" } };
    await Vault.createVault(PASS, { contacts: [] });
    // Saved from the popup at the vanity address (popup.js passes what the page gave).
    await Contacts.upsertContact({ ...atVanity.profile, platform: "facebook" });
    assert.deepEqual((await Contacts.getContacts())[0].account_ids, ["54421674438"]);
    const old = await checkSeen({ type: "check", ...atOld });
    // What the popup saves from: the page's other ids are kept with the profile, within limits.
    assert.deepEqual((await browser.storage.session.get("tab|7"))["tab|7"].profile.account_ids, ["100067935271247"]);
    assert.deepEqual([old.popup.trusted, old.popup.byUsername, old.view.level], [true, false, "low"]);
    // The server compares one id per contact: she goes with the id this page is keyed by.
    assert.deepEqual(seen.at(-1).body.contacts, [{ display_name: "Meedan", platform: "facebook", account_id: "54421674438", handle: "heymeedan" }]);
    assert.deepEqual(seen.at(-1).body.profile, { account_id: "54421674438", display_name: "Meedan" }, "the other ids stay in the browser");

    // An impostor's page claiming her ids in its markup: its own id is not hers, so it is a clone.
    const impostor = { platform: "facebook", key: "facebook:h:meedan.official", profile: { handle: "meedan.official", account_id: "100000000000666", account_ids: ["100067935271247", "54421674438"], display_name: "Meedan" } };
    const fake = await checkSeen({ type: "check", ...impostor });
    assert.deepEqual([fake.popup.trusted, fake.view.level], [false, "high"]);
    assert.equal(seen.at(-1).body.contacts[0].account_id, "100067935271247", "sent as saved");

    // A contact saved by its Page id alone (before other ids were recorded): a page at the vanity
    // that claims that Page id is not taken for her on its word; the warning stays until she is
    // saved from it.
    await Contacts.setContacts([{ display_name: "Meedan", platform: "facebook", account_id: "54421674438", added: "2026-01-01" }]);
    const claimed = await checkSeen({ type: "check", ...atVanity, force: true });
    assert.deepEqual([claimed.popup.trusted, claimed.view.level], [false, "high"]);
    await Contacts.upsertContact({ ...atOld.profile, platform: "facebook" });
    const saved = await checkSeen({ type: "check", ...atVanity, force: true });
    assert.deepEqual([saved.popup.trusted, saved.view.level], [true, "low"]);
    const junk = await sendToWorker(browser, { type: "check", ...atOld, key: "facebook:id:1", profile: { account_id: "1", account_ids: ["1", "2", 3, "9".repeat(129), ...Array.from({ length: 20 }, (_, i) => String(i + 10))] } });
    assert.equal(junk.view.state, "result");
    assert.deepEqual((await browser.storage.session.get("tab|7"))["tab|7"].profile.account_ids, ["2", "10", "11", "12", "13"]);
  });

  test("what the worker keeps and hashes of a profile is never more than the API takes", async () => {
    const huge = { type: "check", platform: "x", key: "x:h:big", profile: { handle: "big", display_name: "N".repeat(100_000), bio: "b".repeat(1_000_000), junk: { deep: "x".repeat(1000) } } };
    await sendToWorker(browser, huge);
    const record = (await browser.storage.session.get("last|7|https://x.com|x:h:big"))["last|7|https://x.com|x:h:big"];
    assert.equal(record.profile.bio.length, 2000);
    assert.equal(record.profile.display_name.length, 200);
    assert.equal("junk" in record.profile, false);
    assert.ok(JSON.stringify(await browser.storage.session.get(null)).length < 20_000);
  });

  test("the page gets the server's messages cut to a few lines: they quote what the account wrote", async () => {
    const { pageView } = await import("../../extension/background/check.js");
    const long = "“".concat("ا".repeat(5000), "”");
    const view = pageView({ state: "result", level: "medium", risk: 50, findings: [{ code: "name.lookalike_characters", points: 2, message: long }] }, strings("en"));
    assert.ok(view.findings[0].message.length <= 300);
    assert.ok(view.findings[0].message.endsWith("…"));
  });

  test("nothing about checked, dismissed or reported profiles is written to local storage", async () => {
    await sendToWorker(browser, { type: "check", ...CLONE });
    await sendToWorker(browser, { type: "dismiss", key: CLONE.key });
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key: CLONE.key }), { dismissed: true });
    assert.equal((await sendToWorker(browser, { type: "report", reason: "entrapment", ...CLONE })).ok, true);
    assert.equal(seen.at(-1).url, "/v1/reports");
    const disk = JSON.stringify([await browser.storage.local.get(null), await idbRecords()]);
    for (const trace of ["999999", "mo_saleh", "Mohamed"]) assert.equal(disk.includes(trace), false, trace);
  });

  test("a tab's Report sends the photo fingerprint of its own check only, never another tab's or another site's", async () => {
    await sendToWorker(browser, { type: "check", ...CLONE });
    const keys = Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith("last|"));
    assert.deepEqual(keys, [`last|7|https://x.com|${CLONE.key}`], "kept per tab and site");
    // Another tab's page (or another site's renderer in tab 7) names the profile tab 7 checked.
    for (const from of [{ tabId: 8 }, { url: "https://www.instagram.com/someone/" }]) {
      assert.equal((await sendToWorker(browser, { type: "report", reason: "other", ...CLONE }, from)).ok, true);
      assert.equal(seen.at(-1).url, "/v1/reports");
      assert.equal("avatar_hash" in seen.at(-1).body, false, JSON.stringify(from));
    }
    // Tab 7's own Report carries its check's fingerprint, as before.
    await sendToWorker(browser, { type: "report", reason: "other", ...CLONE });
    assert.equal(seen.at(-1).body.avatar_hash, "c0ffee00c0ffee00");
  });

  test("'This is my real friend' saves nothing by itself: it opens the extension's window", async () => {
    await Vault.createVault(PASS);
    browser.tabs.created.length = 0;
    assert.deepEqual(await sendToWorker(browser, { type: "friend", ...CLONE }), { ok: true });
    assert.deepEqual(await Vault.readSecrets(), { contacts: [], apiKey: "" });
    assert.equal(browser.tabs.created.length, 1);
    assert.match(browser.tabs.created[0].url, /popup\/popup\.html\?tab=7$/);
  });

  test("messages from elsewhere are ignored", async () => {
    assert.equal(await sendToWorker(browser, { type: "check", ...CLONE }, { id: "another-extension" }), undefined);
    assert.equal(seen.length, 0);
  });

  test("the keyboard shortcut wipes everything at once", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND], apiKey: "hk_secret_api_key" });
    await sendToWorker(browser, { type: "check", ...CLONE });
    await sendToWorker(browser, { type: "dismiss", key: CLONE.key });
    assert.notEqual(await everythingStored(browser), JSON.stringify({ local: {}, session: {}, sync: {} }));
    await Promise.all(browser.commands.onCommand.emit("wipe"));
    assert.equal(await everythingStored(browser), JSON.stringify({ local: {}, session: {}, sync: {} }));
    assert.deepEqual([...browser.alarms.scheduled.keys()], ["haris-tick"], "no alarm says Haris was used lately");
    assert.ok(browser.tabs.messages.some((m) => m.tabId === 7 && m.message.type === "forget" && m.message.quiet), "nor a banner in a page");
  });

  test("a wipe is final: a check under way when the popup wipes keeps nothing, sets no badge and draws nothing", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    await sendToWorker(browser, { type: "dismiss", key: "x:id:1" });
    let release;
    held = new Promise((resolve) => (release = resolve));
    try {
      const checking = sendToWorker(browser, { type: "check", ...CLONE });
      while (seen.length === 0) await settle(1); // the server has the request: the check is under way
      const wiped = await sendToWorker(browser, { type: "wipe" }, { tabId: null, url: POPUP });
      assert.deepEqual(wiped, { ok: true });
      assert.equal(await everythingStored(browser), EMPTY);
      assert.equal(browser.action.badges.get(7), "");
      release();
      assert.deepEqual(await checking, { stale: true }, "the page is told to show nothing");
      await settle();
      // The answer (a clone of a contact: "high") would have left the profile, its verdict and a "!".
      assert.equal(await everythingStored(browser), EMPTY);
      assert.equal(browser.action.badges.get(7), "");
      await saveSettings({ backendUrl: base, language: "en", bannerEverywhere: true });
      const after = await sendToWorker(browser, { type: "check", ...CLONE });
      assert.equal(after.view.state, "result", "checks made after the wipe work as before");
    } finally {
      release();
      held = null;
    }
  });

  test("a check sent with the contacts and answered after a lock leaves no finding about a contact readable", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    let release;
    held = new Promise((resolve) => (release = resolve));
    try {
      const checking = sendToWorker(browser, { type: "check", ...CLONE });
      while (seen.length === 0) await settle(1);
      assert.deepEqual(seen[0].body.contacts, [FRIEND], "sent with the contact");
      await Vault.lock();
      await settle();
      release();
      assert.deepEqual(await checking, { stale: true });
      await settle();
      // The answer names the contact ("looks like your contact Mohamed Saleh"): a per-tab record
      // or a cached verdict written now would keep it readable on the locked device.
      const kept = await everythingStored(browser);
      assert.equal(kept.includes("Mohamed Saleh"), false, kept);
      assert.equal(browser.action.badges.get(7) ?? "", "");
    } finally {
      release();
      held = null;
    }
  });

  test("the wipe message is taken from the extension's own pages only, never from a page's content script", async () => {
    await Vault.createVault(PASS, { contacts: [FRIEND] });
    const before = await everythingStored(browser);
    for (const url of [undefined, "https://x.com/mo_saleh", "https://evil.example/chrome-extension://haris"]) {
      assert.deepEqual(await sendToWorker(browser, { type: "wipe" }, { url }), { ok: false });
    }
    assert.equal(await everythingStored(browser), before, "the contacts are still there");
    const options = new URL("options/options.html", POPUP).href;
    assert.deepEqual(await sendToWorker(browser, { type: "wipe" }, { url: options }), { ok: true });
    assert.equal(await everythingStored(browser), EMPTY);
  });

  test("the popup's and options' wipe goes through the worker, and happens by itself when no worker answers", async () => {
    const { requestWipe } = await import("../../extension/shared/wipe.js");
    const asked = [];
    browser.runtime.sendMessage = (message) => (asked.push(message.type), sendToWorker(browser, message, { tabId: null, url: POPUP }));
    try {
      await Vault.createVault(PASS, { contacts: [FRIEND] });
      await requestWipe();
      assert.deepEqual(asked, ["wipe"]);
      assert.equal(await everythingStored(browser), EMPTY);
      await Vault.createVault(PASS, { contacts: [FRIEND] });
      browser.runtime.sendMessage = async () => {
        throw new Error("Could not establish connection. Receiving end does not exist.");
      };
      await requestWipe();
      assert.equal(await everythingStored(browser), EMPTY);
    } finally {
      delete browser.runtime.sendMessage;
    }
  });

  test("page setup: the low-risk banner is off by default", async () => {
    await saveSettings({ bannerEverywhere: false });
    assert.equal((await sendToWorker(browser, { type: "pageSetup" })).everywhere, false);
    await saveSettings({ bannerEverywhere: true });
    assert.equal((await sendToWorker(browser, { type: "pageSetup" })).everywhere, true);
  });
});

describe("finding 20: the avatar fetch", () => {
  const image = (url, redirected = false, body = new Response(new Uint8Array([1, 2, 3])).body, headers = {}) =>
    ({ ok: true, url, redirected, headers: new Headers({ "Content-Type": "image/png", ...headers }), body, arrayBuffer: () => new Response(body).arrayBuffer() });

  test("follows no redirect, and refuses an answer from anywhere but the allowed CDNs", async () => {
    const inits = [];
    const direct = await fetchAvatar(async (url, init) => (inits.push(init), image(url)), "https://pbs.twimg.com/profile_images/1/a.png");
    assert.equal(direct, "AQID");
    assert.equal(inits[0].redirect, "error");
    assert.equal(inits[0].credentials, "omit");
    assert.equal(inits[0].cache, "no-store", "not kept in the browser's disk cache under Haris's name");
    // A fetch that followed a redirect anyway (an open redirect on the CDN to a loopback server).
    const moved = await fetchAvatar(async () => image("http://127.0.0.1:5000/secret", true), "https://pbs.twimg.com/profile_images/1/a.png");
    assert.equal(moved, null);
    const elsewhere = await fetchAvatar(async () => image("https://evil.example/a.png"), "https://pbs.twimg.com/profile_images/1/a.png");
    assert.equal(elsewhere, null);
    assert.equal(await fetchAvatar(async () => image("x"), "http://pbs.twimg.com/a.png"), null, "https only");
  });

  test("a huge file on the CDN costs at most the photo limit: refused by its declared length, or cut off while read", async () => {
    const url = "https://scontent.cdninstagram.com/v/huge.jpg";
    const MB = 1024 * 1024;
    let pulled = 0;
    const endless = new ReadableStream({
      pull(controller) {
        pulled += MB;
        controller.enqueue(new Uint8Array(MB));
        if (pulled >= 256 * MB) controller.close();
      },
    }, { highWaterMark: 0 });
    assert.equal(await fetchAvatar(async () => image(url, false, endless), url), null);
    assert.ok(pulled <= 6 * MB, `read ${pulled / MB} MB of a 256 MB file`);
    let touched = false;
    const declared = new ReadableStream({ pull() { touched = true; } }, { highWaterMark: 0 });
    assert.equal(await fetchAvatar(async () => image(url, false, declared, { "Content-Length": String(64 * MB) }), url), null);
    assert.equal(touched, false, "a declared length over the limit is not read at all");
    const fine = new Response(new Uint8Array(3 * MB).fill(7)).body;
    assert.equal((await fetchAvatar(async () => image(url, false, fine), url)).length, Math.ceil((3 * MB) / 3) * 4);
  });
});

// Red-team finding: content scripts could read `local` storage (the vault's ciphertext) and watch
// every change of it. The worker closes `session`, `local` and `sync` to content scripts where the
// browser has setAccessLevel on them (Chromium 140 and later: fake-browser.mjs's `accessLevels`),
// at every start; the content script then reads nothing from storage and learns of a new
// language, contact list, server or banner setting from the worker's REFRESH message.
// (tests/browser/test_storage_access.py shows the same in a real Chromium's content-script world.)
import assert from "node:assert/strict";
import { after, beforeEach, describe, test } from "node:test";
import { clearEverything, installFakeBrowser } from "./fake-browser.mjs";
import { contentScriptAt, fixture, source, MANIFEST_SCRIPTS, strings } from "./helpers.mjs";

const browser = installFakeBrowser({ accessLevels: ["session", "local", "sync"] });
// Every setAccessLevel call, in order. `sync` refuses (a browser may refuse an area): the other
// areas must be closed all the same, and the refusal must not escape as an unhandled rejection.
const calls = [];
for (const name of ["session", "local", "sync"]) {
  const area = browser.storage[name];
  const real = area.setAccessLevel;
  area.setAccessLevel = async (options) => {
    calls.push([name, options.accessLevel]);
    if (name === "sync") throw new Error("refused");
    return real(options);
  };
}
const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
process.on("unhandledRejection", onUnhandled);
after(() => process.off("unhandledRejection", onUnhandled));

const { restrictStorageAccess } = await import("../../extension/background/storage-access.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
await import("../../extension/background/service-worker.js");

/** Let the worker's pending promises (storage events, the tabs it tells) run. */
async function settle() {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}
const refreshes = () => browser.tabs.messages.filter((m) => m.message.type === "refresh");
const EVERY_AREA = [["session", "TRUSTED_CONTEXTS"], ["local", "TRUSTED_CONTEXTS"], ["sync", "TRUSTED_CONTEXTS"]];

describe("the worker closes storage to content scripts", () => {
  test("at start: session, local and sync, each asked for the extension's own pages only; a refusal stops no other", async () => {
    await settle();
    assert.deepEqual(calls, EVERY_AREA);
    assert.equal(browser.storage.session.accessLevel, "TRUSTED_CONTEXTS");
    assert.equal(browser.storage.local.accessLevel, "TRUSTED_CONTEXTS", "an older version's records, until they are moved");
    assert.equal(browser.storage.sync.accessLevel, "TRUSTED_AND_UNTRUSTED_CONTEXTS", "sync refused; left as it was");
    assert.deepEqual(unhandled, []);
  });

  test("again at install or update and at browser start-up", async () => {
    calls.length = 0;
    browser.runtime.onInstalled.emit({ reason: "update" });
    await settle();
    assert.deepEqual(calls, EVERY_AREA);
    calls.length = 0;
    browser.runtime.onStartup.emit();
    await settle();
    assert.deepEqual(calls, EVERY_AREA);
    assert.deepEqual(unhandled, []);
  });

  test("where an area has no setAccessLevel (Firefox; Chromium before 140 for local), it is left alone; a throwing one is caught", async () => {
    const local = browser.storage.local.setAccessLevel;
    const session = browser.storage.session.setAccessLevel;
    try {
      delete browser.storage.local.setAccessLevel;
      browser.storage.local.accessLevel = "TRUSTED_AND_UNTRUSTED_CONTEXTS";
      calls.length = 0;
      assert.deepEqual(await restrictStorageAccess(), ["session"]);
      assert.deepEqual(calls.map(([name]) => name), ["session", "sync"]);
      assert.equal(browser.storage.local.accessLevel, "TRUSTED_AND_UNTRUSTED_CONTEXTS");
      // A method that throws at once instead of rejecting (an unknown argument, say).
      browser.storage.session.setAccessLevel = () => {
        throw new TypeError("Invalid invocation");
      };
      assert.deepEqual(await restrictStorageAccess(), []);
    } finally {
      browser.storage.local.setAccessLevel = local;
      browser.storage.session.setAccessLevel = session;
    }
    assert.deepEqual(await restrictStorageAccess(), ["session", "local"]);
    assert.equal(browser.storage.local.accessLevel, "TRUSTED_CONTEXTS");
  });
});

describe("the worker tells the pages what they can no longer watch (REFRESH)", () => {
  beforeEach(async () => {
    await clearEverything(browser);
    await settle();
    browser.tabs.messages.length = 0;
  });

  // The settings are in the extension's IndexedDB (shared/settings.js), which has no change event:
  // their writes tell the worker through session storage (`settingsWritten`).
  for (const [key, value] of [["language", "ar"], ["backendUrl", "https://haris.example"], ["bannerEverywhere", true], ["pageSilent", true]]) {
    test(`a change of ${key}: every tab is told once, and told nothing of what changed`, async () => {
      await saveSettings({ [key]: value });
      await settle();
      assert.deepEqual(refreshes(), [{ tabId: 7, message: { type: "refresh" } }]);
    });
  }

  test("a write of the vault's record (in IndexedDB, which has no change event: shared/vault-store.js): every tab is told once", async () => {
    await browser.storage.session.set({ vaultWritten: "a1" });
    await settle();
    assert.deepEqual(refreshes(), [{ tabId: 7, message: { type: "refresh" } }]);
  });

  test("a setting saved again unchanged tells no tab; a new one does", async () => {
    await saveSettings({ language: "fr" });
    await settle();
    browser.tabs.messages.length = 0;
    await saveSettings({ language: "fr" });
    await settle();
    assert.deepEqual(refreshes(), []);
    await saveSettings({ language: "en" });
    await settle();
    assert.equal(refreshes().length, 1);
  });

  test("settings a page does not use (the health counter, the lock delay) and session changes tell no tab", async () => {
    await saveSettings({ healthCounter: true, autoLockMinutes: 15 });
    await browser.storage.session.set({ "v|x:id:1": { at: 1 } });
    await settle();
    assert.deepEqual(refreshes(), []);
  });

  test("the pages are told only once the verdicts checked with the old contacts are gone", async () => {
    await browser.storage.session.set({ "v|x:id:999999": { view: { state: "result" } }, "tab|7": { view: {} } });
    const atSend = [];
    const send = browser.tabs.sendMessage;
    browser.tabs.sendMessage = async (tabId, message) => {
      // (vaultWritten, the write's own signal, stays: it names nothing.)
      atSend.push(Object.keys(await browser.storage.session.get(null)).filter((k) => k !== "vaultWritten"));
      return send(tabId, message);
    };
    try {
      await browser.storage.session.set({ vaultWritten: "b2" });
      await settle();
    } finally {
      browser.tabs.sendMessage = send;
    }
    assert.deepEqual(atSend, [[]], "no cached verdict or tab report left when the page asks again");
  });

  test("a tab without Haris's content script refuses the message: the others are still told", async () => {
    const query = browser.tabs.query;
    const send = browser.tabs.sendMessage;
    browser.tabs.query = async () => [{ id: 3 }, { id: 7 }];
    browser.tabs.sendMessage = (tabId, message) => (tabId === 3 ? Promise.reject(new Error("Receiving end does not exist.")) : send(tabId, message));
    try {
      await saveSettings({ language: "fr" });
      await settle();
    } finally {
      browser.tabs.query = query;
      browser.tabs.sendMessage = send;
    }
    assert.deepEqual(refreshes(), [{ tabId: 7, message: { type: "refresh" } }]);
    assert.deepEqual(unhandled, []);
  });
});

describe("the content script reads nothing of storage", () => {
  test("no content script the manifest loads names the storage API", () => {
    for (const file of MANIFEST_SCRIPTS) assert.equal(/\.storage\b/.test(source(file)), false, `${file} reaches storage`);
  });

  const TELEGRAM = fixture("telegram/reconstructed-a-base.html")
    .split("-->")
    .map((part, i) => (i === 0 ? part : part.replace("@@AVATAR@@", '<div class="Avatar no-photo" data-peer-id="7001234567">NK</div>').replace(/@@[A-Z_]+@@/g, "")))
    .join("-->");

  test("the worker's REFRESH: new strings from the worker, the banner redrawn in the new language, the profile checked again", async () => {
    // A page without `chrome.storage` (helpers.mjs): the content script starts and works without it.
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM);
    const drawn = [];
    const render = page.window.Haris.Banner.prototype.render;
    page.window.Haris.Banner.prototype.render = function (view, t, locale) {
      drawn.push({ locale, dir: t.dir });
      return render.call(this, view, t, locale);
    };
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    assert.equal(page.sent.filter((m) => m.type === "pageSetup").length, 1);
    assert.equal(drawn.at(-1).locale, "en");

    // Another extension cannot make the page ask or check again.
    page.setup.locale = "ar";
    page.setup.strings = strings("ar");
    page.deliver({ type: "refresh" }, "another-extension");
    await page.advance(2000);
    assert.equal(page.sent.filter((m) => m.type === "pageSetup").length, 1);
    assert.equal(page.checks().length, 1);

    page.deliver({ type: "refresh" });
    await page.advance(2000);
    assert.equal(page.sent.filter((m) => m.type === "pageSetup").length, 2, "the strings and settings asked of the worker again");
    assert.equal(page.checks().length, 2);
    assert.equal(page.checks()[1].force, true, "checked again past the cached answer, with the new contacts or server");
    assert.deepEqual(drawn.at(-1), { locale: "ar", dir: "rtl" });
  });

  test("the worker's REFRESH with 'Nothing in the page' now chosen: the banner goes", async () => {
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM);
    const host = () => {
      const first = page.document.body.previousElementSibling;
      return first && /^[a-z]+-[a-z]+$/.test(first.localName) ? first : null;
    };
    await page.advance(2000);
    assert.ok(host(), "a banner is drawn");
    page.setup.silent = true;
    page.deliver({ type: "refresh" });
    await page.advance(2000);
    assert.equal(host(), null);
  });
});

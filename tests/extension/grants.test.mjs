// Red-team pass, a seized device: the browser keeps the origins it granted Haris on disk, in clear,
// outside Haris's storage (Chromium's Preferences, Firefox's extension-preferences.json). The
// server's address can name the organisation a user works with: a wipe must not leave it there,
// nor a new server leave the old ones listed. Against fake-browser.mjs, whose permissions refuse,
// as Chromium's do, to remove what the manifest asks for at install.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { clearEverything, installFakeBrowser, sendToWorker } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const { saveSettings } = await import("../../extension/shared/settings.js");
const { giveBackOrigins } = await import("../../extension/shared/grants.js");
await import("../../extension/background/service-worker.js");

const SERVER = "https://haris.example.org/*";
const EARLIER = "https://ngo-helpdesk.example.net/*";
const required = async () => (await browser.permissions.getAll()).origins.filter((o) => !browser.permissions.origins.includes(o));

beforeEach(async () => {
  await clearEverything(browser);
  await browser.permissions.request({ origins: [EARLIER] });
  await browser.permissions.request({ origins: [SERVER] });
  await saveSettings({ backendUrl: "https://haris.example.org" });
});

test("the wipe gives back every server the user allowed: the browser's own record no longer names one", async () => {
  const before = await required();
  const popup = browser.runtime.getURL("popup/popup.html");
  assert.deepEqual(await sendToWorker(browser, { type: "wipe" }, { url: popup, tabId: null }), { ok: true });
  assert.deepEqual(browser.permissions.origins, []);
  assert.deepEqual(await required(), before, "the manifest's own stay");
});

test("saving a server gives back the ones chosen before, and keeps the one in use", async () => {
  assert.deepEqual(await giveBackOrigins(SERVER), [EARLIER]);
  assert.deepEqual(browser.permissions.origins, [SERVER]);
  // A browser without the API, or one that refuses, stops nothing.
  const remove = browser.permissions.remove;
  browser.permissions.remove = async () => {
    throw new Error("refused");
  };
  assert.deepEqual(await giveBackOrigins(), []);
  browser.permissions.remove = remove;
});

// Firefox keeps the user's consent to send technical data (the health counter's, asked in
// Options) among what it granted Haris: left after a wipe, it would say that the counter was once on.
const CONSENT = { data_collection: ["technicalAndInteraction"] };
const wipeFromPopup = () => sendToWorker(browser, { type: "wipe" }, { url: browser.runtime.getURL("popup/popup.html"), tabId: null });

test("the wipe gives back Firefox's data-collection consent, and only that one", async () => {
  await browser.permissions.request(CONSENT);
  const required = (await browser.permissions.getAll()).data_collection.filter((k) => k !== "technicalAndInteraction");
  assert.deepEqual(await wipeFromPopup(), { ok: true });
  assert.deepEqual(browser.permissions.dataCollection, [], "the consent is no longer granted");
  assert.deepEqual((await browser.permissions.getAll()).data_collection, required, "the manifest's required ones are not asked for");
});

test("a consent never granted is not asked to be given back", async () => {
  const asked = [];
  const remove = browser.permissions.remove;
  browser.permissions.remove = async (what) => {
    asked.push(what);
    return remove(what);
  };
  try {
    assert.deepEqual(await wipeFromPopup(), { ok: true });
  } finally {
    browser.permissions.remove = remove;
  }
  assert.equal(asked.some((what) => "data_collection" in what), false);
});

test("Chromium, which has no data-collection permission: the wipe still gives back the servers and ends", async () => {
  // Chromium lists no `data_collection` and refuses a key it does not know.
  const { getAll, remove } = browser.permissions;
  browser.permissions.getAll = async () => {
    const { data_collection: _none, ...rest } = await getAll();
    return rest;
  };
  browser.permissions.remove = async (what) => {
    if (Object.keys(what).some((k) => k !== "origins" && k !== "permissions")) throw new TypeError(`Unexpected property: ${Object.keys(what)}`);
    return remove(what);
  };
  try {
    assert.deepEqual(await wipeFromPopup(), { ok: true });
  } finally {
    Object.assign(browser.permissions, { getAll, remove });
  }
  assert.deepEqual(browser.permissions.origins, []);
});

// Options' health-counter switch (background/health.js chooseHealth): turning it off gives back
// what turning it on was granted, as the wipe does; the choice itself is in the settings.
const { chooseHealth } = await import("../../extension/background/health.js");
const { getSettings } = await import("../../extension/shared/settings.js");
const asFirefox = () => {
  browser.runtime.getBrowserInfo = async () => ({ name: "Firefox", version: "140.0" });
};

test("Firefox: turning the health counter off gives back its data-collection consent, and nothing else", async () => {
  asFirefox();
  try {
    assert.equal(await chooseHealth(true), true);
    assert.deepEqual(browser.permissions.dataCollection, ["technicalAndInteraction"], "asked when turned on");
    assert.equal((await getSettings()).healthCounter, true);
    assert.equal(await chooseHealth(false), false);
    assert.equal((await getSettings()).healthCounter, false);
    assert.deepEqual(browser.permissions.dataCollection, [], "the consent is no longer granted");
    assert.deepEqual(browser.permissions.origins, [EARLIER, SERVER], "the server's origin stays: checks use it");
  } finally {
    delete browser.runtime.getBrowserInfo;
  }
});

test("Firefox: a consent refused turns nothing on, and is not asked back", async () => {
  asFirefox();
  const request = browser.permissions.request;
  browser.permissions.request = async () => false;
  try {
    assert.equal(await chooseHealth(true), false);
    assert.equal((await getSettings()).healthCounter, false);
  } finally {
    browser.permissions.request = request;
    delete browser.runtime.getBrowserInfo;
  }
});

test("Chromium, which asks nothing of its own for the counter: turning it off gives back no origin and asks no data_collection key", async () => {
  const asked = [];
  const remove = browser.permissions.remove;
  browser.permissions.remove = async (what) => {
    asked.push(what);
    return remove(what);
  };
  const { getAll } = browser.permissions;
  browser.permissions.getAll = async () => {
    const { data_collection: _none, ...rest } = await getAll();
    return rest;
  };
  try {
    assert.equal(await chooseHealth(true), true);
    assert.deepEqual(browser.permissions.dataCollection, [], "Chromium asks no consent");
    assert.equal(await chooseHealth(false), false);
  } finally {
    Object.assign(browser.permissions, { getAll, remove });
  }
  assert.deepEqual(asked, []);
  assert.deepEqual(browser.permissions.origins, [EARLIER, SERVER]);
});

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

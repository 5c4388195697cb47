// shared/urls.js parsedUrl: the one place the worker reads an address it was handed (a sender's
// page, a record's site), answering null for what is not an absolute URL instead of throwing.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { installFakeBrowser, sendToWorker } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const { parsedUrl } = await import("../../extension/shared/urls.js");
const { lastKey } = await import("../../extension/background/check.js");
await import("../../extension/background/service-worker.js");

/** What platformOf and originOf did before the helper, each with its own try block. */
function oldParse(value) {
  try {
    return new URL(value);
  } catch (_error) {
    return null;
  }
}

const INPUTS = [
  "https://x.com/someone", "https://WWW.Facebook.com:443/p?q#h", "http://127.0.0.1:5000/", "https://t.me/user",
  "data:text/html,hi", "about:blank", "blob:https://x.com/1234", "x.com/someone", "/someone", "", " ",
  "https://", "https://exa mple.com/", "http://[::1", undefined, null, 42, {}, { toString: () => "https://x.com/a" },
];

describe("parsedUrl", () => {
  test("an absolute URL as URL, anything else null, never a throw: as each try block answered", () => {
    for (const value of INPUTS) {
      const before = oldParse(value);
      const after = parsedUrl(value);
      assert.equal(after === null, before === null, String(value));
      if (before) assert.equal(after.href, before.href, String(value));
    }
    assert.equal(parsedUrl("https://x.com/someone").hostname, "x.com");
    assert.equal(parsedUrl("not a url"), null);
    assert.equal(parsedUrl(undefined), null);
  });

  test("check.js originOf through lastKey: the site's origin, or nothing kept for a malformed address", () => {
    assert.equal(lastKey(3, "https://x.com/someone?x=1", "x:id:1"), "last|3|https://x.com|x:id:1");
    assert.equal(lastKey(3, "not a url", "x:id:1"), null);
    assert.equal(lastKey(3, undefined, "x:id:1"), null);
  });

  test("service-worker.js platformOf: a sender's platform by its host; a malformed address is no platform", async () => {
    const key = "x:id:77";
    assert.deepEqual(await sendToWorker(browser, { type: "dismiss", key }, { url: "https://x.com/someone" }), { ok: true });
    assert.deepEqual(await sendToWorker(browser, { type: "isDismissed", key }, { url: "https://mobile.x.com/other" }), { dismissed: true });
    // Facebook's page is not answered about X's profiles.
    assert.notDeepEqual(await sendToWorker(browser, { type: "isDismissed", key }, { url: "https://www.facebook.com/p" }), { dismissed: true });
  });
});

// Red team against the extractors: a page element no extractor expects must cost the check of the
// field it spoils at most, never the whole profile (an extractor that throws reads as "nothing to
// check", and the banner already drawn is taken down at the next scan).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fixture, pageAt } from "./helpers.mjs";

const X_URL = "https://x.com/kikobeats";
const X_FIXTURE = "x/real-kikobeats-2025-12-23.html";

function readWithLink(href, withImage) {
  const window = pageAt(X_URL, { fixture: X_FIXTURE });
  const link = window.document.createElement("a");
  link.setAttribute("href", href);
  link.textContent = "1,234";
  if (withImage) link.appendChild(window.document.createElement("img"));
  const column = window.document.querySelector('[data-testid="primaryColumn"]');
  column.insertBefore(link, column.firstChild);
  return window.Haris.readPage(window.document, window.location);
}

describe("X (the real 2025 page): a link whose address cannot be parsed", () => {
  const plain = (() => {
    const window = pageAt(X_URL, { fixture: X_FIXTURE });
    return JSON.parse(JSON.stringify(window.Haris.readPage(window.document, window.location)));
  })();

  for (const [href, withImage] of [["http://[/following", false], ["http://[/verified_followers", false], ["http://[/photo", true]]) {
    test(`"${href}" in the primary column before the header: the profile is read as without it`, () => {
      const outcome = JSON.parse(JSON.stringify(readWithLink(href, withImage)));
      assert.equal(outcome.status, "profile");
      assert.deepEqual(outcome.found, plain.found);
    });
  }
});

describe("Facebook (invented m.facebook.com profile): a page address tag that cannot be parsed", () => {
  test("a canonical link \"http://[\" is no address of the profile's, and the profile is still read", () => {
    const url = "https://m.facebook.com/profile.php?id=61558800011122";
    const plain = pageAt(url, { fixture: "facebook/invented-mobile.html" });
    const html = fixture("facebook/invented-mobile.html").replace("<head>", '<head><link rel="canonical" href="http://[">');
    const spoiled = pageAt(url, { html });
    const outcome = JSON.parse(JSON.stringify(spoiled.Haris.readPage(spoiled.document, spoiled.location)));
    assert.equal(outcome.status, "profile");
    assert.deepEqual(outcome.found, JSON.parse(JSON.stringify(plain.Haris.extractProfile(plain.document, plain.location))));
  });
});

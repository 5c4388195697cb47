// Helpers shared by the extractors (extension/content/common.js), and the one extractor shape.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pageAt } from "./helpers.mjs";

const window = pageAt("https://x.com/", { html: "" });
const { parseCount, parseJoined, visibleText, labelledValues } = window.Haris.util;

describe("helpers", () => {
  test("parseCount reads the ways platforms print counts", () => {
    const cases = {
      "1,234": 1234, "1.234": 1234, "1 234": 1234, "1\u202f234 abonnés": 1234, "12": 12, "1.2K": 1200,
      "12,5 k": 12500, "3.4M followers": 3400000, "١٬٢٣٤": 1234, "٣": 3, "١٫٥ ألف": 1500, "2 Mio": 2000000,
      "\u200f٢٦ ألف متابع": 26000, "23.9K posts": 23900,
    };
    for (const [text, expected] of Object.entries(cases)) assert.equal(parseCount(text), expected, text);
  });

  test("parseCount reads the multipliers of Arabic and French UIs and ignores what follows the word", () => {
    const cases = {
      "1.2 ك": 1200, "١٫٢ك": 1200, "12 الف": 12000, "١٠ آلاف": 10000, "٢٠ ألفًا": 20000, "5 mille": 5000,
      "1,2 Mio.": 1200000, "1,5 mln": 1500000, "\u200f٢٫٥ مليون\u200f": 2500000, "2K+": 2000, "10K+ followers": 10000,
      "3,7\u00a0k J’aime": 3700, "12\u202fk abonnés": 12000, "1,2\u00a0M": 1200000, "\u061c١٬٢٣٤\u061c": 1234,
      "\u2068١٫٢\u2069 ألف": 1200,
    };
    for (const [text, expected] of Object.entries(cases)) assert.equal(parseCount(text), expected, text);
  });

  test("parseCount reads every space and mark real pages put in a number, Persian digits and words, grouped decimals", () => {
    const cases = {
      // Figure, hair, thin and ideographic spaces as group separators; zero-width ones and word joiners inside.
      "1\u2007234": 1234, "1\u200a234\u200a567": 1234567, "1\u2009234": 1234, "12\u3000k": 12000,
      "1\u200b234": 1234, "\u2060١٬٢٣٤\u2060": 1234, "\ufeff3,893 Followers": 3893,
      // RTL marks on both sides and inside, as Arabic UIs wrap numbers.
      "\u200f\u202b١٬٢٣٤\u202c\u200f متابع": 1234, "\u200e1.2K\u200e": 1200, "\u2067١٫٢\u2069\u00a0ألف": 1200,
      // Persian digits and separators, and the Persian words for thousand and million.
      "۱۲۳": 123, "۱٬۲۳۴": 1234, "۱٫۲ هزار": 1200, "۲٫۵ میلیون": 2500000,
      // A grouped number and a decimal with another mark before a multiplier.
      "1,234.5K": 1234500, "1 234,5 k": 1234500, "1\u202f234,5\u00a0k abonnés": 1234500,
      // The forms the brief lists, each once.
      "1.2M": 1200000, "١٫٢ ألف": 1200, "1,2 M abonnés": 1200000, "12 k": 12000, "12 mille": 12000,
    };
    for (const [text, expected] of Object.entries(cases)) assert.equal(parseCount(text), expected, JSON.stringify(text));
  });

  test("parseCount refuses CJK multipliers (out of scope) rather than reading a wrong number", () => {
    for (const text of ["1.2万", "3.4億", "1,2万人"]) assert.equal(parseCount(text), null, text);
  });

  test("parseCount refuses what it cannot read with confidence", () => {
    for (const text of ["", "followers", "1,23", "1.2345", null]) assert.equal(parseCount(text), null, String(text));
  });

  test("parseJoined reads month and year, and the day when one is printed, in English, French and Arabic", () => {
    const cases = {
      "Joined June 2011": "2011-06", "A rejoint X en mars 2015": "2015-03", "Membre depuis août 2019": "2019-08",
      "انضم في نوفمبر ٢٠٢٦": "2026-11", "انضم في تشرين الثاني 2020": "2020-11", "انضم في كانون الثاني 2020": "2020-01",
      "Page created - January 7, 2009": "2009-01-07", "Créée le 7 janvier 2009": "2009-01-07", "١٢ مارس ٢٠١٥": "2015-03-12",
      "Joined 12 June 2011": "2011-06-12", "1er avril 2020": "2020-04-01",
    };
    for (const [text, expected] of Object.entries(cases)) assert.equal(parseJoined(text), expected, text);
    assert.equal(parseJoined("Joined recently"), null);
    assert.equal(parseJoined("Joined 2011"), null, "a year alone is not a month");
    assert.equal(parseJoined("February 30, 2020"), "2020-02", "an impossible day is left out");
    // The year's last digits are not a day written before the month.
    assert.equal(parseJoined("Joined 2010 January"), "2010-01");
    assert.equal(parseJoined("انضم في ٢٠١٥ مارس"), "2015-03");
    // Egyptian spellings of June and July.
    assert.equal(parseJoined("انضم في يونيه ٢٠١٥"), "2015-06");
    assert.equal(parseJoined("تم إنشاء الصفحة - ٣ يوليه ٢٠٠٩"), "2009-07-03");
  });

  test("visibleText reads emoji images, skips what the page hides and icons' titles", () => {
    const node = window.document.createElement("div");
    node.innerHTML = `<span>Hi </span><img alt="👋"><span aria-hidden="true">http://</span>site.example<svg><title>Verified</title></svg><span style="display:none">old</span><br>second`;
    assert.equal(visibleText(node), "Hi 👋site.example second");
  });

  test("labelledValues reads label/value pairs and 'label - value' lines", () => {
    const node = window.document.createElement("div");
    node.innerHTML = `<div><span>Account based in</span></div><div><span>Egypt</span></div><div><span>Page created - January 7, 2009</span></div>`;
    assert.deepEqual({ ...labelledValues(node, { based_in: /^account based in$/i, joined: /^page created$/i }) }, { based_in: "Egypt", joined: "January 7, 2009" });
    // A label printed with its colon, the value in the next block (French puts a space before it).
    node.innerHTML = `<div><span>Compte basé en :</span></div><div><span>Maroc</span></div><div><span>تاريخ الانضمام:</span></div><div><span>مارس ٢٠١٥</span></div>`;
    assert.deepEqual({ ...labelledValues(node, { based_in: /^compte basé en$/i, joined: /^تاريخ الانضمام$/i }) }, { based_in: "Maroc", joined: "مارس ٢٠١٥" });
  });
});

describe("one extractor shape", () => {
  test("every platform registers {platform, matches, extract} with a version and its core fields", () => {
    const extractors = window.Haris.extractors;
    assert.deepEqual(JSON.parse(JSON.stringify(Array.from(extractors, (e) => e.platform).sort())), ["facebook", "instagram", "telegram", "x"]);
    for (const extractor of extractors) {
      assert.equal(typeof extractor.matches, "function", extractor.platform);
      assert.equal(typeof extractor.extract, "function", extractor.platform);
      assert.match(extractor.version, /^\d{4}\.\d+$/, extractor.platform);
      const core = typeof extractor.core === "function" ? extractor.core(new URL("https://example.org/")) : extractor.core;
      assert.ok(core.length > 0, extractor.platform);
      assert.equal(typeof extractor.expects, "function", extractor.platform);
    }
  });

  test("readPage says why a page gave nothing, without page content: none, skipped, error, profile + missing core", () => {
    const read = (url, html) => {
      const page = pageAt(url, { html });
      const outcome = page.Haris.readPage(page.document, page.location);
      return JSON.parse(JSON.stringify({ ...outcome, found: outcome.found && outcome.found.key }));
    };
    assert.deepEqual(read("https://example.org/", "<p>hi</p>"), { platform: null, version: null, status: "none", found: null, missing: [], core: [], expected: false });
    assert.equal(read("https://x.com/home", "<main></main>").status, "skipped");
    const bare = read("https://x.com/sara_h", `<div data-testid="primaryColumn"><div data-testid="UserName"><div dir="ltr"><span>Sara</span></div></div></div>`);
    assert.deepEqual({ status: bare.status, found: bare.found, missing: bare.missing }, { status: "profile", found: "x:h:sara_h", missing: ["followers", "has_avatar"] });
    // A layout that throws is an "error" outcome, never an exception in the user's tab.
    const page = pageAt("https://x.com/sara_h", { html: "" });
    page.Haris.register({ platform: "x", version: "0.0", core: [], matches: () => true, extract: () => { throw new Error("layout changed"); } });
    assert.equal(page.Haris.readPage(page.document, page.location).status, "error");
  });
});

describe("embedded data is searched once per script", () => {
  test("each inline script is searched once per key, again when its text changes, and the first find wins", () => {
    const window = pageAt("https://www.instagram.com/someone/", { html: '<script>{"a":1}</script><script src="x.js"></script><script>{"username":"someone","id":"42"}</script>' });
    const searched = [];
    const search = (text) => (searched.push(text), text.match(/"id":"(\d+)"/)?.[1]);
    const { scriptSearch } = window.Haris.util;
    assert.equal(scriptSearch(window.document, "k", search), "42");
    assert.equal(scriptSearch(window.document, "k", search), "42");
    assert.equal(searched.length, 2, "two inline scripts, each searched once for the two scans");
    scriptSearch(window.document, "other", search);
    assert.equal(searched.length, 4, "another key is another search");
    window.document.scripts[2].textContent = '{"username":"someone","id":"4242"}';
    assert.equal(scriptSearch(window.document, "k", search), "4242", "a script rewritten in place is searched anew");
  });
});

// The health counter's content-script half (extension/content/health.js) in jsdom with a fake
// clock: one judged outcome per visit of a profile page, after the page had time to render,
// carrying no address, handle, name or time; and the core fields chosen per platform hold on the
// real saved pages.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contentScriptAt, fixture, pageAt } from "./helpers.mjs";

const SETTLE_MS = 10_000;
const healthOf = (page) => page.sent.filter((m) => m.type === "health");
const BARE_X = `<div data-testid="primaryColumn"><div data-testid="UserName"><div dir="ltr"><span>Sara Haddad</span></div></div></div>`;

describe("one judged visit per profile page", () => {
  test("a complete real X profile: one 'complete' after the page settled, with no address, handle or name", async () => {
    const page = contentScriptAt("https://x.com/Kikobeats", fixture("x/real-kikobeats-2025-12-23.html"));
    await page.advance(SETTLE_MS - 1000);
    assert.equal(healthOf(page).length, 0, "not judged before the page had time to render");
    await page.advance(2000);
    assert.deepEqual(healthOf(page), [{ type: "health", platform: "x", version: "2026.9", outcome: "complete", missing: [] }]);
    page.document.body.append(page.document.createElement("p")); // the page keeps changing
    await page.advance(3 * SETTLE_MS);
    assert.equal(healthOf(page).length, 1, "a visit is judged once");
    assert.equal(page.checks().length, 1, "the check went its own way, before");
  });

  test("a profile missing core fields: 'incomplete' with the field names only", async () => {
    const page = contentScriptAt("https://x.com/sara_h", `<body>${BARE_X}</body>`);
    await page.advance(SETTLE_MS + 1000);
    const [sent] = healthOf(page);
    assert.deepEqual(sent, { type: "health", platform: "x", version: "2026.9", outcome: "incomplete", missing: ["followers", "has_avatar"] });
    const text = JSON.stringify(sent).toLowerCase();
    for (const content of ["sara", "haddad", "x.com", "http"]) assert.ok(!text.includes(content), content);
  });

  test("fields drawn after the first look count: a header completed at 4 s is 'complete'", async () => {
    const page = contentScriptAt("https://x.com/sara_h", `<body>${BARE_X}</body>`);
    await page.advance(4000);
    page.document.querySelector('[data-testid="UserName"]').insertAdjacentHTML(
      "afterend",
      `<a href="/sara_h/followers"><span>1,204</span> Followers</a><a href="/sara_h/photo"><img src="https://pbs.twimg.com/profile_images/1/s_200x200.jpg"></a>`,
    );
    await page.advance(SETTLE_MS);
    assert.deepEqual(healthOf(page).map((m) => [m.outcome, m.missing]), [["complete", []]]);
  });

  test("a profile's address that never shows a profile (the server HTML before X's app runs): 'no_profile'", async () => {
    const page = contentScriptAt("https://x.com/Kikobeats", fixture("x/real-kikobeats-2024-12-07-shell.html"));
    await page.advance(SETTLE_MS + 1000);
    assert.deepEqual(healthOf(page).map((m) => m.outcome), ["no_profile"]);
    assert.equal(page.checks().length, 0);
  });

  test("an extractor that throws on a profile's address: 'error'", async () => {
    const page = contentScriptAt("https://x.com/sara_h", `<body>${BARE_X}</body>`);
    const x = page.window.Haris.extractors.find((e) => e.platform === "x");
    page.window.Haris.register({ ...x, extract: () => { throw new Error("a layout it does not understand"); } });
    await page.advance(SETTLE_MS + 1000);
    assert.deepEqual(healthOf(page).map((m) => m.outcome), ["error"]);
  });

  test("pages that are not a profile's are not counted: X's home, a Facebook login wall, a Telegram group", async () => {
    const pages = [
      contentScriptAt("https://x.com/home", "<main><p>Home</p></main>"),
      contentScriptAt("https://x.com/sara_h/followers", "<main><p>Followers</p></main>"),
      contentScriptAt("https://www.facebook.com/some.profile", fixture("facebook/invented-login.html")),
      contentScriptAt("https://web.telegram.org/a/#-1001234567", "<div id='RightColumn'><div class='Profile'></div></div>"),
    ];
    for (const page of pages) await page.advance(SETTLE_MS + 1000);
    assert.deepEqual(pages.map((page) => healthOf(page).length), [0, 0, 0, 0]);
  });

  test("a visit cut short by in-app navigation is not counted; the next page's is", async () => {
    const page = contentScriptAt("https://x.com/sara_h", `<body>${BARE_X}</body>`);
    await page.advance(4000);
    page.window.history.pushState({}, "", "/Kikobeats");
    page.document.body.innerHTML = fixture("x/real-kikobeats-2025-12-23.html").match(/<body[^>]*>([\s\S]*)<\/body>/)[1];
    await page.advance(SETTLE_MS + 1000);
    assert.deepEqual(healthOf(page).map((m) => m.outcome), ["complete"], "only the visit that lasted");
    page.window.history.pushState({}, "", "/sara_h");
    page.document.body.innerHTML = BARE_X;
    await page.advance(SETTLE_MS + 1000);
    assert.deepEqual(healthOf(page).map((m) => m.outcome), ["complete", "incomplete"], "coming back is a new visit");
  });
});

describe("core fields per platform hold on the pages a person sees", () => {
  // Every rendered profile page we have, real or invented, at its address: no core field missing.
  const RENDERED = [
    ["https://x.com/Kikobeats", "x/real-kikobeats-2025-12-23.html"],
    ["https://x.com/layla_h1987", "x/invented-desktop.html"],
    ["https://mobile.x.com/m_salih", "x/invented-mobile.html"],
    ["https://x.com/m_salih/about", "x/invented-about.html"],
    ["https://www.instagram.com/pluto__travel/", "instagram/real-pluto__travel-2021-06-09-rendered.html"],
    ["https://www.instagram.com/nour.khalil.art/", "instagram/invented-desktop.html"],
    ["https://www.instagram.com/rania.azzam.studio/", "instagram/invented-server-2024.html"],
    ["https://www.instagram.com/sara19283746/", "instagram/invented-mobile.html"],
    ["https://www.facebook.com/heymeedan", "facebook/real-heymeedan-2023-01-31.html"],
    ["https://www.facebook.com/heymeedan/", "facebook/real-heymeedan-2022-08-29-oldpage.html"],
    ["https://www.facebook.com/hala.ahed.rights", "facebook/invented-desktop.html"],
    ["https://m.facebook.com/profile.php?id=61558800011122", "facebook/invented-mobile.html"],
    ["https://m.facebook.com/salam.media.net/", "facebook/invented-m-page.html"],
    ["https://www.facebook.com/karim.nasser.law", "facebook/invented-personal-2025.html"],
    ["https://web.telegram.org/a/#7001234567", "telegram/invented-a.html"],
    ["https://web.telegram.org/a/#7001234567", "telegram/reconstructed-a1-minimized-photo.html"],
    ["https://web.telegram.org/a/#7001234567", "telegram/reconstructed-a2-multi-usernames.html"],
    ["https://web.telegram.org/k/#@karim_mansour_news", "telegram/invented-k.html"],
    ["https://t.me/nour_khalil", "telegram/derived-tme-user-nour_khalil.html"],
  ];

  for (const [url, name] of RENDERED) {
    test(`${name}: a profile's address, read with every core field`, () => {
      const page = pageAt(url, { fixture: name });
      const outcome = page.Haris.readPage(page.document, page.location);
      assert.deepEqual({ expected: outcome.expected, status: outcome.status, missing: [...outcome.missing] }, { expected: true, status: "profile", missing: [] });
    });
  }

  test("captures taken before the app drew the profile are profile addresses without a complete profile", () => {
    const shell = pageAt("https://x.com/Kikobeats", { fixture: "x/real-kikobeats-2024-12-07-shell.html" });
    const xShell = shell.Haris.readPage(shell.document, shell.location);
    assert.deepEqual([xShell.expected, xShell.status], [true, "skipped"]);
    const app = pageAt("https://www.instagram.com/megadeth/", { fixture: "instagram/real-megadeth-2022-08-23-shell.html" });
    const igShell = app.Haris.readPage(app.document, app.location);
    assert.deepEqual([igShell.expected, igShell.status, [...igShell.missing]], [true, "profile", ["followers", "has_avatar"]]);
  });

  test("the core lists: a name where every account has one, counts and photos where every page shows them", () => {
    const page = pageAt("https://example.org/", { html: "" });
    const core = Object.fromEntries(Array.from(page.Haris.extractors, (e) => [e.platform, e.core]));
    const at = (url) => new URL(url);
    assert.deepEqual([...core.x(at("https://x.com/a_b"))], ["display_name", "followers", "has_avatar"]);
    assert.deepEqual([...core.x(at("https://x.com/a_b/about"))], ["joined"]);
    assert.deepEqual([...core.instagram], ["followers", "has_avatar"], "a name is optional on Instagram");
    assert.deepEqual([...core.facebook], ["display_name", "has_avatar"]);
    assert.deepEqual([...core.telegram(at("https://web.telegram.org/a/#7001234567"))], ["display_name"], "Web A never tells no photo from loading");
    assert.deepEqual([...core.telegram(at("https://t.me/nour_khalil"))], ["display_name", "handle"]);
  });

  test("t.me: a channel's page is no profile address; a user's page whose layout changed is", () => {
    const channel = pageAt("https://t.me/unlimitedhangout", { fixture: "telegram/real-unlimitedhangout-tme-channel.html" });
    const none = channel.Haris.readPage(channel.document, channel.location);
    assert.deepEqual([none.expected, none.status], [false, "skipped"]);
    // The name's block renamed: the page still shows a user's "@name" line, and nothing is read.
    const html = fixture("telegram/derived-tme-user-nour_khalil.html").replace('class="tgme_page_title"', 'class="tgme_page_name"');
    const changed = pageAt("https://t.me/nour_khalil", { html });
    const outcome = changed.Haris.readPage(changed.document, changed.location);
    assert.deepEqual([outcome.expected, outcome.platform, outcome.status], [true, "telegram", "skipped"]);
  });
});

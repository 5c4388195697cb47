// Extractor tests: each platform's profile pages (desktop and mobile layouts) as saved fixtures.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractAt, pageAt } from "./helpers.mjs";

describe("X", () => {
  test("desktop: JSON-LD gives id, exact join date and counts; DOM gives the rest", () => {
    assert.deepEqual(extractAt("https://x.com/layla_h1987", { fixture: "x-desktop.html" }), {
      platform: "x",
      key: "x:id:301245778",
      profile: {
        handle: "layla_h1987",
        profile_url: "https://x.com/layla_h1987",
        account_id: "301245778",
        display_name: "Layla Haddad",
        bio: "Architect in Amman. Coffee, maps, and old cities.",
        joined: "2011-06-14",
        followers: 1834,
        following: 412,
        posts: 5120,
        verified: false,
        private: false,
        has_avatar: true,
      },
      avatar: { url: "https://pbs.twimg.com/profile_images/1790000000000000001/aBcD_200x200.jpg" },
    });
  });

  test("mobile, French UI, after in-app navigation: stale JSON-LD of the previous profile is ignored", () => {
    const found = extractAt("https://mobile.x.com/m_salih", { fixture: "x-mobile.html" });
    assert.deepEqual(found.profile, {
      handle: "m_salih",
      profile_url: "https://x.com/m_salih",
      display_name: "Mohammed Salih",
      verified: true,
      bio: "",
      joined: "2015-03",
      followers: 12500,
      following: 1204,
      posts: 1200,
      private: false,
      has_avatar: true,
    });
    assert.equal(found.key, "x:h:m_salih");
    assert.equal(found.profile.account_id, undefined, "the JSON-LD names @layla_h1987, not this profile");
  });

  test("twitter.com and profile tabs are profiles; posts, lists and X's own pages are not", () => {
    assert.equal(extractAt("https://twitter.com/layla_h1987/media", { fixture: "x-desktop.html" }).profile.account_id, "301245778");
    for (const path of ["/home", "/explore", "/layla_h1987/status/1790000000000000009", "/i/lists/12", "/search?q=x"]) {
      assert.equal(extractAt(`https://x.com${path}`, { fixture: "x-desktop.html" }), null, path);
    }
  });

  test("the default egg avatar means no photo, and nothing to download", () => {
    const html = `<div data-testid="UserName"><span>Sara</span><span>@sara19283746</span></div>
      <a href="/sara19283746/photo"><img src="https://abs.twimg.com/sticky/default_profile_images/default_profile_200x200.png"></a>`;
    const found = extractAt("https://x.com/sara19283746", { html });
    assert.equal(found.profile.has_avatar, false);
    assert.equal(found.avatar, null);
    assert.equal(found.profile.bio, "", "a rendered header without a bio block means an empty bio");
  });

  test("a page still loading (no header, no schema) is not checked yet", () => {
    assert.equal(extractAt("https://x.com/layla_h1987", { html: "<div id=react-root></div>" }), null);
  });
});

describe("Instagram", () => {
  test("desktop, fresh load: Open Graph counts, embedded profile id, header structure", () => {
    assert.deepEqual(extractAt("https://www.instagram.com/nour.khalil.art/", { fixture: "instagram-desktop.html" }), {
      platform: "instagram",
      key: "instagram:id:5521987341",
      profile: {
        handle: "nour.khalil.art",
        profile_url: "https://www.instagram.com/nour.khalil.art/",
        display_name: "Nour Khalil",
        followers: 2451,
        following: 318,
        posts: 87,
        account_id: "5521987341",
        verified: true,
        bio: "Illustrator · Beirut → Marseille ✏️ commissions open",
        private: false,
        has_avatar: true,
      },
      avatar: {
        url: "https://scontent-cdg4-1.cdninstagram.com/v/t51.2885-19/123_n.jpg?stp=dst-jpg_s150x150&_nc_ht=scontent-cdg4-1.cdninstagram.com",
      },
    });
  });

  test("mobile, Arabic UI, after in-app navigation: stale tags ignored, Arabic digits read", () => {
    const found = extractAt("https://www.instagram.com/sara19283746/", { fixture: "instagram-mobile.html" });
    assert.deepEqual(found.profile, {
      handle: "sara19283746",
      profile_url: "https://www.instagram.com/sara19283746/",
      followers: 3,
      following: 900,
      posts: 0,
      verified: false,
      display_name: "سارة",
      private: true,
      has_avatar: false,
    });
    assert.equal(found.key, "instagram:h:sara19283746");
    assert.equal(found.avatar, null, "the anonymous silhouette is not downloaded");
  });

  test("posts, reels and Instagram's own pages are not profiles", () => {
    for (const path of ["/p/C0ffee123/", "/explore/", "/reels/", "/direct/inbox/", "/nour.khalil.art/p/x/"]) {
      assert.equal(extractAt(`https://www.instagram.com${path}`, { fixture: "instagram-desktop.html" }), null, path);
    }
  });
});

describe("Facebook", () => {
  test("desktop vanity URL: id from the embedded vanity/id pair, SVG picture, Intro card", () => {
    assert.deepEqual(extractAt("https://www.facebook.com/hala.ahed.rights", { fixture: "facebook-desktop.html" }), {
      platform: "facebook",
      key: "facebook:id:100004567890123",
      profile: {
        handle: "hala.ahed.rights",
        account_id: "100004567890123",
        profile_url: "https://www.facebook.com/hala.ahed.rights",
        display_name: "Hala Ahed",
        verified: true,
        followers: 12000,
        following: 301,
        bio: "Human-rights defender. Lawyer. Views my own.",
        joined: "2012-03",
        has_avatar: true,
      },
      avatar: { url: "https://scontent.fbey5-1.fna.fbcdn.net/v/t39.30808-1/p200x200/hala.jpg?_nc_cat=1&ccb=1-7" },
    });
  });

  test("the vanity/id pair of another profile is not used", () => {
    const found = extractAt("https://www.facebook.com/someone.else.here", { fixture: "facebook-desktop.html" });
    assert.equal(found.profile.account_id, undefined);
    assert.equal(found.key, "facebook:h:someone.else.here");
  });

  test("mobile profile.php, Arabic UI: id from the URL, name from the cover, Arabic dates and digits", () => {
    assert.deepEqual(extractAt("https://m.facebook.com/profile.php?id=61558800011122", { fixture: "facebook-mobile.html" }), {
      platform: "facebook",
      key: "facebook:id:61558800011122",
      profile: {
        account_id: "61558800011122",
        profile_url: "https://www.facebook.com/profile.php?id=61558800011122",
        display_name: "هالة عاهد",
        verified: false,
        followers: 3,
        joined: "2026-11",
        has_avatar: true,
      },
      avatar: { url: "https://scontent.fcai19-2.fna.fbcdn.net/v/t39.30808-1/c0.0.100.100/p100x100/clone.jpg" },
    });
  });

  test("feeds, groups and settings are not profiles", () => {
    for (const path of ["/", "/groups/123", "/watch", "/marketplace/", "/hala.ahed.rights/posts/pfbid0abc/x"]) {
      assert.equal(extractAt(`https://www.facebook.com${path}`, { fixture: "facebook-desktop.html" }), null, path);
    }
  });
});

describe("Telegram Web", () => {
  test("Web K, desktop: peer id, rows recognised by caption, blob avatar read by the page", () => {
    assert.deepEqual(extractAt("https://web.telegram.org/k/#@karim_mansour_news", { fixture: "telegram-k.html" }), {
      platform: "telegram",
      key: "telegram:id:5123456789",
      profile: {
        account_id: "5123456789",
        bio: "Journalist. DMs open for tips, PGP on request.",
        handle: "karim_mansour_news",
        profile_url: "https://t.me/karim_mansour_news",
        display_name: "Karim Mansour",
        verified: true,
        has_avatar: true,
      },
      avatar: { blobUrl: "blob:https://web.telegram.org/4b6f1c1e-8a7d-4c55-9d0e-1f2e3d4c5b6a" },
    });
  });

  test("Web A, mobile, French UI, no photo", () => {
    assert.deepEqual(extractAt("https://web.telegram.org/a/#7001234567", { fixture: "telegram-a.html" }), {
      platform: "telegram",
      key: "telegram:id:7001234567",
      profile: {
        account_id: "7001234567",
        handle: "yasmine_b_2026",
        profile_url: "https://t.me/yasmine_b_2026",
        display_name: "Yasmine B.",
        verified: false,
        has_avatar: false,
      },
      avatar: null,
    });
  });

  test("a chat without the profile panel open, or a channel, is not checked", () => {
    assert.equal(extractAt("https://web.telegram.org/k/#@karim_mansour_news", { html: "<div id=column-center></div>" }), null);
    const channel = `<div id="RightColumn"><div class="Profile"><div class="ProfilePhoto" data-peer-id="-1001234567890"></div><h3 class="fullName">News</h3></div></div>`;
    assert.equal(extractAt("https://web.telegram.org/a/#-1001234567890", { html: channel }), null);
  });
});

describe("helpers", () => {
  const { parseCount, parseJoined } = pageAt("https://x.com/", { html: "" }).Haris.util;

  test("parseCount reads the ways platforms print counts", () => {
    const cases = {
      "1,234": 1234, "1.234": 1234, "1 234": 1234, "1\u202f234 abonnés": 1234, "12": 12, "1.2K": 1200,
      "12,5 k": 12500, "3.4M followers": 3400000, "١٬٢٣٤": 1234, "٣": 3, "١٫٥ ألف": 1500, "2 Mio": 2000000,
    };
    for (const [text, expected] of Object.entries(cases)) assert.equal(parseCount(text), expected, text);
  });

  test("parseCount refuses what it cannot read with confidence", () => {
    for (const text of ["", "followers", "1,23", "1.2345", null]) assert.equal(parseCount(text), null, String(text));
  });

  test("parseJoined reads month and year in English, French and Arabic", () => {
    const cases = {
      "Joined June 2011": "2011-06", "A rejoint X en mars 2015": "2015-03", "Membre depuis août 2019": "2019-08",
      "انضم في نوفمبر ٢٠٢٦": "2026-11", "انضم في تشرين الثاني 2020": "2020-11", "انضم في كانون الثاني 2020": "2020-01",
    };
    for (const [text, expected] of Object.entries(cases)) assert.equal(parseJoined(text), expected, text);
    assert.equal(parseJoined("Joined recently"), null);
    assert.equal(parseJoined("Joined 2011"), null, "a year alone is not a month");
  });
});

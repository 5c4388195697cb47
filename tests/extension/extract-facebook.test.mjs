// Facebook extractor on real saved pages (fixtures/facebook/real-*) and invented ones.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { derive } from "./derive.mjs";
import { extractAt, fixture, pageAt } from "./helpers.mjs";

const PAGE_2023 = "facebook/real-heymeedan-2023-01-31.html";
const PAGE_2022 = "facebook/real-heymeedan-2022-08-29-oldpage.html";

/** Extract from one loaded window at other addresses (parsing a 1 MB page once). */
function extractFrom(window, url) {
  return JSON.parse(JSON.stringify(window.Haris.extractProfile(window.document, new URL(url))));
}

describe("Facebook, real pages", () => {
  test("heymeedan, 2023 profile-style Page layout, logged out: what the page shows, id from the vanity/id pair", () => {
    assert.deepEqual(extractAt("https://www.facebook.com/heymeedan", { fixture: PAGE_2023 }), {
      platform: "facebook",
      key: "facebook:h:heymeedan",
      profile: {
        handle: "heymeedan",
        account_id: "100067935271247",
        // Its old Page id, in the page's own account object for this vanity ("delegate_page").
        account_ids: ["54421674438"],
        profile_url: "https://www.facebook.com/heymeedan",
        display_name: "Meedan",
        verified: false,
        followers: 3700, // "3.7K followers": the page prints no exact count
        bio: "Make sense of the global web.",
        has_avatar: true,
      },
      avatar: {
        url: "https://scontent-lax3-1.xx.fbcdn.net/v/t39.30808-1/310513247_435753678699138_2623398131510754475_n.png?stp=dst-png_p480x480&_nc_cat=110&ccb=1-7&_nc_sid=c6021c&_nc_ohc=d6UgzKKHMJ8AX9tPN2o&_nc_ht=scontent-lax3-1.xx&oh=00_AfCbAaA11HZ2gUaRJPUC0HygEF0fqhvXiZTcrSunT8VSAQ&oe=63DDB83C",
      },
    });
  });

  test("heymeedan, retired 2022 Pages layout: followers printed as text, bio from the About card, creation date, page id", () => {
    assert.deepEqual(extractAt("https://www.facebook.com/heymeedan/", { fixture: PAGE_2022 }), {
      platform: "facebook",
      key: "facebook:h:heymeedan",
      profile: {
        handle: "heymeedan",
        account_id: "54421674438", // the Page id, bound to the vanity in the embedded data
        profile_url: "https://www.facebook.com/heymeedan",
        display_name: "Meedan",
        verified: false, // "Verified account" in "Pages Liked by This Page" is another Page's
        followers: 3846, // "3,846 people follow this" (3,738 like it: not followers)
        bio: "Make sense of the global web.",
        joined: "2009-01-07", // Page transparency: "Page created - January 7, 2009"
        has_avatar: true,
      },
      avatar: {
        url: "https://scontent-sjc3-1.xx.fbcdn.net/v/t1.6435-1/48405270_10156958756529439_588050386544230400_n.png?stp=dst-png_p148x148&_nc_cat=103&ccb=1-7&_nc_sid=1eb0c7&_nc_ohc=w2hdxeS94B8AX_zmwZp&_nc_ht=scontent-sjc3-1.xx&oh=00_AT-tNizSyA8Ln6DN4td99caXG1HebfpcNbkJsRebrTyzMg&oe=6332ED6F",
      },
    });
  });

  test("another profile's address over a real page (in-app navigation): nothing of heymeedan's header is read", () => {
    // The address changes before Facebook redraws: the name, picture, Intro and counts on screen
    // are heymeedan's, and its tab bar says so. Read under another vanity or id, they gave that
    // account heymeedan's name (and, at /profile.php?id=, bound that id to it).
    const window = pageAt("https://www.facebook.com/heymeedan", { fixture: PAGE_2023 });
    for (const url of ["https://www.facebook.com/someone.else.here", "https://www.facebook.com/profile.php?id=100000000000001", "https://www.facebook.com/Someone-Else-123456789012345/"]) {
      assert.equal(extractFrom(window, url), null, url);
    }
    // Its own addresses still read it: its vanity in another case or with a dot (Facebook ignores
    // both in usernames), its profile id, its Page id.
    for (const url of ["https://www.facebook.com/HeyMeedan", "https://www.facebook.com/hey.meedan", "https://www.facebook.com/profile.php?id=100067935271247", "https://www.facebook.com/Meedan-54421674438/"]) {
      assert.equal(extractFrom(window, url).profile.display_name, "Meedan", url);
    }
  });

  test("posts, photos, videos, groups, search and the feed over a real page yield nothing", () => {
    const window = pageAt("https://www.facebook.com/heymeedan", { fixture: PAGE_2023 });
    for (const path of [
      "/", "/heymeedan/posts/pfbid0abc", "/heymeedan/videos/1522700938072473/", "/photo/?fbid=435753682032471",
      "/groups/123456/", "/watch/?v=1", "/search/top?q=meedan", "/permalink.php?story_fbid=1&id=2", "/story.php?story_fbid=1",
      "/events/123/", "/marketplace/", "/settings/?tab=account", "/pages/category/media/", "/hashtag/news", "/reel/123",
    ]) {
      assert.equal(extractFrom(window, `https://www.facebook.com${path}`), null, path);
    }
  });
});

// The real pages as Facebook serves them in French and Arabic and in other states
// (fixtures/PROVENANCE.md, "Derived pages"): labels, number and date formats, language and direction.
const MEEDAN = "https://www.facebook.com/heymeedan";
const FB_HTML = '<html id="facebook" class="_9dls __fb-light-mode" lang="en" dir="ltr">';
const FB_FRENCH = [FB_HTML, FB_HTML.replace('lang="en"', 'lang="fr"')];
const FB_ARABIC = [FB_HTML, FB_HTML.replace('lang="en" dir="ltr"', 'lang="ar" dir="rtl"')];

describe("Facebook, the real pages in French and Arabic and in other states (derived)", () => {
  const fields = (found) => {
    const { display_name, followers, bio, joined, verified, account_id, has_avatar } = found.profile;
    return { display_name, followers, bio, joined, verified, account_id, has_avatar };
  };

  test("2023 layout in French and Arabic (rtl): counts with 'k' and 'ألف', the Intro card under its own title", () => {
    const english = fields(extractAt(MEEDAN, { fixture: PAGE_2023 }));
    const french = derive(PAGE_2023, [FB_FRENCH, [">3.7K likes<", ">3,7\u00a0k J’aime<"], [">3.7K followers<", ">3,7\u00a0k followers<"], [">Intro<", ">Présentation<"]]);
    const arabic = derive(PAGE_2023, [FB_ARABIC, [">3.7K likes<", ">\u200f٣٫٧ ألف تسجيل إعجاب<"], [">3.7K followers<", ">\u200f٣٫٧ ألف متابع<"], [">Intro<", ">نبذة مختصرة<"]]);
    assert.deepEqual(fields(extractAt(MEEDAN, { html: french })), english);
    assert.deepEqual(fields(extractAt(MEEDAN, { html: arabic })), english);
  });

  test("2022 Pages layout in French and Arabic: 'personnes suivent ça', 'يتابع … شخصًا هذه الصفحة', the creation date", () => {
    const english = fields(extractAt(MEEDAN, { fixture: PAGE_2022 }));
    const follows = /3,846\s+people follow this/;
    const french = derive(PAGE_2022, [FB_FRENCH, [follows, "3\u202f846 personnes suivent ça"], ["Page created - January 7, 2009", "Page créée - 7 janvier 2009"]]);
    const arabic = derive(PAGE_2022, [FB_ARABIC, [follows, "يتابع ٣٬٨٤٦ شخصًا هذه الصفحة"], ["Page created - January 7, 2009", "تم إنشاء الصفحة - ٧ يناير ٢٠٠٩"]]);
    const arabic2 = derive(PAGE_2022, [FB_ARABIC, [follows, "\u200f٣٬٨٤٦ شخصًا يتابعون هذا"]]);
    assert.deepEqual(fields(extractAt(MEEDAN, { html: french })), english);
    assert.deepEqual(fields(extractAt(MEEDAN, { html: arabic })), english);
    assert.equal(extractAt(MEEDAN, { html: arabic2 }).profile.followers, 3846);
  });

  test("the verified badge next to the name as the Arabic and French UIs label it", () => {
    for (const label of ["حساب تم التحقق منه", "تم التحقق من الحساب", "حساب موثَّق", "Compte vérifié", "Page vérifiée"]) {
      const badge = `<span class="x3nfvp2"> <span><svg aria-label="${label}" role="img" viewBox="0 0 12 13" width="16"><title>${label}</title><g><path d="M6 0"></path></g></svg></span></span>`;
      const html = derive(PAGE_2023, [FB_ARABIC, [/(<h1 class="x1heor9g x1qlqyl8 x1pd3egz x1a2a7pz">Meedan)(<\/h1>)/, `$1${badge}$2`]]);
      const { profile } = extractAt(MEEDAN, { html });
      assert.equal(profile.verified, true, label);
      assert.equal(profile.display_name, "Meedan");
    }
  });

  test("a badge drawn as an image inside the name's heading is not part of the name; an emoji of the name is", () => {
    const heading = /(<h1 class="x1heor9g x1qlqyl8 x1pd3egz x1a2a7pz">Meedan)(<\/h1>)/;
    for (const [badge, name, verified] of [
      ['<span><img alt="Verified account" src="https://static.xx.fbcdn.net/rsrc.php/v3/verified.png"></span>', "Meedan", true],
      ['<img alt="حساب موثّق" src="https://static.xx.fbcdn.net/rsrc.php/v3/verified.png">', "Meedan", true],
      ['<span> <img alt="🌙" src="https://static.xx.fbcdn.net/images/emoji.php/v9/t4c/1/16/1f319.png"></span>', "Meedan 🌙", false],
    ]) {
      const { profile } = extractAt(MEEDAN, { html: derive(PAGE_2023, [[heading, `$1${badge}$2`]]) });
      assert.deepEqual([profile.display_name, profile.verified], [name, verified], badge);
    }
  });

  test("an icon next to the name under a label we do not know: verified is left unsaid, not 'no'", () => {
    const badge = (label) => `<span class="x3nfvp2"> <span><svg aria-label="${label}" role="img" viewBox="0 0 12 13" width="16"><title>${label}</title><g><path d="M6 0"></path></g></svg></span></span>`;
    const html = derive(PAGE_2023, [[/(<h1 class="x1heor9g x1qlqyl8 x1pd3egz x1a2a7pz">Meedan)(<\/h1>)/, `$1${badge("Doğrulanmış hesap")}$2`]]);
    const { profile } = extractAt(MEEDAN, { html });
    assert.equal(profile.verified, undefined);
    assert.equal(profile.display_name, "Meedan");
  });

  test("a cookie-consent dialog over a page not yet drawn: its heading is not the name", () => {
    const consent = '<div role="dialog" aria-label="Cookies"><h1>Autoriser l’utilisation des cookies de Facebook sur ce navigateur ?</h1><div role="button">Autoriser tous les cookies</div></div>';
    for (const [lang, title] of [["fr", "Autoriser l’utilisation des cookies de Facebook sur ce navigateur ?"], ["ar", "هل تريد السماح باستخدام ملفات تعريف الارتباط من فيسبوك على هذا المتصفح؟"]]) {
      const html = derive(PAGE_2023, [[FB_HTML, FB_HTML.replace('lang="en"', `lang="${lang}"`)], ['<body class="_6s5d _71pn _-kb sf">', `<body class="_6s5d _71pn _-kb sf">${consent.replace(/<h1>[^<]*/, `<h1>${title}`)}`], [/ role="main"/, ""]]);
      assert.equal(extractAt(MEEDAN, { html }).profile.display_name, "Meedan", lang);
    }
  });

  test("a page Facebook did not draw (no main region, no mobile hooks, no tags naming it) at a profile's address is no profile", () => {
    // Another project's test page (meedan/pender): one <h1>, no Facebook markup at all.
    for (const url of ["https://www.facebook.com/some.page", "https://www.facebook.com/profile.php?id=100000000000001", "https://m.facebook.com/some.page"]) {
      assert.equal(extractAt(url, { fixture: "facebook/other-pender-page-without-og-title.html" }), null, url);
    }
  });

  test("an unofficial Page in the classic layout (meedan/pender's meedan-old, 2022-08-29): the name, no badge, the picture; no followers or bio shown as such", () => {
    // A person reads "Meedan", "Nonprofit Organization", "Unofficial Page", the picture (from Wikipedia),
    // "66 likes" (likes, not followers) and an About card of Wikipedia's markup printed as text, with links
    // inside: no bio line is read from it. Other Pages' pictures in "Related Pages" are never the avatar.
    assert.deepEqual(extractAt("https://www.facebook.com/pages/Meedan/105510962816034", { fixture: "facebook/real-meedan-unofficial-2022-08-29-prefix.html" }), {
      platform: "facebook",
      key: "facebook:id:105510962816034",
      profile: {
        account_id: "105510962816034",
        profile_url: "https://www.facebook.com/profile.php?id=105510962816034",
        display_name: "Meedan",
        verified: false,
        has_avatar: true,
      },
      avatar: { url: "https://scontent-sjc3-1.xx.fbcdn.net/v/t1.30497-1/84702798_579370612644419_4516628711310622720_n.png?stp=c47.0.160.160a_dst-png_p160x160&_nc_cat=1&ccb=1-7&_nc_sid=dbb9e7&_nc_ohc=f2DVIMJDsCIAX81hLxC&_nc_ht=scontent-sjc3-1.xx&oh=00_AT-Jd_OxymBG1m7zqIXY19gLlERyn8vR57u9bOqHh0eMAg&oe=6331C909" },
    });
  });

  test("the real login wall Facebook served for a Page's address (meedan/pender, 2022-08-29): no profile, with or without its address tags", () => {
    // "Log Into Facebook", "You must log in to continue.", an e-mail and a password box; og:url /login/?next=…ironmaiden.
    const LOGIN = "facebook/real-ironmaiden-login-2022-08-29-prefix.html";
    const stripped = derive(LOGIN, [[/<meta property="og:url"\s+content="[^"]*">/, ""], [/<link rel="canonical" href="[^"]*">/, ""]]);
    for (const url of ["https://www.facebook.com/ironmaiden/?fref=ts", "https://www.facebook.com/ironmaiden", "https://m.facebook.com/ironmaiden", "https://www.facebook.com/profile.php?id=100044623170418"]) {
      assert.equal(extractAt(url, { fixture: LOGIN }), null, url);
      assert.equal(extractAt(url, { html: stripped }), null, `${url} without og:url and canonical`);
    }
  });

  test("a login wall in Arabic or French at a profile's address is no profile named 'Facebook'", () => {
    // Only the title and the password box tell: the wall's address tags are removed.
    const wall = (title, lang) => derive("facebook/invented-login.html", [
      ['<html lang="en"', `<html lang="${lang}"`], [/<title id="pageTitle">[^<]*<\/title>/, `<title id="pageTitle">${title}</title>`],
      [/<meta property="og:url"[^>]*>/, ""], [/<link rel="canonical"[^>]*>/, ""],
    ]);
    for (const [title, lang] of [["تسجيل الدخول إلى فيسبوك", "ar"], ["Se connecter à Facebook", "fr"], ["Facebook - Connexion ou inscription", "fr"], ["فيسبوك - تسجيل الدخول أو الاشتراك", "ar"], ["Log into Facebook", "en"]]) {
      assert.equal(extractAt("https://www.facebook.com/some.profile", { html: wall(title, lang) }), null, title);
    }
  });

  test("groups, events, marketplace, photos, posts, reels, search and Facebook's own pages on the real page give no profile", () => {
    const window = pageAt(MEEDAN, { fixture: PAGE_2023 });
    for (const path of ["/groups/123456789/", "/groups/123/posts/456/", "/events/123456789/", "/marketplace/item/123456789/", "/photo/?fbid=1&set=a.2",
      "/photo.php?fbid=1", "/heymeedan/photos/a.1/2/", "/heymeedan/posts/pfbid02abc", "/heymeedan/videos/123/", "/reel/123456", "/watch/?v=1",
      "/share/p/AbCdEf/", "/story.php?story_fbid=1&id=2", "/hashtag/meedan", "/search/top?q=meedan", "/stories/123/456/", "/media/set/?set=a.1",
      "/gaming/someone", "/confirmemail.php", "/dating", "/commerce/products/123/", "/friends/requests", "/settings?tab=profile", "/login/?next=%2Fheymeedan"]) {
      assert.equal(extractFrom(window, `https://www.facebook.com${path}`), null, path);
    }
  });
});

describe("Facebook, invented pages", () => {
  test("desktop vanity URL: id from the embedded vanity/id pair, SVG picture, Intro card", () => {
    assert.deepEqual(extractAt("https://www.facebook.com/hala.ahed.rights", { fixture: "facebook/invented-desktop.html" }), {
      platform: "facebook",
      key: "facebook:h:hala.ahed.rights",
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

  test("old mobile profile.php, Arabic UI: id from the URL, name from the cover, Arabic dates and digits", () => {
    assert.deepEqual(extractAt("https://m.facebook.com/profile.php?id=61558800011122", { fixture: "facebook/invented-mobile.html" }), {
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

  test("m.facebook.com Page (no h1, no main region): name and id from the tags, badge, photo, followers, bio", () => {
    assert.deepEqual(extractAt("https://m.facebook.com/salam.media.net/", { fixture: "facebook/invented-m-page.html" }), {
      platform: "facebook",
      key: "facebook:h:salam.media.net",
      profile: {
        handle: "salam.media.net",
        account_id: "100064400011122",
        profile_url: "https://www.facebook.com/salam.media.net",
        display_name: "شبكة سلام للإعلام",
        verified: true,
        followers: 13000,
        bio: "أخبار مستقلة من شمال أفريقيا.",
        has_avatar: true,
      },
      avatar: { url: "https://scontent.fcai19-3.fna.fbcdn.net/v/t39.30808-1/448000000_1_n.jpg?stp=dst-jpg_s200x200" },
    });
    // The badge of a post's author further down is not this Page's.
    const unbadged = fixture("facebook/invented-m-page.html").replace(/<div class="m" data-mcomponent="ImageArea"><img class="img" data-type="image" alt="حساب موثّق"[^>]*><\/div>/, "");
    assert.equal(extractAt("https://m.facebook.com/salam.media.net/", { html: unbadged }).profile.verified, false);
  });

  // The Page's account object, as the real 2023 capture writes one (real-heymeedan-2023-01-31:
  // its profile id, its vanity's address and its old Page id as "delegate_page"): it binds the
  // old address's id to the vanity the head and the tab bar name.
  const ANNOUR_OBJECT = '<script type="application/json">{"__typename":"User","id":"100064400099988","url":"https:\\/\\/www.facebook.com\\/Annour.Culture.Assoc","delegate_page":{"id":"108765432109876"}}</script></body>';
  const ANNOUR = derive("facebook/invented-arabic-page.html", [["</body>", ANNOUR_OBJECT]]);

  test("percent-encoded Arabic address /<name>-<id>/: the Page id from the URL, the rest from the header", () => {
    const url = `https://www.facebook.com/${encodeURIComponent("جمعية-النور-الثقافية-108765432109876")}/`;
    assert.deepEqual(extractAt(url, { html: ANNOUR }), {
      platform: "facebook",
      key: "facebook:id:108765432109876",
      profile: {
        account_id: "108765432109876",
        account_ids: ["100064400099988"],
        profile_url: "https://www.facebook.com/profile.php?id=108765432109876",
        display_name: "جمعية النور الثقافية",
        verified: false,
        followers: 26000,
        bio: "جمعية ثقافية في بيروت منذ ١٩٩٨.",
        has_avatar: true,
      },
      avatar: { url: "https://scontent-cdg4-1.xx.fbcdn.net/v/t39.30808-1/annour_p480x480.png" },
    });
    // The same address unencoded, and the /people/ and /pages/ forms, carry the id too.
    const window = pageAt(url, { html: ANNOUR });
    for (const other of ["https://www.facebook.com/جمعية-النور-الثقافية-108765432109876/", "https://www.facebook.com/pages/Annour/108765432109876", "https://www.facebook.com/108765432109876"]) {
      assert.equal(extractFrom(window, other).profile.account_id, "108765432109876", other);
    }
  });

  test("at an address by id whose data does not name that id, a header whose tabs name another vanity is not read (in-app navigation)", () => {
    // Without the account object, the head and the tab bar name the vanity and nothing binds the
    // address's id to it: exactly the previous profile's page left on screen after in-app
    // navigation to /profile.php?id=<someone else>. Absent, never that id under this name.
    for (const url of [`https://www.facebook.com/${encodeURIComponent("جمعية-النور-الثقافية-108765432109876")}/`, "https://www.facebook.com/profile.php?id=100000000000001"]) {
      assert.equal(extractAt(url, { fixture: "facebook/invented-arabic-page.html" }), null, url);
    }
    // With it, another id is still not this Page's.
    assert.equal(extractAt("https://www.facebook.com/profile.php?id=100000000000001", { html: ANNOUR }), null);
    // At its vanity, the page is read with or without it.
    assert.equal(extractAt("https://www.facebook.com/Annour.Culture.Assoc", { fixture: "facebook/invented-arabic-page.html" }).profile.display_name, "جمعية النور الثقافية");
  });

  test("a profile without a username at /p/<name>-<id>/ (Facebook's address for it since 2024): the id from the URL", () => {
    const window = pageAt("https://www.facebook.com/karim.nasser.law", { fixture: "facebook/invented-personal-2025.html" });
    for (const url of ["https://www.facebook.com/p/Karim-Nasser-100001234500001/", "https://m.facebook.com/p/%D9%83%D8%B1%D9%8A%D9%85-100001234500001/about"]) {
      const found = extractFrom(window, url);
      assert.equal(found.key, "facebook:id:100001234500001", url);
      assert.equal(found.profile.display_name, "Karim Nasser", url);
    }
    // Another id at that address over this header (in-app navigation), a post, and a bare /p/.
    for (const url of ["https://www.facebook.com/p/Someone-Else-100009999999999/", "https://www.facebook.com/p/Karim-Nasser-100001234500001/posts/123", "https://www.facebook.com/p/", "https://www.facebook.com/p/Karim-Nasser/"]) {
      assert.equal(extractFrom(window, url), null, url);
    }
  });

  test("'This content isn't available' at a profile's address (deactivated, or it blocked you): no profile, in en/fr/ar", () => {
    // Constructed: the main region as Facebook draws its error state (a heading, a line, links
    // back), with the wordings as Facebook's help pages and its users quote them; not a capture.
    const page = (lang, heading, line) => `<html lang="${lang}"><head><title>Facebook</title></head><body><div role="banner"><a aria-label="Facebook" href="/">facebook</a></div>
      <div role="main"><div><h2><span dir="auto">${heading}</span></h2><span dir="auto">${line}</span>
      <a href="/">Go to News Feed</a><a href="/help">Visit Help Center</a></div></div></body></html>`;
    const states = [
      ["en", "This content isn't available right now", "When this happens, it's usually because the owner only shared it with a small group of people."],
      ["en", "This Page Isn't Available", "The link may be broken, or the page may have been removed."],
      ["fr", "Ce contenu n’est pas disponible pour le moment", "Le propriétaire l’a peut-être partagé avec un petit groupe de personnes."],
      ["ar", "هذا المحتوى غير متاح حاليًا", "يحدث هذا عادةً لأن المالك شارك المحتوى مع مجموعة صغيرة."],
    ];
    for (const [lang, heading, line] of states) {
      for (const tag of ["h1", "h2"]) {
        const html = page(lang, heading, line).replaceAll("h2>", `${tag}>`);
        for (const url of ["https://www.facebook.com/nour.khalil.42", "https://www.facebook.com/profile.php?id=100001234500001", "https://m.facebook.com/nour.khalil.42"]) {
          const window = pageAt(url, { html });
          const extractor = window.Haris.extractors.find((e) => e.platform === "facebook");
          assert.equal(window.Haris.extractProfile(window.document, window.location), null, `${tag} ${heading} ${url}`);
          assert.equal(extractor.expects(window.document, window.location), false, `${tag} ${heading} ${url}`);
        }
      }
    }
    // A live profile whose feed holds a shared post that is gone: the profile is read.
    const shared = derive("facebook/invented-personal-2025.html", [['<div role="feed">', '<div role="feed"><div role="article"><h3>This content isn\'t available right now</h3></div>']]);
    assert.equal(extractAt("https://www.facebook.com/karim.nasser.law", { html: shared }).profile.display_name, "Karim Nasser");
  });

  test("personal profile, signed in (2025 layout): no mutual friends, no viewer picture, no feed badge", () => {
    const found = extractAt("https://www.facebook.com/karim.nasser.law", { fixture: "facebook/invented-personal-2025.html" });
    assert.deepEqual(found.profile, {
      handle: "karim.nasser.law",
      account_id: "100001234500001",
      profile_url: "https://www.facebook.com/karim.nasser.law",
      display_name: "Karim Nasser",
      verified: true,
      followers: 3400,
      following: 210,
      bio: "Lawyer in Amman 🇯🇴 Human rights, refugees.",
      has_avatar: true,
    });
    assert.equal(found.avatar.url, "https://scontent.fbey5-1.fna.fbcdn.net/v/t39.30808-1/karim_p200x200.jpg?_nc_cat=1");
    assert.equal("mutuals" in found.profile, false, "information about the viewer is never sent (security review 15)");
  });

  test("security finding 15: a mutual-friends link is not read", () => {
    const html = `<body><div role="main"><h1>Sara Hadid</h1>
      <a href="/sara.hadid.5/friends_mutual">12 mutual friends</a>
      <a href="/sara.hadid.5/followers">340 followers</a></div></body>`;
    assert.deepEqual(extractAt("https://www.facebook.com/sara.hadid.5", { html }).profile, {
      handle: "sara.hadid.5", profile_url: "https://www.facebook.com/sara.hadid.5", display_name: "Sara Hadid", verified: false, followers: 340,
    });
  });

  test("the account's own posts cannot pass for the header: no join date, counts, bio or picture read in the feed", () => {
    // A new account with no followers link, no bio and no picture of its own, whose posts (and a
    // comment under them, each a role=article in the feed) are written to look like Facebook's own lines.
    let html = fixture("facebook/invented-personal-2025.html");
    html = html.replace(/ •\s*<a href="https:\/\/www.facebook.com\/karim.nasser.law\/followers\/"[^]*?210 following<\/a>/, "");
    html = html.replace(/<div class="x2b8uid">.*?<\/div>/, "");
    html = html.replace(/<div class="x1rg5ohu">[^]*?<\/svg><\/a><\/div>/, "");
    const posts = `<div role="article"><h3><a href="/karim.nasser.law"><span>Karim Nasser</span></a></h3><div dir="auto">
        <div>Joined January 2009</div><div>Page created - March 2008</div><div>2.5M followers</div><div>55K following</div>
        <div><span>Intro</span></div><div>Doctor at the American Hospital.</div>
        <a href="https://www.facebook.com/100012345/followers">facebook.com/100012345/followers</a></div>
      <div role="article"><a aria-label="Mona Saleh" href="/mona.saleh"><svg aria-label="Mona Saleh" role="img"><image xlink:href="https://scontent.xx.fbcdn.net/v/t39.30808-1/mona_s40x40.jpg"></image></svg></a>
        <span>Page created · January 7, 2009</span></div></div>`;
    html = html.replace('<div role="feed">', `<div role="feed">${posts}`);
    const found = extractAt("https://www.facebook.com/karim.nasser.law", { html });
    assert.deepEqual(found.profile, {
      handle: "karim.nasser.law",
      account_id: "100001234500001",
      profile_url: "https://www.facebook.com/karim.nasser.law",
      display_name: "Karim Nasser",
      verified: true,
    });
    assert.equal(found.avatar, null, "a commenter's picture is not the profile's");
  });

  test("a link to another account's followers (in the Intro, outside the feed) is not this profile's count", () => {
    let html = fixture("facebook/invented-personal-2025.html");
    html = html.replace(/ •\s*<a href="https:\/\/www.facebook.com\/karim.nasser.law\/followers\/"[^]*?210 following<\/a>/, "");
    const links = `<div><a href="https://www.facebook.com/100012345/followers">facebook.com/100012345/followers</a>
      <a href="/big.page/followers/">2.5M followers</a><a href="https://evil.example/karim.nasser.law/followers">9M followers</a>
      <a href="/profile.php?id=100012345&amp;sk=following">55K following</a></div>`;
    html = html.replace('<div role="feed">', `${links}<div role="feed">`);
    const found = extractAt("https://www.facebook.com/karim.nasser.law", { html });
    assert.equal(found.profile.followers, undefined);
    assert.equal(found.profile.following, undefined);
    // Its own lists, by vanity or by the id the page binds to it, still count.
    const own = html.replace("</a>\n      <a href=\"/big.page/followers/\">", '</a>\n      <a href="/Karim.Nasser.Law/followers/">');
    assert.equal(extractAt("https://www.facebook.com/karim.nasser.law", { html: own }).profile.followers, 2_500_000);
    const byId = html.replace("/profile.php?id=100012345&amp;sk=following", "/profile.php?id=100001234500001&amp;sk=following");
    assert.equal(extractAt("https://www.facebook.com/karim.nasser.law", { html: byId }).profile.following, 55_000);
  });

  test("a login wall at a profile's address, and the default silhouette", () => {
    assert.equal(extractAt("https://www.facebook.com/some.profile", { fixture: "facebook/invented-login.html" }), null);
    const html = `<div role="main"><svg role="img"><image xlink:href="https://scontent.xx.fbcdn.net/v/t1.30497-1/84628273_176159830277856_972693363922829312_n.jpg?stp=c1.0.200.200"></image></svg><h1>Nobody Yet</h1></div>`;
    const found = extractAt("https://www.facebook.com/profile.php?id=61550000000001", { html });
    assert.equal(found.profile.has_avatar, false);
    assert.equal(found.avatar, null);
  });
});

// More real captures from meedan/pender's test data (fixtures/PROVENANCE.md, "More real pages from
// meedan/pender"): a Page whose name is in Arabic, and a Page's photos tab and two posts that are no profile.
const KOPTISCH = "facebook/real-koptisch-arabic-2023-01-31-prefix.html";
const KOPTISCH_URL = "https://www.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V";

describe("Facebook, more real pages from meedan/pender", () => {
  test("a Page named in Arabic, 2023 layout, English UI (2023-01-31): the Arabic name as shown, followers not likes, the Intro's own line", () => {
    // A person reads: the cover, the picture, "المركز الثقافي القبطي الأرثوذكسي بالمانيا", "25K likes • 27K followers",
    // no badge, and an Intro card: "Koptische Orthodoxes Kulturzentrum e.V", then "Page · Religious Center",
    // an address, "Price Range · $", "Rating · 4.8 (66 Reviews)". The server's tags add "25,769 likes":
    // likes, never followers. The Page's id is in its app links (fb://profile/…).
    const expected = {
      platform: "facebook",
      key: "facebook:h:koptisch.orthodoxes.kulturzentrum.e.v",
      profile: {
        handle: "Koptisch.Orthodoxes.Kulturzentrum.e.V",
        account_id: "100064435044283",
        profile_url: KOPTISCH_URL,
        display_name: "المركز الثقافي القبطي الأرثوذكسي بالمانيا",
        verified: false,
        followers: 27000, // "27K followers": the page prints no exact count
        bio: "Koptische Orthodoxes Kulturzentrum e.V",
        has_avatar: true,
      },
      avatar: {
        url: "https://scontent-lax3-1.xx.fbcdn.net/v/t39.30808-1/327258629_888927265582070_8126959935102938926_n.jpg?stp=dst-jpg_p200x200&_nc_cat=110&ccb=1-7&_nc_sid=c6021c&_nc_ohc=sCj7l_NIz6cAX_z_TUE&_nc_ht=scontent-lax3-1.xx&oh=00_AfCNSuVk2OYEbYzTK_94QqqiW5BQWgaoJOH_y_6B1Ew8Og&oe=63DEF503",
      },
    };
    // Its canonical address, and the Arabic-locale host its hreflang="ar" link names.
    for (const url of [KOPTISCH_URL, "https://ar-ar.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V"]) {
      assert.deepEqual(extractAt(url, { fixture: KOPTISCH }), expected, url);
    }
  });

  test("the Arabic-named Page in the Arabic and French UIs (derived): 'ألف' and 'k' counts, the Intro under its own title; category, price and rating lines are no bio", () => {
    const page = (edits) => extractAt(KOPTISCH_URL, { html: derive(KOPTISCH, edits) }).profile;
    const english = page([]);
    const arabicUi = [
      ['lang="en" dir="ltr"', 'lang="ar" dir="rtl"'], [">25K likes</a>", ">\u200f٢٥ ألف تسجيل إعجاب</a>"], [">27K followers</a>", ">\u200f٢٧ ألف متابع</a>"],
      [">Intro</span>", ">نبذة مختصرة</span>"], ["<b>Page</b> · Religious Center", "<b>صفحة</b> · مركز ديني"],
      ["Price Range · $", "نطاق الأسعار · $"], ["Rating · 4.8 (66 Reviews)", "التقييم · ٤٫٨ (٦٦ مراجعة)"],
    ];
    const frenchUi = [
      ['lang="en"', 'lang="fr"'], [">25K likes</a>", ">25\u00a0k J’aime</a>"], [">27K followers</a>", ">27\u00a0k followers</a>"],
      [">Intro</span>", ">Présentation</span>"], ["<b>Page</b> · Religious Center", "<b>Page</b> · Centre religieux"],
      ["Price Range · $", "Gamme de prix · $"], ["Rating · 4.8 (66 Reviews)", "Note · 4,8 (66 avis)"],
    ];
    assert.deepEqual(page(arabicUi), english);
    assert.deepEqual(page(frenchUi), english);
    // Without its own line the Intro card holds only the category, the address, the price range and
    // the rating: none of them is a bio, in any of the three UIs.
    const noBio = [/<div class="x2b8uid xdppsyt x1l90r2v"><span [^>]*>Koptische Orthodoxes Kulturzentrum e\.V <\/span><\/div>/, ""];
    for (const edits of [[noBio], [noBio, ...arabicUi], [noBio, ...frenchUi]]) {
      const found = page(edits);
      assert.equal(found.bio, undefined);
      assert.equal(found.followers, 27000);
    }
  });

  test("the Arabic-named Page with likes and no followers link (derived): likes are never taken for followers, in English or Arabic", () => {
    const followers = / • <a [^>]*href="https:\/\/www\.facebook\.com\/Koptisch\.Orthodoxes\.Kulturzentrum\.e\.V\/followers\/"[^>]*>27K followers<\/a>/;
    for (const edits of [[[followers, ""]], [[followers, ""], ['lang="en" dir="ltr"', 'lang="ar" dir="rtl"'], [">25K likes</a>", ">\u200f٢٥ ألف تسجيل إعجاب</a>"]]]) {
      const found = extractAt(KOPTISCH_URL, { html: derive(KOPTISCH, edits) }).profile;
      assert.equal(found.followers, undefined);
      assert.equal(found.display_name, "المركز الثقافي القبطي الأرثوذكسي بالمانيا");
    }
  });

  test("a Page's photos tab (classic layout) at its own addresses, and two Pages' posts, at their real addresses: no profile", () => {
    // Cut before their stylesheets: the tags name the photos tab (og:url /pages/category/…/photos/) and the posts
    // (og:url …/posts/pfbid…, the canonical …/posts/<slug>/<id>/); the comments record the address each was asked at.
    const cases = {
      "facebook/real-popordezamagit-photos-tab-prefix.html": [
        "https://www.facebook.com/pages/category/Interest/PoporDezamagit/photos/",
        "https://www.facebook.com/pages/category/Society---Culture-Website/PoporDezamagit/photos/",
      ],
      "facebook/real-ironmaiden-post-prefix.html": [
        "https://www.facebook.com/ironmaiden/posts/pfbid02XM9Uabh4DrExsfTo4zpJTUivryioKwBHzmX2VRAxyxY4khagzsdgt5oBqv4Keu6fl",
        "https://www.facebook.com/ironmaiden/posts/legacy-of-the-beast-touring-update-202021i-hope-you-and-your-loved-ones-are-stay/10157024746512051/",
        "https://www.facebook.com/54212446406/photos/a.397338611406/10157431603156407",
        "https://m.facebook.com/ironmaiden/posts/10157024746512051",
      ],
      "facebook/real-littlemix-post-prefix.html": [
        "https://www.facebook.com/LittleMix/posts/pfbid02Hvu5Jys35PPckFHUQFNbxoT7pK8quieyMMG7D5KkkwtxbwJuSkpPjXK1ZEXceQNXl",
        "https://www.facebook.com/LittleMix/posts/pfbid0E7xrT6BDrv7r7Ry3kHUSdw2naE6BdFBgH2gTsEY9h1a64DdM3vqPyq8gXaFY5rqhl",
        "https://www.facebook.com/LittleMix/posts/-nothing-comes-between-us-/567261421429868/",
        "https://m.facebook.com/LittleMix/posts/pfbid02Hvu5Jys35PPckFHUQFNbxoT7pK8quieyMMG7D5KkkwtxbwJuSkpPjXK1ZEXceQNXl",
      ],
    };
    for (const [name, urls] of Object.entries(cases)) {
      for (const url of urls) assert.equal(extractAt(url, { fixture: name }), null, url);
    }
  });

  test("the Arabic-named Page's own post and photo addresses over its real page yield nothing", () => {
    const window = pageAt(KOPTISCH_URL, { fixture: KOPTISCH });
    for (const path of [
      "/Koptisch.Orthodoxes.Kulturzentrum.e.V/posts/pfbid0abc", "/photo/?fbid=550003817157448&set=a.550003793824117",
      "/photo/?fbid=552573680233795&set=ecnf.100064435044283", "/Koptisch.Orthodoxes.Kulturzentrum.e.V/photos/a.550003793824117/550003817157448/",
      "/Koptisch.Orthodoxes.Kulturzentrum.e.V/videos/123456789/", "/media/set/?set=a.550003793824117",
    ]) {
      assert.equal(extractFrom(window, `https://www.facebook.com${path}`), null, path);
    }
  });
});

// A Page has two ids since Facebook moved Pages onto profiles: its vanity address is keyed by the
// new profile id, its old /<name>-<page id>/ address by the old Page id. Facebook serves the same
// profile-style page at both (fixtures/PROVENANCE.md: the koptisch page was asked at its old
// address and came with its vanity as canonical), so the real heymeedan page is loaded at its old
// address here (the URL is the only change).
describe("Facebook, a Page's two ids", () => {
  const OLD_ADDRESS = "https://www.facebook.com/Meedan-54421674438/";

  test("at its old /<name>-<page id>/ address the Page is keyed by its Page id and reports its profile id too", () => {
    const window = pageAt(OLD_ADDRESS, { fixture: PAGE_2023 });
    const found = extractFrom(window, OLD_ADDRESS);
    assert.equal(found.key, "facebook:id:54421674438");
    assert.deepEqual([found.profile.account_id, found.profile.account_ids], ["54421674438", ["100067935271247"]]);
    for (const url of ["https://www.facebook.com/pages/Meedan/54421674438", "https://www.facebook.com/profile.php?id=100067935271247"]) {
      const other = extractFrom(window, url);
      assert.deepEqual([other.profile.account_id, ...other.profile.account_ids].sort(), ["100067935271247", "54421674438"], url);
    }
  });

  test("the retired 2022 layout names the Page by its Page id only: no other id", () => {
    assert.equal(extractAt("https://www.facebook.com/heymeedan/", { fixture: PAGE_2022 }).profile.account_ids, undefined);
  });

  test("another account's address over the real page (in-app navigation): none of heymeedan's ids", () => {
    const window = pageAt(MEEDAN, { fixture: PAGE_2023 });
    for (const url of ["https://www.facebook.com/someone.else.here", "https://www.facebook.com/Someone-Else-123456789012345/", "https://www.facebook.com/profile.php?id=100000000000001"]) {
      // heymeedan's header (its tab bar names it) is not read at another's address at all.
      assert.equal(extractFrom(window, url), null, url);
    }
    // Nor, with the tab bar gone, are heymeedan's ids given to another address.
    const untabbed = pageAt(MEEDAN, { html: derive(PAGE_2023, [['role="tablist"', 'role="presentation"']]) });
    for (const url of ["https://www.facebook.com/someone.else.here", "https://www.facebook.com/Someone-Else-123456789012345/", "https://www.facebook.com/profile.php?id=100000000000001"]) {
      const found = extractFrom(untabbed, url);
      assert.equal(found.profile.account_ids, undefined, url);
      assert.notEqual(found.profile.account_id, "100067935271247", url);
    }
  });

  test("another account's object in the page (a post's author) stays that account's; text shaped like one is text", () => {
    // A commenter's or author's object, as Facebook writes it, put in the page's data before
    // heymeedan's; then a post text holding braces and an escaped copy of an account object that
    // names heymeedan's address with other ids (what anyone can type), before it again.
    const author = '{"__typename":"User","id":"100000000000666","url":"https:\\/\\/www.facebook.com\\/page.of.attacker","delegate_page":{"id":"777777777"}}';
    const typed = '"text":"}}]] {\\"__typename\\":\\"User\\",\\"id\\":\\"100000000000666\\",\\"url\\":\\"https:\\/\\/www.facebook.com\\/heymeedan\\",\\"delegate_page\\":{\\"id\\":\\"777777777\\"}} [[{{",';
    const first = '{"__typename":"User","__isActor":"User","id":"100067935271247"';
    // The tab bar removed, so that heymeedan's header can be read at the author's address.
    const html = derive(PAGE_2023, [[first, `{"author":${author},${typed}"x":1},${first}`], ['role="tablist"', 'role="presentation"']]);
    const window = pageAt(MEEDAN, { html });
    assert.deepEqual(extractFrom(window, MEEDAN).profile.account_ids, ["54421674438"]);
    assert.deepEqual(extractFrom(window, "https://www.facebook.com/Meedan-54421674438/").profile.account_ids, ["100067935271247"]);
    // The author's own address: its own object, its own ids.
    assert.deepEqual(extractFrom(window, "https://www.facebook.com/page.of.attacker").profile.account_ids, ["100000000000666", "777777777"]);
  });
});

// The header draws the cover photo before the profile picture; the picture may not be drawn yet,
// and some Pages' heads give the cover as og:image (fixtures/PROVENANCE.md, "Derived pages").
describe("Facebook, the cover photo is never the profile picture (derived)", () => {
  const URL_2023 = "https://www.facebook.com/heymeedan";
  const PICTURE = /(<image[^>]*xlink:href=")https:\/\/scontent-lax3-1\.xx\.fbcdn\.net\/v\/t39\.30808-1\/310513247_[^"]*"/g;
  const OG_IMAGE = /(<meta property="og:image" content=")[^"]*"/;
  const COVER_URL = "https://scontent-lax3-1.xx.fbcdn.net/v/t39.30808-6/310619660_435753675365805_6443573710465588208_n.jpg?_nc_cat=109&amp;ccb=1-7";

  test("the picture not drawn yet and og:image the cover (by its content type or by its file): no photo read, not 'no photo'", () => {
    for (const cover of [COVER_URL, "https://scontent.xx.fbcdn.net/310619660_435753675365805_6443573710465588208_n.jpg"]) {
      const html = derive(PAGE_2023, [[PICTURE, '$1"'], [OG_IMAGE, `$1${cover}"`]]);
      const { profile, avatar } = extractAt(URL_2023, { html });
      assert.equal(profile.display_name, "Meedan");
      assert.equal(profile.has_avatar, undefined, cover);
      assert.equal(avatar, null, cover);
    }
  });

  test("the picture not drawn yet: og:image of this Page's fresh load, a profile picture, is read", () => {
    const { avatar } = extractAt(URL_2023, { html: derive(PAGE_2023, [[PICTURE, '$1"']]) });
    assert.match(avatar.url, /\/v\/t39\.30808-1\/310513247_435753678699138_2623398131510754475_n\.png\?/);
  });

  test("a picture served from the pre-2016 profile hosts (fbcdn-profile-…, hprofile-…) is the profile picture", () => {
    for (const old of ["https://fbcdn-profile-a.akamaihd.net/hprofile-ak-xpa1/v/t1.0-1/p160x160/310513247_435753678699138_2623398131510754475_n.png", "https://scontent.xx.fbcdn.net/hprofile-xfa1/v/l/t1.0-1/p160x160/310513247_435753678699138_2623398131510754475_n.png"]) {
      const html = derive(PAGE_2023, [[PICTURE, `$1${old}"`], [OG_IMAGE, `$1${COVER_URL}"`]]);
      assert.equal(extractAt(URL_2023, { html }).avatar.url, old);
    }
  });

  test("the retired Pages layout with the header's picture not drawn: the picture drawn further down, never the cover photo", () => {
    const html = derive(PAGE_2022, [[/(<image[^>]*xlink:href=")https:\/\/scontent-sjc3-1\.xx\.fbcdn\.net\/v\/t1\.6435-1\/48405270_[^"]*"/g, '$1"']]);
    const { profile, avatar } = extractAt("https://www.facebook.com/heymeedan/", { html });
    assert.equal(profile.display_name, "Meedan");
    assert.match(avatar.url, /\/v\/t1\.6435-1\/48405270_10156958756529439_588050386544230400_n\.png\?/);
    // With every copy of the picture gone, nothing: the cover (105284088_…, "-9") is not taken.
    const bare = derive(PAGE_2022, [[/https:\/\/scontent-sjc3-1\.xx\.fbcdn\.net\/v\/t1\.6435-1\/48405270_[^"]*"/g, '"']]);
    const stripped = extractAt("https://www.facebook.com/heymeedan/", { html: bare });
    assert.equal(stripped.avatar, null);
    assert.equal(stripped.profile.has_avatar, undefined);
  });
});

// A Page may be named as Facebook's login wall is titled; seen logged out, its top bar has a
// password box (fixtures/PROVENANCE.md, "Derived pages").
describe("Facebook, a Page named like the login wall (derived)", () => {
  test("'Connexion | Facebook', 'Log in | Facebook', 'تسجيل الدخول | فيسبوك': the Page is read, bound to its address", () => {
    for (const [name, title] of [["Connexion", "Connexion | Facebook"], ["Log in", "Log in | Facebook"], ["تسجيل الدخول", "تسجيل الدخول | فيسبوك"]]) {
      const html = derive(PAGE_2023, [
        ["<title>Meedan | Facebook</title>", `<title>${title}</title>`],
        ['<h1 class="x1heor9g x1qlqyl8 x1pd3egz x1a2a7pz">Meedan</h1>', `<h1 class="x1heor9g x1qlqyl8 x1pd3egz x1a2a7pz">${name}</h1>`],
        ['<meta property="og:title" content="Meedan"', `<meta property="og:title" content="${name}"`],
      ]);
      const found = extractAt("https://www.facebook.com/heymeedan", { html });
      assert.equal(found?.profile.display_name, name, title);
      assert.equal(found.profile.account_id, "100067935271247", title);
    }
  });

  test("the same title over the real wall, or over a page with no name heading or nothing naming this address, is still the wall", () => {
    const LOGIN = "facebook/real-ironmaiden-login-2022-08-29-prefix.html";
    const titled = derive(LOGIN, [[/<title id="pageTitle">[^<]*<\/title>/, "<title>Connexion | Facebook</title>"]]);
    assert.equal(extractAt("https://www.facebook.com/ironmaiden", { html: titled }), null);
    // The real Page's head and data, but its name heading gone (the wall's layout).
    const noHeading = derive(PAGE_2023, [["<title>Meedan | Facebook</title>", "<title>Connexion | Facebook</title>"], [/<h1 class="x1heor9g x1qlqyl8 x1pd3egz x1a2a7pz">Meedan<\/h1>/, ""]]);
    assert.equal(extractAt("https://www.facebook.com/heymeedan", { html: noHeading }), null);
    // Another address: heymeedan's head and data name another account, nothing is bound to this one.
    const named = derive(PAGE_2023, [["<title>Meedan | Facebook</title>", "<title>Connexion | Facebook</title>"]]);
    assert.equal(extractAt("https://www.facebook.com/connexion.tunisie", { html: named }), null);
  });
});

// Facebook's page for an address with no one behind it (a deleted or blocked account, a broken
// link): its main region holds the notice, and the head names no profile (fixtures/PROVENANCE.md).
describe("Facebook, 'This content isn't available' at a profile's address (derived)", () => {
  test("no profile, in English, French and Arabic, with or without the old page's embedded data", () => {
    for (const [lang, dir, title, line] of [
      ["en", "ltr", "This content isn't available right now", "When this happens, it's usually because the owner only shared it with a small group of people."],
      ["fr", "ltr", "Ce contenu n’est pas disponible pour le moment", "Cela se produit généralement lorsque le propriétaire l’a partagé uniquement avec un petit groupe de personnes."],
      ["ar", "rtl", "هذا المحتوى غير متاح الآن", "يحدث هذا عادةً لأن المالك شاركه مع مجموعة صغيرة من الأشخاص فقط."],
    ]) {
      const html = derive(PAGE_2023, [
        ['lang="en" dir="ltr"', `lang="${lang}" dir="${dir}"`],
        ["<title>Meedan | Facebook</title>", "<title>Facebook</title>"],
        [/<meta property="(?:og:[a-z:]+|al:[a-z:_]+)" content="[^"]*">/g, ""], [/<link rel="canonical" href="[^"]*">/, ""],
        [/<div class="x78zum5 xdt5ytf x1t2pt76 x1n2onr6" role="main">[\s\S]*<\/body>/, `<div role="main"><div><h2><span>${title}</span></h2><span>${line}</span><a href="/">Go to News Feed</a></div></div></body>`],
      ]);
      for (const url of ["https://www.facebook.com/heymeedan", "https://www.facebook.com/profile.php?id=100067935271247", "https://m.facebook.com/heymeedan"]) {
        assert.equal(extractAt(url, { html }), null, `${lang} ${url}`);
      }
    }
  });
});


// m.facebook.com (and mbasic., touch.) change the address before they draw the next profile, as
// www. does, and draw no tab bar to tell whose header is on screen (fixtures/PROVENANCE.md,
// "Derived pages"): the header is read only when a link it draws to one of the account's lists,
// or the server's tags, name the address's account, and none names another.
describe("Facebook, the mobile sites after in-app navigation (derived)", () => {
  const MOBILE = "facebook/invented-mobile.html";
  const OWN = "https://m.facebook.com/profile.php?id=61558800011122";

  test("the previous profile's header under another id or vanity: nothing; under its own address, on every mobile host: read", () => {
    const window = pageAt(OWN, { fixture: MOBILE });
    for (const url of ["https://m.facebook.com/profile.php?id=100000000000009", "https://m.facebook.com/someone.else", "https://mbasic.facebook.com/profile.php?id=100000000000009", "https://touch.facebook.com/p/Someone-Else-100000000000009/"]) {
      assert.equal(extractFrom(window, url), null, url);
    }
    for (const url of [OWN, "https://mbasic.facebook.com/profile.php?id=61558800011122", "https://touch.facebook.com/profile.php?id=61558800011122&refid=17"]) {
      assert.equal(extractFrom(window, url).profile.display_name, "هالة عاهد", url);
    }
  });

  test("a header with nothing that names the address's account (no list link, no tags): nothing, rather than a name bound to the address", () => {
    const html = derive(MOBILE, [[/<div class="_7-1j"><a href="\/profile\.php\?id=61558800011122&amp;sk=followers">٣ متابِعين<\/a><\/div>/, ""]]);
    assert.equal(extractAt(OWN, { html }), null);
  });

  test("the viewer's own list links in the top bar, and another account's in a post, change nothing", () => {
    const html = derive(MOBILE, [
      ['<div id="root" role="region">', '<div id="header" role="banner"><a href="/profile.php?id=100000000000777&amp;sk=friends">Friends</a></div><div id="root" role="region">'],
      ['<div class="_55wo _2xfb">', '<article class="_55wo"><a href="/someone.else/followers/">12 followers</a></article><div class="_55wo _2xfb">'],
    ]);
    assert.equal(extractAt(OWN, { html }).profile.display_name, "هالة عاهد");
    assert.equal(extractAt("https://m.facebook.com/profile.php?id=100000000000777", { html }), null);
  });

  test("a link typed in the account's text, a bare profile link, or a link showing an address ties nothing", () => {
    // Only the header's own list links count: a workplace or "Followed by" links to a bare
    // profile, and a link whose text is an address is one someone typed.
    const html = derive(MOBILE, [[/<a href="\/profile\.php\?id=61558800011122&amp;sk=followers">٣ متابِعين<\/a>/,
      '<a href="/someone.else">Works at Someone</a> <a href="https://www.facebook.com/someone.else/followers">facebook.com/someone.else/followers</a>']]);
    assert.equal(extractAt("https://m.facebook.com/someone.else", { html }), null);
  });

  test("the head updated before the header is redrawn: a list link of the header naming another account wins over tags naming the address", () => {
    const PAGE = "facebook/invented-m-page.html";
    const linked = [[/<span class="f5">١٣ ألف متابع<\/span>/, '<a href="/salam.media.net/followers/"><span class="f5">١٣ ألف متابع</span></a>']];
    // Its own address, with the header's followers link: read.
    assert.equal(extractAt("https://m.facebook.com/salam.media.net/", { html: derive(PAGE, linked) }).profile.display_name, "شبكة سلام للإعلام");
    // The head naming another Page (its vanity, its id) over this header: nothing.
    const moved = derive(PAGE, [...linked, [/salam\.media\.net\/"/g, 'other.page/"'], [/fb:\/\/profile\/100064400011122/, "fb://profile/100064400099999"], [/<meta property="og:title" content="[^"]*">/, '<meta property="og:title" content="صفحة أخرى">']]);
    for (const url of ["https://m.facebook.com/other.page/", "https://m.facebook.com/profile.php?id=100064400099999"]) {
      assert.equal(extractAt(url, { html: moved }), null, url);
    }
  });
});

// A Page's old address /<name>-<page id>/ is read by that id when the page's own head names it
// with the vanity the tab bar names: a classic Page's head writes its Page id in its app links
// (fb://page/?id=<id>, fb://page/<id>?referrer=app_link, as real-popordezamagit-photos-tab-prefix
// does) next to og:url and the canonical link by vanity (fixtures/PROVENANCE.md, "Derived pages").
describe("Facebook, a Page's old address tied by its head (derived)", () => {
  const OLD = `https://www.facebook.com/${encodeURIComponent("جمعية-النور-الثقافية-108765432109876")}/`;
  const PAGE_IDS = [
    [/<meta property="al:android:url" content="[^"]*">/, '<meta property="al:android:url" content="fb://page/108765432109876?referrer=app_link"><meta property="al:ios:url" content="fb://page/?id=108765432109876">'],
  ];

  test("the head names the Page id and the tabs' vanity: read at the old address, keyed by the id; no other id is invented", () => {
    const found = extractAt(OLD, { html: derive("facebook/invented-arabic-page.html", PAGE_IDS) });
    assert.equal(found.key, "facebook:id:108765432109876");
    assert.equal(found.profile.account_id, "108765432109876");
    assert.equal(found.profile.account_ids, undefined);
    assert.equal(found.profile.display_name, "جمعية النور الثقافية");
    assert.equal(found.profile.followers, 26000);
    // Either app link alone does.
    const iosOnly = derive("facebook/invented-arabic-page.html", [[/<meta property="al:android:url" content="[^"]*">/, '<meta property="al:ios:url" content="fb://page/?id=108765432109876">']]);
    assert.equal(extractAt(OLD, { html: iosOnly }).profile.account_id, "108765432109876");
  });

  test("another id, a head whose vanity is not the tabs', or a head naming two vanities: nothing", () => {
    const window = pageAt(OLD, { html: derive("facebook/invented-arabic-page.html", PAGE_IDS) });
    for (const url of ["https://www.facebook.com/profile.php?id=100000000000001", "https://www.facebook.com/Someone-Else-123456789012345/"]) {
      assert.equal(extractFrom(window, url), null, url);
    }
    const otherVanity = derive("facebook/invented-arabic-page.html", [...PAGE_IDS, [/https:\/\/www\.facebook\.com\/Annour\.Culture\.Assoc"/g, 'https://www.facebook.com/Other.Page"']]);
    assert.equal(extractAt(OLD, { html: otherVanity }), null);
    const twoVanities = derive("facebook/invented-arabic-page.html", [...PAGE_IDS, ['<link rel="canonical" href="https://www.facebook.com/Annour.Culture.Assoc">', '<link rel="canonical" href="https://www.facebook.com/Other.Page">']]);
    assert.equal(extractAt(OLD, { html: twoVanities }), null);
  });

  test("the real Arabic-named Page at the old address it was asked at: its head names only its vanity and its profile id, so it stays unread there", () => {
    // real-koptisch-arabic-2023-01-31-prefix.html was saved from /<its name in Arabic>-179240385797/
    // (its first comment); nothing the kept part of the page holds names 179240385797.
    const old = `https://www.facebook.com/${encodeURIComponent("المركز-الثقافي-القبطي-الأرثوذكسي-بالمانيا-179240385797")}/`;
    const window = pageAt(old, { fixture: KOPTISCH });
    assert.equal(extractFrom(window, old), null);
    // Its profile id, which its head names with its vanity, reads it.
    assert.equal(extractFrom(window, "https://www.facebook.com/profile.php?id=100064435044283").profile.display_name, "المركز الثقافي القبطي الأرثوذكسي بالمانيا");
  });
});

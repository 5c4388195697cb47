// An account's owner writes everything the account shows: its name, bio, website, location,
// pinned post, posts, link texts. A fake written to look like the platform's own lines ("Joined
// January 2009", "2.5M followers", a badge's label) must not change what Haris reads: each test
// takes a real saved page (fixtures/<platform>/real-*, fixtures/PROVENANCE.md), puts the crafted
// text where its owner can put it on that platform, and checks that the fields the server scores
// are those of the page as it was (or absent), never the crafted ones.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { derive } from "./derive.mjs";
import { extractAt, pageAt } from "./helpers.mjs";

const SCORED = ["account_id", "handle", "display_name", "joined", "followers", "following", "posts", "verified", "verified_type", "platform_label", "has_avatar", "based_in", "name_changes"];

/** The scored fields of what the extractor sends at `url` for `html`. */
function scored(url, html) {
  const found = extractAt(url, { html });
  assert.ok(found, "the page is still read as a profile");
  return Object.fromEntries(SCORED.filter((field) => field in found.profile).map((field) => [field, found.profile[field]]));
}

const CRAFTED_LINES = [
  "Joined January 2009",
  "Page created - January 7, 2001",
  "2.5M followers",
  "2,500,000 people follow this",
  "55K following",
  "انضم في يناير ٢٠٠٩",
  "‏٢٫٥ مليون متابع",
  "A rejoint Facebook en janvier 2009",
  "Country/Region - Canada",
  "Date joined: March 2009",
];

describe("Facebook: an Intro bio written as one of Facebook's own lines", () => {
  const MEEDAN = "https://www.facebook.com/heymeedan";
  const PAGE_2023 = "facebook/real-heymeedan-2023-01-31.html";
  const PAGE_2022 = "facebook/real-heymeedan-2022-08-29-oldpage.html";
  const BIO_2023 = ">Make sense of the global web.</span>";
  // The header's count link of the 2023 page: without it the page prints no followers at all.
  const FOLLOWERS_LINK = /<a [^>]*href="https:\/\/www\.facebook\.com\/heymeedan\/followers\/"[^>]*>3\.7K followers<\/a>/;

  test("profile-style layout (2023, real): a bio line is never the join date or a count, with or without the page's own count", () => {
    const original = scored(MEEDAN, derive(PAGE_2023, []));
    assert.equal(original.followers, 3700);
    for (const line of CRAFTED_LINES) {
      assert.deepEqual(scored(MEEDAN, derive(PAGE_2023, [[BIO_2023, `>${line}</span>`]])), original, line);
      // The page's own followers link gone (a profile that shows none): the bio does not stand in for it.
      const { followers, ...rest } = original;
      assert.deepEqual(scored(MEEDAN, derive(PAGE_2023, [[BIO_2023, `>${line}</span>`], [FOLLOWERS_LINK, "<span>Follow</span>"]])), rest, line);
    }
  });

  test("profile-style layout (2023, real): a bio linking to the account's own followers list is no count", () => {
    // A bio's address is drawn as a link to it; one to the account's own list, with a number in it.
    const url = "https://www.facebook.com/heymeedan/followers/?2500000";
    const html = derive(PAGE_2023, [[BIO_2023, `><a href="${url}" role="link">${url}</a></span>`], [FOLLOWERS_LINK, "<span>Follow</span>"]]);
    assert.equal(scored(MEEDAN, html).followers, undefined);
  });

  test("profile-style layout (2023, real): a card under the account's own title is not Facebook's details", () => {
    // "Details about …", "Favorite quotes", a Page's story or a featured collection: titled cards
    // holding what the account wrote, drawn beside the Intro (here just before it).
    const original = scored(MEEDAN, derive(PAGE_2023, []));
    const intro = /(<div class="x9f619[^"]*">(?:<div[^>]*>){0,12}<h2[^>]*>(?:<span[^>]*>)+Intro<)/;
    for (const title of ["Details about Meedan", "Favorite quotes", "Our story"]) {
      for (const line of CRAFTED_LINES) {
        const card = `<div><div><div><h2><span>${title}</span></h2></div><div><div><span>${line}</span></div></div></div></div>`;
        assert.deepEqual(scored(MEEDAN, derive(PAGE_2023, [[intro, `${card}$1`]])), original, `${title}: ${line}`);
      }
    }
  });

  test("profile-style layout (2023, real, logged out): a Page whose name starts like \"Log in\" is no login wall", () => {
    // The saved page is logged out: its top bar has a password box. The tab's title is the Page's
    // name and " | Facebook", and a name may start with the wall's verb.
    const original = scored(MEEDAN, derive(PAGE_2023, []));
    for (const name of ["Connexion Tunisie", "Login Tips", "Log in to Freedom", "تسجيل الدخول الآمن", "Se connecter autrement"]) {
      const found = scored(MEEDAN, derive(PAGE_2023, [["<title>Meedan | Facebook</title>", `<title>${name} | Facebook</title>`]]));
      assert.deepEqual(found, original, name);
    }
  });

  test("retired Pages layout (2022, real): the About card's bio is not the creation date or the follower count around it", () => {
    const original = scored(`${MEEDAN}/`, derive(PAGE_2022, []));
    assert.equal(original.followers, 3846);
    assert.equal(original.joined, "2009-01-07");
    const bio = /(<div dir="auto" style="text-align: start;">)Make\s+sense of the global web\./;
    for (const line of CRAFTED_LINES) {
      // The bio comes before both real lines: read first, it would win.
      assert.deepEqual(scored(`${MEEDAN}/`, derive(PAGE_2022, [[bio, `$1${line}`]])), original, line);
    }
    // Without the real lines, the bio does not stand in for them.
    const noLines = [[/>3,846\s+people follow this</, ">Community<"], [/>Page created - January 7, 2009</, ">Page history<"]];
    const { followers, joined, ...rest } = original;
    for (const line of CRAFTED_LINES) {
      assert.deepEqual(scored(`${MEEDAN}/`, derive(PAGE_2022, [[bio, `$1${line}`], ...noLines])), rest, line);
    }
  });

  test("retired Pages layout (2022, real): the Page's greeting by its Message button is not a detail line", () => {
    // A Page writes the greeting its header shows next to "Send message"; it sits before the About card.
    const original = scored(`${MEEDAN}/`, derive(PAGE_2022, []));
    for (const line of [...CRAFTED_LINES, "Country/Region - Canada", "Date joined: March 2009"]) {
      assert.deepEqual(scored(`${MEEDAN}/`, derive(PAGE_2022, [[/>Hi!\s*Please let us know how we can help\.</, `>${line}<`]])), original, line);
    }
  });

  test("an address or e-mail in the Intro's list (2023, real) that starts like a join line is not one", () => {
    const koptisch = "https://www.facebook.com/Koptisch.Orthodoxes.Kulturzentrum.e.V";
    const page = "facebook/real-koptisch-arabic-2023-01-31-prefix.html";
    const original = scored(koptisch, derive(page, []));
    assert.equal(original.joined, undefined);
    // The street is the account's; Facebook adds the town and the country after it.
    for (const street of ["Joined January 2009", "Page created - January 7, 2001", "Joined: March 2009"]) {
      const html = derive(page, [[">Postfach 1242, Bad Kreuznach, Germany<", `>${street}, Bad Kreuznach, Germany<`]]);
      assert.deepEqual(scored(koptisch, html), original, street);
      // Printed alone, without its town: the address is a button (it opens the map), no date line.
      assert.deepEqual(scored(koptisch, derive(page, [[">Postfach 1242, Bad Kreuznach, Germany<", `>${street}<`]])), original, `${street} alone`);
    }
    // Without the header's followers link, an address reading as a count does not stand in for it.
    const link = / • <a [^>]*href="https:\/\/www\.facebook\.com\/Koptisch\.Orthodoxes\.Kulturzentrum\.e\.V\/followers\/"[^>]*>27K followers<\/a>/;
    for (const street of ["2,500,000 people follow this", "2.5M followers"]) {
      const html = derive(page, [[">Postfach 1242, Bad Kreuznach, Germany<", `>${street}, Bad Kreuznach, Germany<`], [link, ""]]);
      assert.equal(scored(koptisch, html).followers, undefined, street);
    }
    const meedan = derive(PAGE_2023, [[">hello@meedan.com<", ">joined@january2009.com<"]]);
    assert.equal(scored(MEEDAN, meedan).joined, undefined);
  });

  test("m.facebook.com and the 2025 desktop layout (invented pages: no capture exists): the Intro's text is the account's", () => {
    // m.facebook.com draws the Intro as a block of text areas under its title: no line in it is read as a detail.
    const mobile = "https://m.facebook.com/salam.media.net/";
    const mPage = "facebook/invented-m-page.html";
    const original = scored(mobile, derive(mPage, []));
    assert.equal(original.followers, 13000);
    const bio = ">أخبار مستقلة من شمال أفريقيا.<";
    const headerCount = '<div class="m" data-mcomponent="TextArea"><div class="native-text"><span class="f5">١٣ ألف متابع</span></div></div>';
    const { followers, ...rest } = original;
    for (const line of CRAFTED_LINES) {
      assert.deepEqual(scored(mobile, derive(mPage, [[bio, `>${line}<`]])), original, line);
      assert.deepEqual(scored(mobile, derive(mPage, [[bio, `>${line}<`], [headerCount, ""]])), rest, line);
    }
    // The desktop Intro keeps its details in a list after the bio: the list's "Joined" is read, the bio's never.
    const desktop = "https://www.facebook.com/hala.ahed.rights";
    const page = "facebook/invented-desktop.html";
    const before = scored(desktop, derive(page, []));
    assert.equal(before.joined, "2012-03");
    for (const line of CRAFTED_LINES) {
      assert.deepEqual(scored(desktop, derive(page, [[">Human-rights defender. Lawyer. Views my own.<", `>${line}<`]])), before, line);
    }
  });
});

describe("Facebook: a detail the account types in its Intro list (invented 2025 personal profile: no capture exists)", () => {
  // A workplace or a school without a Page of its own is the account's text, drawn after
  // Facebook's label in one item of the Intro's details list.
  const KARIM = "https://www.facebook.com/karim.nasser.law";
  const PAGE = "facebook/invented-personal-2025.html";
  const FROM = '<li><span dir="auto">From <a href="/pages/Irbid/2">Irbid</a></span></li>';
  const HEADER_COUNT = /<a href="https:\/\/www\.facebook\.com\/karim\.nasser\.law\/followers\/" role="link">3\.4K followers<\/a> •/;

  test("is never a count or a join date, in one span with the label or in its own", () => {
    const original = scored(KARIM, derive(PAGE, []));
    assert.equal(original.followers, 3400);
    const { followers: _followers, ...rest } = original;
    for (const line of CRAFTED_LINES) {
      for (const label of ["Works at", "Studied at", "Travaille chez", "يعمل لدى"]) {
        for (const item of [`<li><span dir="auto">${label} <span>${line}</span></span></li>`, `<li><span dir="auto">${label}</span> <span dir="auto">${line}</span></li>`]) {
          assert.deepEqual(scored(KARIM, derive(PAGE, [[FROM, FROM + item]])), original, `${label} ${line}`);
          // The header's own followers link gone: the typed line does not stand in for it.
          assert.deepEqual(scored(KARIM, derive(PAGE, [[FROM, FROM + item], [HEADER_COUNT, ""]])), rest, `${label} ${line}`);
        }
      }
    }
    // Facebook's own line, alone in its item, is still read.
    assert.equal(scored(KARIM, derive(PAGE, [[FROM, `${FROM}<li><span dir="auto">Joined March 2012</span></li>`]])).joined, "2012-03");
  });
});

describe("Facebook, the mobile sites: a post is the account's text (invented classic m.facebook.com page: no capture exists)", () => {
  // m.facebook.com and mbasic. draw each post of the timeline as an <article> with no role
  // (www. gives posts role="article"); its author writes it, and can make it read like the
  // header's own lines, or put "Intro" over a line to pass it for the Intro's bio.
  const OWN = "https://m.facebook.com/profile.php?id=61558800011122";
  const MOBILE = "facebook/invented-mobile.html";
  const DETAILS = /<div class="_55wo _2xfb">[\s\S]*?<\/div><\/div><\/div>/;
  const post = (lines) =>
    '<article class="_55wo _5rgr _5gh8" data-sigil="story-div"><header><h3>هالة عاهد</h3></header>' +
    lines.map((line) => `<div class="_5rgt"><span>${line}</span></div>`).join("") +
    "</article>";

  test("no join date, count or bio from a post, whether or not the header shows its own", () => {
    const original = scored(OWN, derive(MOBILE, []));
    assert.equal(original.joined, "2026-11");
    assert.equal(original.followers, 3);
    for (const line of CRAFTED_LINES) {
      // After the profile's own Details card: nothing moves.
      const after = derive(MOBILE, [[DETAILS, (card) => card + post([line])]]);
      assert.deepEqual(scored(OWN, after), original, line);
      // A profile that shows no join line: the post does not stand in for it.
      const { joined: _joined, ...rest } = original;
      const instead = derive(MOBILE, [[DETAILS, post([line])]]);
      assert.deepEqual(scored(OWN, instead), rest, line);
    }
    for (const title of ["Intro", "المقدمة", "Présentation"]) {
      const found = extractAt(OWN, { html: derive(MOBILE, [[DETAILS, post([title, "The real Hala. My old account was hacked."])]]) });
      assert.equal(found.profile.bio, undefined, title);
    }
  });
});

describe("Facebook, m.facebook.com's 2024–2025 markup: a post is the account's text (invented bloks page: no capture exists)", () => {
  // That markup (generic data-mcomponent containers) marks no post: its posts are blocks after
  // the header and the Intro, like the one fixtures/facebook/invented-m-page.html draws.
  const URL_ = "https://m.facebook.com/salam.media.net/";
  const PAGE = "facebook/invented-m-page.html";
  const HEADER_COUNT = '<div class="m" data-mcomponent="TextArea"><div class="native-text"><span class="f5">١٣ ألف متابع</span></div></div>';
  const POST_TEXT = '<span class="f5">منشور لشخص آخر</span>';

  test("no count or date from a post, whether or not the header shows its own; the header's own count still read", () => {
    const original = scored(URL_, derive(PAGE, []));
    assert.equal(original.followers, 13000);
    const { followers: _followers, ...rest } = original;
    for (const line of CRAFTED_LINES) {
      assert.deepEqual(scored(URL_, derive(PAGE, [[POST_TEXT, `<span class="f5">${line}</span>`]])), original, line);
      assert.deepEqual(scored(URL_, derive(PAGE, [[HEADER_COUNT, ""], [POST_TEXT, `<span class="f5">${line}</span>`]])), rest, line);
    }
  });
});

describe("Facebook: a page of many card titles costs a read of each line, not of the page per title", () => {
  // The work of one extraction, counted (never timed): elements the page's queries return, plus
  // child lists read while walking text. A post of N lines reading "Intro" (where the 2024–2025
  // m.facebook.com markup marks no post) made every line a card title whose walk read the whole
  // post again: N² (a post of 1,000 such lines held the tab for over a minute).
  function work(url, html) {
    const window = pageAt(url, { html });
    let count = 0;
    const { querySelectorAll } = window.Element.prototype;
    window.Element.prototype.querySelectorAll = function (selector) {
      const found = querySelectorAll.call(this, selector);
      count += found.length;
      return found;
    };
    const childNodes = Object.getOwnPropertyDescriptor(window.Node.prototype, "childNodes");
    Object.defineProperty(window.Node.prototype, "childNodes", {
      get() {
        count += 1;
        return childNodes.get.call(this);
      },
      configurable: true,
    });
    const found = window.Haris.extractProfile(window.document, window.location);
    return { count, found: JSON.parse(JSON.stringify(found)) };
  }
  const lines = (n) => Array.from({ length: n }, (_, i) => `<div class="m" data-mcomponent="TextArea"><div class="native-text"><span class="f5">${["Intro", "See all", "المقدمة", "Voir tout"][i % 4]}</span></div></div>`).join("");
  const AFTER = '<span class="f5">منشور لشخص آخر</span></div></div>';

  test("m.facebook.com (invented page), a post of lines reading \"Intro\": twice the lines, about twice the work; the Page read as before", () => {
    const url = "https://m.facebook.com/salam.media.net/";
    const page = "facebook/invented-m-page.html";
    const small = work(url, derive(page, [[AFTER, AFTER + lines(150)]]));
    const large = work(url, derive(page, [[AFTER, AFTER + lines(300)]]));
    assert.ok(large.count < small.count * 2.5, `${small.count} then ${large.count}`);
    assert.equal(large.found.profile.bio, "أخبار مستقلة من شمال أفريقيا.");
    assert.deepEqual(large.found, small.found);
  });
});

describe("X: a bio, location, name or post written as X's own lines", () => {
  const KIKO = "https://x.com/Kikobeats";
  const REAL = "x/real-kikobeats-2025-12-23.html";
  // After in-app navigation the JSON-LD is gone and the header is all there is.
  const NO_SCHEMA = [/<script[^>]*UserProfileSchema-test[^>]*>[\s\S]*?<\/script>/, ""];
  const CRAFTED = ["Joined March 2009", "1.2M Followers", "5,000 Following", "98.7K posts", "Verified account", "Account based in: Canada", "A rejoint X en mars 2009", "انضم في مارس ٢٠٠٩"];
  const PLACES = {
    bio: (line) => [/(data-testid="UserDescription"[^>]*>\s*<span[^>]*>)Building web infra &amp; open source/, `$1${line}`],
    location: (line) => [">PORT_ALREADY_USED<", `>${line}<`],
    "pinned post": (line) => [/(data-testid="tweetText"[^>]*>\s*<span[^>]*>)Making some /, `$1${line} `],
    name: (line) => [/>Kiko Beats</g, `>Kiko ${line}<`],
  };

  test("the rendered profile (2025, real), with and without its JSON-LD: no count, date or badge from the account's text", () => {
    for (const base of [[], [NO_SCHEMA]]) {
      const original = scored(KIKO, derive(REAL, base));
      assert.equal(original.followers, 3893);
      assert.ok(original.joined.startsWith("2010-01"));
      for (const [place, edit] of Object.entries(PLACES)) {
        for (const line of CRAFTED) {
          const found = scored(KIKO, derive(REAL, [...base, edit(line)]));
          if (place === "name") delete found.display_name; // the name is the account's to write
          const { display_name: _name, ...expected } = original;
          assert.deepEqual(found, place === "name" ? expected : original, `${place}: ${line}`);
        }
      }
    }
  });
});

describe("X: a name typed with an \"@\" (derived from the real 2025 page, the name edited)", () => {
  const KIKO = "https://x.com/Kikobeats";
  const REAL = "x/real-kikobeats-2025-12-23.html";
  const NO_SCHEMA = [/<script[^>]*UserProfileSchema-test[^>]*>[\s\S]*?<\/script>/, ""];
  const NO_COUNTS = [[/<a href="\/Kikobeats\/following"[\s\S]*?<\/a>/, ""], [/<a href="\/Kikobeats\/verified_followers"[\s\S]*?<\/a>/, ""]];

  test("is still the name after in-app navigation, and a header without counts is still a profile", () => {
    // A clone can start its name with "@": the header's handle line is known by being this
    // handle, not by its "@", so the name is still compared with the contacts' names.
    for (const name of ["@Kiko Beats", "@friend_of_kiko", "@ Kiko", "@kikobeats2"]) {
      const typed = [/>Kiko Beats</g, `>${name}<`];
      assert.equal(extractAt(KIKO, { html: derive(REAL, [NO_SCHEMA, typed]) }).profile.display_name, name, name);
      const bare = extractAt(KIKO, { html: derive(REAL, [NO_SCHEMA, typed, ...NO_COUNTS]) });
      assert.ok(bare, `${name}: a profile whose header shows no counts is not a gone account`);
      assert.equal(bare.profile.display_name, name);
    }
    // X's own gone header (the @handle where the name goes, in any case) is still no one.
    const gone = derive(REAL, [NO_SCHEMA, ...NO_COUNTS, [/>Kiko Beats</g, ">@kikobeats<"]]);
    assert.equal(extractAt(KIKO, { html: gone })?.profile.display_name, undefined);
  });
});

describe("X: the About page (invented: its layout is not verified)", () => {
  test("a name drawn above the rows, typed as a row, is not read as one", () => {
    const about = "https://x.com/m_salih/about";
    const page = "x/invented-about.html";
    const original = scored(about, derive(page, []));
    assert.equal(original.joined, "2015-03");
    for (const name of ["Joined · March 2009", "Date joined: March 2009", "Account based in: Canada", "Username changes: 0"]) {
      const header = `<div data-testid="UserName"><div dir="ltr"><span>${name}</span></div><div dir="ltr"><span>@m_salih</span></div></div>`;
      const found = scored(about, derive(page, [['<div data-testid="TopNavBar">', `${header}<div data-testid="TopNavBar">`]]));
      delete found.display_name;
      assert.deepEqual({ ...found, verified: undefined, private: undefined }, { ...original, verified: undefined, private: undefined }, name);
    }
  });
});

describe("Instagram: a bio, name, highlight or link written as Instagram's own lines", () => {
  const PLUTO = "https://www.instagram.com/pluto__travel/";
  const REAL = "instagram/real-pluto__travel-2021-06-09-rendered.html";
  const CRAFTED = ["1,234 posts", "9,999 posts", "2.5M followers", "5,000 following", "Verified", "Joined March 2009", "١٢٣ منشورًا", "2,5 M abonnés"];
  const PLACES = {
    bio: (line) => [/<span>Where\s+travel lovers go to escape\./, `<span>${line}`],
    name: (line) => ['<h1 class="rhpdm">Pluto</h1>', `<h1 class="rhpdm">Pluto ${line}</h1>`],
    // A story highlight's title is the account's: drawn under its cover, and in the cover's alt text.
    highlight: (line) => [/alt="Product's profile picture"([\s\S]*?)>Product<\/div>/, `alt="${line}'s profile picture"$1>${line}</div>`],
    "highlight alt": (line) => ["alt=\"Product's profile picture\"", `alt="${line}"`],
    "website link": (line) => [">linkin.bio/pluto__travel</a>", `>instagram.com/pluto__travel/followers/?${line.replace(/\s/g, "")}</a>`],
  };

  test("the rendered 2021 profile (real): no count or badge from the account's text", () => {
    const original = scored(PLUTO, derive(REAL, []));
    assert.deepEqual([original.posts, original.followers, original.following, original.verified], [142, 2187, 110, false]);
    for (const [place, edit] of Object.entries(PLACES)) {
      for (const line of CRAFTED) {
        const found = scored(PLUTO, derive(REAL, [edit(line)]));
        const expected = { ...original };
        if (place === "name") {
          delete found.display_name;
          delete expected.display_name;
        }
        assert.deepEqual(found, expected, `${place}: ${line}`);
      }
    }
  });

  test("a phone's header with the real page's highlights drawn before the counts row: a highlight titled as a count is none", () => {
    // Phones draw name, bio, highlights and then the counts row, each a section after the header
    // (fixtures/instagram/invented-mobile.html models the phone layout; the highlights tray is the real page's).
    const real = derive(REAL, []);
    const tray = real.slice(real.indexOf('<div class="_4bSq7">'), real.indexOf('<div class="fx7hk">'));
    assert.ok(tray.includes(">Product</div>") && tray.includes("<ul"), "the real tray is cut out whole");
    const mobile = "https://www.instagram.com/sara19283746/";
    const base = "instagram/invented-mobile.html";
    const original = scored(mobile, derive(base, []));
    assert.equal(original.posts, 0);
    for (const line of CRAFTED) {
      const titled = tray.replace(/alt="Product's profile picture"([\s\S]*?)>Product<\/div>/, `alt="${line}'s profile picture"$1>${line}</div>`)
        .replace(/>Mindful travel<\/div>/, ">12,000,000 followers</div>");
      const found = scored(mobile, derive(base, [['<ul class="x78zum5 x1q0g3np">', `${titled}<ul class="x78zum5 x1q0g3np">`]]));
      assert.deepEqual(found, original, line);
    }
  });
});

describe("Instagram: a post's alt text (the real 2021 page, drawn without the saved file's indentation)", () => {
  test("a picture described as \"This account is private\" does not make a public account private", () => {
    // Instagram lets the owner write a post's alt text; the grid draws it as the picture's alt. The
    // app's DOM has no whitespace between elements, so the saved file's indentation is removed.
    const url = "https://www.instagram.com/pluto__travel/";
    const base = derive("instagram/real-pluto__travel-2021-06-09-rendered.html", [[/>\s+</g, "><"]]);
    const original = scored(url, base);
    assert.equal(extractAt(url, { html: base }).profile.private, false, "posts are shown");
    const alt = /alt="Photo by Pluto on June 09, 2021\. May be an image of outdoors[^"]*"/;
    for (const text of ["This account is private", "Ce compte est privé", "هذا الحساب خاص"]) {
      assert.deepEqual(scored(url, derive(base, [[alt, `alt="${text}"`]])), original, text);
      assert.equal(extractAt(url, { html: derive(base, [[alt, `alt="${text}"`]]) }).profile.private, false, text);
    }
  });
});

describe("Instagram: the accounts a followers list shows (invented desktop page, a list dialog added)", () => {
  test("a follower named like the \"About this account\" dialog's lines gives no join date, country or username changes", () => {
    // An account can make accounts follow it, named as it likes; its followers and following lists
    // are dialogs over the profile (at /<handle>/followers/, a profile's address), as the
    // "About this account" dialog is. Rows as Instagram draws a list: avatar and username links, the name.
    const row = (user, name) => `<div><div><a href="/${user}/" role="link"><img alt="${user}'s profile picture" src="https://scontent-cdg4-1.cdninstagram.com/v/t51.2885-19/1_n.jpg"></a></div><div><a href="/${user}/" role="link"><span>${user}</span></a><span>${name}</span></div><div><button type="button">Follow</button></div></div>`;
    const names = ["About this account", "Date joined: March 2009", "Account based in: Canada", "Former usernames: 0", "nour.khalil.art", "Date joined", "2009 March"];
    const list = `<div role="dialog"><div><h1>Followers</h1></div><div>${names.map((name, i) => row(`follower_${i}`, name)).join("")}</div></div>`;
    const page = "instagram/invented-desktop.html";
    for (const url of ["https://www.instagram.com/nour.khalil.art/followers/", "https://www.instagram.com/nour.khalil.art/"]) {
      const original = scored(url, derive(page, []));
      assert.deepEqual(scored(url, derive(page, [["</body>", `${list}</body>`]])), original, url);
      assert.equal(original.joined, undefined);
    }
    // The dialog itself, titled by Instagram, is still read (extract-instagram.test.mjs models it).
    const about = `<div role="dialog"><h1>About this account</h1><span>nour.khalil.art</span><div><div><span>Date joined</span></div><div><span>March 2015</span></div></div></div>`;
    assert.equal(scored("https://www.instagram.com/nour.khalil.art/", derive(page, [["</body>", `${about}${list}</body>`]])).joined, "2015-03");
  });
});

describe("Telegram: a name or bio written as Telegram's own lines or marks", () => {
  const CRAFTED = ["12 345 subscribers", "2 805 members", "@someone_else", "SCAM", "FAKE", "Verified", "Preview channel", "احتيال"];

  test("a user's t.me page (derived from the real channel page): the bio and the name are text, never the page's lines or marks", () => {
    const url = "https://t.me/nour_khalil";
    const page = "telegram/derived-tme-user-nour_khalil.html";
    const original = scored(url, derive(page, []));
    assert.equal(original.handle, "nour_khalil");
    assert.equal(original.platform_label, undefined);
    for (const line of CRAFTED) {
      assert.deepEqual(scored(url, derive(page, [[">Illustrator in Beirut.<br/>", `>${line}<br/>`]])), original, `bio: ${line}`);
      // A name as Telegram draws it: the typed text, its emoji in elements of their own.
      const named = scored(url, derive(page, [['<span dir="auto">Nour Khalil</span>', `<span dir="auto">Nour ${line} <i class="emoji" style="background-image:url('//telegram.org/img/emoji/40/E29C85.png')"><b>✅</b></i></span>`]]));
      assert.equal(named.display_name, `Nour ${line} ✅`);
      delete named.display_name;
      const { display_name: _name, ...rest } = original;
      assert.deepEqual(named, rest, `name: ${line}`);
    }
  });

  test("a channel's real t.me page whose description is its own @address is still no user's page", () => {
    const url = "https://t.me/unlimitedhangout";
    const page = derive("telegram/real-unlimitedhangout-tme-channel.html", []);
    assert.equal(extractAt(url, { html: page }), null);
    const description = page.match(/<div class="tgme_page_description"[^>]*>([\s\S]*?)<\/div>/);
    assert.ok(description, "the real page has a description");
    for (const text of ["@unlimitedhangout", "@unlimitedhangout<br/>Send Message"]) {
      assert.equal(extractAt(url, { html: page.replace(description[1], text) }), null, text);
    }
  });

  test("Telegram Web A (reconstructed panel): a bio or a name reading like a username row or a mark changes nothing", () => {
    const base = derive("telegram/reconstructed-a-base.html", [["@@AVATAR@@", ""], ["@@TITLEEXTRA@@", ""], ["@@USERNAME_SUB@@", "Username"], ["@@AFTER@@", ""]]);
    const url = "https://web.telegram.org/a/#@nour_khalil";
    const original = scored(url, base);
    assert.equal(original.handle, "nour_khalil");
    for (const line of [...CRAFTED, "Username", "also @someone_else"]) {
      assert.deepEqual(scored(url, base.replace(">Illustrator in Beirut.<", `>${line}<`)), original, `bio: ${line}`);
      const named = scored(url, base.replace(">Nour Khalil</h3>", `>Nour ${line}</h3>`));
      delete named.display_name;
      const { display_name: _name, ...rest } = original;
      assert.deepEqual(named, rest, `name: ${line}`);
    }
  });

  test("a live account named \"Deleted Account\" that shows nothing else is still checked (Web A reconstructed, Web K invented)", () => {
    // Derived from reconstructed-a-base.html: the name edited, the rows removed, the avatar the
    // initials Web A draws for a user without a photo (telegram-tt Avatar.tsx: "no-photo").
    const rowsA = /<div class="ChatExtra">[\s\S]*?\n <\/div>/;
    for (const name of ["Deleted Account", "Compte supprimé", "حساب محذوف"]) {
      const initials = '<div class="Avatar size-jumbo color-bg-1 no-photo" data-peer-id="7001234567" aria-label="NAME">DA</div>'.replace("NAME", name);
      const html = derive("telegram/reconstructed-a-base.html", [["@@AVATAR@@", initials], ["@@TITLEEXTRA@@", ""], ["@@AFTER@@", ""], [">Nour Khalil</h3>", `>${name}</h3>`], [rowsA, '<div class="ChatExtra"></div>']]);
      const found = extractAt("https://web.telegram.org/a/#7001234567", { html });
      assert.ok(found, `Web A, ${name}: a user who took the name is checked`);
      assert.deepEqual([found.profile.account_id, found.profile.display_name], ["7001234567", name]);
      // The client's own mark on the avatar (a deleted account): nothing to check.
      const deleted = html.split(initials).join('<div class="Avatar size-jumbo deleted-account" data-peer-id="7001234567"><i class="Avatar__icon icon-avatar-deleted-account" role="img"></i></div>');
      assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html: deleted }), null, `Web A, ${name}: deleted`);
    }
    // Web K (invented panel, tweb's structure): the empty carousel and initials of a user without a photo.
    const k = (avatarClass, initials) => `<div class="tabs-tab sidebar sidebar-right active" id="column-right"><div class="sidebar-content"><div class="profile-container"><div class="profile-content">
      <div class="profile-avatars-container"><div class="avatar avatar-like profile-avatars-avatar-fake ${avatarClass}" data-peer-id="5123456789"><span class="avatar-photo-initials">${initials}</span></div><div class="profile-avatars-avatars"></div>
      <div class="profile-avatars-info"><div class="profile-name"><span class="peer-title" data-peer-id="5123456789">Deleted Account</span></div><div class="profile-subtitle"><span>last seen a long time ago</span></div></div></div>
      </div></div></div></div>`;
    const live = extractAt("https://web.telegram.org/k/#5123456789", { html: k("", "DA") });
    assert.ok(live, "Web K: a user who took the name is checked");
    assert.deepEqual([live.profile.account_id, live.profile.display_name, live.profile.has_avatar], ["5123456789", "Deleted Account", false]);
    assert.equal(extractAt("https://web.telegram.org/k/#5123456789", { html: k("tgico-deletedaccount", "") }), null, "Web K: deleted");
  });
});

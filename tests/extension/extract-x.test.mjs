// X extractor on real saved pages (fixtures/x/real-*) and invented ones (fixtures/x/invented-*).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { derive } from "./derive.mjs";
import { extractAt, fixture, pageAt } from "./helpers.mjs";

const REAL = "x/real-kikobeats-2025-12-23.html";
// X's signed-in side navigation: the account switcher shows the viewer's own avatar and name,
// before the primary column (security review, finding 10).
const SIDE_NAV = `<header role="banner"><nav aria-label="Primary"><a href="/home">Home</a>
  <a href="/viewer_me" aria-label="Profile"><span>Profile</span></a></nav>
  <div data-testid="SideNav_AccountSwitcher_Button"><div data-testid="UserAvatar-Container-viewer_me"><img alt="" src="https://pbs.twimg.com/profile_images/999/VIEWER_OWN_PHOTO_normal.jpg"></div>
  <div dir="ltr"><span>Viewer Me</span></div><div dir="ltr"><span>@viewer_me</span></div></div></header>`;

function signedIn(markup) {
  return markup.replace(/(<header role="banner"[^>]*>)/, `${SIDE_NAV}$1`);
}

describe("X, real pages", () => {
  test("x.com/Kikobeats rendered (2025-12-23): every field a person reads, id and exact counts from JSON-LD", () => {
    assert.deepEqual(extractAt("https://x.com/Kikobeats", { fixture: REAL }), {
      platform: "x",
      key: "x:h:kikobeats",
      profile: {
        handle: "Kikobeats",
        profile_url: "https://x.com/Kikobeats",
        account_id: "101198215",
        display_name: "Kiko Beats",
        // As shown: link domains, not the t.co addresses the JSON-LD holds; hidden "http://" left out.
        bio: "Building web infra & open source Running microlink.io · unavatar.io Formerly @vercel ▲",
        joined: "2010-01-02",
        followers: 3893,
        following: 406,
        posts: 23961,
        verified: false, // the badge in the timeline belongs to another account's post
        private: false,
        has_avatar: true,
      },
      avatar: { url: "https://pbs.twimg.com/profile_images/2000931726244106244/Ty7-KT2j_400x400.jpg" },
    });
  });

  test("the same page after in-app navigation (no JSON-LD): the same key, fields from the header", () => {
    const markup = fixture(REAL).replace(/<script[^>]*UserProfileSchema-test[^>]*>[\s\S]*?<\/script>/, "");
    const found = extractAt("https://x.com/Kikobeats", { html: markup });
    assert.equal(found.key, "x:h:kikobeats", "one key per profile, whatever was present when scanned");
    assert.equal(found.profile.account_id, undefined);
    assert.equal(found.profile.display_name, "Kiko Beats");
    assert.equal(found.profile.followers, 3893);
    assert.equal(found.profile.following, 406);
    assert.equal(found.profile.posts, 23900, "23.9K posts in the title bar");
    assert.equal(found.profile.joined, "2010-01");
  });

  test("in-app navigation to another handle before X redraws: the header on screen is Kikobeats', nothing is read", () => {
    // The address changes first; the header, bio, join date and title bar are still the previous
    // profile's. Read under the new handle, they gave that account Kikobeats' name, bio and dates.
    const window = pageAt("https://x.com/Kikobeats", { fixture: REAL });
    for (const url of ["https://x.com/friend_acct", "https://x.com/friend_acct/media", "https://mobile.x.com/friend_acct"]) {
      window.history.replaceState(null, "", url.replace("https://mobile.x.com", "https://x.com"));
      assert.equal(window.Haris.extractProfile(window.document, new URL(url)), null, url);
    }
    // Back at Kikobeats (whose JSON-LD the page holds) with another account's header still on
    // screen: its name is not bound to Kikobeats' id.
    const other = derive(REAL, [[">@Kikobeats<", ">@someone_else<"]]);
    assert.equal(extractAt("https://x.com/Kikobeats", { html: other }), null);
    // A previous profile that named itself "@friend_acct" (its name line) is still not friend_acct's.
    const named = derive(REAL, [[">Kiko Beats<", ">@friend_acct<"]]);
    assert.equal(extractAt("https://x.com/friend_acct", { html: named }), null);
    // The same header redrawn for that handle is read (its @handle line decides, in any case).
    const redrawn = derive(REAL, [[">@Kikobeats<", ">@friend_acct<"]]);
    const found = extractAt("https://x.com/Friend_Acct", { html: redrawn });
    assert.equal(found.profile.display_name, "Kiko Beats");
    assert.equal(found.profile.account_id, undefined, "the JSON-LD names Kikobeats");
  });

  test("signed in: the viewer's own avatar and name in the side navigation are never read", () => {
    const found = extractAt("https://x.com/Kikobeats", { html: signedIn(fixture(REAL)) });
    assert.equal(found.avatar.url, "https://pbs.twimg.com/profile_images/2000931726244106244/Ty7-KT2j_400x400.jpg");
    assert.equal(found.profile.display_name, "Kiko Beats");
    // Even with no /photo link, only the container named after this handle counts.
    const noLink = signedIn(fixture(REAL)).replace(/href="\/Kikobeats\/photo"/g, 'href="/Kikobeats/header_photo"');
    assert.equal(extractAt("https://x.com/Kikobeats", { html: noLink }).avatar.url, found.avatar.url);
  });

  test("server HTML before the app runs (2024-12-07 shell): the page shows nothing, nothing is sent", () => {
    assert.equal(extractAt("https://x.com/Kikobeats", { fixture: "x/real-kikobeats-2024-12-07-shell.html" }), null);
  });

  test("x.com/javilop rendered, dark theme, verified (2025-12-23, the saved page's first 132,157 characters): every field a person reads", () => {
    assert.deepEqual(extractAt("https://x.com/javilop", { fixture: "x/real-javilop-2025-12-23-prefix.html" }), {
      platform: "x",
      key: "x:h:javilop",
      profile: {
        handle: "javilop",
        profile_url: "https://x.com/javilop",
        account_id: "16045832",
        // The torii gate is an emoji <img alt> after the text.
        display_name: "Javi López ⛩️",
        // As shown: "bit.ly/4ahq8i4" where the JSON-LD holds the t.co address; the hidden "https://" and "Translate bio" left out.
        bio: "Comparto tutoriales, herramientas y noticias de IA. Y también chorradas. Fundador @Magnific_AI (acq. por @freepik) 🗞️ Newsletter: bit.ly/4ahq8i4",
        joined: "2008-08-29",
        followers: 86423, // "86.4K Followers"; exact in the JSON-LD
        following: 1351,
        posts: 74263, // "74.2K posts" in the title bar
        verified: true, // the blue badge inside the name's line, not the title bar's or the pinned post's
        verified_type: "paid",
        private: false,
        has_avatar: true,
      },
      avatar: { url: "https://pbs.twimg.com/profile_images/1581679886267301888/BHGZpOc6_400x400.jpg" },
    });
  });

  test("x.com/javilop server HTML with Open Graph tags only (empty app root): the page shows nothing, nothing is sent", () => {
    // og:type "profile" and og:title/description/image name the account, but nothing is drawn yet.
    for (const url of ["https://x.com/javilop", "https://twitter.com/javilop"]) {
      assert.equal(extractAt(url, { fixture: "x/real-javilop-og-shell.html" }), null, url);
    }
  });

  test("a post, the home feed, search and settings on the real page yield nothing", () => {
    for (const path of ["/Kikobeats/status/1870000000000000000", "/home", "/search?q=kiko", "/settings/account", "/i/bookmarks", "/explore"]) {
      assert.equal(extractAt(`https://x.com${path}`, { fixture: REAL }), null, path);
    }
  });
});

// The real page as X serves it in other languages and states (fixtures/PROVENANCE.md, "Derived
// pages"), after in-app navigation (no JSON-LD) so that every field is read from what is drawn.
const KIKO = "https://x.com/Kikobeats";
const NO_SCHEMA = [/<script[^>]*UserProfileSchema-test[^>]*>[\s\S]*?<\/script>/, ""];
const HTML_TAG = '<html dir="ltr" lang="en"';
const COUNTS = [/<a href="\/Kikobeats\/following"[\s\S]*?<\/a>/, ""];
const FOLLOWERS = [/<a href="\/Kikobeats\/verified_followers"[\s\S]*?<\/a>/, ""];
const ABSENT = [/<div[^>]*data-testid="UserDescription"[\s\S]*?<\/div>/, ""];

describe("X, the real page in other languages and states (derived)", () => {
  const english = { display_name: "Kiko Beats", followers: 3893, following: 406, posts: 23900, joined: "2010-01" };
  const read = (html) => {
    const { profile } = extractAt(KIKO, { html });
    return { display_name: profile.display_name, followers: profile.followers, following: profile.following, posts: profile.posts, joined: profile.joined };
  };

  test("Arabic UI (rtl): Arabic-Indic digits, bidi marks, 'ألف' in the title bar's post count", () => {
    const html = derive(REAL, [NO_SCHEMA, [HTML_TAG, '<html dir="rtl" lang="ar"'], [">3,893<", ">\u200f٣٬٨٩٣<"], [">Followers<", ">متابِعين<"],
      [">406<", ">٤٠٦<"], [">Following<", ">متابَعًا<"], ["Joined January 2010", "انضم في يناير ٢٠١٠"], ["23.9K posts", "\u200f٢٣٫٩ ألف منشور"]]);
    assert.deepEqual(read(html), english);
  });

  test("French UI: narrow no-break spaces, '23,9 k posts', 'A rejoint X en janvier 2010'", () => {
    const html = derive(REAL, [NO_SCHEMA, [HTML_TAG, '<html dir="ltr" lang="fr"'], [">3,893<", ">3\u202f893<"], [">Followers<", ">abonnés<"],
      [">Following<", ">abonnements<"], ["Joined January 2010", "A rejoint X en janvier 2010"], ["23.9K posts", "23,9\u00a0k posts"]]);
    assert.deepEqual(read(html), english);
  });

  test("abbreviated counts as each UI prints them", () => {
    const cases = [
      [[">3,893<", ">1.2M<"], [">406<", ">12.5K<"], ["23.9K posts", "2,104 posts"]], [1200000, 12500, 2104],
      [[">3,893<", ">1,2\u00a0M<"], [">406<", ">12,5\u00a0k<"], ["23.9K posts", "2\u202f104 posts"]], [1200000, 12500, 2104],
      [[">3,893<", ">١٫٢ مليون<"], [">406<", ">١٢ ألف<"], ["23.9K posts", "٢ ألف منشور"]], [1200000, 12000, 2000],
    ];
    for (let i = 0; i < cases.length; i += 2) {
      const { followers, following, posts } = read(derive(REAL, [NO_SCHEMA, ...cases[i]]));
      assert.deepEqual([followers, following, posts], cases[i + 1], JSON.stringify(cases[i]));
    }
  });

  test("a protected account with no bio, no photo and no posts, in Arabic: locked, empty bio, no photo, 0 posts", () => {
    const lock = '<span><svg viewBox="0 0 24 24" aria-label="حساب محمي" role="img" data-testid="icon-lock"><g><path d="M0"></path></g></svg></span>';
    const html = derive(REAL, [NO_SCHEMA, [HTML_TAG, '<html dir="rtl" lang="ar"'], ABSENT, ["23.9K posts", "٠ منشور"],
      [/(Kiko Beats<\/span><span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-9iso6">)/g, `$1${lock}`],
      [/https:\/\/pbs\.twimg\.com\/profile_images\/2000931726244106244\/Ty7-KT2j_(\d+x\d+)\.jpg/g, "https://abs.twimg.com/sticky/default_profile_images/default_profile_$1.png"]]);
    const found = extractAt(KIKO, { html });
    assert.deepEqual([found.profile.private, found.profile.bio, found.profile.has_avatar, found.profile.posts, found.profile.display_name], [true, "", false, 0, "Kiko Beats"]);
    assert.equal(found.avatar, null);
  });

  test("an affiliation badge after the name (a link to the organisation, its logo's alt its name) is not part of the name", () => {
    const badge = '<a href="/microlinkhq" role="link"><div><img alt="Microlink" src="https://pbs.twimg.com/profile_images/1/mini_normal.jpg"></div></a>';
    const html = derive(REAL, [NO_SCHEMA, [/(Kiko Beats<\/span><span class="css-1jxf684 r-bcqeeo r-1ttztb7 r-qvutc0 r-poiln3 r-9iso6">)/g, `$1${badge}`]]);
    const { profile } = extractAt(KIKO, { html });
    assert.equal(profile.display_name, "Kiko Beats");
    assert.equal(profile.posts, 23900, "the title bar carrying the badge too is still this profile's");
  });

  test("an account that does not exist or is suspended: the header X draws over the empty state is no profile", () => {
    // The @handle where the name goes, no counts, no bio, no join date.
    const gone = [NO_SCHEMA, COUNTS, FOLLOWERS, ABSENT, [/<a dir="ltr" href="\/Kikobeats\/about"[\s\S]*?<\/a>/, ""], [/>Kiko Beats</g, ">@Kikobeats<"]];
    assert.equal(extractAt(KIKO, { html: derive(REAL, gone) }), null);
    const emptyState = (text) => [/(<div[^>]*data-testid="UserName")/, `<div data-testid="emptyState"><div><span>${text}</span></div></div>$1`];
    for (const text of ["This account doesn’t exist", "Ce compte n’existe pas", "Account suspended", "Compte suspendu", "الحساب معلّق", "هذا الحساب غير موجود"]) {
      assert.equal(extractAt(KIKO, { html: derive(REAL, [NO_SCHEMA, emptyState(text)]) }), null, text);
    }
    // Nor should it: the health counter does not count X's own empty state as a profile missed.
    const window = pageAt(KIKO, { html: derive(REAL, [NO_SCHEMA, emptyState("Account suspended")]) });
    assert.equal(window.Haris.readPage(window.document, window.location).expected, false);
    // An empty state that says something else (no posts yet, a withheld timeline) is still this profile.
    assert.equal(extractAt(KIKO, { html: derive(REAL, [NO_SCHEMA, emptyState("@Kikobeats hasn’t posted")]) }).profile.followers, 3893);
  });

  test("posts, photos, lists, communities, search and X's own pages on the real page give no profile", () => {
    for (const path of ["/Kikobeats/status/1870000000000000000/photo/1", "/Kikobeats/lists", "/Kikobeats/communities", "/i/communities/1500000000000000000",
      "/i/lists/123", "/hashtag/opensource", "/search?q=%40Kikobeats&f=user", "/i/flow/login", "/settings/profile", "/Kikobeats/status/1/analytics", "/messages"]) {
      assert.equal(extractAt(`https://x.com${path}`, { fixture: REAL }), null, path);
    }
  });
});

describe("X, invented pages", () => {
  test("desktop: JSON-LD gives id, exact join date and counts; DOM gives the rest", () => {
    assert.deepEqual(extractAt("https://x.com/layla_h1987", { fixture: "x/invented-desktop.html" }), {
      platform: "x",
      key: "x:h:layla_h1987",
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
    const found = extractAt("https://mobile.x.com/m_salih", { fixture: "x/invented-mobile.html" });
    assert.deepEqual(found.profile, {
      handle: "m_salih",
      profile_url: "https://x.com/m_salih",
      display_name: "Mohammed Salih",
      verified: true,
      verified_type: "paid",
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
    assert.equal(extractAt("https://twitter.com/layla_h1987/media", { fixture: "x/invented-desktop.html" }).profile.account_id, "301245778");
    for (const path of ["/home", "/explore", "/layla_h1987/status/1790000000000000009", "/i/lists/12", "/search?q=x", "/layla_h1987/photo"]) {
      assert.equal(extractAt(`https://x.com${path}`, { fixture: "x/invented-desktop.html" }), null, path);
    }
  });

  test("emoji drawn as <img alt> stay in the name and the bio", () => {
    const html = `<div data-testid="primaryColumn"><div data-testid="UserName"><div><div dir="ltr"><span><span>Sara </span><img alt="🌙" src="https://abs-0.twimg.com/emoji/v2/svg/1f319.svg"><span> حداد</span></span></div></div>
      <div><div dir="ltr"><span>@sara_h</span></div></div></div>
      <div data-testid="UserDescription"><span>Night owl </span><img alt="🦉" src="https://abs-0.twimg.com/emoji/v2/svg/1f989.svg"><span> Beirut</span></div></div>`;
    const found = extractAt("https://x.com/sara_h", { html });
    assert.equal(found.profile.display_name, "Sara 🌙 حداد");
    assert.equal(found.profile.bio, "Night owl 🦉 Beirut");
  });

  test("verification types: gold (organisation) and grey (government) badges; a protected account", () => {
    const header = (badge) => `<div data-testid="primaryColumn"><div data-testid="UserName"><div><div dir="ltr"><span>Ministry</span>${badge}</div></div><div><div dir="ltr"><span>@ministry_x</span></div></div></div></div>`;
    const gold = `<svg aria-label="Verified account" data-testid="icon-verified"><g><linearGradient id="a"><stop offset="0" stop-color="#f4e72a"></stop></linearGradient><path fill="url(#a)" d="M0"></path></g></svg>`;
    const grey = `<svg aria-label="Verified account" data-testid="icon-verified"><g><path fill="#829aab" d="M0"></path></g></svg>`;
    const lock = `<svg aria-label="Protected account" data-testid="icon-lock"><g><path d="M0"></path></g></svg>`;
    assert.equal(extractAt("https://x.com/ministry_x", { html: header(gold) }).profile.verified_type, "business");
    assert.equal(extractAt("https://x.com/ministry_x", { html: header(grey) }).profile.verified_type, "government");
    const locked = extractAt("https://x.com/ministry_x", { html: header(lock) }).profile;
    assert.equal(locked.private, true);
    assert.equal(locked.verified, false);
    assert.equal(locked.verified_type, undefined);
  });

  test("the default egg avatar means no photo, and nothing to download", () => {
    const html = `<div data-testid="primaryColumn"><div data-testid="UserName"><div dir="ltr"><span>Sara</span></div><div dir="ltr"><span>@sara19283746</span></div></div>
      <a href="/sara19283746/photo"><img src="https://abs.twimg.com/sticky/default_profile_images/default_profile_200x200.png"></a></div>`;
    const found = extractAt("https://x.com/sara19283746", { html });
    assert.equal(found.profile.has_avatar, false);
    assert.equal(found.avatar, null);
    assert.equal(found.profile.bio, "", "a rendered header without a bio block means an empty bio");
  });

  test("'About this account' (/<handle>/about): join date, country, username changes", () => {
    const found = extractAt("https://x.com/m_salih/about", { fixture: "x/invented-about.html" });
    assert.equal(found.key, "x:h:m_salih");
    assert.equal(found.profile.joined, "2015-03");
    assert.equal(found.profile.based_in, "Egypt");
    assert.equal(found.profile.name_changes, 4);
    assert.equal(found.profile.display_name, undefined, "the about page does not print the name");
  });

  test("a page still loading (no header, no schema) is not checked yet", () => {
    assert.equal(extractAt("https://x.com/layla_h1987", { html: "<div id=react-root></div>" }), null);
    assert.equal(extractAt("https://x.com/layla_h1987/about", { html: "<main><div data-testid='primaryColumn'></div></main>" }), null);
  });
});

// The rendered page keeps its JSON-LD (exact counts) while the header shows the counts as drawn
// (fixtures/PROVENANCE.md, "Derived pages").
describe("X, JSON-LD and header counts (derived)", () => {
  test("an abbreviated header count agreeing with the JSON-LD keeps the exact one; a header showing another number wins", () => {
    const url = "https://x.com/Kikobeats";
    const shown = (followers, following) => derive("x/real-kikobeats-2025-12-23.html", [[">3,893<", `>${followers}<`], [">406<", `>${following}<`]]);
    const agreeing = extractAt(url, { html: shown("3.9K", "406") }).profile;
    assert.deepEqual([agreeing.followers, agreeing.following], [3893, 406]);
    const moved = extractAt(url, { html: shown("5,120", "٥٠٠") }).profile;
    assert.deepEqual([moved.followers, moved.following], [5120, 500]);
  });
});


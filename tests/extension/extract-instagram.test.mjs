// Instagram extractor on real saved pages (fixtures/instagram/real-*) and invented ones.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { derive } from "./derive.mjs";
import { extractAt, fixture, pageAt } from "./helpers.mjs";

const PLUTO = "instagram/real-pluto__travel-2021-06-09-rendered.html";
const MEGADETH = "instagram/real-megadeth-2022-08-23-shell.html";

describe("Instagram, real pages", () => {
  test("pluto__travel rendered, signed in (2021): header, counts, bio, id; the viewer's data is not read", () => {
    assert.deepEqual(extractAt("https://www.instagram.com/pluto__travel/", { fixture: PLUTO }), {
      platform: "instagram",
      key: "instagram:h:pluto__travel",
      profile: {
        handle: "pluto__travel",
        profile_url: "https://www.instagram.com/pluto__travel/",
        display_name: "Pluto",
        followers: 2187,
        following: 110,
        posts: 142,
        account_id: "3640900328",
        verified: false,
        // After the category "Product/Service"; the link linkin.bio/… is not the bio.
        bio: "Where travel lovers go to escape. Our mobile app helps you organise a trip, get inspiration and protect yourself all in one place. ——",
        private: false, // posts are shown
        has_avatar: true,
      },
      avatar: {
        url: "https://scontent-mad1-1.cdninstagram.com/v/t51.2885-19/s320x320/133834346_403703180893250_1427065180629518897_n.jpg?tp=1&_nc_ht=scontent-mad1-1.cdninstagram.com&_nc_ohc=Bq78-dxCd5QAX_03O3s&edm=ABfd0MgBAAAA&ccb=7-4&oh=cda8be3081ac2092de13bf1fbeb47c5d&oe=60C87C73&_nc_sid=7bff83",
      },
    });
  });

  test("megadeth app shell (2022): only the tab title shows; the id comes from route data naming the handle", () => {
    // The inline config also holds the signed-in viewer's own account (is_private: true): unused.
    assert.deepEqual(extractAt("https://www.instagram.com/megadeth/", { fixture: MEGADETH }), {
      platform: "instagram",
      key: "instagram:h:megadeth",
      profile: {
        handle: "megadeth",
        profile_url: "https://www.instagram.com/megadeth/",
        display_name: "Megadeth",
        account_id: "343260652",
      },
      avatar: null,
    });
  });

  test("after in-app navigation away from a real page, nothing of that page is sent for the next profile", () => {
    // The DOM and head still show @pluto__travel (whose data also lists other accounts' ids and
    // usernames) while the URL names another account: no header for it, stale tags, nothing read.
    for (const handle of ["artistresidence", "someone.else"]) {
      assert.equal(extractAt(`https://www.instagram.com/${handle}/`, { fixture: PLUTO }), null, handle);
    }
    const title = fixture(MEGADETH).replace(/<title>[^<]*<\/title>/, "<title>Someone (&#064;someone.else) • Instagram photos and videos</title>");
    const found = extractAt("https://www.instagram.com/someone.else/", { html: title });
    assert.equal(found.profile.account_id, undefined, "megadeth's route data does not name @someone.else");
    assert.equal(found.profile.display_name, "Someone");
  });

  test("posts, reels, stories and Instagram's own pages are not profiles", () => {
    for (const path of ["/p/CP5xM7lnOVp/", "/reel/Cabc/", "/stories/pluto__travel/123/", "/explore/", "/direct/inbox/", "/accounts/edit/", "/pluto__travel/p/x/"]) {
      assert.equal(extractAt(`https://www.instagram.com${path}`, { fixture: PLUTO }), null, path);
    }
  });
});

// The real pages in the other languages and states Instagram serves them (fixtures/PROVENANCE.md,
// "Derived pages"): only labels, number formats, language and direction, or the header changed.
const PLUTO_URL = "https://www.instagram.com/pluto__travel/";
const PLUTO_DESCRIPTION = "2,187 Followers, 110 Following, 142 Posts - See Instagram photos and videos from Pluto (@pluto__travel)";
/** pluto__travel as the server sends it before rendering (no header), its description in `description`. */
// The page's embedded data about the profile: the JSON-LD and window._sharedData.
const PLUTO_DATA = [
  [/<script type="application\/ld\+json">[\s\S]*?<\/script>/, ""],
  [/<script type="text\/javascript">\s*window\._sharedData = [\s\S]*?<\/script>/, ""],
];
/** The server's tags alone say what the page shows: no header, no embedded data. */
function plutoTags(description) {
  return derive(PLUTO, [[/<header[\s\S]*?<\/header>/, ""], [PLUTO_DESCRIPTION, description], ...PLUTO_DATA]);
}

describe("Instagram, real pages in other languages and states (derived)", () => {
  test("Arabic description: parts joined by '، و' and numbers wrapped in bidi marks, each count to its own field", () => {
    const html = plutoTags("\u200f\u200f2,187\u200f من المتابعين، و\u200f110\u200f من المتابَعين، و\u200f142\u200f من المنشورات - شاهد صور ومقاطع فيديو Instagram من Pluto (@pluto__travel)");
    const { profile } = extractAt(PLUTO_URL, { html });
    assert.deepEqual([profile.followers, profile.following, profile.posts], [2187, 110, 142]);
  });

  test("Arabic description without vowel marks: 'متابع' twice is followers or following, so neither is sent", () => {
    const html = plutoTags("٢٬١٨٧ متابع، ١١٠ متابع، ١٤٢ منشور - شاهد صور ومقاطع فيديو Instagram من Pluto (@pluto__travel)");
    const { profile } = extractAt(PLUTO_URL, { html });
    assert.equal(profile.followers, undefined);
    assert.equal(profile.following, undefined);
    assert.equal(profile.posts, 142);
  });

  test("French and Arabic descriptions with narrow spaces and abbreviated counts", () => {
    const cases = [
      ["2\u202f187 abonnés, 110 abonnements, 1\u202f042 publications - Voir les photos et vidéos Instagram de Pluto (@pluto__travel)", [2187, 110, 1042]],
      ["1,2\u00a0M abonnés, 12,5\u00a0k abonnements, 142 publications - Voir les photos et vidéos Instagram de Pluto (@pluto__travel)", [1200000, 12500, 142]],
      ["١٫٢ مليون متابِع، ١١٠ متابَع، ١٤٢ منشورًا - شاهد صور ومقاطع فيديو Instagram من Pluto (@pluto__travel)", [1200000, 110, 142]],
      // The French wording of later years: "followers" and "suivi(e)s".
      ["2\u202f187 followers, 110 suivi(e)s, 142 publications - Voir les photos et vidéos Instagram de Pluto (@pluto__travel)", [2187, 110, 142]],
    ];
    for (const [description, expected] of cases) {
      const { profile } = extractAt(PLUTO_URL, { html: plutoTags(description) });
      assert.deepEqual([profile.followers, profile.following, profile.posts], expected, description);
    }
  });

  test("the later description format with the bio, in French and Arabic: the bio without its quotes", () => {
    for (const description of [
      "2\u202f187 followers, 110 suivi(e)s, 142 publications - Pluto (@pluto__travel) sur Instagram\u00a0: «\u00a0Where travel lovers go to escape.\u00a0»",
      "\u200f2,187\u200f من المتابعين، و\u200f110\u200f من المتابَعين، و\u200f142\u200f من المنشورات - \u200fPluto (@pluto__travel) على Instagram: &quot;Where travel lovers go to escape.&quot;", // as the attribute escapes it
    ]) {
      const { profile } = extractAt(PLUTO_URL, { html: plutoTags(description) });
      assert.deepEqual([profile.bio, profile.followers, profile.following, profile.posts], ["Where travel lovers go to escape.", 2187, 110, 142], description);
    }
  });

  test("the rendered header in Arabic (rtl) and French: the same fields as in English", () => {
    const english = extractAt(PLUTO_URL, { fixture: PLUTO }).profile;
    const arabic = derive(PLUTO, [
      ['<html lang="en"', '<html lang="ar" dir="rtl"'], [/(class="g47SY ">)142(<\/span>)\s*posts/, "$1١٤٢$2 منشورًا"],
      [/(title="2,187">2,187<\/span>)\s*followers/, "$1 متابِع"], [/(class="g47SY ">110<\/span>)\s*following/, "$1 متابَع"],
      ["pluto__travel's profile picture", "صورة الملف الشخصي لـ pluto__travel"], [">Follow</button>", ">متابعة</button>"],
    ]);
    const french = derive(PLUTO, [
      ['<html lang="en"', '<html lang="fr"'], [/(class="g47SY ">142<\/span>)\s*posts/, "$1 publications"],
      [/title="2,187">2,187<\/span>\s*followers/, 'title="2\u202f187">2\u202f187</span> abonnés'],
      [/(class="g47SY ">110<\/span>)\s*following/, "$1 abonnements"], [">Follow</button>", ">S’abonner</button>"],
    ]);
    assert.deepEqual(extractAt(PLUTO_URL, { html: arabic }).profile, english);
    assert.deepEqual(extractAt(PLUTO_URL, { html: french }).profile, english);
  });

  test("'Followed by …' (people the viewer knows) under the bio is not the bio, in English, French and Arabic", () => {
    const english = extractAt(PLUTO_URL, { fixture: PLUTO }).profile.bio;
    for (const line of ["Followed by nour.k and 3 others", "Followed by nour.k and sara.m", "Suivi(e) par nour.k et sara.m", "يتابعه nour.k و٣ آخرون", "يتابعه nour.k وsara.m"]) {
      // Drawn as text under the bio (the 2021 layout makes it a link, which is skipped anyway).
      const html = derive(PLUTO, [[/(linkin\.bio\/pluto__travel<\/a>)/, `$1<div><span>${line}</span></div>`]]);
      assert.equal(extractAt(PLUTO_URL, { html }).profile.bio, english, line);
    }
  });

  test("a name holding ' • ' and the Arabic title: the name is all that comes before the appended handle", () => {
    const title = (value) => derive(PLUTO, [[/<header[\s\S]*?<\/header>/, ""], [/Pluto \(@pluto__travel\) • Instagram photos and videos/g, value]]);
    assert.equal(extractAt(PLUTO_URL, { html: title("Pluto • Travel ✈️ (@pluto__travel) • Instagram photos and videos") }).profile.display_name, "Pluto • Travel ✈️");
    assert.equal(extractAt(PLUTO_URL, { html: title("\u200fبلوتو\u200f (@pluto__travel) • صور ومقاطع فيديو Instagram") }).profile.display_name, "بلوتو");
    // A name holding "(@someone) • " does not make the tags someone's.
    assert.equal(extractAt("https://www.instagram.com/someone/", { html: title("Pluto (@someone) • x (@pluto__travel) • Instagram photos and videos") }), null);
  });

  test("the verified badge as the Arabic and French UIs label it", () => {
    for (const label of ["حساب تم التحقق منه", "تم التحقق", "موثَّق", "Vérifié", "Compte vérifié"]) {
      const html = derive(PLUTO, [[/(>\s*pluto__travel<\/h2>)/, `$1<span title="${label}" class="mTLOB Szr5J coreSpriteVerifiedBadge">${label}</span>`]]);
      assert.equal(extractAt(PLUTO_URL, { html }).profile.verified, true, label);
      // The badge's own text is not a bio: an account with no bio and no category has none.
      const bare = derive(html, [[/<span class="_8FvLi">Product\/Service<\/span>/, ""], [/<span>Where\s+travel lovers[\s\S]*?<\/span>/, ""]]);
      assert.equal(extractAt(PLUTO_URL, { html: bare }).profile.bio, undefined, label);
    }
  });

  test("an icon on the handle's line under a label we do not know: verified is left unsaid, not 'no'", () => {
    const html = derive(PLUTO, [[/(>\s*pluto__travel<\/h2>)/, '$1<span title="Doğrulanmış" class="mTLOB Szr5J coreSpriteVerifiedBadge">Doğrulanmış</span>']]);
    assert.equal(extractAt(PLUTO_URL, { html }).profile.verified, undefined);
    // The 2023 layout: the handle's heading inside its link, the badge an svg after it.
    const modern = derive(PLUTO, [[/<h2\s+class="_7UhW9[^"]*">\s*pluto__travel<\/h2>/, '<a href="/pluto__travel/"><h2><span>pluto__travel</span></h2></a><div><svg aria-label="Potvrđeno" role="img"><title>Potvrđeno</title></svg></div>']]);
    assert.equal(extractAt(PLUTO_URL, { html: modern }).profile.verified, undefined);
    assert.equal(extractAt(PLUTO_URL, { html: modern.replace(/Potvrđeno/g, "تم التحقق") }).profile.verified, true);
  });

  test("logged out, the counts are items without links: each read by its word, in English, French and Arabic", () => {
    // Only the header tells (the tags are removed, as after in-app navigation).
    const loggedOut = (followers, following, posts) => derive(PLUTO, [
      [/<meta property="og:[^>]*>/g, ""], [/<meta\s+content="[^"]*"\s+name="description">/, ""], [/<title>[^<]*<\/title>/, "<title>Instagram</title>"],
      [/(class="g47SY ">142<\/span>)\s*posts/, `$1 ${posts}`],
      [/<a class="-nal3 "\s+href="\/pluto__travel\/followers\/" tabindex="0">([\s\S]*?)followers<\/a>/, `<span class="-nal3 ">$1${followers}</span>`],
      [/<a class="-nal3 "\s+href="\/pluto__travel\/following\/" tabindex="0">([\s\S]*?)following<\/a>/, `<span class="-nal3 ">$1${following}</span>`],
    ]);
    for (const words of [["followers", "following", "posts"], ["abonnés", "suivi(e)s", "publications"], ["متابِع", "متابَع", "منشورًا"]]) {
      const { profile } = extractAt(PLUTO_URL, { html: loggedOut(...words) });
      assert.deepEqual([profile.followers, profile.following, profile.posts], [2187, 110, 142], words.join());
    }
    // The same word twice (Arabic without vowel marks): neither count.
    const { profile } = extractAt(PLUTO_URL, { html: loggedOut("متابع", "متابع", "منشور") });
    assert.deepEqual([profile.followers, profile.following, profile.posts], [undefined, undefined, 142]);
  });

  test("no photo: Instagram's anonymous picture, the older and the late-2024 one, is not downloaded", () => {
    for (const src of [
      "https://scontent-mad1-1.cdninstagram.com/v/t51.2885-19/464760996_1254146839119862_3605321457742435801_n.png?stp=dst-jpg_e0_s150x150&_nc_ht=scontent-mad1-1.cdninstagram.com",
      "https://scontent-mad1-1.cdninstagram.com/v/t51.2885-19/44884218_345707102882519_2446069589734326272_n.jpg?_nc_ht=scontent-mad1-1.cdninstagram.com",
      "https://instagram.fmad3-1.fna.fbcdn.net/v/t51.2885-19/s150x150/anon_n.jpg?ig_cache_key=YW5vbnltb3VzX3Byb2ZpbGVfcGlj.2-ccb7-5",
    ]) {
      const html = derive(PLUTO, [[/(data-testid="user-avatar"\s+draggable="false"\s+src=")[^"]*"/, `$1${src}"`], [/(<meta property="og:image"\s+content=")[^"]*"/, `$1${src}"`]]);
      const found = extractAt(PLUTO_URL, { html });
      assert.equal(found.profile.has_avatar, false, src);
      assert.equal(found.avatar, null, src);
    }
  });

  test("a private account in English, French and Arabic: the notice where the posts were", () => {
    for (const [title, text] of [["This account is private", "Follow this account to see their photos and videos."],
      ["Ce compte est privé", "Abonnez-vous à ce compte pour voir ses photos et vidéos."], ["هذا الحساب خاص", "تابع هذا الحساب لمشاهدة صوره ومقاطع الفيديو الخاصة به."]]) {
      const html = derive(PLUTO, [[/<article[\s\S]*?<\/article>/, `<div><div><h2>${title}</h2><div>${text}</div></div></div>`]]);
      const { profile } = extractAt(PLUTO_URL, { html });
      assert.equal(profile.private, true, title);
      assert.equal(profile.bio.slice(0, 34), "Where travel lovers go to escape. ", "the notice is not the bio");
    }
    // Zero posts, public: no notice, no post, so nothing is said about privacy.
    const empty = derive(PLUTO, [[/<article[\s\S]*?<\/article>/, "<div><h2>No Posts Yet</h2></div>"]]);
    assert.equal(extractAt(PLUTO_URL, { html: empty }).profile.private, undefined);
  });

  test("a bio that says the account is private is neither the notice nor dropped (the owner writes it)", () => {
    // Desktop, the real 2021 profile with its posts: the bio's own line, alone or in a sentence.
    for (const line of ["This account is private", "DM me, this account is private!", "هذا الحساب خاص"]) {
      const html = derive(PLUTO, [["<span>Where\n                  travel lovers", `<span>${line}<br>Where\n                  travel lovers`]]);
      const { profile } = extractAt(PLUTO_URL, { html });
      assert.equal(profile.private, false, `${line}: the posts are shown`);
      assert.equal(profile.followers, 2187, line);
    }
    // Phone, Arabic UI: a bio section saying so, before the counts row, stops nothing.
    const MOBILE = "instagram/invented-mobile.html";
    const url = "https://www.instagram.com/sara19283746/";
    const bio = (text) => [["سارة</span></section>", `سارة</span></section><div class="x7a106z"><span dir="auto">${text}</span></div>`]];
    for (const text of ["هذا الحساب خاص", "This account is private"]) {
      const { profile } = extractAt(url, { html: derive(MOBILE, bio(text)) });
      assert.equal(profile.followers, 3, text);
      assert.equal(profile.following, 900, text);
      assert.equal(profile.private, true, `${text}: the page's own notice, after the counts`);
    }
    // Without the page's own notice (and no posts), a bio saying so says nothing about privacy.
    const notice = '<div class="x1n2onr6"><div><span dir="auto">هذا الحساب خاص</span></div><div>تابع هذا الحساب لمشاهدة صوره ومقاطع الفيديو.</div></div>';
    const { profile } = extractAt(url, { html: derive(MOBILE, [...bio("هذا الحساب خاص"), [notice, ""]]) });
    assert.equal(profile.private, undefined);
    assert.equal(profile.followers, 3);
  });

  test("an account with a category or pronouns and no bio: neither is sent as the bio", () => {
    const noBio = derive(PLUTO, [[/<span>Where\s+travel lovers[\s\S]*?<\/span>/, ""]]);
    assert.equal(extractAt(PLUTO_URL, { html: noBio }).profile.bio, undefined, "the category Product/Service is in the page's data");
    for (const pronouns of ["she/her", "il / lui", "هي/لها", "they/them/theirs"]) {
      const html = derive(noBio, [['<span class="_8FvLi">Product/Service</span>', `<span class="_8FvLi">${pronouns}</span>`]]);
      assert.equal(extractAt(PLUTO_URL, { html }).profile.bio, undefined, pronouns);
    }
    // With a bio, the bio is still read after them.
    assert.equal(extractAt(PLUTO_URL, { fixture: PLUTO }).profile.bio.slice(0, 34), "Where travel lovers go to escape. ");
  });

  test("a free-form category with no bio: not the bio on a fresh load either, though the page's data does not name it", () => {
    const html = derive(PLUTO, [[/<span>Where\s+travel lovers[\s\S]*?<\/span>/, ""], ['<span class="_8FvLi">Product/Service</span>', '<span class="_8FvLi">Ceramics &amp; glaze, Tunis</span>']]);
    assert.equal(extractAt(PLUTO_URL, { html }).profile.bio, undefined);
  });

  test("'Sorry, this page isn't available' at a profile's address, and the login page it redirects to, are not profiles", () => {
    const unavailable = derive(PLUTO, [
      [/<header[\s\S]*?<\/header>/, "<div><h2>Sorry, this page isn't available.</h2></div>"],
      [/<title>[^<]*<\/title>/, "<title>Page not found • Instagram</title>"],
      [/<meta property="og:[^>]*>/g, ""], [/<meta\s+content="[^"]*"\s+name="description">/, ""],
    ]);
    assert.equal(extractAt(PLUTO_URL, { html: unavailable }), null);
    assert.equal(extractAt("https://www.instagram.com/accounts/login/?next=%2Fpluto__travel%2F", { fixture: PLUTO }), null);
    for (const path of ["/explore/tags/travel/", "/explore/locations/123/paris/", "/pluto__travel/p/CP5xM7lnOVp/", "/pluto__travel/reel/Cabc/", "/stories/highlights/1790/", "/reels/audio/123/", "/accounts/edit/", "/direct/t/123/"]) {
      assert.equal(extractAt(`https://www.instagram.com${path}`, { fixture: PLUTO }), null, path);
    }
  });
});

// In-app navigation (Instagram is a single-page app): the user went from @pluto__travel to another
// account, @pluto.studio, without a page load. The <head> (og:url, description), the embedded data
// (category "Product/Service", the id) and the posts are still pluto__travel's; the app redrew the
// header and the tab title for the new account (fixtures/PROVENANCE.md, "Derived pages").
const STUDIO_URL = "https://www.instagram.com/pluto.studio/";
const BIO = "Where travel lovers go to escape. Our mobile app helps you organise a trip, get inspiration and protect yourself all in one place. ——";
const BIO_SPAN = /<span>Where\s+travel lovers[\s\S]*?<\/span>/;
const CATEGORY_SPAN = '<span class="_8FvLi">Product/Service</span>';
/** The page after navigating to @pluto.studio, with `edits` to its header. */
function navigated(edits = []) {
  return derive(PLUTO, [
    [/<title>[^<]*<\/title>/, "<title>Pluto Studio (@pluto.studio) • Instagram photos and videos</title>"],
    [/(<h2\s+class="_7UhW9[^"]*">\s*)pluto__travel(<\/h2>)/, "$1pluto.studio$2"],
    ['href="/pluto__travel/followers/"', 'href="/pluto.studio/followers/"'],
    ['href="/pluto__travel/following/"', 'href="/pluto.studio/following/"'],
    ["pluto__travel's profile picture", "pluto.studio's profile picture"],
    ['<h1 class="rhpdm">Pluto</h1>', '<h1 class="rhpdm">Pluto Studio</h1>'],
    ...edits,
  ]);
}
// Business accounts write their category freely: none of these is in the page's data.
const FREE_CATEGORIES = ["Ceramics &amp; glaze, Tunis", "Atelier de céramique", "استوديو خزف وفخار", "Handmade"];
/**
 * The same header in the 2023 structure (as a public copy of a 2023 business header shows it: the
 * name in a wrapper, the category lines in a column wrapper of their own, the bio an <h1>).
 */
function modern(html) {
  return derive(html, [
    ['<h1 class="rhpdm">', '<div class="x9f619 xjbqb8w x78zum5"><span class="x1lliihq x1plvlek xryxfnj" dir="auto">'],
    [/(<span class="x1lliihq x1plvlek xryxfnj" dir="auto">[^<]*)<\/h1><br>/, "$1</span></div>"],
    [/<div\s+class="\s+Igw0E\s+IwRSH\s+eGOV_\s+_4EzTm\s+">\s*<span class="_8FvLi">([^<]*)<\/span><\/div>/, '<div class="x9f619 xjbqb8w x78zum5 xdt5ytf"><div class="_aacl _aaco _aacu _aacy _aad6 _aade" dir="auto"><br></div><div class="_aacl _aaco _aacu _aacy _aad6 _aade" dir="auto">$1</div></div>'],
  ].concat(html.search(BIO_SPAN) >= 0 ? [[BIO_SPAN, (span) => span.replace(/^<span>/, '<h1 class="_aacl _aaco _aacu _aacx _aad6 _aade" dir="auto">').replace(/<\/span>$/, "</h1>")]] : []));
}

describe("Instagram after in-app navigation (derived from the real page)", () => {
  test("the stale head and data are not used: the header's name and counts are read, no id", () => {
    const { profile } = extractAt(STUDIO_URL, { html: navigated() });
    assert.equal(profile.handle, "pluto.studio");
    assert.equal(profile.display_name, "Pluto Studio");
    assert.equal(profile.account_id, undefined, "pluto__travel's id is not this account's");
    assert.deepEqual([profile.followers, profile.following, profile.posts], [2187, 110, 142]);
  });

  test("a business account with a free-form category and no bio: the category is not sent as the bio", () => {
    for (const category of FREE_CATEGORIES) {
      const html = navigated([[BIO_SPAN, ""], [CATEGORY_SPAN, `<span class="_8FvLi">${category}</span>`]]);
      assert.equal(extractAt(STUDIO_URL, { html }).profile.bio, undefined, category);
      assert.equal(extractAt(STUDIO_URL, { html: modern(html) }).profile.bio, undefined, `${category} (2023 structure)`);
      assert.equal(extractAt(STUDIO_URL, { html: modern(html) }).profile.display_name, "Pluto Studio");
    }
  });

  test("a category and a bio: the bio is read whole, the category not glued to it", () => {
    for (const category of FREE_CATEGORIES) {
      const html = navigated([[CATEGORY_SPAN, `<span class="_8FvLi">${category}</span>`]]);
      assert.equal(extractAt(STUDIO_URL, { html }).profile.bio, BIO, category);
      assert.equal(extractAt(STUDIO_URL, { html: modern(html) }).profile.bio, BIO, `${category} (2023 structure)`);
    }
  });

  test("no category, a bio: the bio is read", () => {
    const html = navigated([[/<div\s+class="\s+Igw0E\s+IwRSH\s+eGOV_\s+_4EzTm\s+">\s*<span class="_8FvLi">Product\/Service<\/span><\/div>/, ""]]);
    assert.equal(extractAt(STUDIO_URL, { html }).profile.bio, BIO);
    const bare = derive(modern(navigated()), [[/<div class="x9f619 xjbqb8w x78zum5 xdt5ytf">[\s\S]*?<\/div><\/div>/, ""]]);
    assert.equal(extractAt(STUDIO_URL, { html: bare }).profile.bio, BIO, "2023 structure");
    // A one-line bio, drawn where the bio goes, is still a bio.
    const short = derive(html, [[BIO_SPAN, "<span>Handmade</span>"]]);
    assert.equal(extractAt(STUDIO_URL, { html: short }).profile.bio, "Handmade");
  });
});

// A business account without a name (Instagram allows an empty name): the header shows no name
// line, so its first line is the category (fixtures/PROVENANCE.md, "Derived pages": the real
// pluto__travel page, navigated as above, with the name's <h1> and its <br> removed).
const NAME_LINE = /<h1 class="rhpdm">Pluto Studio<\/h1><br>/;
const NO_NAME_TITLE = "<title>@pluto.studio • Instagram photos and videos</title>";

describe("Instagram, a business account without a name (derived from the real page)", () => {
  /** @pluto.studio without a name, its category `category`, with or without its bio, under `title`. */
  function nameless(category, { bio = true, title = NO_NAME_TITLE } = {}) {
    return navigated([
      [NAME_LINE, ""],
      [CATEGORY_SPAN, `<span class="_8FvLi">${category}</span>`],
      [/<title>[^<]*<\/title>/, title],
      ...(bio ? [] : [[BIO_SPAN, ""]]),
    ]);
  }
  // The 2023 structure of the same header, without the name's wrapper.
  const modernNameless = (html) => derive(modern(derive(html, [[/(<div class="-vDIg">)/, '$1<h1 class="rhpdm">@@NAME@@</h1><br>']])), [[/<div class="x9f619 xjbqb8w x78zum5"><span class="x1lliihq x1plvlek xryxfnj" dir="auto">@@NAME@@<\/span><\/div>/, ""]]);

  test("in-app navigation: the category is never the name, whatever the tab title says", () => {
    for (const category of [...FREE_CATEGORIES, "Product/Service"]) {
      for (const title of [NO_NAME_TITLE, "<title>(@pluto.studio) • Instagram photos and videos</title>", "<title>Instagram</title>", "<title>Pluto (@pluto__travel) • Instagram photos and videos</title>"]) {
        for (const bio of [true, false]) {
          const html = nameless(category, { bio, title });
          for (const [layout, page] of [["2021", html], ["2023", modernNameless(html)]]) {
            const { profile } = extractAt(STUDIO_URL, { html: page });
            const what = `${category} / ${title} / bio ${bio} / ${layout}`;
            assert.equal(profile.display_name, undefined, what);
            assert.equal(profile.bio, bio ? BIO : undefined, what);
            assert.deepEqual([profile.handle, profile.followers], ["pluto.studio", 2187], what);
          }
        }
      }
    }
  });

  test("a fresh load of a nameless account: no name from the tags or the header; the category is not the bio", () => {
    const html = derive(PLUTO, [
      [/<h1 class="rhpdm">Pluto<\/h1><br>/, ""],
      [/Pluto \(@pluto__travel\) • Instagram photos and videos/g, "@pluto__travel • Instagram photos and videos"],
    ]);
    const { profile } = extractAt(PLUTO_URL, { html });
    assert.equal(profile.display_name, undefined);
    assert.equal(profile.bio, BIO);
    assert.equal(profile.account_id, "3640900328");
  });

  test("the name is still read: from the title after navigation, and from the header's first line when the title says nothing", () => {
    assert.equal(extractAt(STUDIO_URL, { html: navigated() }).profile.display_name, "Pluto Studio");
    const stale = navigated([[/<title>[^<]*<\/title>/, "<title>Instagram</title>"]]);
    assert.deepEqual([extractAt(STUDIO_URL, { html: stale }).profile.display_name, extractAt(STUDIO_URL, { html: stale }).profile.bio], ["Pluto Studio", BIO]);
    // The 2023 structure wraps the name like a category: with no title to say, it is left out rather than guessed.
    assert.equal(extractAt(STUDIO_URL, { html: modern(stale) }).profile.display_name, undefined);
    assert.equal(extractAt(STUDIO_URL, { html: modern(navigated()) }).profile.display_name, "Pluto Studio");
    // A name typed to look like a nameless title ("@pluto.studio • Pluto Studio") is still the name.
    const typed = navigated([[/<title>[^<]*<\/title>/, "<title>@pluto.studio • Pluto Studio (@pluto.studio) • Instagram photos and videos</title>"], ['<h1 class="rhpdm">Pluto Studio</h1>', '<h1 class="rhpdm">@pluto.studio • Pluto Studio</h1>']]);
    assert.equal(extractAt(STUDIO_URL, { html: typed }).profile.display_name, "@pluto.studio • Pluto Studio");
  });
});

describe("Instagram, invented pages", () => {
  test("desktop, fresh load: Open Graph counts, embedded profile id, header structure", () => {
    assert.deepEqual(extractAt("https://www.instagram.com/nour.khalil.art/", { fixture: "instagram/invented-desktop.html" }), {
      platform: "instagram",
      key: "instagram:h:nour.khalil.art",
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

  test("mobile, Arabic UI, after in-app navigation: stale tags ignored, Arabic digits read, private", () => {
    const found = extractAt("https://www.instagram.com/sara19283746/", { fixture: "instagram/invented-mobile.html" });
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
    // A bio in a section of its own after the name's (phones): a bio, not a label line under the name.
    const html = fixture("instagram/invented-mobile.html").replace("سارة</span></section>", 'سارة</span></section><div class="x7a106z"><span dir="auto">طالبة هندسة</span></div>');
    assert.equal(extractAt("https://www.instagram.com/sara19283746/", { html }).profile.bio, "طالبة هندسة");
  });

  test("server HTML of 2024 (head only): bio, counts, id and photo from the tags; no private, no badge", () => {
    assert.deepEqual(extractAt("https://www.instagram.com/rania.azzam.studio/", { fixture: "instagram/invented-server-2024.html" }), {
      platform: "instagram",
      key: "instagram:h:rania.azzam.studio",
      profile: {
        handle: "rania.azzam.studio",
        profile_url: "https://www.instagram.com/rania.azzam.studio/",
        display_name: "Rania Azzam",
        followers: 48200,
        following: 806,
        posts: 91,
        account_id: "6543210987",
        bio: "Ceramics & glaze 🏺 Tunis → Lyon DM for commissions",
        has_avatar: true,
      },
      avatar: { url: "https://scontent-cdg4-2.cdninstagram.com/v/t51.2885-19/440000001_1_n.jpg?stp=dst-jpg_s100x100" },
    });
  });

  test("private only with evidence, and corrected when the header appears", () => {
    const head = fixture("instagram/invented-server-2024.html");
    assert.equal(extractAt("https://www.instagram.com/rania.azzam.studio/", { html: head }).profile.private, undefined);
    const header = `<main><header><section><h2>rania.azzam.studio</h2></section><section><ul>
      <li><span>91</span> posts</li><li><a href="/rania.azzam.studio/followers/"><span title="48,213">48.2K</span> followers</a></li>
      <li><a href="/rania.azzam.studio/following/"><span>806</span> following</a></li></ul>
      <div><span dir="auto">Rania Azzam</span><span dir="auto">Ceramics &amp; glaze</span></div></section></header>
      <div><h2>This account is private</h2><span>Follow to see their photos and videos.</span></div></main>`;
    const drawn = extractAt("https://www.instagram.com/rania.azzam.studio/", { html: head.replace('<div id="mount_0_0_Qz"></div>', header) });
    assert.equal(drawn.profile.private, true);
    assert.equal(drawn.profile.followers, 48213, "the exact count of the header wins over the tags' 48.2K");
    assert.equal(drawn.profile.bio, "Ceramics & glaze 🏺 Tunis → Lyon DM for commissions", "the full bio of the tags");
  });

  test("security finding 11: a display name holding '(@friend)' does not make stale tags look fresh", () => {
    // The first page loaded was @evil.acct, named "(@nour.khalil.art)"; the user then followed a
    // link to the real @nour.khalil.art. Tags and inline ids still describe @evil.acct.
    const stale = fixture("instagram/invented-desktop.html")
      .replace(/content="Nour Khalil \(@nour\.khalil\.art\) • Instagram photos and videos"/, 'content="(@nour.khalil.art) (@evil.acct) • Instagram photos and videos"')
      .replace(/content="2,451 Followers, 318 Following, 87 Posts - See Instagram photos and videos from Nour Khalil \(@nour\.khalil\.art\)"/, 'content="3 Followers, 950 Following, 0 Posts - See Instagram photos and videos from (@nour.khalil.art) (@evil.acct)"')
      .replace(/profilePage_5521987341/g, "profilePage_666000666")
      .replace('content="https://www.instagram.com/nour.khalil.art/"', 'content="https://www.instagram.com/evil.acct/"');
    const found = extractAt("https://www.instagram.com/nour.khalil.art/", { html: stale });
    assert.equal(found.profile.account_id, undefined, "the hostile account's id is dropped");
    assert.equal(found.key, "instagram:h:nour.khalil.art");
    assert.deepEqual([found.profile.followers, found.profile.following, found.profile.posts], [2451, 318, 87], "counts from the header");
    // Without og:url, the handle Instagram appends (the last before " • ") decides.
    const noUrl = stale.replace(/<meta property="og:url"[^>]*>/, "");
    const again = extractAt("https://www.instagram.com/nour.khalil.art/", { html: noUrl });
    assert.equal(again.profile.account_id, undefined);
    assert.equal(again.profile.display_name, "Nour Khalil", "the name from the header, not '(@nour.khalil.art)'");
  });

  test("current header: name, category, then bio; a name alone gives no bio", () => {
    const page = (rest) => `<main><header><section><img alt="lina.k's profile picture" src="https://scontent.cdninstagram.com/v/t51.2885-19/5_n.jpg"></section>
      <section><div><a href="/lina.k/"><h2><span>lina.k</span></h2></a><div><button>Follow</button></div></div>
      <ul><li><span>12</span> posts</li><li><a href="/lina.k/followers/"><span title="1,002">1,002</span> followers</a></li><li><a href="/lina.k/following/"><span>99</span> following</a></li></ul>
      <div><span dir="auto">Lina K.</span>${rest}<a href="/lina.k/followers/mutualOnly"><span>Followed by nour.khalil.art</span></a></div></section></header>
      <div role="tablist"><a href="/lina.k/" role="tab">Posts</a></div><article><a href="/p/Cxyz/"><img src="https://scontent.cdninstagram.com/p.jpg"></a></article></main>`;
    const full = extractAt("https://www.instagram.com/lina.k/", { html: page(`<div dir="auto">Photographer</div><span dir="auto">Light, <a href="/explore/tags/amman/">#amman</a> and people</span>`) });
    assert.equal(full.profile.display_name, "Lina K.");
    assert.equal(full.profile.bio, "Light, #amman and people");
    assert.equal(full.profile.private, false);
    assert.equal(full.profile.followers, 1002);
    const bare = extractAt("https://www.instagram.com/lina.k/", { html: page("") });
    assert.equal(bare.profile.display_name, "Lina K.");
    assert.equal(bare.profile.bio, undefined, "absent rather than a guessed empty bio");
  });

  test("'About this account' dialog: join date, country, former usernames", () => {
    const dialog = `<div role="dialog"><h1>About this account</h1><span>nour.khalil.art</span>
      <div><div><span>Date joined</span></div><div><span>March 2015</span></div></div>
      <div><div><span>Account based in</span></div><div><span>Lebanon</span></div></div>
      <div><div><span>Former usernames</span></div><div><span>2</span></div></div></div>`;
    const html = fixture("instagram/invented-desktop.html").replace("</body>", `${dialog}</body>`);
    const found = extractAt("https://www.instagram.com/nour.khalil.art/", { html });
    assert.deepEqual([found.profile.joined, found.profile.based_in, found.profile.name_changes], ["2015-03", "Lebanon", 2]);
  });
});

describe("Instagram, a real post page (meedan/pender)", () => {
  test("a post (/p/<code>/, meedan/pender's instagram-item-page, first 13,544 characters): nothing", () => {
    // The head of a post's page: og:type "instapp:photo", og:url /p/Chm_-tPJqpd/, the owner's id in
    // instapp:owner_user_id, and a twitter:title in a profile's words ("Retro Bay Area (@retrobayarea) •
    // Instagram photos and videos"): none of it is the account's profile, at the post's addresses.
    const POST = "instagram/real-retrobayarea-post-prefix.html";
    for (const url of [
      "https://www.instagram.com/p/Chm_-tPJqpd/", "https://www.instagram.com/p/Chm_-tPJqpd/?hl=ar", "https://www.instagram.com/p/Chm_-tPJqpd",
      "https://www.instagram.com/retrobayarea/p/Chm_-tPJqpd/", "https://www.instagram.com/reel/Chm_-tPJqpd/",
    ]) {
      assert.equal(extractAt(url, { fixture: POST }), null, url);
    }
  });
});

// The server's HTML of 2017–2021 carried the profile as JSON-LD and in window._sharedData; a page
// saved before Instagram's app drew it (or with scripts off) shows what those say. Each variant is
// the real 2021 page with its rendered header removed (fixtures/PROVENANCE.md, "Derived pages").
const PLUTO_HEADERLESS = [[/<header[\s\S]*?<\/header>/, ""]];

describe("Instagram, the server's embedded data bound to the handle (derived)", () => {
  test("without the rendered header: name, bio, counts, id, badge, privacy and photo from the user object, as the header showed them", () => {
    const rendered = extractAt(PLUTO_URL, { fixture: PLUTO });
    const found = extractAt(PLUTO_URL, { html: derive(PLUTO, PLUTO_HEADERLESS) });
    for (const field of ["display_name", "bio", "followers", "following", "posts", "account_id", "verified", "private", "has_avatar"]) {
      assert.deepEqual(found.profile[field], rendered.profile[field], field);
    }
    // The server's og:image (150 px) comes first; the same picture as the header's.
    assert.match(found.avatar.url, /\/133834346_403703180893250_1427065180629518897_n\.jpg\?/);
  });

  test("the JSON-LD alone (alternateName '@handle', its ProfilePage's @id): name, bio, followers; its favicon is no photo", () => {
    const html = derive(PLUTO, [...PLUTO_HEADERLESS, PLUTO_DATA[1], [/<meta property="og:image"[^>]*>/, ""]]);
    const { profile, avatar } = extractAt(PLUTO_URL, { html });
    assert.equal(profile.display_name, "Pluto");
    assert.equal(profile.bio, BIO);
    assert.equal(profile.followers, 2187);
    assert.equal(profile.verified, undefined);
    assert.equal(profile.has_avatar, undefined);
    assert.equal(avatar, null);
  });

  test("JSON-LD or a user object naming another handle, and the signed-in viewer's own object, are never read", () => {
    // The JSON-LD's alternateName and @id name another account: not this profile's.
    const otherSchema = derive(PLUTO, [...PLUTO_HEADERLESS, PLUTO_DATA[1], ['"alternateName": "@pluto__travel"', '"alternateName": "@pluto_travel_fake"']]);
    assert.equal(extractAt(PLUTO_URL, { html: otherSchema }).profile.bio, undefined);
    const otherPage = derive(PLUTO, [...PLUTO_HEADERLESS, PLUTO_DATA[1], ['"@id": "https:\\/\\/www.instagram.com\\/pluto__travel\\/"', '"@id": "https:\\/\\/www.instagram.com\\/someone_else\\/"']]);
    assert.equal(extractAt(PLUTO_URL, { html: otherPage }).profile.bio, undefined);
    // At the viewer's own username (kikobeats; the server's tags renamed to it): the head's
    // logging id (profilePage_3640900328), which the data binds to pluto__travel, is not given to
    // kikobeats; the id the data binds to "kikobeats" is. The viewer object under "viewer"
    // carries no counts and gives nothing else — no bio, badge or privacy.
    const viewer = derive(PLUTO, [
      ...PLUTO_HEADERLESS, PLUTO_DATA[0],
      ['content="https://www.instagram.com/pluto__travel/"', 'content="https://www.instagram.com/kikobeats/"'], [/Pluto \(@pluto__travel\)/g, "Kiko Beats (@kikobeats)"],
    ]);
    const { profile } = extractAt("https://www.instagram.com/kikobeats/", { html: viewer });
    assert.equal(profile.handle, "kikobeats");
    assert.equal(profile.display_name, "Kiko Beats");
    assert.equal(profile.account_id, "31031468");
    for (const field of ["bio", "verified", "private"]) assert.equal(profile[field], undefined, field);
  });

  test("an abbreviated count in the header becomes the data's exact one only when the two agree", () => {
    const shown = (text) => derive(PLUTO, [[/(class="g47SY " title=")2,187(">)2,187(<\/span>)/, `$1${text}$2${text}$3`]]);
    assert.equal(extractAt(PLUTO_URL, { html: shown("2.2K") }).profile.followers, 2187);
    assert.equal(extractAt(PLUTO_URL, { html: shown("2,2 k") }).profile.followers, 2187);
    // A header showing another number than the data (data left from an earlier state): the header's.
    assert.equal(extractAt(PLUTO_URL, { html: shown("5K") }).profile.followers, 5000);
  });

  test("the Arabic description without vowel marks leaves two counts ambiguous; the user object bound to the handle gives them", () => {
    const html = derive(PLUTO, [...PLUTO_HEADERLESS, [PLUTO_DESCRIPTION, "٢٬١٨٧ متابع، ١١٠ متابع، ١٤٢ منشور - شاهد صور ومقاطع فيديو Instagram من Pluto (@pluto__travel)"]]);
    const { profile } = extractAt(PLUTO_URL, { html });
    assert.deepEqual([profile.followers, profile.following, profile.posts], [2187, 110, 142]);
  });
});

// headerArea asks whether the header and each part after it hold the counts list, and whether
// the parts after a private notice do; the extractor then reads the counts of the same parts.
// Each part's list is now read once per look at the page (it had been read again for each question).
describe("Instagram: each part of the header area's counts read once per look", () => {
  function countsLookups(url, options) {
    const window = pageAt(url, options);
    const perElement = new Map();
    const { querySelectorAll } = window.Element.prototype;
    window.Element.prototype.querySelectorAll = function (selector) {
      if (selector === "ul > li") perElement.set(this, (perElement.get(this) || 0) + 1);
      return querySelectorAll.call(this, selector);
    };
    const found = JSON.parse(JSON.stringify(window.Haris.extractProfile(window.document, window.location)));
    return { found, most: Math.max(0, ...perElement.values()), parts: perElement.size };
  }

  test("the real 2021 header and the phone layout, with a bio saying the account is private: once each, counts as before", () => {
    const real = countsLookups("https://www.instagram.com/pluto__travel/", { fixture: "instagram/real-pluto__travel-2021-06-09-rendered.html" });
    assert.deepEqual([real.found.profile.posts, real.found.profile.followers, real.found.profile.following], [142, 2187, 110]);
    assert.equal(real.most, 1);
    // The phone layout draws the bio in a section before the counts row; a bio reading the
    // private notice makes headerArea look for counts in every section after it.
    const phone = "instagram/invented-mobile.html";
    const url = "https://www.instagram.com/sara19283746/";
    for (const html of [fixture(phone), derive(phone, [["سارة</span></section>", 'سارة</span></section><div class="x7a106z"><span dir="auto">هذا الحساب خاص</span></div>']])]) {
      const read = countsLookups(url, { html });
      assert.deepEqual([read.found.profile.followers, read.found.profile.following, read.found.profile.private], [3, 900, true]);
      assert.equal(read.most, 1);
    }
  });
});

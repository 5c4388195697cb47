// Telegram extractor: Web A panels reconstructed from the client's source
// (fixtures/telegram/reconstructed-*), invented Web K and Web A panels, and t.me public pages
// (a real channel page and a user page derived from it).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { derive } from "./derive.mjs";
import { extractAt, fixture, pageAt, source } from "./helpers.mjs";

const BASE_A = fixture("telegram/reconstructed-a-base.html");
const BLOB = "blob:https://web.telegram.org/6f1c2d3e-0000-4000-8000-000000000001";
const AVATAR_A = `<div class="Avatar interactive" data-peer-id="7001234567"><div class="inner"><img src="${BLOB}" class="Avatar__media avatar-media" alt="Nour Khalil"></div></div>`;

/** A Web A panel from the reconstruction's template. */
function panelA({ avatar = AVATAR_A, titleExtra = "", usernameSub = "Username", after = "" } = {}) {
  // The template's comment names the placeholders too: fill them after the comment.
  const [comment, body] = BASE_A.split("-->");
  const filled = body.replace("@@AVATAR@@", avatar).replace("@@TITLEEXTRA@@", titleExtra).replace("@@USERNAME_SUB@@", usernameSub).replace("@@AFTER@@", after);
  return `${comment}-->${filled}`;
}

/** A Web K panel (tweb's PeerProfile): header block, then rows; `personal` goes before them. */
function panelK({ header, rows, personal = "" }) {
  return `<div class="tabs-tab sidebar sidebar-right active" id="column-right"><div class="sidebar-content"><div class="profile-container">
    <div class="profile-content">${header}${personal}
      <div class="sidebar-left-section-container"><div class="sidebar-left-section no-delimiter"><div class="sidebar-left-section-content">${rows}</div></div></div>
    </div></div></div></div>`;
}
const NAME_K = (extra = "") => `<div class="profile-name"><span class="peer-title" data-peer-id="5123456789">Karim Mansour</span>${extra}</div><div class="profile-subtitle"><span>last seen recently</span></div>`;
const ROW = (title, subtitle, style = "") => `<div class="row row-with-icon row-with-padding"${style}><div class="row-title">${title}</div><div class="row-subtitle">${subtitle}</div></div>`;
const CAROUSEL = (avatars) => `<div class="profile-avatars-container"><div class="avatar avatar-like profile-avatars-avatar-fake" data-peer-id="5123456789"><span class="avatar-photo-initials">KM</span></div><div class="profile-avatars-avatars">${avatars}</div><div class="profile-avatars-info">${NAME_K()}</div></div>`;

describe("Telegram Web A, reconstructed from the client's source", () => {
  test("a1, minimized photo: the header's peer id, rows by caption, blob photo, verified", () => {
    assert.deepEqual(extractAt("https://web.telegram.org/a/#7001234567", { fixture: "telegram/reconstructed-a1-minimized-photo.html" }), {
      platform: "telegram",
      key: "telegram:id:7001234567",
      profile: {
        handle: "nour_khalil",
        bio: "Illustrator in Beirut.",
        account_id: "7001234567",
        profile_url: "https://t.me/nour_khalil",
        display_name: "Nour Khalil",
        verified: true,
        has_avatar: true,
      },
      avatar: { blobUrl: BLOB },
    });
  });

  test("a2, two usernames ('also @nour_art' in the caption): the handle is kept", () => {
    const found = extractAt("https://web.telegram.org/a/#7001234567", { fixture: "telegram/reconstructed-a2-multi-usernames.html" });
    assert.equal(found.profile.handle, "nour_khalil");
    assert.equal(found.profile.profile_url, "https://t.me/nour_khalil");
  });

  test("SCAM and FAKE labels next to the name (UI language: English, French, Arabic)", () => {
    for (const [word, label] of [["SCAM", "scam"], ["FAKE", "fake"], ["ARNAQUE", "scam"], ["FAUX", "fake"], ["احتيال", "scam"], ["مزيف", "fake"]]) {
      const html = panelA({ titleExtra: `<span class="FakeIcon">${word}</span>` });
      const found = extractAt("https://web.telegram.org/a/#7001234567", { html });
      assert.equal(found.profile.platform_label, label, word);
      assert.equal(found.profile.display_name, "Nour Khalil");
    }
    assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html: panelA() }).profile.platform_label, undefined);
  });

  test("initials while the photo loads are not 'no photo'; the photo, once drawn, is", () => {
    const initials = `<div class="Avatar no-photo color-bg-3" data-peer-id="7001234567">NK</div>`;
    const loading = extractAt("https://web.telegram.org/a/#7001234567", { html: panelA({ avatar: initials }) });
    assert.equal(loading.profile.has_avatar, undefined, "absent until known");
    assert.equal(loading.avatar, null);
    const expanded = `<div class="ProfilePhoto"><canvas class="thumb"></canvas><img class="avatar-media" alt=""></div>`;
    assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html: panelA({ avatar: expanded }) }).profile.has_avatar, true, "a blurred thumbnail means a photo");
  });

  test("expanded photo without a peer id on the header: keyed by the username, never the chat in the URL nor a group's id below", () => {
    const expanded = `<div class="ProfilePhoto"><img class="thumb" src="${BLOB}"></div>`;
    const groups = `<div class="shared-media"><div class="ListItem chat-item-clickable"><div class="Avatar" data-peer-id="-1001234567890"></div><div class="info"><h3 class="fullName">Common group</h3></div></div></div>`;
    // The address names a chat (a trusted friend's, say); the panel may show another user opened
    // from it (a forwarded message, a mention): her id on that user would make it her.
    const found = extractAt("https://web.telegram.org/a/#7001234567", { html: panelA({ avatar: expanded, after: groups }) });
    assert.equal(found.profile.account_id, undefined);
    assert.equal(found.key, "telegram:h:nour_khalil");
    assert.equal(found.profile.has_avatar, true);
    // In a group chat (#-100…) the member's panel has no id of its own: keyed by the handle alone.
    const inGroup = extractAt("https://web.telegram.org/a/#-1001234567890", { html: panelA({ avatar: expanded, after: groups }) });
    assert.equal(inGroup.profile.account_id, undefined);
    assert.equal(inGroup.key, "telegram:h:nour_khalil");
  });

  test("a user without a username, opened from a friend's chat (#@friend), does not take the friend's username", () => {
    const rows = ROW("Met at the workshop.", "Bio");
    const header = `<div class="avatar profile-avatar avatar-120" data-peer-id="5123456789"><span>KM</span></div>${NAME_K()}`;
    const found = extractAt("https://web.telegram.org/k/#@mona_saleh", { html: panelK({ header, rows }) });
    assert.equal(found.profile.account_id, "5123456789");
    assert.equal(found.profile.handle, undefined);
    assert.equal(found.profile.profile_url, undefined);
  });

  test("a deleted account (the client's 'Deleted Account' name, no username, no bio) yields nothing, in en/fr/ar", () => {
    for (const name of ["Deleted Account", "Compte supprimé", "حساب محذوف"]) {
      const html = panelA({ avatar: '<div class="Avatar deleted-account" data-peer-id="7001234567"></div>' }).replace(">Nour Khalil</h3>", `>${name}</h3>`).replace(/<div class="ChatExtra">[\s\S]*?\n <\/div>/, '<div class="ChatExtra"></div>');
      assert.ok(html.includes(name) && !html.includes("@nour_khalil"), "the derived panel has the name and no rows");
      assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html }), null, name);
    }
    // A user who took that name but has a username, or a photo, is a user.
    const named = panelA().replace(">Nour Khalil</h3>", ">Deleted Account</h3>"); // with a photo
    assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html: named }).profile.handle, "nour_khalil");
    const withPhoto = named.replace(/<div class="ChatExtra">[\s\S]*?\n <\/div>/, '<div class="ChatExtra"></div>');
    assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html: withPhoto }).profile.display_name, "Deleted Account");
  });

  test("a name with emoji images and bidi marks: the emoji kept, the marks and the badges not", () => {
    const html = panelA({ titleExtra: '<div class="emoji-status"><img alt="⭐" src="blob:https://web.telegram.org/x"></div>' })
      .replace('>Nour Khalil</h3>', '>Nour <img class="emoji emoji-small" alt="🌙" src="./img-apple-64/1f319.png"> \u200fنور\u200f</h3>');
    assert.equal(extractAt("https://web.telegram.org/a/#7001234567", { html }).profile.display_name, "Nour 🌙 نور");
  });

  test("the Arabic (rtl) and French UIs: rows by their captions there", () => {
    const english = extractAt("https://web.telegram.org/a/#7001234567", { html: panelA() }).profile;
    for (const [lang, dir, username, bio] of [["ar", "rtl", "اسم المستخدم", "النبذة التعريفية"], ["ar", "rtl", "اسم المستخدم", "نبذة"], ["fr", "ltr", "Nom d’utilisateur", "Bio"]]) {
      const html = panelA({ usernameSub: username }).replace('<html lang="en">', `<html lang="${lang}" dir="${dir}">`).replace('<span class="subtitle">Bio</span>', `<span class="subtitle">${bio}</span>`);
      assert.deepEqual(extractAt("https://web.telegram.org/a/#7001234567", { html }).profile, english, `${lang} ${username} ${bio}`);
    }
  });

  test("group chats and channels yield nothing", () => {
    const channel = `<div id="RightColumn"><div class="Profile"><div class="profile-info"><div class="ProfileInfo"><div class="Avatar" data-peer-id="-1001234567890"></div>
      <div class="info"><div class="title"><h3 class="fullName">News</h3></div><span class="status">12 400 subscribers</span></div></div></div>
      <div class="ChatExtra"><div class="ListItem"><div class="multiline-item"><span class="title">t.me/news</span><span class="subtitle">Link</span></div></div></div></div></div>`;
    assert.equal(extractAt("https://web.telegram.org/a/#-1001234567890", { html: channel }), null);
    const group = channel.replace(' data-peer-id="-1001234567890"', "").replace("12 400 subscribers", "812 members");
    assert.equal(extractAt("https://web.telegram.org/a/#-1001234567890", { html: group }), null, "no header id, no user rows");
    assert.equal(extractAt("https://web.telegram.org/a/#-1001234567890", { html: "<div id=LeftColumn></div><div id=MiddleColumn></div>" }), null);
  });
});

describe("Telegram Web K, invented", () => {
  test("desktop: peer id, rows recognised by caption, blob avatar read by the page", () => {
    assert.deepEqual(extractAt("https://web.telegram.org/k/#@karim_mansour_news", { fixture: "telegram/invented-k.html" }), {
      platform: "telegram",
      key: "telegram:id:5123456789",
      profile: {
        bio: "Journalist. DMs open for tips, PGP on request.",
        handle: "karim_mansour_news",
        account_id: "5123456789",
        profile_url: "https://t.me/karim_mansour_news",
        display_name: "Karim Mansour",
        verified: true,
        has_avatar: true,
      },
      avatar: { blobUrl: "blob:https://web.telegram.org/4b6f1c1e-8a7d-4c55-9d0e-1f2e3d4c5b6a" },
    });
  });

  test("several usernames: the row says 'also @karim_news, @km_press' instead of 'Username'", () => {
    const html = panelK({ header: CAROUSEL(`<div class="profile-avatars-avatar"><img class="avatar-photo" src="${BLOB}"></div>`), rows: ROW("karim_mansour_news", 'also <a href="https://t.me/karim_news">@karim_news</a>, <a>@km_press</a>') });
    const found = extractAt("https://web.telegram.org/k/#@karim_mansour_news", { html });
    assert.equal(found.profile.handle, "karim_mansour_news");
    assert.equal(found.profile.has_avatar, true);
  });

  test("several usernames in the Arabic and French UIs: 'أيضًا @…', 'aussi @…' under the first", () => {
    for (const also of ["أيضًا", "أيضا", "aussi"]) {
      const html = panelK({ header: CAROUSEL(`<div class="profile-avatars-avatar"><img class="avatar-photo" src="${BLOB}"></div>`), rows: ROW("karim_mansour_news", `${also} <a href="https://t.me/karim_news">@karim_news</a>`) });
      assert.equal(extractAt("https://web.telegram.org/k/#@karim_mansour_news", { html }).profile.handle, "karim_mansour_news", also);
    }
  });

  test("Web K: a deleted account (its name, an empty photo carousel, no rows) yields nothing", () => {
    // tweb's putPhoto marks a deleted user's avatar with the ghost icon's class.
    const header = CAROUSEL("").replace(">Karim Mansour<", ">Deleted Account<").replace(">KM<", "><").replace("profile-avatars-avatar-fake", "profile-avatars-avatar-fake tgico-deletedaccount");
    assert.ok(header.includes(">Deleted Account<"));
    assert.equal(extractAt("https://web.telegram.org/k/#5123456789", { html: panelK({ header, rows: "" }) }), null);
  });

  test("Web K's empty photo carousel means no photo; its initials alone do not", () => {
    const none = extractAt("https://web.telegram.org/k/", { html: panelK({ header: CAROUSEL(""), rows: ROW("karim_mansour_news", "Username") }) });
    assert.equal(none.profile.has_avatar, false);
    const simple = `<div class="avatar profile-avatar avatar-120" data-peer-id="5123456789"><span class="avatar-photo-initials">KM</span></div>${NAME_K()}`;
    const loading = extractAt("https://web.telegram.org/k/", { html: panelK({ header: simple, rows: ROW("karim_mansour_news", "Username") }) });
    assert.equal(loading.profile.has_avatar, undefined);
    const loaded = extractAt("https://web.telegram.org/k/", { html: panelK({ header: simple.replace('<span class="avatar-photo-initials">KM</span>', `<img class="avatar-photo" src="${BLOB}">`), rows: "" }) });
    assert.equal(loaded.profile.has_avatar, true);
    assert.equal(loaded.avatar.blobUrl, BLOB);
  });

  test("SCAM mark and the personal channel drawn before the rows: the user's id, not the channel's", () => {
    const personal = `<div class="sidebar-left-section-container"><div class="personal-channel-name">Channel</div><ul class="chatlist"><a class="row chatlist-chat" data-peer-id="-1009876543210"><div class="avatar" data-peer-id="-1009876543210"></div><div class="row-title"><span class="peer-title" data-peer-id="-1009876543210">Karim's channel</span><span class="verified-icon"></span></div><div class="row-subtitle">1 200 subscribers</div></a></ul></div>`;
    const header = `<div class="avatar profile-avatar avatar-120" data-peer-id="5123456789"><span>KM</span></div>${NAME_K('<span class="badge-fake">SCAM</span>')}`;
    const found = extractAt("https://web.telegram.org/k/#@karim_mansour_news", { html: panelK({ header, personal, rows: ROW("karim_mansour_news", "Username") }) });
    assert.equal(found.profile.account_id, "5123456789");
    assert.equal(found.profile.platform_label, "scam");
    assert.equal(found.profile.display_name, "Karim Mansour");
    assert.equal(found.profile.verified, false, "the channel's badge is not the user's");
  });

  test("rows about another chat (the personal channel's last post, a common group) are not the user's username or bio", () => {
    // The channel's row shows its name and its last post: both written by the account's owner,
    // here as "@mona_saleh" over "Username", the username of someone the viewer trusts.
    const personal = `<div class="sidebar-left-section-container"><div class="personal-channel-name">Channel</div><ul class="chatlist"><a class="row chatlist-chat" data-peer-id="-1009876543210"><div class="avatar" data-peer-id="-1009876543210"></div><div class="row-title"><span class="peer-title" data-peer-id="-1009876543210">@mona_saleh</span></div><div class="row-subtitle">Username</div></a></ul></div>`;
    const group = `<div class="search-super"><a class="row chatlist-chat" data-peer-id="-1001111111111"><div class="row-title"><span class="peer-title" data-peer-id="-1001111111111">Lawyer, Beirut</span></div><div class="row-subtitle">Bio</div></a></div>`;
    const header = `<div class="avatar profile-avatar avatar-120" data-peer-id="5123456789"><span>KM</span></div>${NAME_K()}`;
    const found = extractAt("https://web.telegram.org/k/#5123456789", { html: panelK({ header, personal, rows: ROW("Student.", "Bio") + group }) });
    assert.equal(found.profile.account_id, "5123456789");
    assert.equal(found.profile.handle, undefined, "the channel's post is not a username");
    assert.equal(found.profile.bio, "Student.");
    const noBio = extractAt("https://web.telegram.org/k/#5123456789", { html: panelK({ header, personal, rows: group }) });
    assert.equal(noBio.profile.handle, undefined);
    assert.equal(noBio.profile.bio, undefined, "a common group's name is not the bio");
  });

  test("rows the client hid still hold the previous peer's text and are skipped", () => {
    const rows = ROW("old_peer_handle", "Username", ' style="display: none;"') + ROW("An old bio", "Bio", ' style="display: none;"');
    const found = extractAt("https://web.telegram.org/k/", { html: panelK({ header: CAROUSEL(""), rows }) });
    assert.equal(found.profile.handle, undefined);
    assert.equal(found.profile.bio, undefined);
    assert.equal(found.profile.account_id, "5123456789");
  });

  test("a bot's panel (its username, or one of its usernames, ends in 'bot') yields nothing, as on t.me", () => {
    // A bot has a positive id like a user; Telegram keeps usernames ending in "bot" for bots.
    const panel = (rows) => `<div class="sidebar-right"><div class="profile-container"><div class="profile-content">${CAROUSEL("")}${rows}</div></div></div>`;
    const at = (rows, hash = "#5123456789") => {
      const window = pageAt(`https://web.telegram.org/k/${hash}`, { html: `<body>${panel(rows)}</body>` });
      const extractor = window.Haris.extractors.find((e) => e.platform === "telegram");
      return [window.Haris.extractProfile(window.document, window.location), extractor.expects(window.document, window.location)];
    };
    for (const rows of [ROW("nour_helper_bot", "Username"), ROW("NourHelperBot", "Nom d’utilisateur"), ROW("nour_helper", "also @nour_helper_bot") + ROW("nour_helper", "Username")]) {
      assert.deepEqual(at(rows), [null, false], rows);
      assert.deepEqual(at(rows, "#@nour_helper_bot"), [null, false], rows);
    }
    // A person whose name or bio says "bot" is read.
    const [found, expected] = at(ROW("karim_mansour_news", "Username") + ROW("I build a bot", "Bio"));
    assert.equal(found.profile.handle, "karim_mansour_news");
    assert.equal(expected, true);
  });

  test("a group's or a channel's panel yields nothing", () => {
    const header = `<div class="profile-name"><span class="peer-title" data-peer-id="-1001234567890">News</span></div><div class="profile-subtitle">12 400 subscribers</div>`;
    assert.equal(extractAt("https://web.telegram.org/k/#-1001234567890", { html: panelK({ header, rows: ROW("t.me/news", "also @news_ar") + ROW("Daily news", "Info") }) }), null);
  });

  test("Web A, phone, French UI, initials: no photo is not assumed", () => {
    assert.deepEqual(extractAt("https://web.telegram.org/a/#7001234567", { fixture: "telegram/invented-a.html" }), {
      platform: "telegram",
      key: "telegram:id:7001234567",
      profile: {
        handle: "yasmine_b_2026",
        account_id: "7001234567",
        profile_url: "https://t.me/yasmine_b_2026",
        display_name: "Yasmine B.",
        verified: false,
      },
      avatar: null,
    });
  });
});

describe("t.me / telegram.me public pages", () => {
  const USER = fixture("telegram/derived-tme-user-nour_khalil.html");
  const CHANNEL = fixture("telegram/real-unlimitedhangout-tme-channel.html");
  const EXTRA = '<div class="tgme_page_extra">@nour_khalil</div>';
  const DESCRIPTION = '<div class="tgme_page_description" dir="auto">Illustrator in Beirut.<br/>Commissions open: <a href="https://t.me/nour_art">@nour_art</a></div>';
  const PHOTO = /<div class="tgme_page_photo">[\s\S]*?<\/div>\n/;
  const SEND = 'href="tg://resolve?domain=nour_khalil">Send Message</a>';
  /** The user page with each [from, to] edit applied (each must apply). */
  const edited = (...edits) => derive(USER, edits);

  test("a user's page (derived from the real channel page): name, @username, bio, photo; no id", () => {
    const expected = {
      platform: "telegram",
      key: "telegram:h:nour_khalil",
      profile: {
        handle: "nour_khalil",
        display_name: "Nour Khalil",
        profile_url: "https://t.me/nour_khalil",
        bio: "Illustrator in Beirut. Commissions open: @nour_art",
        has_avatar: true,
      },
      avatar: null,
    };
    for (const url of ["https://t.me/nour_khalil", "https://telegram.me/nour_khalil", "https://t.me/Nour_Khalil/", "https://t.me/nour_khalil?start=1"]) {
      assert.deepEqual(extractAt(url, { html: USER }), expected, url);
    }
  });

  test("a channel's real page (metascraper's channel.html) and a group's: nothing, at t.me or in Telegram Web", () => {
    for (const url of ["https://t.me/unlimitedhangout", "https://telegram.me/unlimitedhangout", "https://web.telegram.org/k/#@unlimitedhangout"]) {
      assert.equal(extractAt(url, { fixture: "telegram/real-unlimitedhangout-tme-channel.html" }), null, url);
    }
    // The channel page with a user's "@name" line still has its preview button: not a user.
    const channelAsUser = CHANNEL.replace('<div class="tgme_page_extra">2 805 members</div>', '<div class="tgme_page_extra">@unlimitedhangout</div>');
    assert.equal(extractAt("https://t.me/unlimitedhangout", { html: channelAsUser }), null);
    for (const extra of ["1 204 members, 37 online", "12 345 subscribers", "1 204 membres", "١٢ مشترك"]) {
      const html = edited([EXTRA, `<div class="tgme_page_extra">${extra}</div>`], [SEND, 'href="tg://resolve?domain=nour_khalil">Join Group</a>']);
      assert.equal(extractAt("https://t.me/nour_khalil", { html }), null, extra);
    }
  });

  test("bots are not people: a username ending in 'bot', or a second line of monthly users", () => {
    const bot = edited([/nour_khalil/g, "nour_helper_bot"]);
    assert.equal(extractAt("https://t.me/nour_helper_bot", { html: bot }), null);
    assert.equal(extractAt("https://t.me/Nour_Helper_Bot", { html: bot }), null);
    const users = edited([EXTRA, `${EXTRA}\n<div class="tgme_page_extra">12 345 monthly users</div>`]);
    assert.equal(extractAt("https://t.me/nour_khalil", { html: users }), null);
  });

  test("posts, t.me/s/, invite links, Telegram's own pages and plain http: nothing", () => {
    for (const url of [
      "https://t.me/nour_khalil/123", "https://t.me/s/nour_khalil", "https://t.me/+AbCdEf123456", "https://t.me/joinchat/AbCdEf123456",
      "https://t.me/addstickers/nour_khalil", "https://t.me/share/url?url=x", "https://t.me/", "http://t.me/nour_khalil",
      "https://t.me.example.com/nour_khalil", "https://www.t.me/nour_khalil", "https://t.me/%40nour_khalil",
    ]) {
      assert.equal(extractAt(url, { html: USER }), null, url);
    }
  });

  test("a user without photo or bio: has_avatar false, no bio; an unreadable photo: no has_avatar", () => {
    const bare = edited([PHOTO, ""], [DESCRIPTION, ""]);
    assert.deepEqual(extractAt("https://t.me/nour_khalil", { html: bare }).profile, {
      handle: "nour_khalil", display_name: "Nour Khalil", profile_url: "https://t.me/nour_khalil", has_avatar: false,
    });
    const logo = edited([/src="https:\/\/cdn1\.telesco\.pe[^"]*"/, 'src="https://telegram.org/img/t_logo.png"']);
    assert.equal(extractAt("https://t.me/nour_khalil", { html: logo }).profile.has_avatar, false);
    const initials = edited([PHOTO, '<div class="tgme_page_photo"><i class="tgme_page_photo_image bgcolor2" data-content="NK"></i></div>\n']);
    assert.equal(extractAt("https://t.me/nour_khalil", { html: initials }).profile.has_avatar, undefined);
  });

  test("a bio imitating the page's own lines changes nothing about what the page is", () => {
    for (const bio of ["@other_user", "Join Channel", "12 345 subscribers", '<div class="tgme_page_extra">@other_user</div>', '<a href="/s/nour_khalil">Preview channel</a>']) {
      const html = edited([DESCRIPTION, `<div class="tgme_page_description" dir="auto">${bio}</div>`]);
      const found = extractAt("https://t.me/nour_khalil", { html });
      assert.equal(found.profile.handle, "nour_khalil", bio);
      assert.equal(found.profile.display_name, "Nour Khalil", bio);
    }
    // And on a channel's page, a description reading "@unlimitedhangout" is no user line.
    const channel = CHANNEL.replace("Investigative Journalist Whitney Webb<br/>", "@unlimitedhangout<br/>Send Message<br/>");
    assert.equal(extractAt("https://t.me/unlimitedhangout", { html: channel }), null);
  });

  test("a username differing from the address, or a button opening another account: nothing", () => {
    assert.equal(extractAt("https://t.me/nour_khalil", { html: edited([EXTRA, '<div class="tgme_page_extra">@nour_khalil2</div>']) }), null);
    assert.equal(extractAt("https://t.me/other_user", { html: USER }), null);
    assert.equal(extractAt("https://t.me/nour_khalil", { html: edited([SEND, 'href="tg://resolve?domain=other_user">Send Message</a>']) }), null);
    assert.equal(extractAt("https://t.me/nour_khalil", { html: edited([EXTRA, '<div class="tgme_page_extra">nour_khalil</div>']) }), null);
  });

  test("a head whose app links open another username is not this address's page; its own app links change nothing", () => {
    assert.ok(extractAt("https://t.me/nour_khalil", { html: USER }));
    for (const tag of ['<meta property="al:ios:url" content="tg://resolve?domain=nour_khalil">', '<meta property="al:android:url" content="tg://resolve?domain=nour_khalil">', '<meta name="twitter:app:url:iphone" content="tg://resolve?domain=nour_khalil">']) {
      assert.equal(extractAt("https://t.me/nour_khalil", { html: edited([tag, tag.replace("nour_khalil", "other_user")]) }), null, tag);
    }
  });

  test("the name without the verified icon, emoji kept; an empty name: nothing", () => {
    const verified = edited(['<span dir="auto">Nour Khalil</span>', '<span dir="auto">Nour <i class="emoji" style="background-image:url(\'//telegram.org/img/emoji/40/F09F8C99.png\')"><b>🌙</b></i> نور</span><i class="verified-icon"></i>']);
    const found = extractAt("https://t.me/nour_khalil", { html: verified });
    assert.equal(found.profile.display_name, "Nour 🌙 نور");
    assert.equal(found.profile.verified, true);
    assert.equal(extractAt("https://t.me/nour_khalil", { html: USER }).profile.verified, undefined, "no badge: not claimed either way");
    assert.equal(extractAt("https://t.me/nour_khalil", { html: edited(['<span dir="auto">Nour Khalil</span>', '<span dir="auto"> </span>']) }), null);
  });

  test("Telegram's SCAM and FAKE marks next to the name: platform_label, and never part of the name", () => {
    const NAME = '<span dir="auto">Nour Khalil</span>';
    for (const [mark, label] of [
      ['<i class="scam-icon"></i>', "scam"],
      ['<i class="fake-icon"></i>', "fake"],
      ['<span class="tgme_label">SCAM</span>', "scam"],
      ['<span class="tgme_label">FAKE</span>', "fake"],
      ['<div class="tgme_header_labels"><i class="verified-icon"></i><span class="badge badge-scam">ARNAQUE</span></div>', "scam"],
      ['<span class="badge-fake">مزيف</span>', "fake"],
      ['<span>احتيال</span>', "scam"],
    ]) {
      const { profile } = extractAt("https://t.me/nour_khalil", { html: edited([NAME, `${NAME}${mark}`]) });
      assert.deepEqual([profile.display_name, profile.platform_label], ["Nour Khalil", label], mark);
    }
    // A mark drawn inside the name's <span>, and one with the verified icon.
    const inside = extractAt("https://t.me/nour_khalil", { html: edited([NAME, '<span dir="auto">Nour Khalil <span class="scam">SCAM</span></span><i class="verified-icon"></i>']) }).profile;
    assert.deepEqual([inside.display_name, inside.platform_label, inside.verified], ["Nour Khalil", "scam", true]);
    // The account's own name is its own: typed words are no mark.
    for (const name of ["Nour SCAM", "SCAM", "Fake Nour"]) {
      const { profile } = extractAt("https://t.me/nour_khalil", { html: edited([NAME, `<span dir="auto">${name}</span>`]) });
      assert.deepEqual([profile.display_name, profile.platform_label], [name, undefined], name);
    }
    assert.equal(extractAt("https://t.me/nour_khalil", { html: USER }).profile.platform_label, undefined);
  });

  test("telegram.dog, Telegram's mirror of t.me: the same pages, read the same way, and the content script runs there", () => {
    const found = extractAt("https://telegram.dog/nour_khalil", { html: USER });
    assert.deepEqual(found, extractAt("https://t.me/nour_khalil", { html: USER }));
    assert.equal(found.profile.profile_url, "https://t.me/nour_khalil");
    assert.equal(extractAt("https://telegram.dog/unlimitedhangout", { html: CHANNEL }), null);
    assert.equal(extractAt("https://telegram.dog/s/nour_khalil", { html: USER }), null);
    assert.equal(extractAt("http://telegram.dog/nour_khalil", { html: USER }), null, "https only, as t.me");
    const matches = JSON.parse(source("manifest.json")).content_scripts[0].matches;
    for (const host of ["t.me", "telegram.me", "telegram.dog"]) assert.ok(matches.includes(`https://${host}/*`), host);
  });

  test("Telegram's page for a username no one holds (no title, no line): nothing", () => {
    const html = '<div class="tgme_page"><div class="tgme_page_icon"><i class="tgme_icon_user"></i></div><div class="tgme_page_action"><a class="tgme_action_button_new" href="tg://resolve?domain=nour_khalil">Send Message</a></div><div class="tgme_page_additional">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" href="tg://resolve?domain=nour_khalil">@nour_khalil</a> right away.</div></div>';
    assert.equal(extractAt("https://t.me/nour_khalil", { html }), null);
  });
});

describe("t.me post page (real, meedan/pender)", () => {
  test("a channel's post at t.me/<name>/<n> (meedan/pender's telegram-item, first 13,826 characters): nothing", () => {
    // A person reads Telegram's bar and one post drawn in a frame (the page's own text is only its tags).
    // The title still says "Telegram: Contact @rechtsanwaeltin_beate_bahner" and og:title names the channel:
    // neither makes the post page a person's page, at any address it is shown at.
    const POST = "telegram/real-rechtsanwaeltin-tme-post-prefix.html";
    for (const url of [
      "https://t.me/rechtsanwaeltin_beate_bahner/13285", "https://telegram.me/rechtsanwaeltin_beate_bahner/13285",
      "https://t.me/s/rechtsanwaeltin_beate_bahner/13285", "https://t.me/rechtsanwaeltin_beate_bahner/13285?embed=1&mode=tme",
      "https://t.me/rechtsanwaeltin_beate_bahner",
    ]) {
      assert.equal(extractAt(url, { fixture: POST }), null, url);
    }
  });
});

// Telegram Web K fills the panel's parts one by one when it switches to another chat: the name
// (its peer title), the avatar and each row as their data come (tweb peerProfile.ts: cleanupHTML
// hides the rows, then fillRows and setAvatar redraw them apart). Constructed panels after that
// structure (fixtures/PROVENANCE.md, "Reconstructed Telegram Web A panels" and the Web K note).
describe("Telegram Web, a panel between two peers", () => {
  const KARIM = { id: "5123456789", name: "Karim Mansour" };
  const MONA = { id: "5200000001", name: "Mona Saleh" };
  const header = (avatarPeer, namePeer) => `<div class="avatar profile-avatar avatar-120" data-peer-id="${avatarPeer.id}"><span>KM</span></div>` +
    `<div class="profile-name"><span class="peer-title" data-peer-id="${namePeer.id}">${namePeer.name}</span></div><div class="profile-subtitle"><span class="i18n">last seen recently</span></div>`;
  const panel = (avatarPeer, namePeer, username) => panelK({ header: header(avatarPeer, namePeer), rows: ROW(username, "Username") });
  const read = (window) => JSON.parse(JSON.stringify(window.Haris.extractProfile(window.document, window.location)));

  test("a username row still the previous peer's under the new id (or the new one's under the previous id) is not sent; the id is", () => {
    const window = pageAt("https://web.telegram.org/k/#5123456789", { html: panel(KARIM, KARIM, "karim_mansour_news") });
    const body = window.document.body;
    assert.equal(read(window).profile.handle, "karim_mansour_news");
    // The header redrawn for Mona, the row not yet: Karim's username is not given to Mona's id.
    body.innerHTML = panel(MONA, MONA, "karim_mansour_news");
    const lagging = read(window);
    assert.deepEqual([lagging.profile.account_id, lagging.profile.display_name, lagging.profile.handle, lagging.profile.profile_url], [MONA.id, MONA.name, undefined, undefined]);
    assert.equal(lagging.key, `telegram:id:${MONA.id}`);
    // Her row drawn: her username.
    body.innerHTML = panel(MONA, MONA, "mona_saleh");
    assert.equal(read(window).profile.handle, "mona_saleh");
    // Back to Karim: his header, her row still (the row drawn first): not his username either.
    body.innerHTML = panel(KARIM, KARIM, "mona_saleh");
    assert.deepEqual([read(window).profile.account_id, read(window).profile.handle], [KARIM.id, undefined]);
    body.innerHTML = panel(KARIM, KARIM, "karim_mansour_news");
    assert.equal(read(window).profile.handle, "karim_mansour_news");
  });

  test("a peer without a username, then the next peer's rows under its header: the next peer's username is not sent with its id", () => {
    // tweb hides the rows at a switch and fills the name and each row apart: the previous header
    // over the next peer's rows. Mona has no username, so no pair was remembered for her id.
    const rowsOf = (rows) => panelK({ header: header(MONA, MONA), rows });
    const window = pageAt("https://web.telegram.org/k/#5200000001", { html: rowsOf(ROW("Cairo, photography", "Bio")) });
    const body = window.document.body;
    assert.deepEqual([read(window).profile.account_id, read(window).profile.handle, read(window).profile.bio], [MONA.id, undefined, "Cairo, photography"]);
    // Karim's rows drawn, her header not yet redrawn: not her username.
    for (const rows of [ROW("karim_mansour_news", "Username") + ROW("Lawyer in Amman", "Bio"), ROW("karim_mansour_news", "Username")]) {
      body.innerHTML = rowsOf(rows);
      const lagging = read(window);
      assert.deepEqual([lagging.profile.account_id, lagging.profile.handle], [MONA.id, undefined], rows);
    }
    // His header drawn: his username, with his id.
    body.innerHTML = panelK({ header: header(KARIM, KARIM), rows: ROW("karim_mansour_news", "Username") + ROW("Lawyer in Amman", "Bio") });
    assert.deepEqual([read(window).profile.account_id, read(window).profile.handle], [KARIM.id, "karim_mansour_news"]);
  });

  test("a panel filling its rows one by one (only ever adding rows) keeps its username", () => {
    const rowsOf = (rows) => panelK({ header: header(MONA, MONA), rows });
    for (const steps of [
      ["", ROW("Cairo, photography", "Bio"), ROW("mona_saleh", "Username") + ROW("Cairo, photography", "Bio")],
      [ROW("+20 100 000 0000", "Phone"), ROW("+20 100 000 0000", "Phone") + ROW("mona_saleh", "Username") + ROW("Cairo, photography", "Bio")],
    ]) {
      // Read at every step, as the content script does after each change.
      const window = pageAt("https://web.telegram.org/k/#5200000001", { html: rowsOf(steps[0]) });
      assert.equal(read(window).profile.handle, undefined);
      for (const rows of steps.slice(1)) {
        window.document.body.innerHTML = rowsOf(rows);
        read(window);
      }
      const found = read(window);
      assert.deepEqual([found.profile.account_id, found.profile.handle], [MONA.id, "mona_saleh"]);
    }
  });

  test("the name drawn for one peer and the avatar for another: nothing is read", () => {
    for (const [avatarPeer, namePeer] of [[KARIM, MONA], [MONA, KARIM]]) {
      assert.equal(extractAt("https://web.telegram.org/k/#5123456789", { html: panel(avatarPeer, namePeer, "karim_mansour_news") }), null);
    }
    // Web K's photo carousel names the peer on each photo, and on its placeholder.
    const carousel = `<div class="profile-avatars-container"><div class="profile-avatars-avatars"><div class="profile-avatars-avatar"><div class="avatar avatar-full" data-peer-id="${KARIM.id}"><img class="avatar-photo" src="${BLOB}"></div></div></div>` +
      `<div class="profile-avatars-info"><div class="profile-name"><span class="peer-title" data-peer-id="${MONA.id}">${MONA.name}</span></div></div></div>`;
    assert.equal(extractAt("https://web.telegram.org/k/#5200000001", { html: panelK({ header: carousel, rows: "" }) }), null);
  });
});

// Bots made before Telegram required the "bot" suffix keep usernames without it; the clients
// draw every bot's status line from its type: "bot" (langpack key Bot) or "<n> monthly users"
// (BotUsers) where a user's says when she was last seen (telegram-tt getUserStatus, tweb
// getUserStatusString). English as the clients' sources give it; French and Arabic as we know
// the langpacks, not captured.
describe("Telegram Web, a bot whose username does not end in 'bot'", () => {
  const kPanel = (status, username = "nour_helper") => `<div class="sidebar-right"><div class="profile-container"><div class="profile-content">` +
    `<div class="avatar profile-avatar avatar-120" data-peer-id="5123456789"><span>NH</span></div><div class="profile-name"><span class="peer-title" data-peer-id="5123456789">Nour Helper</span></div>` +
    `<div class="profile-subtitle"><span class="i18n">${status}</span></div>${ROW(username, "Username")}</div></div></div>`;
  const at = (url, html) => {
    const window = pageAt(url, { html });
    const extractor = window.Haris.extractors.find((e) => e.platform === "telegram");
    return [window.Haris.extractProfile(window.document, window.location), extractor.expects(window.document, window.location)];
  };

  test("Web K: the status line 'bot' or '<n> monthly users' (en, fr, ar): nothing read, no profile expected", () => {
    for (const status of ["bot", "12,345 monthly users", "1 monthly user", "2.1M monthly users", "robot", "12 345 utilisateurs mensuels", "بوت", "١٢٬٣٤٥ مستخدم شهريًا"]) {
      assert.deepEqual(at("https://web.telegram.org/k/#5123456789", kPanel(status)), [null, false], status);
    }
  });

  test("Web A (reconstructed panel): the status line 'bot' or '<n> monthly users': nothing read", () => {
    for (const status of ["bot", "48,210 monthly users", "بوت"]) {
      const html = panelA().replace('<div class="status"><span dir="auto">last seen recently</span></div>', `<div class="status"><span dir="auto">${status}</span></div>`);
      assert.ok(html.includes(`>${status}<`));
      assert.deepEqual(at("https://web.telegram.org/a/#7001234567", html), [null, false], status);
    }
  });

  test("a person's last-seen line, or a person whose name or bio says 'bot', is read", () => {
    for (const status of ["last seen recently", "online", "vu récemment", "آخر ظهور مؤخرًا", "last seen 5 minutes ago"]) {
      const [found, expected] = at("https://web.telegram.org/k/#5123456789", kPanel(status));
      assert.equal(found?.profile.handle, "nour_helper", status);
      assert.equal(expected, true, status);
    }
    const named = kPanel("last seen recently").replace(">Nour Helper<", ">bot<").replace(ROW("nour_helper", "Username"), ROW("nour_helper", "Username") + ROW("bot", "Bio"));
    assert.equal(at("https://web.telegram.org/k/#5123456789", named)[0].profile.display_name, "bot");
  });
});

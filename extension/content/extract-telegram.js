/*
 * Telegram Web (web.telegram.org/k/ and /a/): the user profile open in the right-hand column.
 *
 * Sources:
 *  - the profile header's own peer id: data-peer-id on the name's .peer-title (Web K) or on the
 *    header avatar (Web A). Positive ids are users; groups and channels (negative ids) are not
 *    checked. Other peer ids in the panel (a personal channel, common groups, members) are never
 *    used, nor the chat in the URL hash (#<id>): the panel may show another user than the chat;
 *  - the info rows, recognised by their caption ("Username", "Bio" in the UI language, or
 *    "also @other" when the user has several usernames) rather than by class names; rows the
 *    client has hidden (display: none) hold the previous peer's text and are skipped, and so are
 *    rows about another chat (a personal channel's name and last post, common groups);
 *  - the labels next to the name: verified badge, and Telegram's own SCAM / FAKE marks.
 * Avatars are blob: URLs of the page, so the content script reads their bytes itself. Initials
 * on a coloured circle are drawn while the photo loads as well as when there is none, so they
 * alone never mean "no photo".
 *
 * t.me / telegram.me: the public page Telegram serves for a username (its "tgme_page" layout:
 * photo, title, one "extra" line, description, action button), the page a shared t.me link
 * opens. The same layout serves channels ("N subscribers"), groups ("N members"), bots and
 * users; only a user's page is read, known by its structure, never by free text: the "extra"
 * line, a direct child of the page, is exactly "@<the address's username>" (a channel's or a
 * group's is a count; a bot's has a second line of monthly users), and there is no channel
 * preview button. Bots (usernames ending in "bot", Telegram's rule for them) are not people and
 * are not read. The description (the bio) is read as text only and never decides what the page
 * is. The page shows no account id, so none is sent; the photo lives on Telegram's CDN, which
 * the extension holds no permission for, so only whether there is one is sent.
 */
(function (root) {
  "use strict";
  const { clean, visibleText } = root.Haris.util;

  const USERNAME = /^(username|nom d['’]utilisateur|اسم المستخدم)$/i;
  // Ends where the word does (\b is ASCII-only: it never ends an Arabic word).
  const ALSO = /^(also|aussi|et aussi|أيضًا|أيضا)(?![\p{L}\p{M}\p{N}_])/iu;
  const BIO = /^(bio|about|à propos|biographie|nabdha|نبذة|النبذة|نبذة تعريفية|النبذة التعريفية|حول)$/i;
  const FAKE = /^(fake|faux|factice|مزيف|مزيّف|وهمي)$/i;
  const HANDLE = /^@?([A-Za-z0-9_]{4,32})$/;
  // The name the clients draw for a deleted account ("HiddenName"), in English, French and Arabic.
  const DELETED = /^(deleted account|compte supprimé|حساب محذوف)$/i;
  const USER_CHAT = /^(\d{1,20}|@[A-Za-z0-9_]{4,32})$/;

  function panel(doc) {
    return doc.querySelector(
      "#RightColumn .Profile, #RightColumn .profile-container, .sidebar-right .profile-content, .sidebar-right .profile-container",
    );
  }

  function hidden(node, scope) {
    for (let current = node; current && current !== scope; current = current.parentElement) {
      if ((current.style && current.style.display === "none") || current.hasAttribute("hidden")) return true;
    }
    return false;
  }

  /** The header: the name's title block, the avatar(s) and status around it. */
  function headerOf(scope) {
    return scope.querySelector(".profile-avatars-container, .ProfileInfo, .profile-info") ||
      scope.querySelector(".profile-name")?.parentElement || null;
  }

  /** The name's container: Web K's .profile-name, Web A's FullNameTitle .title. */
  function titleOf(scope) {
    return scope.querySelector(".profile-name, .ProfileInfo .title, .profile-info .title, .info .title");
  }

  /** The peer id of the profile shown: on the name (K), else on the header's avatar (A). */
  function headerPeerId(scope, header, title) {
    const onTitle = title && (title.matches("[data-peer-id]") ? title : title.querySelector("[data-peer-id]"));
    if (onTitle) return onTitle.getAttribute("data-peer-id");
    const onAvatar = header && header.querySelector(".profile-avatars-avatar[data-peer-id], .avatar[data-peer-id], .Avatar[data-peer-id], .ProfilePhoto[data-peer-id], [data-peer-id]");
    return onAvatar && (!title || !onAvatar.closest(".chatlist, .search-super, .Chat, .ListItem")) ? onAvatar.getAttribute("data-peer-id") : null;
  }

  // A row about another chat (the personal channel, a common group, shared media): its title and
  // subtitle are that chat's name and last post, written by whoever runs it, and can read
  // "@someone" over "Username".
  const OTHER_CHAT = "[data-peer-id], .chatlist, .search-super";

  function aboutOtherChat(row, scope) {
    if (row.querySelector(OTHER_CHAT)) return true;
    for (let node = row; node && node !== scope; node = node.parentElement) if (node.matches(OTHER_CHAT)) return true;
    return false;
  }

  /** The info rows as {value, caption, captionNode}, whichever client drew them. */
  function rows(scope) {
    const out = [];
    for (const row of scope.querySelectorAll(".row, .ListItem")) {
      if (hidden(row, scope)) continue;
      if (aboutOtherChat(row, scope)) continue;
      const title = row.querySelector(".row-title, .multiline-item .title, .title");
      const caption = row.querySelector(".row-subtitle, .multiline-item .subtitle, .subtitle");
      if (!title || !caption) continue;
      // Web A puts "also @other" in the caption before the word "Username".
      const captionOwn = clean(Array.from(caption.childNodes).filter((c) => !(c.nodeType === 1 && c.matches(".other-usernames"))).map((c) => c.textContent).join(" "));
      out.push({ value: visibleText(title), caption: captionOwn || "", full: visibleText(caption) || "" });
    }
    return out;
  }

  const BADGES = {
    verified: ".verified-icon, .VerifiedIcon, [class*='verified-icon'], [class*='VerifiedIcon']",
    mark: ".badge-fake, .badge-scam, .FakeIcon",
    other: ".emoji-status, .premium-icon, .StarIcon, .CustomEmoji, .custom-emoji, .bot-verification-icon",
  };

  /** The name as drawn (emoji from <img alt>), without the badges drawn inside or after it. */
  function nameOf(title) {
    const name = (title.querySelector(".peer-title, .fullName, h3") || title).cloneNode(true);
    for (const badge of name.querySelectorAll(`${BADGES.verified}, ${BADGES.mark}, ${BADGES.other}`)) badge.remove();
    return visibleText(name);
  }

  /**
   * The clients' own mark on a deleted account's avatar (the ghost icon drawn instead of a photo
   * or initials): Web A's `deleted-account` class and `icon-avatar-deleted-account` icon
   * (telegram-tt Avatar.tsx), Web K's `tgico-deletedaccount` (tweb's putPhoto). A class, set by
   * the client from the account's state, never text the account writes.
   */
  function deletedMark(area) {
    return Boolean(area && area.querySelector("[class*='deleted-account'], [class*='deletedaccount']"));
  }

  function avatarOf(header, scope) {
    const area = header || scope;
    const photos = area.querySelectorAll(
      ".profile-avatars-avatar img, .profile-avatars-avatars img, .ProfilePhoto img.avatar-media, .ProfilePhoto img.thumb, .Avatar img, .avatar img, img.avatar-photo, img.avatar-media",
    );
    for (const image of photos) {
      const src = image.getAttribute("src") || "";
      if (src.startsWith("blob:")) return { has: true, avatar: { blobUrl: src } };
      if (/^https:\/\//.test(src)) return { has: true, avatar: { url: src } };
    }
    // A photo whose bytes are still loading: the blurred thumbnail, or Web K's list of photos.
    if (area.querySelector(".ProfilePhoto canvas.thumb, .profile-avatars-avatar:not(.profile-avatars-avatar-fake)")) return { has: true, avatar: null };
    // Web K draws its photo carousel for every user and leaves it empty when there is no photo.
    const carousel = area.querySelector(".profile-avatars-avatars");
    if (carousel && carousel.children.length === 0 && area.querySelector(".profile-avatars-avatar-fake")) return { has: false, avatar: null };
    return { has: null, avatar: null };
  }

  /**
   * The status line under the name, which the client draws from the account's type and never
   * from anything the account writes: Web A's ProfileInfo `.status` (telegram-tt getUserStatus),
   * Web K's `.profile-subtitle` (tweb getUserStatusString). For a bot both draw "bot" (langpack
   * key Bot) or, when Telegram gives its audience, "<n> monthly users" (BotUsers) instead of a
   * last-seen line: the mark of every bot, whatever its username — bots made before the "bot"
   * suffix was required keep names without it.
   */
  function statusLine(scope) {
    const status = scope.querySelector(".ProfileInfo .status, .profile-info .status, .profile-subtitle");
    return status && !hidden(status, scope) ? clean(visibleText(status)) || "" : "";
  }
  // "bot" in the UI language (en, fr, ar: the langpack's Bot; fr and ar as we know them, not captured).
  const BOT_STATUS = /^(bot|robot|بوت|روبوت|بوت آلي)$/i;
  // "<n> monthly users" (BotUsers): a number, then "monthly" in the UI language.
  const BOT_USERS = /^[\d٠-٩][\d٠-٩\s.,\u00a0\u202f\u066b\u066c]*\s*[KkMm]?\s*(?:ألف|مليون)?\s*(?:monthly users?|utilisateurs? mensuels?|utilisateurs? par mois|مستخدمًا شهريًا|مستخدم شهريًا|مستخدمين شهريًا|مستخدم شهريا|مستخدمًا شهريا)$/iu;

  /** Whether a username row of the panel (the first, or an "also @…" one) names a bot, or the status line says "bot". */
  function botPanel(scope) {
    const status = statusLine(scope);
    if (BOT_STATUS.test(status) || BOT_USERS.test(status)) return true;
    for (const { value, caption, full } of rows(scope)) {
      const handle = value && value.match(HANDLE);
      if (USERNAME.test(caption) && handle && BOT.test(handle[1])) return true;
      if (ALSO.test(full) && Array.from(full.matchAll(/@([A-Za-z0-9_]{4,32})/g)).some((m) => BOT.test(m[1]))) return true;
    }
    return false;
  }

  /**
   * Whether the header is between two peers: Web K draws the name (its peer title) and the
   * avatar one after the other when the panel switches to another chat, each with its own peer
   * id; while they differ, half the header is the previous peer's.
   */
  function headerSplit(header, title, peerId) {
    if (!header || !peerId || !title || !title.querySelector("[data-peer-id]")) return false;
    const avatars = Array.from(header.querySelectorAll(".profile-avatar[data-peer-id], .profile-avatars-avatar[data-peer-id], .profile-avatars-avatar [data-peer-id], .profile-avatars-avatar-fake[data-peer-id]"))
      .filter((node) => !node.closest(`${OTHER_CHAT_ROWS}, .profile-name`));
    return avatars.some((node) => node.getAttribute("data-peer-id") !== peerId);
  }
  const OTHER_CHAT_ROWS = ".chatlist, .search-super, .row, .ListItem";

  /*
   * Which username went with which id, in this page, so far. The username rows and the header
   * are drawn apart (Web K fills each row when its data comes, and the name when its own does):
   * after the panel switches to another chat, a row can still show the previous peer's username
   * under the new peer's id, or the new peer's under the previous id. No row carries the peer id
   * it was drawn for, so the page's own history decides: Telegram gives a username to one account
   * at a time, and an account shows one first username, so a username already read with another
   * id, or an id already read with another username, is not sent — the id and the rest of the
   * header are, keyed by the id. A pair is remembered only when it agrees with what came before.
   */
  const seenPairs = new WeakMap();

  /** The handle when it agrees with the ids and handles read so far in `doc`, else null. */
  function agreeingHandle(doc, peerId, handle) {
    if (!peerId || !handle) return handle;
    let seen = seenPairs.get(doc);
    if (!seen) seenPairs.set(doc, (seen = { byId: new Map(), byHandle: new Map() }));
    const key = handle.toLowerCase();
    const idOfHandle = seen.byHandle.get(key);
    const handleOfId = seen.byId.get(peerId);
    if ((idOfHandle && idOfHandle !== peerId) || (handleOfId && handleOfId !== key)) return null;
    if (seen.byHandle.size < 500) {
      seen.byHandle.set(key, peerId);
      seen.byId.set(peerId, key);
    }
    return handle;
  }

  /*
   * The rows an id showed at its last read without a username row, by caption. tweb hides every
   * row when the panel switches chats (peerProfile.ts cleanupHTML) and then fills each one, and
   * the name apart, as its data comes: the mixed state a page can show is the previous peer's
   * header over the next peer's rows. When that previous peer has no username, no pair was
   * remembered for its id, and the next peer's username row under it was sent as its username
   * (a bait without a username, then a friend's panel: the bait's id with the friend's
   * username). Filling only ever shows rows; a row the id showed that has since changed or gone
   * says the rows are now another peer's, and a username that comes with that is not this id's.
   * (An id that showed no row at all still cannot be told: absent nothing to compare.)
   */
  const rowsWithoutUsername = new WeakMap();

  /** Whether a row `peerId` showed at its last read without a username has changed or gone. */
  function rowsReplaced(doc, peerId, shown) {
    const last = rowsWithoutUsername.get(doc)?.get(peerId);
    if (!last) return false;
    for (const [caption, value] of last) if (shown.get(caption) !== value) return true;
    return false;
  }

  function rememberRows(doc, peerId, shown) {
    let seen = rowsWithoutUsername.get(doc);
    if (!seen) rowsWithoutUsername.set(doc, (seen = new Map()));
    if (shown === null) seen.delete(peerId);
    else if (seen.has(peerId) || seen.size < 500) seen.set(peerId, shown);
  }

  function extractWeb(doc) {
    const scope = panel(doc);
    if (!scope) return null;
    const header = headerOf(scope);
    const title = titleOf(scope);
    const peerId = headerPeerId(scope, header, title);
    if (peerId && !/^\d{1,20}$/.test(peerId)) return null; // a group or channel
    if (headerSplit(header, title, peerId)) return null; // half the previous peer's

    const profile = {};
    let usernameRow = false;
    // The other rows shown (caption → value), for rowsReplaced.
    const shown = new Map();
    for (const { value, caption, full } of rows(scope)) {
      if (!value) continue;
      const handle = value.match(HANDLE);
      const isUsername = USERNAME.test(caption) || (ALSO.test(full) && /@[A-Za-z0-9_]{4,32}/.test(full));
      if (isUsername && handle) {
        usernameRow = true;
        if (profile.handle == null) profile.handle = handle[1];
      } else {
        if (caption && !shown.has(caption)) shown.set(caption, value);
        if (BIO.test(caption) && profile.bio == null) profile.bio = value;
      }
    }
    // A bot's panel (its username ends in "bot", Telegram's rule for bots, which users cannot
    // take): not a person, as on t.me. Any of its usernames says so.
    if (botPanel(scope)) return null;
    // No id on the header: no id at all. The chat in the URL is not the panel's user — in a chat
    // with a friend, a forwarded message or a mention opens another account's profile in this
    // panel while the address still names the friend, and her id on that account would make it
    // her (a trusted contact, silenced). Keyed by the username instead.
    if (peerId) profile.account_id = peerId;
    else if (!usernameRow) return null; // a group's, a channel's or a still-empty panel
    // A username row left from the previous peer (or drawn before the header): not this id's.
    // Nor one that came with the rows of another peer under a header that showed none (rowsReplaced).
    if (peerId && profile.handle && rowsReplaced(doc, peerId, shown)) delete profile.handle;
    else if (profile.handle && !agreeingHandle(doc, peerId, profile.handle)) delete profile.handle;
    else if (peerId) rememberRows(doc, peerId, usernameRow ? null : shown);
    if (profile.handle) profile.profile_url = `https://t.me/${profile.handle}`;

    if (title) {
      profile.display_name = nameOf(title);
      profile.verified = Boolean(title.querySelector(BADGES.verified));
      const mark = title.querySelector(BADGES.mark);
      // The client writes SCAM or FAKE in the UI language under one class; unknown words count as SCAM.
      if (mark) profile.platform_label = FAKE.test(clean(mark.textContent) || "") ? "fake" : "scam";
    }
    if (!profile.display_name && !profile.handle) return null; // the header is not drawn yet
    // A deleted account: the client draws this name, no username, no bio and no photo, and marks
    // the header's avatar as deleted. There is no one to check. The name alone is not enough: a
    // user can name herself "Deleted Account" and show nothing else — a bait account that would
    // then never be checked — so the client's own mark decides (deletedMark).
    const found = avatarOf(header, scope);
    if (DELETED.test(profile.display_name || "") && deletedMark(header || scope) && !profile.handle && profile.bio == null && found.has !== true) return null;

    if (found.has !== null) profile.has_avatar = found.has;
    return { profile, avatar: found.avatar };
  }


  // telegram.dog is Telegram's own mirror of t.me (its apps open telegram.dog links as t.me ones):
  // the same pages at another host name, read the same way.
  const TME_HOSTS = new Set(["t.me", "telegram.me", "telegram.dog"]);
  // Telegram's own marks next to a name on its public pages. Its channel previews draw each mark
  // as an element of its own after the name's <span> (`<i class="verified-icon">`, under
  // tgme_*_labels); a SCAM or FAKE mark is known by "scam"/"fake" in its class (Telegram Web K's
  // `badge-scam`, `badge-fake`) or by being that word alone in an element of its own. No saved
  // t.me page shows one, so both forms are read and neither is ever taken into the name. The
  // account's own name is plain text: "John SCAM" typed as a name stays the name and is no mark.
  const TME_MARK_CLASS = /(?:^|[\s_-])(scam|fake)(?=$|[\s_-])/i;
  const SCAM = /^(scam|arnaque|escroquerie|احتيال|نصب|محتال)$/i;
  // A username's own address, nothing after it: a letter first, 4 to 32 characters (5 for new
  // ones; 4 for some sold at auction). Posts (/name/123), /s/name and invite links (/+…) fail it.
  const TME_PATH = /^\/([A-Za-z][A-Za-z0-9_]{3,31})\/?$/;
  // Telegram's own pages under t.me, never a person.
  const TME_RESERVED = /^(joinchat|addstickers|addemoji|addtheme|addlist|setlanguage|confirmphone|share|proxy|socks|login|contact|boost|giftcode|invoice|premium|nft|iv)$/i;
  const BOT = /bot$/i;
  const TME_HANDLE = /^@([A-Za-z0-9_]{4,32})$/;

  function tmeHost(location) {
    return location.protocol === "https:" && TME_HOSTS.has(location.hostname);
  }

  /** The username a t.me address names, or null for any other address. */
  function tmeUsername(location) {
    if (!tmeHost(location)) return null;
    const match = location.pathname.match(TME_PATH);
    return match && !TME_RESERVED.test(match[1]) ? match[1] : null;
  }

  /** The page's own blocks: direct children of the one .tgme_page, never text inside them. */
  function tmeParts(doc) {
    const pages = doc.querySelectorAll(".tgme_page");
    if (pages.length !== 1) return null;
    const page = pages[0];
    const own = (selector) => Array.from(page.children).filter((child) => child.matches(selector));
    return { page, own };
  }

  /** The username of the "extra" line when it is a user's (one line, "@name"), else null. */
  function tmeExtraHandle(own) {
    const extras = own(".tgme_page_extra");
    if (extras.length !== 1) return null; // a bot's second line ("N monthly users"), or none
    const match = (clean(extras[0].textContent) || "").match(TME_HANDLE);
    return match ? match[1] : null;
  }

  /**
   * The name and Telegram's SCAM / FAKE mark in a t.me title: the name is the title's own <span>
   * (Telegram's), else the title's text, either without the marks and badges drawn in or after it.
   */
  function tmeTitle(title) {
    const copy = title.cloneNode(true);
    // The name's own <span>: its text is the account's, whatever it says ("SCAM" is a name one can type).
    const own = Array.from(copy.children).find((child) => child.tagName === "SPAN" && !TME_MARK_CLASS.test(child.getAttribute("class") || ""));
    let label = null;
    for (const element of Array.from(copy.querySelectorAll("*"))) {
      if (!copy.contains(element) || element.closest(".emoji")) continue; // an emoji of the name: <i class="emoji"><b>🌙</b></i>
      const byClass = (element.getAttribute("class") || "").match(TME_MARK_CLASS);
      const word = element !== own && element.children.length === 0 ? clean(element.textContent) || "" : "";
      const kind = byClass ? byClass[1].toLowerCase() : FAKE.test(word) ? "fake" : SCAM.test(word) ? "scam" : null;
      if (kind) label = label || kind;
      if (kind || element.matches(".verified-icon, [class*='verified']")) element.remove();
    }
    return { name: visibleText(own && copy.contains(own) ? own : copy), label };
  }

  function extractTme(doc, location) {
    const username = tmeUsername(location);
    if (!username || BOT.test(username)) return null;
    const parts = tmeParts(doc);
    if (!parts) return null;
    const { own } = parts;
    const handle = tmeExtraHandle(own);
    if (!handle || handle.toLowerCase() !== username.toLowerCase() || BOT.test(handle)) return null;
    // A channel's page has a preview button (to /s/<name>); the buttons are the page's, not the bio's.
    const actions = own(".tgme_page_action");
    if (actions.some((action) => action.matches(".tgme_page_context_action") || action.querySelector("a[href^='/s/'], a[href*='t.me/s/']"))) return null;
    // The button opens the app on this page's account; one naming another is not this page's.
    for (const action of actions) {
      for (const link of action.querySelectorAll("a[href^='tg://resolve']")) {
        const domain = (link.getAttribute("href").match(/[?&]domain=([^&#]*)/) || [])[1];
        if (domain !== undefined && domain.toLowerCase() !== username.toLowerCase()) return null;
      }
    }
    // The head's app links (al:*, twitter:app:url:*) open the page's account too: a head naming
    // another username is not this address's page (never read as a field, only as a refusal).
    for (const node of doc.querySelectorAll("meta[property^='al:'][property$=':url'], meta[name^='twitter:app:url:'], meta[property^='twitter:app:url:']")) {
      const domain = ((node.getAttribute("content") || "").match(/^tg:\/\/resolve\?(?:[^#]*&)?domain=([^&#]*)/) || [])[1];
      if (domain !== undefined && domain.toLowerCase() !== username.toLowerCase()) return null;
    }
    const titles = own(".tgme_page_title");
    if (titles.length !== 1) return null;
    const { name: displayName, label } = tmeTitle(titles[0]);
    if (!displayName) return null;

    const profile = { handle, display_name: displayName, profile_url: `https://t.me/${handle}` };
    if (titles[0].querySelector(".verified-icon")) profile.verified = true;
    if (label) profile.platform_label = label;
    const [description] = own(".tgme_page_description");
    const bio = description ? visibleText(description) : null;
    if (bio) profile.bio = bio;
    const photos = own(".tgme_page_photo");
    if (photos.length === 0) profile.has_avatar = false;
    else {
      const image = photos[0].querySelector("img.tgme_page_photo_image");
      const src = image ? image.getAttribute("src") || "" : "";
      // Telegram's own logo stands in for a missing photo; anything else is not known.
      if (/^https:\/\/telegram\.org\/img\//.test(src)) profile.has_avatar = false;
      else if (/^https:\/\//.test(src)) profile.has_avatar = true;
    }
    return { profile, avatar: null };
  }

  function extract(doc, location) {
    return location.hostname === "web.telegram.org" ? extractWeb(doc) : extractTme(doc, location);
  }

  root.Haris.register({
    platform: "telegram",
    version: "2026.11",
    // Every user has a name; Web A never tells "no photo" from "loading", so the photo is not core.
    // A t.me user page always shows the name and the @username.
    core: (location) => (tmeHost(location) ? ["display_name", "handle"] : ["display_name"]),
    // Telegram Web: a user's chat (a positive id or @username in the address) with its profile
    // panel open, not a bot's. t.me: a username's address whose page has a user's "extra" line ("@name").
    expects: (doc, location) => {
      if (tmeHost(location)) {
        const username = tmeUsername(location);
        const parts = username && !BOT.test(username) ? tmeParts(doc) : null;
        return Boolean(parts && tmeExtraHandle(parts.own));
      }
      const scope = USER_CHAT.test(decodeURIComponent(location.hash.replace(/^#/, ""))) ? panel(doc) : null;
      return Boolean(scope) && !botPanel(scope);
    },
    keyFields: ["account_id", "handle"],
    matches: (location) => location.hostname === "web.telegram.org" || tmeHost(location),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

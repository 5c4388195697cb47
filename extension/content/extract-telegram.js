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

  function extract(doc, _location) {
    const scope = panel(doc);
    if (!scope) return null;
    const header = headerOf(scope);
    const title = titleOf(scope);
    const peerId = headerPeerId(scope, header, title);
    if (peerId && !/^\d{1,20}$/.test(peerId)) return null; // a group or channel

    const profile = {};
    let usernameRow = false;
    for (const { value, caption, full } of rows(scope)) {
      if (!value) continue;
      const handle = value.match(HANDLE);
      const isUsername = USERNAME.test(caption) || (ALSO.test(full) && /@[A-Za-z0-9_]{4,32}/.test(full));
      if (isUsername && handle) {
        usernameRow = true;
        if (profile.handle == null) profile.handle = handle[1];
      } else if (BIO.test(caption) && profile.bio == null) {
        profile.bio = value;
      }
    }
    // No id on the header: no id at all. The chat in the URL is not the panel's user — in a chat
    // with a friend, a forwarded message or a mention opens another account's profile in this
    // panel while the address still names the friend, and her id on that account would make it
    // her (a trusted contact, silenced). Keyed by the username instead.
    if (peerId) profile.account_id = peerId;
    else if (!usernameRow) return null; // a group's, a channel's or a still-empty panel
    if (profile.handle) profile.profile_url = `https://t.me/${profile.handle}`;

    if (title) {
      profile.display_name = nameOf(title);
      profile.verified = Boolean(title.querySelector(BADGES.verified));
      const mark = title.querySelector(BADGES.mark);
      // The client writes SCAM or FAKE in the UI language under one class; unknown words count as SCAM.
      if (mark) profile.platform_label = FAKE.test(clean(mark.textContent) || "") ? "fake" : "scam";
    }
    if (!profile.display_name && !profile.handle) return null; // the header is not drawn yet
    // A deleted account: the client draws this name, no username, no bio and no photo. There is
    // no one to check. (A user may take the name; one with a username, a bio or a photo is checked.)
    const found = avatarOf(header, scope);
    if (DELETED.test(profile.display_name || "") && !profile.handle && profile.bio == null && found.has !== true) return null;

    if (found.has !== null) profile.has_avatar = found.has;
    return { profile, avatar: found.avatar };
  }

  root.Haris.register({
    platform: "telegram",
    version: "2026.4",
    // Every user has a name; Web A never tells "no photo" from "loading", so the photo is not core.
    core: ["display_name"],
    // A user's chat (a positive id or @username in the address) with its profile panel open.
    expects: (doc, location) => USER_CHAT.test(decodeURIComponent(location.hash.replace(/^#/, ""))) && Boolean(panel(doc)),
    keyFields: ["account_id", "handle"],
    matches: (location) => location.hostname === "web.telegram.org",
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * Telegram Web (web.telegram.org/k/ and /a/): the user profile open in the right-hand column.
 *
 * Sources: the data-peer-id attributes both clients put on avatars and titles (the account id;
 * positive ids are users, negative ones groups and channels, which are not checked), the chat in
 * the URL hash (#@handle or #<id>), and the info rows, recognised by their caption ("Username",
 * "Bio" in the user's UI language) rather than by class names. Avatars are blob: URLs of the page,
 * so the content script reads their bytes itself.
 */
(function (root) {
  "use strict";
  const { clean, text } = root.Haris.util;

  const USERNAME = /^(username|nom d['’]utilisateur|اسم المستخدم)$/i;
  const BIO = /^(bio|about|à propos|biographie|نبذة|النبذة|نبذة تعريفية|حول)$/i;

  function panel(doc) {
    return doc.querySelector(
      "#RightColumn .Profile, #RightColumn .profile-container, .sidebar-right .profile-content, .sidebar-right .profile-container",
    );
  }

  /** The info rows as [value, caption] pairs, whichever client drew them. */
  function rows(scope) {
    const out = [];
    for (const row of scope.querySelectorAll(".row, .ListItem, .multiline-item")) {
      const title = row.querySelector(".row-title, .title");
      const caption = row.querySelector(".row-subtitle, .subtitle");
      if (title && caption) out.push([text(title), text(caption)]);
    }
    return out;
  }

  function extract(doc, location) {
    const scope = panel(doc);
    if (!scope) return null;
    const peer = scope.querySelector("[data-peer-id]");
    const peerId = peer ? peer.getAttribute("data-peer-id") : null;
    const hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    const hashId = /^\d{1,20}$/.test(hash) ? hash : null;
    const accountId = peerId || hashId;
    if (accountId && !/^\d{1,20}$/.test(accountId)) return null; // a group or channel

    const profile = { account_id: accountId };
    for (const [value, caption] of rows(scope)) {
      if (!value || !caption) continue;
      if (USERNAME.test(caption) && profile.handle == null) profile.handle = value.replace(/^@/, "");
      else if (BIO.test(caption) && profile.bio == null) profile.bio = value;
    }
    if (!profile.handle && /^@[A-Za-z0-9_]{4,32}$/.test(hash)) profile.handle = hash.slice(1);
    if (profile.handle) profile.profile_url = `https://t.me/${profile.handle}`;
    const name = scope.querySelector(".profile-name .peer-title, .profile-name, .fullName, h3");
    const nameRun = name ? Array.from(name.childNodes).map((n) => n.textContent).find((t) => clean(t)) : null;
    profile.display_name = clean(nameRun);
    profile.verified = Boolean(scope.querySelector(".verified-icon, .VerifiedIcon, [class*='verified-icon']"));

    let avatar = null;
    const image = scope.querySelector(".profile-avatars-avatar img, .ProfilePhoto img, .avatar-photo, img.avatar-media");
    const src = image ? image.getAttribute("src") || "" : "";
    if (src.startsWith("blob:")) {
      profile.has_avatar = true;
      avatar = { blobUrl: src };
    } else if (/^https:\/\//.test(src)) {
      profile.has_avatar = true;
      avatar = { url: src };
    } else if (profile.display_name) {
      // Both clients draw initials on a coloured circle when there is no photo.
      profile.has_avatar = false;
    }
    return { profile, avatar };
  }

  root.Haris.register({
    platform: "telegram",
    matches: (location) => location.hostname === "web.telegram.org",
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

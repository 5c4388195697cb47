/*
 * Instagram (www.instagram.com/<handle>/).
 *
 * Sources: the Open Graph tags of a freshly loaded profile ("1,234 Followers, 5 Following, 3 Posts
 * - … (@handle)") and the page's embedded "profilePage_<id>" marker — trusted only when they name
 * the handle in the URL, since after in-app navigation they still describe the first page — then
 * the header's structure: links to /<handle>/followers/ (whose span title holds the exact count),
 * aria labels, and the header image.
 */
(function (root) {
  "use strict";
  const { clean, parseCount, meta, scriptMatch, text, httpUrl } = root.Haris.util;

  const RESERVED = new Set([
    "explore", "reels", "reel", "p", "stories", "direct", "accounts", "tv", "about", "legal",
    "developer", "challenge", "emails", "session", "web", "create", "your_activity", "archive",
  ]);
  const HANDLE = /^[A-Za-z0-9._]{1,30}$/;

  const FOLLOWERS = /(followers?|abonné(?:e)?s?|متابِع|متابع|متابعين|متابعون)/i;
  const FOLLOWING = /(following|abonnements?|يتابع|تتابع|المتابَعون|متابَع)/i;
  const POSTS = /(posts?|publications?|منشور|منشورات)/i;
  const VERIFIED = /^(verified|vérifié|تم التحقق منه|موثّق|موثق)$/i;
  const PRIVATE = /(this account is private|ce compte est privé|هذا الحساب خاص)/i;

  function handleFromPath(location) {
    const parts = location.pathname.split("/").filter(Boolean);
    if (parts.length < 1 || parts.length > 2 || !["reels", "tagged", "saved", "followers", "following", undefined].includes(parts[1])) return null;
    const handle = parts[0];
    if (!HANDLE.test(handle) || RESERVED.has(handle.toLowerCase())) return null;
    return handle;
  }

  /** Counts from og:description, by keyword so a localized order still reads right. */
  function countsFromDescription(description) {
    const counts = {};
    const head = description.split(/\s[-–]\s/)[0];
    for (const part of head.split(/[,،]\s+(?=[\d٠-٩])/)) {
      const value = parseCount(part);
      if (value === null) continue;
      if (FOLLOWING.test(part)) counts.following = value;
      else if (FOLLOWERS.test(part)) counts.followers = value;
      else if (POSTS.test(part)) counts.posts = value;
    }
    return counts;
  }

  function linkCount(header, handle, suffix) {
    const link = header.querySelector(`a[href="/${handle}/${suffix}/" i], a[href="/${handle}/${suffix}" i]`);
    if (!link) return null;
    const titled = link.querySelector("[title]");
    return parseCount(titled ? titled.getAttribute("title") : text(link));
  }

  function extract(doc, location) {
    const handle = handleFromPath(location);
    if (!handle) return null;
    const lower = handle.toLowerCase();
    const profile = { handle, profile_url: `https://www.instagram.com/${handle}/` };

    const ogTitle = meta(doc, "og:title") || "";
    const ogDescription = meta(doc, "og:description") || meta(doc, "description") || "";
    const freshPage = ogTitle.toLowerCase().includes(`@${lower})`) || ogDescription.toLowerCase().includes(`@${lower})`);
    if (freshPage) {
      const name = ogTitle.match(/^(.*?)\s*\(@[^)]+\)/);
      profile.display_name = name ? clean(name[1]) : null;
      Object.assign(profile, countsFromDescription(ogDescription));
      profile.account_id = scriptMatch(doc, /"profilePage_(\d{1,30})"/) || scriptMatch(doc, /"profile_id"\s*:\s*"(\d{1,30})"/);
    }

    // The profile header: the <header> whose text shows the handle (the page has other headers).
    const main = doc.querySelector("main") || doc;
    const header = Array.from(main.querySelectorAll("header")).find((h) =>
      Array.from(h.querySelectorAll("h1, h2, span, a")).some((n) => (n.textContent || "").trim().toLowerCase() === lower),
    );
    if (!header && !freshPage) return null;

    // On mobile the counts and bio sit in the section right after the header, not inside it.
    const scope = header ? header.parentElement || header : main;
    if (header) {
      if (profile.followers == null) profile.followers = linkCount(scope, handle, "followers");
      if (profile.following == null) profile.following = linkCount(scope, handle, "following");
      if (profile.posts == null) {
        for (const item of scope.querySelectorAll("li")) {
          const value = text(item);
          if (value && POSTS.test(value)) {
            profile.posts = parseCount(value);
            break;
          }
        }
      }
      profile.verified = Array.from(header.querySelectorAll("svg[aria-label], [title]")).some((n) =>
        VERIFIED.test((n.getAttribute("aria-label") || n.getAttribute("title") || "").trim()),
      );
      if (!profile.display_name) {
        // The first free-text span near the header that is not the handle is the display name.
        const named = Array.from(scope.querySelectorAll("span[dir='auto']")).map(text).find((v) => v && v.toLowerCase() !== lower);
        if (named && !PRIVATE.test(named)) profile.display_name = named;
      }
      const bio = scope.querySelector("h1[dir='auto'], span[dir='auto'][class*='_ap3a'], [data-testid='bio']");
      const bioText = text(bio);
      if (bioText && bioText.toLowerCase() !== lower && bioText !== profile.display_name) profile.bio = bioText;
    }
    profile.private = PRIVATE.test(text(main) || "");

    let avatar = null;
    const image = header && header.querySelector("img");
    const url = (image && httpUrl(image.getAttribute("src"), location.href)) || (freshPage ? httpUrl(meta(doc, "og:image"), location.href) : null);
    if (url) {
      // Instagram's anonymous silhouette is served from a fixed path with this id.
      profile.has_avatar = !/\/44884218_345707102882519_2446069589734326272_n\./.test(url);
      if (profile.has_avatar) avatar = { url };
    }
    return { profile, avatar };
  }

  root.Haris.register({
    platform: "instagram",
    matches: (location) => /^(www\.)?instagram\.com$/.test(location.hostname),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * Facebook (www., web. and m.facebook.com): /<vanity> and /profile.php?id=<id>.
 *
 * Sources: the URL (profile.php?id=), the embedded "userVanity"/"userID" pair — matched against the
 * vanity in the URL so a stale block from an earlier page is never used — app-link meta tags of a
 * fresh load, then structure: the main region's heading, links to …/followers and …/following,
 * aria labels for the verified badge, the profile picture's <image>/<img>.
 */
(function (root) {
  "use strict";
  const { clean, parseCount, parseJoined, meta, scriptMatch, text, httpUrl } = root.Haris.util;

  const RESERVED = new Set([
    "groups", "pages", "watch", "marketplace", "gaming", "events", "messages", "notifications",
    "friends", "settings", "photo", "photo.php", "photos", "story.php", "permalink.php", "reel",
    "reels", "stories", "help", "login", "login.php", "bookmarks", "saved", "search", "hashtag",
    "ads", "business", "privacy", "policies", "home.php", "sharer", "sharer.php", "share", "dialog",
    "checkpoint", "recover", "memories", "fundraisers", "live", "feeds", "me",
  ]);
  const VANITY = /^[A-Za-z0-9.]{5,50}$/;
  const VERIFIED = /^(verified( account)?|compte vérifié|vérifié|حساب موثّق|حساب موثق|موثّق|موثق)$/i;
  const JOINED = /^(joined|a rejoint|membre depuis|inscrit|انضم|انضمت|انضم إلى)/i;
  const INTRO = /^(intro|présentation|نبذة|المقدمة|مقدمة)$/i;

  function identity(location) {
    const parts = location.pathname.split("/").filter(Boolean);
    if (parts[0] === "profile.php") {
      const id = new URL(location.href).searchParams.get("id");
      return /^\d{1,30}$/.test(id || "") ? { id, vanity: null } : null;
    }
    if (parts.length < 1 || parts.length > 2 || !["about", "friends", "followers", "following", "photos", "videos", "posts", undefined].includes(parts[1])) return null;
    const vanity = parts[0];
    if (!VANITY.test(vanity) || RESERVED.has(vanity.toLowerCase())) return null;
    return { id: null, vanity };
  }

  function escapeRegExp(value) {
    return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function idForVanity(doc, vanity) {
    const v = escapeRegExp(vanity);
    return (
      scriptMatch(doc, new RegExp(`"userVanity"\\s*:\\s*"${v}"[^{}]{0,300}?"userID"\\s*:\\s*"(\\d{1,30})"`, "i")) ||
      scriptMatch(doc, new RegExp(`"userID"\\s*:\\s*"(\\d{1,30})"[^{}]{0,300}?"userVanity"\\s*:\\s*"${v}"`, "i"))
    );
  }

  function linkCount(scope, suffixes) {
    for (const link of scope.querySelectorAll("a[href]")) {
      const href = link.getAttribute("href") || "";
      if (suffixes.some((suffix) => new RegExp(`[/&?=_]${suffix}(/|$|&)`).test(href))) {
        const value = parseCount(text(link));
        if (value !== null) return value;
      }
    }
    return null;
  }

  /**
   * The bio: the first free text after the "Intro" title, within the nearest ancestor that has
   * any. Intro list items (city, workplace, "Joined …") are not the bio.
   */
  function bioAfter(title) {
    let scope = title.parentElement;
    for (let depth = 0; scope && depth < 5; depth += 1, scope = scope.parentElement) {
      const leaves = Array.from(scope.querySelectorAll("span, div")).filter(
        (n) =>
          n.children.length === 0 && !n.closest("li") && (title.compareDocumentPosition(n) & 4) !== 0 &&
          !title.contains(n) && clean(n.textContent) && !INTRO.test(clean(n.textContent)) && !JOINED.test(clean(n.textContent)),
      );
      if (leaves.length) return text(leaves[0]);
    }
    return null;
  }

  function extract(doc, location) {
    const who = identity(location);
    if (!who) return null;
    const main = doc.querySelector('[role="main"]') || doc.querySelector("#m-timeline-cover-section, #root, body");
    const profile = {};
    if (who.vanity) profile.handle = who.vanity;
    profile.account_id = who.id || (who.vanity ? idForVanity(doc, who.vanity) : null);
    if (!profile.account_id && who.vanity) {
      // App links of a fresh load: fb://profile/<id>, trusted only if og:url is this vanity.
      const ogUrl = (meta(doc, "og:url") || "").toLowerCase();
      const appLink = meta(doc, "al:android:url") || meta(doc, "al:ios:url") || "";
      const id = appLink.match(/^fb:\/\/profile\/(\d{1,30})/);
      if (id && ogUrl.replace(/\/$/, "").endsWith(`/${who.vanity.toLowerCase()}`)) profile.account_id = id[1];
    }
    profile.profile_url = who.id
      ? `https://www.facebook.com/profile.php?id=${who.id}`
      : `https://www.facebook.com/${who.vanity}`;

    const heading = main.querySelector("h1") || doc.querySelector("#cover-name-root h3, [data-sigil='profile-name']");
    if (!heading) return null; // not a profile (or not rendered yet)
    // The heading may hold a badge and a nickname in parentheses; the first text run is the name.
    const firstRun = Array.from(heading.childNodes).map((n) => n.textContent).find((t) => clean(t));
    profile.display_name = clean(firstRun) || text(heading);
    // Only the badge next to the name counts: the feed below shows other people's badges.
    const nameBlock = heading.parentElement || heading;
    profile.verified = Array.from(nameBlock.querySelectorAll("[aria-label], [title]")).some((n) =>
      VERIFIED.test((n.getAttribute("aria-label") || n.getAttribute("title") || "").trim()),
    );
    profile.followers = linkCount(main, ["followers", "sk=followers"]);
    profile.following = linkCount(main, ["following", "sk=following"]);

    for (const node of main.querySelectorAll("span, div, li")) {
      if (node.children.length > 2) continue;
      const value = text(node);
      if (!value) continue;
      if (profile.joined == null && JOINED.test(value)) profile.joined = parseJoined(value);
      if (profile.bio == null && INTRO.test(value)) profile.bio = bioAfter(node);
    }

    let avatar = null;
    const image =
      main.querySelector('svg[aria-label] image, a[aria-label] svg image, svg[role="img"] image') ||
      main.querySelector("img.profpic, img[data-sigil*='profile'], [data-testid='profile-photo'] img");
    const src = image
      ? image.getAttribute("xlink:href") || image.getAttributeNS("http://www.w3.org/1999/xlink", "href") || image.getAttribute("href") || image.getAttribute("src")
      : null;
    const url = httpUrl(src, location.href);
    if (url) {
      profile.has_avatar = true;
      avatar = { url };
    }
    return { profile, avatar };
  }

  root.Haris.register({
    platform: "facebook",
    matches: (location) => /^((www|web|m|mbasic)\.)?facebook\.com$/.test(location.hostname),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

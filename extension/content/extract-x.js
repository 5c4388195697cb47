/*
 * X (x.com, twitter.com, mobile.*): the profile at /<handle>.
 *
 * Sources, most stable first: the ProfilePage JSON-LD X embeds for search engines (account id,
 * creation date, counts) — used only when it names the handle in the URL, because after a
 * single-page navigation it can still describe the previous profile; then data-testid hooks and
 * link targets (/<handle>/followers), which survive class-name churn.
 */
(function (root) {
  "use strict";
  const { clean, parseCount, parseJoined, isoDay, jsonLd, text, httpUrl } = root.Haris.util;

  const HOSTS = /^(www\.|mobile\.)?(x|twitter)\.com$/;
  // First path segments that are X's own pages, not handles.
  const RESERVED = new Set([
    "home", "explore", "notifications", "messages", "i", "settings", "search", "compose", "login",
    "logout", "signup", "tos", "privacy", "jobs", "about", "account", "hashtag", "intent", "share",
    "download", "communities", "lists", "bookmarks", "premium", "grok", "jobs", "verified-choose",
  ]);
  const HANDLE = /^[A-Za-z0-9_]{1,15}$/;

  // Tabs of a profile page; any other sub-path (a post, a list) is not the profile.
  const PROFILE_TABS = new Set(["", "with_replies", "media", "likes", "highlights", "articles", "superfollows", "verified_followers", "followers", "following", "followers_you_follow"]);

  function handleFromPath(location) {
    const parts = location.pathname.split("/").filter(Boolean);
    const segment = parts[0] || "";
    if (parts.length > 2 || !PROFILE_TABS.has(parts[1] || "")) return null;
    if (!HANDLE.test(segment) || RESERVED.has(segment.toLowerCase())) return null;
    return segment;
  }

  function schemaFor(doc, handle) {
    for (const block of jsonLd(doc)) {
      const items = Array.isArray(block) ? block : [block];
      for (const item of items) {
        const person = item && (item.mainEntity || item.author);
        if (item && item["@type"] === "ProfilePage" && person) {
          const name = String(person.additionalName || "").replace(/^@/, "");
          if (name.toLowerCase() === handle.toLowerCase()) return { page: item, person };
        }
      }
    }
    return null;
  }

  function counter(person, names) {
    for (const stat of person.interactionStatistic || []) {
      if (names.includes(stat.name) || names.includes(String(stat.interactionType || "").split("/").pop())) {
        const value = Number(stat.userInteractionCount);
        if (Number.isFinite(value)) return value;
      }
    }
    return null;
  }

  function linkCount(doc, handle, suffixes) {
    for (const suffix of suffixes) {
      for (const link of doc.querySelectorAll(`a[href$="/${suffix}"]`)) {
        const path = new URL(link.getAttribute("href"), "https://x.com").pathname.toLowerCase();
        if (path === `/${handle.toLowerCase()}/${suffix}`) {
          const value = parseCount(text(link));
          if (value !== null) return value;
        }
      }
    }
    return null;
  }

  function extract(doc, location) {
    const handle = handleFromPath(location);
    if (!handle) return null;
    const header = doc.querySelector('[data-testid="UserName"]');
    const schema = schemaFor(doc, handle);
    if (!header && !schema) return null; // a tweet, a list, or a page still loading

    const profile = { handle, profile_url: `https://x.com/${handle}` };
    if (schema) {
      const person = schema.person;
      profile.account_id = clean(person.identifier);
      profile.display_name = clean(person.givenName || person.name);
      profile.bio = clean(person.description);
      profile.joined = isoDay(schema.page.dateCreated);
      profile.followers = counter(person, ["Follows", "FollowAction"]);
      profile.following = counter(person, ["Friends", "SubscribeAction"]);
      profile.posts = counter(person, ["Tweets", "WriteAction"]);
    }
    if (header) {
      // The header shows "Name" then "@handle"; the first text block is the display name.
      const nameNode = header.querySelector("span");
      profile.display_name = profile.display_name || text(nameNode);
      profile.verified = Boolean(header.querySelector('[data-testid="icon-verified"], svg[aria-label*="erified"]'));
    }
    const bio = doc.querySelector('[data-testid="UserDescription"]');
    if (!profile.bio) profile.bio = bio ? text(bio) : header ? "" : null;
    if (profile.joined == null) profile.joined = parseJoined(text(doc.querySelector('[data-testid="UserJoinDate"]')));
    if (profile.followers == null) profile.followers = linkCount(doc, handle, ["verified_followers", "followers"]);
    if (profile.following == null) profile.following = linkCount(doc, handle, ["following"]);
    if (profile.posts == null) {
      // The sticky title bar says "1,234 posts" under the name.
      for (const node of doc.querySelectorAll('[data-testid="primaryColumn"] h2 ~ div, [data-testid="TopNavBar"] div')) {
        const match = (node.textContent || "").match(/^\s*([\d.,\s٠-٩٬٫]+\s*[KkMm]?)\s+(posts|post|tweets|publications|منشور|منشورات|تغريدة|تغريدات)\s*$/i);
        if (match) {
          profile.posts = parseCount(match[1]);
          break;
        }
      }
    }
    profile.private = Boolean(doc.querySelector('[data-testid="icon-lock"]'));

    let avatar = null;
    const photo = doc.querySelector(`a[href$="/${handle}/photo" i] img, [data-testid^="UserAvatar-Container"] img`);
    const photoUrl = photo ? httpUrl(photo.getAttribute("src"), location.href) : null;
    const schemaImage = schema && schema.person.image && (schema.person.image.contentUrl || schema.person.image);
    const url = photoUrl || httpUrl(typeof schemaImage === "string" ? schemaImage : null, location.href);
    if (url) {
      profile.has_avatar = !/default_profile_images/.test(url);
      if (profile.has_avatar) avatar = { url };
    }
    return { profile, avatar };
  }

  root.Haris.register({
    platform: "x",
    matches: (location) => HOSTS.test(location.hostname),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

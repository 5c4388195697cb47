/*
 * X (x.com, twitter.com, mobile.*): the profile at /<handle> and its tabs, including the
 * "About this account" page (/<handle>/about).
 *
 * Sources, most stable first: the ProfilePage JSON-LD X embeds for search engines (account id,
 * creation date, counts) — used only when it names the handle in the URL, because after a
 * single-page navigation it can still describe the previous profile; then data-testid hooks and
 * link targets (/<handle>/followers), which survive class-name churn. Everything is looked for
 * inside the primary column: the side navigation before it holds the signed-in viewer's own
 * avatar and name.
 */
(function (root) {
  "use strict";
  const { clean, parseCount, parseJoined, isoDay, jsonLd, visibleText, httpUrl, labelledValues, urlPath } = root.Haris.util;

  const HOSTS = /^(www\.|mobile\.)?(x|twitter)\.com$/;
  // First path segments that are X's own pages, not handles.
  const RESERVED = new Set([
    "home", "explore", "notifications", "messages", "i", "settings", "search", "compose", "login",
    "logout", "signup", "tos", "privacy", "jobs", "about", "account", "hashtag", "intent", "share",
    "download", "communities", "lists", "bookmarks", "premium", "grok", "verified-choose", "following",
    "followers", "topics", "sw.js", "login_verification", "account_access", "display", "keyboard_shortcuts",
    "jobs", "spaces", "creators", "ads", "business", "rules", "help", "x", "twitter", "verified-orgs-signup",
    "premium_sign_up", "tweetdeck", "oauth", "oauth2", "web", "en", "fr", "ar", "resources", "safety",
  ]);
  const HANDLE = /^[A-Za-z0-9_]{1,15}$/;

  // Tabs of a profile page; any other sub-path (a post, a list, a photo viewer) is not the profile.
  const PROFILE_TABS = new Set([
    "", "with_replies", "media", "likes", "highlights", "articles", "superfollows", "verified_followers",
    "followers", "following", "followers_you_follow", "creator-subscriptions", "about",
  ]);

  const ABOUT_LABELS = {
    joined: /^(date joined|joined|a rejoint x|date d['’]inscription|inscrit\(e\)? le|تاريخ الانضمام|انضم)$/i,
    based_in: /^(account based in|compte basé (en|au|aux|à)|basé (en|au|aux|à)|مقر الحساب|الحساب موجود في|مقيم في)$/i,
    name_changes: /^(username changes|changements? (du |de )?nom d['’]utilisateur|تغييرات اسم المستخدم)$/i,
  };

  // Where X draws what the account wrote: its name line, bio, location, website and posts.
  const ACCOUNT_TEXT = "a, [data-testid='UserName'], [data-testid='User-Name'], [data-testid='UserDescription'], [data-testid='UserLocation'], [data-testid='UserUrl'], [data-testid='tweet'], article";

  // Tabs that draw the profile's header (name, counts, photo); the others list other accounts.
  const HEADER_TABS = new Set(["", "with_replies", "media", "likes", "highlights", "articles", "superfollows"]);

  function handleFromPath(location) {
    const parts = location.pathname.split("/").filter(Boolean);
    const segment = parts[0] || "";
    if (parts.length > 2 || !PROFILE_TABS.has(parts[1] || "")) return null;
    if (!HANDLE.test(segment) || RESERVED.has(segment.toLowerCase())) return null;
    return segment;
  }

  function isAbout(location) {
    return /\/about\/?$/i.test(location.pathname);
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
        if (Number.isFinite(value) && value >= 0) return value;
      }
    }
    return null;
  }

  function linkCount(scope, handle, suffixes) {
    for (const suffix of suffixes) {
      for (const link of scope.querySelectorAll(`a[href$="/${suffix}"]`)) {
        // urlPath, not new URL: one address that cannot be parsed ("http://[/following") would
        // throw, and the whole profile would go unchecked.
        const path = (urlPath(link.getAttribute("href")) || "").toLowerCase();
        if (path === `/${handle.toLowerCase()}/${suffix}`) {
          const value = parseCount(visibleText(link));
          if (value !== null) return value;
        }
      }
    }
    return null;
  }

  /**
   * A name as drawn: the affiliation badge after it is a link to the organisation, whose logo's
   * alt text is its name, and is not part of the person's name (emoji of the name are not links).
   */
  function nameText(node) {
    const own = node.cloneNode(true);
    for (const link of own.querySelectorAll("a[href]")) link.remove();
    return visibleText(own);
  }

  /**
   * The header's name line: the first block of the UserName header that is not this profile's
   * "@handle" line. Known by being "@" and the address's handle, not by starting with "@": a name
   * is free text, and one typed "@Nour Khalil" (or "@friend") is still the name — skipped, it left
   * the profile without a name after in-app navigation (no name to compare with a contact's) and,
   * on a header without counts, read as an account that is gone (no check at all).
   */
  function displayName(header, handle) {
    const own = `@${handle.toLowerCase()}`;
    const blocks = header.querySelectorAll("[dir]");
    for (const block of blocks.length ? blocks : header.querySelectorAll("span")) {
      const value = nameText(block);
      if (value && value.toLowerCase() !== own) return value;
    }
    return null;
  }

  /**
   * X's badge: blue (a paid X Premium subscription, or granted), gold (a verified organisation,
   * drawn with a gradient), grey (a government or multilateral account).
   */
  function verifiedType(badge) {
    if (badge.querySelector("linearGradient, radialGradient, stop")) return "business";
    const colour = `${badge.getAttribute("fill") || ""} ${badge.getAttribute("style") || ""} ${badge.getAttribute("color") || ""}`;
    for (const node of [badge, ...badge.querySelectorAll("[fill]")]) {
      if (/829aab|rgb\(\s*130,\s*154,\s*171\s*\)/i.test(`${node.getAttribute("fill")} ${colour}`)) return "government";
    }
    return "paid";
  }

  /**
   * The title bar's "23.9K posts" (the only place the page prints the post count), under an
   * <h2> that must carry this profile's name: phones draw the bar outside the primary column.
   */
  function postsFromTitleBar(doc, name) {
    for (const node of doc.querySelectorAll("[data-testid='primaryColumn'] h2 ~ div, [data-testid='TopNavBar'] h2 ~ div")) {
      const title = Array.from(node.parentElement.children).find((c) => c.tagName === "H2");
      if (name && title && nameText(title) !== name) continue;
      // The number and at most one word of it ("23.9K", "23,9 k", "٢٣٫٩ ألف"): parseCount knows the words.
      const match = (visibleText(node) || "").match(/^([\d.,\s٠-٩٬٫]+\s*(?:[\p{L}\p{M}]{1,8}\.?)?)\s+(posts?|tweets?|publications?|منشورًا|منشور|منشورات|تغريدة|تغريدات)$/iu);
      if (match) return parseCount(match[1]);
    }
    return null;
  }

  // Empty states X draws under the header of an account that is not there (deleted, never
  // existed, suspended), in English, French and Arabic.
  const GONE = /(doesn[’']t exist|does not exist|account suspended|n[’']existe pas|compte suspendu|غير موجود|الحساب معلّق|الحساب معلق|تم تعليق الحساب)/i;

  /**
   * Whether the header is one X draws for an account that is not there: the @handle where the
   * name goes and no counts, or an empty state saying so. Such a page shows no profile.
   */
  function accountGone(column, header, handle) {
    const empty = column.querySelector('[data-testid="emptyState"]');
    if (empty && GONE.test(visibleText(empty) || "")) return true;
    const counted = linkCount(column, handle, ["verified_followers", "followers", "following"]) !== null;
    return !counted && !displayName(header, handle);
  }

  /**
   * Whether the header is another profile's: its "@handle" line is not the address's handle.
   * After in-app navigation the address changes before X redraws the column, and the header,
   * bio, join date and title bar on screen are still the previous profile's — read under the new
   * handle, they gave that profile another account's name, bio and dates. The handle line is the
   * header's last line of that form (X draws the name first, and a name may be typed "@friend",
   * even as the handle of the profile one goes to next); on the page of an account that is gone
   * it is the only one. A header without any (a layout we do not know) is not judged here.
   */
  function headerOfAnother(header, handle) {
    const lines = Array.from(header.querySelectorAll("[dir], span"), (node) => (nameText(node) || "").toLowerCase());
    const handles = lines.filter((line) => /^@[a-z0-9_]{1,15}$/.test(line));
    return handles.length > 0 && handles[handles.length - 1] !== `@${handle.toLowerCase()}`;
  }

  function extract(doc, location) {
    const handle = handleFromPath(location);
    if (!handle) return null;
    // Only the primary column shows the profile; a page without one is not rendered yet.
    const column = doc.querySelector('[data-testid="primaryColumn"]') || doc.querySelector("main, [role='main']");
    const header = column ? column.querySelector('[data-testid="UserName"]') : null;
    // Another profile's header, left on screen while X loads this one: nothing of it is read.
    if (header && headerOfAnother(header, handle)) return null;
    const schema = schemaFor(doc, handle);
    const onAbout = isAbout(location);
    if (!header && !schema && !(onAbout && column)) return null; // a page still loading
    if (header && !schema && accountGone(column, header, handle)) return null;

    const profile = { handle, profile_url: `https://x.com/${handle}` };
    if (schema) {
      const person = schema.person;
      profile.account_id = /^\d{1,30}$/.test(String(person.identifier || "")) ? String(person.identifier) : null;
      profile.display_name = clean(person.givenName || person.name);
      profile.bio = clean(person.description);
      profile.joined = isoDay(schema.page.dateCreated);
      profile.followers = counter(person, ["Follows", "FollowAction"]);
      profile.following = counter(person, ["Friends", "SubscribeAction"]);
      profile.posts = counter(person, ["Tweets", "WriteAction"]);
    }
    if (header) {
      // What the header shows wins over the schema: emoji are <img alt>, links show their domain.
      profile.display_name = displayName(header, handle) || profile.display_name;
      const badge = header.querySelector('[data-testid="icon-verified"], svg[aria-label*="erified"], svg[aria-label*="érifié"], svg[aria-label*="موثق"], svg[aria-label*="موثّق"], svg[aria-label*="موثَّق"]');
      profile.verified = Boolean(badge);
      if (badge) profile.verified_type = verifiedType(badge);
      profile.private = Boolean(header.querySelector('[data-testid="icon-lock"], svg[aria-label*="rotected"], svg[aria-label*="rotégé"], svg[aria-label*="محمي"]'));
      const bio = column.querySelector('[data-testid="UserDescription"]');
      // A rendered header without a bio block is a profile with an empty bio.
      profile.bio = bio ? visibleText(bio) || "" : "";
      const joined = parseJoined(visibleText(column.querySelector('[data-testid="UserJoinDate"]')));
      if (profile.joined == null) profile.joined = joined;
      // The JSON-LD's exact counts stand while the header's agree with them (an abbreviation's
      // rounding, 5%); a header that shows another number (the JSON-LD of an earlier load of this
      // profile, counts that moved since) is what the person reads.
      const shown = {
        followers: linkCount(column, handle, ["verified_followers", "followers"]),
        following: linkCount(column, handle, ["following"]),
      };
      for (const [field, value] of Object.entries(shown)) {
        if (value !== null && (profile[field] == null || Math.abs(profile[field] - value) > Math.max(1, value * 0.05))) profile[field] = value;
      }
      if (profile.posts == null) profile.posts = postsFromTitleBar(doc, profile.display_name);
    }
    if (onAbout && column) {
      // Labels are X's, never the account's text drawn on the page (its name, bio, posts, links):
      // a name typed "Joined · March 2009" is no join line.
      const about = labelledValues(column, ABOUT_LABELS, ACCOUNT_TEXT);
      if (!header && !schema && !Object.keys(about).length) return null; // the panel is still loading
      if (profile.joined == null) profile.joined = parseJoined(about.joined);
      profile.based_in = about.based_in ? about.based_in.slice(0, 100) : null;
      const changes = about.name_changes ? parseCount(about.name_changes) : null;
      if (changes !== null) profile.name_changes = changes;
    }

    let avatar = null;
    // Only this handle's own avatar in the primary column: the viewer's is in the side navigation.
    const lower = handle.toLowerCase();
    const photo =
      (column && Array.from(column.querySelectorAll('a[href$="/photo" i] img')).find((img) => {
        const href = img.closest("a").getAttribute("href") || "";
        return (urlPath(href) || "").toLowerCase() === `/${lower}/photo`;
      })) ||
      (column && Array.from(column.querySelectorAll('[data-testid^="UserAvatar-Container-"]')).find(
        (node) => node.getAttribute("data-testid").slice("UserAvatar-Container-".length).toLowerCase() === lower,
      )?.querySelector("img"));
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
    version: "2026.9",
    // Every profile shows a name, a follower count and a photo (the egg is "no photo"); the
    // "About this account" page shows none of them, but always the join date.
    core: (location) => (isAbout(location) ? ["joined"] : ["display_name", "followers", "has_avatar"]),
    expects: (doc, location) => {
      const tab = location.pathname.split("/").filter(Boolean)[1] || "";
      // X's own "doesn't exist" / "suspended" state: no profile to show, not a layout we missed.
      const empty = doc.querySelector('[data-testid="primaryColumn"] [data-testid="emptyState"]');
      if (empty && GONE.test(visibleText(empty) || "")) return false;
      return handleFromPath(location) !== null && (HEADER_TABS.has(tab) || isAbout(location));
    },
    matches: (location) => HOSTS.test(location.hostname),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * Instagram (www.instagram.com/<handle>/ and its tabs).
 *
 * Two sources, each trusted only when it is about the handle in the URL (after in-app navigation
 * the <head> and the embedded JSON still describe the first page loaded):
 *  - the server's tags: og:url (set by Instagram, never by the account owner), og:title / <title>
 *    "Name (@handle) • Instagram …", og:description / description "1,234 Followers, 5 Following,
 *    3 Posts - … Name (@handle) on Instagram: "bio"", og:image, and the route data that binds the
 *    profile's id to its username. The handle Instagram appends is anchored at its fixed place
 *    (the last "(@…)" before " • ", the one ending the description), so a display name that
 *    contains "(@friend)" cannot pass for the friend's page;
 *  - the rendered header: links to /<handle>/followers/ (whose span title holds the exact count),
 *    aria labels, the profile picture, and the text blocks under the name.
 * What the header shows wins over the tags. `private` is sent only with evidence: the "This
 * account is private" notice (true), or the posts grid (false).
 */
(function (root) {
  "use strict";
  const { clean, parseCount, parseJoined, meta, urlPath, jsonLd, scriptMatch, scriptSearch, escapeRegExp, visibleText, httpUrl, labelledValues } = root.Haris.util;

  const RESERVED = new Set([
    "explore", "reels", "reel", "p", "tv", "stories", "direct", "accounts", "about", "legal",
    "developer", "challenge", "emails", "session", "web", "create", "your_activity", "archive",
    "settings", "notifications", "login", "signup", "privacy", "terms", "help", "api", "graphql",
    "lite", "ar", "nametag", "topics", "saved", "audio", "locations", "tags", "explore_tags",
    "invites", "press", "blog", "oauth", "data", "download", "threads", "meta_verified", "instagram",
  ]);
  const HANDLE = /^[A-Za-z0-9._]{1,30}$/;
  const TABS = ["reels", "tagged", "saved", "followers", "following", "igtv", "channel", "guides", undefined];

  const FOLLOWERS = /(followers?|abonné(?:e)?s?|متابِع|متابع|متابعين|متابعون)/i;
  const FOLLOWING = /(following|abonnements?|suivi\(e\)s|suivis|يتابع|تتابع|المتابَعون|متابَع|تتم متابعتهم)/i;
  const POSTS = /(posts?|publications?|منشور|منشورات)/i;
  const VERIFIED = /^(verified|vérifié|compte vérifié|تم التحقق|تم التحقق منه|حساب تم التحقق منه|موثّق|موثَّق|موثق|حساب موثّق|حساب موثَّق|حساب موثق)$/i;
  // The page's own notice where the posts would be: an element whose whole text is this line.
  const PRIVATE = /^(this account is private|ce compte est privé|هذا الحساب خاص)$/i;
  // Ends where the word does (\b is ASCII-only: it never ends an Arabic word).
  const NOT_BIO = /^(followed by|suivi\(e\) par|suivi par|يتابعه|تتابعه|translation|see translation|voir la traduction|عرض الترجمة)(?![\p{L}\p{M}\p{N}_])/iu;
  // Pronouns as Instagram draws them next to or under the name: "she/her", "il/lui", "هي/لها".
  const PRONOUNS = /^[\p{L}]{1,8}(\s*\/\s*[\p{L}]{1,8}){1,2}$/u;
  // Instagram's anonymous silhouette is served from a fixed path with this id.
  // Since late 2024 a second one is served; both carry ig_cache_key "anonymous_profile_pic" (base64).
  const SILHOUETTE = /\/(44884218_345707102882519_2446069589734326272|464760996_1254146839119862_3605321457742435801)_n\.|[?&]ig_cache_key=YW5vbnltb3VzX3Byb2ZpbGVfcGlj/;
  const ABOUT_LABELS = {
    joined: /^(date joined|date d['’]inscription|a rejoint instagram|تاريخ الانضمام)$/i,
    based_in: /^(account based in|compte basé (en|au|aux|à)|موقع الحساب|مقر الحساب|البلد المرتبط بالحساب)$/i,
    name_changes: /^(former usernames|anciens noms d['’]utilisateur|أسماء المستخدمين السابقة)$/i,
  };

  // The "About this account" dialog's title, and what in a dialog is not one of its rows.
  const ABOUT_HEADING = "h1, h2, h3, [role='heading']";
  const ABOUT_TITLE = /^(about this account|à propos de ce compte|حول هذا الحساب)$/i;
  const ABOUT_SKIP = "a, button, [role='button']";

  function handleFromPath(location) {
    const parts = location.pathname.split("/").filter(Boolean);
    if (parts.length < 1 || parts.length > 2 || !TABS.includes(parts[1])) return null;
    const handle = parts[0];
    if (!HANDLE.test(handle) || RESERVED.has(handle.toLowerCase())) return null;
    return handle;
  }

  /**
   * The handle Instagram appended to og:title / <title>: the last "(@…)" that a " • " follows
   * (a name may hold " • " itself: "Nour • Art (@nour.art) • Instagram …").
   */
  function titleHandle(title) {
    const all = Array.from(title.matchAll(/\(@([A-Za-z0-9._]{1,30})\)(?=\s[•·]\s)/g));
    if (!all.length) return null;
    const last = all[all.length - 1];
    return { handle: last[1], name: clean(title.slice(0, last.index)) };
  }

  /**
   * Whether the server's tags are about this handle: og:url decides when present (Instagram sets
   * it), else the handle appended to the title. Returns null when they are about another profile
   * or absent, else {ogUrl, name}.
   */
  function freshTags(doc, lower) {
    const ogUrl = meta(doc, "og:url");
    const fromTitle = titleHandle(meta(doc, "og:title") || clean(doc.title) || "");
    const titleMatches = Boolean(fromTitle && fromTitle.handle.toLowerCase() === lower);
    if (ogUrl) {
      const path = (urlPath(ogUrl) || "").split("/").filter(Boolean);
      if (path.length !== 1 || path[0].toLowerCase() !== lower) return null;
    } else if (!titleMatches) {
      return null;
    }
    return { ogUrl: Boolean(ogUrl), name: titleMatches ? fromTitle.name : null };
  }

  /**
   * "2,187 Followers, 110 Following, 142 Posts - …", by keyword so a localized order reads right.
   * Arabic joins the parts with "، و" and wraps the numbers in bidi marks ("‏2,187‏ من المتابعين،
   * و‏110‏ …"), so every ", " separates (a count's own comma has no space after it). Without its
   * vowel marks one Arabic word is both "followers" and "following" (متابع): a count two parts
   * claim is left out rather than given to the wrong one.
   */
  function countsFromDescription(description) {
    const head = (clean(description) || "").split(/\s[-–]\s/)[0];
    return labelledCounts(head.split(/[,،]\s+/).map((part) => [part, parseCount(part)]));
  }

  /** {field: count} from [label text, count] pairs, each by its word; a field two pairs claim is left out. */
  function labelledCounts(pairs) {
    const counts = {};
    const claimed = new Set();
    for (const [label, value] of pairs) {
      if (value === null) continue;
      const field = FOLLOWING.test(label) ? "following" : FOLLOWERS.test(label) ? "followers" : POSTS.test(label) ? "posts" : null;
      if (!field) continue;
      if (claimed.has(field)) delete counts[field];
      else counts[field] = value;
      claimed.add(field);
    }
    return counts;
  }

  // Story highlights: a list of covers (pictures) under titles the account writes, which phones
  // draw before the counts row and which can read "9,999 posts" or "Verified".
  const HIGHLIGHTS = "img, canvas, [role='menuitem']";

  /**
   * The header's counts list: the items of the <ul> that holds the posts count, by their words.
   * Never the highlights' list (its items are pictures with the account's titles). Each part of
   * the area is read once per look at the page (`memo`): headerArea asks whether each part and
   * the parts after it hold counts, and the extractor then reads the counts of the same parts.
   */
  function countItems(area, memo) {
    for (const part of area) {
      const found = partCounts(part, memo);
      if (found) return found;
    }
    return {};
  }

  /** The counts list of one part ({field: count}), or null when the part holds none. */
  function partCounts(part, memo) {
    if (memo.has(part)) return memo.get(part);
    let found = null;
    const posts = Array.from(part.querySelectorAll("ul > li")).find((li) => !li.parentElement.querySelector(HIGHLIGHTS) && POSTS.test(li.textContent || "") && parseCount(visibleText(li)) !== null);
    if (posts) {
      const pairs = Array.from(posts.parentElement.children, (li) => {
        const text = visibleText(li) || "";
        if (text.length > 40 || NOT_BIO.test(text)) return [text, null];
        const titled = Array.from(li.querySelectorAll("[title]")).map((n) => n.getAttribute("title")).find((t) => /[\d٠-٩]/.test(t));
        return [text, parseCount(titled || text)];
      });
      found = labelledCounts(pairs);
    }
    memo.set(part, found);
    return found;
  }

  /** The bio the description carries after "(@handle) on Instagram:", quotes removed. */
  function bioFromDescription(description, lower) {
    const marker = new RegExp(`\\(@${escapeRegExp(lower)}\\)[^:："«“]{0,40}Instagram\\s*[:：]\\s*`, "i");
    const found = description.match(marker);
    if (!found) return null;
    let bio = description.slice(found.index + found[0].length).trim();
    bio = bio.replace(/^["“«]\s*/, "").replace(/\s*["”»]$/, "");
    return clean(bio);
  }

  /**
   * The account id from the route data of the server HTML, only where that data names this
   * handle as well (a signed-in page also carries the viewer's own id and username).
   */
  function idFromRoute(doc, lower) {
    const handle = escapeRegExp(lower);
    const patterns = [
      // Polaris route props: {"id":"…", … "profile_id":"…", … "query":{"username":"…"}}
      new RegExp(`"profile_id"\\s*:\\s*"(\\d{1,30})"[^{}]{0,400}\\}[\\s\\S]{0,1500}?"username"\\s*:\\s*"${handle}"`, "i"),
      // The user object of _sharedData: "id":"…" … "username":"…" within one object.
      new RegExp(`"id"\\s*:\\s*"(\\d{1,30})"[^{}]{0,3000}?"username"\\s*:\\s*"${handle}"`, "i"),
      new RegExp(`"username"\\s*:\\s*"${handle}"[^{}]{0,3000}?"id"\\s*:\\s*"(\\d{1,30})"`, "i"),
    ];
    return scriptSearch(doc, `instagram-route:${lower}`, (script) => {
      if (!script.toLowerCase().includes(`"${lower}"`)) return null;
      for (const pattern of patterns) {
        const match = script.match(pattern);
        if (match) return match[1];
      }
      return null;
    });
  }

  /**
   * The JSON-LD Instagram's server HTML carried for search engines (2017–2021: a Person, or a
   * Store, Organization… for business accounts), only when it is this handle's: its
   * alternateName is "@<handle>" and its ProfilePage's @id, when given, is this profile's address.
   * {name, bio, followers, image}; image only from Instagram's picture CDN (a business account's
   * entity carries Instagram's favicon as its image).
   */
  function schemaFor(doc, lower) {
    for (const block of jsonLd(doc)) {
      for (const item of Array.isArray(block) ? block : [block]) {
        if (!item || typeof item !== "object") continue;
        if (String(item.alternateName || "").replace(/^@/, "").toLowerCase() !== lower) continue;
        const page = item.mainEntityofPage || item.mainEntityOfPage || {};
        const path = page["@id"] ? (urlPath(String(page["@id"])) || "").split("/").filter(Boolean) : [lower];
        if (path.length !== 1 || path[0].toLowerCase() !== lower) continue;
        let followers = null;
        for (const stat of [].concat(page.interactionStatistic || item.interactionStatistic || [])) {
          if (stat && /FollowAction$/.test(String(stat.interactionType || ""))) followers = countValue(stat.userInteractionCount);
        }
        const image = typeof item.image === "string" ? httpUrl(item.image) : null;
        return {
          name: clean(item.name),
          bio: clean(item.description),
          followers,
          image: image && PICTURE_HOST.test(new URL(image).hostname) ? image : null,
        };
      }
    }
    return null;
  }

  const PICTURE_HOST = /(^|\.)(cdninstagram\.com|fbcdn\.net)$/;

  function countValue(value) {
    const number = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value;
    return Number.isSafeInteger(number) && number >= 0 ? number : null;
  }

  /**
   * This handle's user object in the page's embedded JSON (window._sharedData and
   * __additionalDataLoaded of 2017–2021, the JSON script blocks of later pages): an object whose
   * "username" is this handle and which carries a follower count — never the signed-in viewer's
   * own object (under "viewer", and without counts), nor another account's (a post's author, a
   * suggested account: each its own username). Parsed as JSON, so text an account wrote cannot
   * pose as a key. Returns the object's fields Haris reads, or null.
   */
  function userData(doc, lower) {
    return scriptSearch(doc, `instagram-user:${lower}`, (script) => {
      if (!script.toLowerCase().includes(lower)) return null;
      const start = script.indexOf("{");
      const end = script.lastIndexOf("}");
      if (start < 0 || end <= start) return null;
      let data;
      try {
        data = JSON.parse(script.slice(start, end + 1));
      } catch (_error) {
        return null; // code, not data
      }
      const stack = [[data, null]];
      for (let seen = 0; stack.length && seen < 200000; seen += 1) {
        const [node, key] = stack.pop();
        if (!node || typeof node !== "object") continue;
        if (!Array.isArray(node) && key !== "viewer" && typeof node.username === "string" && node.username.toLowerCase() === lower) {
          const followers = countValue(node.edge_followed_by?.count ?? node.follower_count);
          if (followers !== null) {
            return {
              id: /^\d{1,30}$/.test(String(node.id ?? node.pk ?? "")) ? String(node.id ?? node.pk) : null,
              name: typeof node.full_name === "string" ? clean(node.full_name) : null,
              bio: typeof node.biography === "string" ? clean(node.biography) || "" : null,
              followers,
              following: countValue(node.edge_follow?.count ?? node.following_count),
              posts: countValue(node.edge_owner_to_timeline_media?.count ?? node.media_count),
              verified: typeof node.is_verified === "boolean" ? node.is_verified : null,
              private: typeof node.is_private === "boolean" ? node.is_private : null,
              image: httpUrl(node.profile_pic_url_hd || node.hd_profile_pic_url_info?.url || node.profile_pic_url || null),
            };
          }
        }
        for (const [childKey, child] of Object.entries(node)) if (child && typeof child === "object") stack.push([child, Array.isArray(node) ? key : childKey]);
      }
      return null;
    });
  }

  /**
   * Whether an exact count from the page's data is the one the header shows, perhaps abbreviated
   * ("1.2M", "12,5 k"): within the rounding of an abbreviation (5%). A count that is not (data left
   * from an earlier state) is not taken over the header's: the header is what the person reads.
   */
  function agrees(shown, exact) {
    return Math.abs(shown - exact) <= Math.max(1, shown * 0.05);
  }

  /**
   * Whether the page's data binds `id` to another username within one object: the logging id of
   * the head (profilePage_<id>) names no username itself, and a page whose data says the id is
   * someone else's does not give it to this handle.
   */
  function idElsewhere(doc, id, lower) {
    const username = `"username"\\s*:\\s*"([A-Za-z0-9._]{1,30})"`;
    const bound = `"(?:id|pk)"\\s*:\\s*"${id}"`;
    const patterns = [new RegExp(`${bound}[^{}]{0,3000}?${username}`), new RegExp(`${username}[^{}]{0,3000}?${bound}`)];
    return Boolean(scriptSearch(doc, `instagram-id-owner:${id}:${lower}`, (script) => {
      if (!script.includes(id)) return null;
      for (const pattern of patterns) {
        const match = script.match(pattern);
        if (match && match[1].toLowerCase() !== lower) return true;
      }
      return null;
    }));
  }

  /** The element of `header` that shows the handle alone, or null. */
  function handleNode(header, lower) {
    return Array.from(header.querySelectorAll("h1, h2, span, a, div")).find((n) => n.children.length <= 1 && (n.textContent || "").trim().toLowerCase() === lower) || null;
  }

  /** The profile header: the <header> whose text shows the handle (the page has other headers). */
  function findHeader(doc, lower) {
    const main = doc.querySelector("main") || doc.body || doc;
    return Array.from(main.querySelectorAll("header")).find((h) => handleNode(h, lower) !== null);
  }

  /**
   * The blocks of the header's profile area, in reading order: the header itself and, on phones,
   * the sections after it, up to the tab bar or the posts.
   */
  function headerArea(header, memo) {
    const area = [header];
    const hasCounts = (part) => Object.keys(partCounts(part, memo) || {}).length > 0 || part.querySelector("a[href$='/followers/']") !== null;
    const countsAfter = (node) => {
      for (let next = node.nextElementSibling; next; next = next.nextElementSibling) if (hasCounts(next)) return true;
      return false;
    };
    let counted = hasCounts(header);
    for (let next = header.nextElementSibling; next; next = next.nextElementSibling) {
      if (next.matches("[role='tablist'], article") || next.querySelector("[role='tablist'], article, a[href*='/p/'], a[href*='/reel/']")) break;
      // The private notice ends the area only after the counts (or where none follow): phones
      // draw the bio before the counts row, and a bio saying "this account is private" must not
      // hide what follows it.
      if (privateNotice(next) && (counted || !countsAfter(next))) break;
      area.push(next);
      counted = counted || hasCounts(next);
    }
    return area;
  }

  const FOLLOWS = 4; // Node.DOCUMENT_POSITION_FOLLOWING
  const NOTICE_NODES = "h1, h2, h3, [role='heading'], span, div";

  /**
   * `node` is the page's "This account is private" line: its whole text, outside what the owner
   * fills — never a picture's alt text (Instagram lets the owner write a post's; the grid draws
   * it as the alt of the post's picture, which can read "This account is private" as well as
   * any line). (Not "outside <article>": the 2021 layout drew the notice in the posts' place.)
   */
  function isNotice(node) {
    if ((node.textContent || "").length > 200) return false; // the notice is one short line: no text walk of big blocks
    if (node.querySelector("img") || node.closest("header, ul, li, a, button, [role='button']")) return false;
    return PRIVATE.test((visibleText(node) || "").trim());
  }

  /** The notice somewhere in `part` (a sibling of the header, on phones). */
  function privateNotice(part) {
    return isNotice(part) || Array.from(part.querySelectorAll(NOTICE_NODES)).some(isNotice);
  }

  /** The notice after the header area, where the posts would be; never inside the area. */
  function noticeAfter(main, area) {
    const last = area[area.length - 1];
    return Array.from(main.querySelectorAll(NOTICE_NODES)).some((n) => last.compareDocumentPosition(n) & FOLLOWS && !area.some((p) => p.contains(n)) && isNotice(n));
  }

  const SKIP = "ul, li, a, button, [role='button'], [role='link'], [role='tablist'], h2, svg, time, [aria-hidden='true']";

  /** Free-text blocks of the header area (name, category, pronouns, bio), in reading order, as elements. */
  function textBlocks(area, lower) {
    const blocks = [];
    for (const part of area) {
      for (const node of part.querySelectorAll("h1, span, div")) {
        if (node.closest(SKIP)) continue;
        const own = Array.from(node.childNodes).some((c) => c.nodeType === 3 && c.nodeValue.trim());
        if (!own) continue;
        if (blocks.some((b) => b.contains(node))) continue; // part of a block already taken
        const value = visibleText(node);
        // The 2021 badge is a span whose text is its label ("Verified"): not a line of the bio.
        if (!value || value.toLowerCase() === lower || PRIVATE.test(value) || NOT_BIO.test(value) || VERIFIED.test(value)) continue;
        if (parseCount(value) !== null && (POSTS.test(value) || FOLLOWERS.test(value) || FOLLOWING.test(value))) continue;
        blocks.push(node);
      }
    }
    return blocks;
  }

  /**
   * The name the tab's title gives this handle, or null when the title does not name it. Instagram's
   * app rewrites document.title at every in-app navigation ("Name (@handle) • Instagram photos and
   * videos"), while the head's tags stay the first page's; an account without a name gets
   * "@handle • …" (or "(@handle) • …"): {name: null}, it has none. Only the handle at Instagram's
   * fixed place counts (titleHandle), so a name holding "(@friend)" names no one.
   */
  function titleName(doc, lower) {
    const title = clean(doc.title) || "";
    // The appended "(@handle) •" first: a name that starts with "@handle • " (one can type it)
    // must not read as a title without a name and keep the name out of the check.
    const found = titleHandle(title);
    if (found) return found.handle.toLowerCase() === lower ? { name: found.name } : null;
    const bare = title.match(/^@([A-Za-z0-9._]{1,30})\s[•·]\s/);
    return bare && bare[1].toLowerCase() === lower ? { name: null } : null;
  }

  /**
   * The block the name and its label lines are drawn in, for `node` when no name is shown: the
   * child, holding `node`, of the nearest element that holds both `node` and the counts list
   * (2021 and 2023: the header's section holds the handle's row, the counts <ul> and this block).
   */
  function textContainer(node, parts) {
    const part = parts.find((p) => p.contains(node));
    const counts = part && Array.from(part.querySelectorAll("ul")).find((ul) => POSTS.test(ul.textContent || "") && !ul.contains(node));
    if (!counts) return null;
    let shared = counts.parentElement;
    while (shared && !shared.contains(node)) shared = shared.parentElement;
    if (!shared) return null;
    let container = node;
    while (container.parentElement && container.parentElement !== shared) container = container.parentElement;
    return container === node ? null : container;
  }

  /**
   * Whether `node` is drawn as a label line under the name (a category, pronouns), not as the bio.
   * Instagram puts its label lines in a wrapper of their own inside the block the name is in
   * (2021: <div><span>Product/Service</span></div>; 2023: a column <div> holding the category
   * <div>s), while the bio is that block's own child (a <span>, later an <h1>). A business
   * account writes its category freely, and after in-app navigation the page's data is the first
   * profile's, so only this place tells a category from a bio: a one-line, link-free block that
   * is wrapped apart from the name is a label line. A bio drawn wrapped would be left out, not
   * replaced by a label (absent beats wrong).
   */
  function labelLine(node, nameNode, parts) {
    let shared;
    if (!nameNode) {
      // No name shown (an account without one): the block a name would be in, found from the
      // counts list; a label line is wrapped apart there just the same.
      shared = textContainer(node, parts);
      if (!shared) return false;
    } else {
      if (node === nameNode || node.contains(nameNode) || nameNode.contains(node)) return false;
      // On phones the name and the bio can sit in different sections: no block they share to judge by.
      if (!parts.some((part) => part.contains(nameNode) && part.contains(node))) return false;
      shared = nameNode.parentElement;
      while (!shared.contains(node)) shared = shared.parentElement;
    }
    let wrapper = node;
    while (wrapper.parentElement !== shared) wrapper = wrapper.parentElement;
    if (wrapper === node) return false; // the name block's own child: where the bio goes
    // A line break or a link (#tag, @mention, a site) is a bio's: a label line is one plain line.
    return !(visibleText(node) || "").includes("\n") && !wrapper.querySelector("a");
  }

  /** The category names in the page's embedded data (the profile's and others'), as displayed. */
  function pageCategories(doc) {
    return scriptSearch(doc, "instagram-categories", (script) => {
      const names = [];
      for (const match of script.matchAll(/"(?:business_|overall_)?category_name"\s*:\s*"((?:[^"\\]|\\.){1,100})"/g)) {
        try {
          names.push(clean(JSON.parse(`"${match[1]}"`)));
        } catch (_error) {
          // A name we cannot decode is not compared.
        }
      }
      return names.length ? names : null;
    }) || [];
  }

  function linkCount(area, handle, suffix) {
    for (const part of area) {
      const link = part.querySelector(`a[href="/${handle}/${suffix}/" i], a[href="/${handle}/${suffix}" i]`);
      if (!link) continue;
      const titled = link.querySelector("[title]");
      return parseCount(titled ? titled.getAttribute("title") : visibleText(link));
    }
    return null;
  }

  function extract(doc, location) {
    const handle = handleFromPath(location);
    if (!handle) return null;
    const lower = handle.toLowerCase();
    const profile = { handle, profile_url: `https://www.instagram.com/${handle}/` };
    const main = doc.querySelector("main") || doc.body || doc;

    const tags = freshTags(doc, lower);
    let tagBio = null;
    let tagImage = null;
    if (tags) {
      profile.display_name = tags.name;
      const ogDescription = meta(doc, "og:description") || "";
      const description = meta(doc, "description") || "";
      Object.assign(profile, countsFromDescription(ogDescription || description));
      tagBio = bioFromDescription(description, lower) ?? bioFromDescription(ogDescription, lower);
      if (tags.ogUrl) {
        // A fresh load of this profile: its logging id and owner tag are this profile's.
        // Unless the page's data gives that id another username (idElsewhere).
        profile.account_id = meta(doc, "instapp:owner_user_id") || scriptMatch(doc, /"profilePage_(\d{1,30})"/);
        if (profile.account_id && idElsewhere(doc, profile.account_id, lower)) profile.account_id = null;
        tagImage = httpUrl(meta(doc, "og:image"), location.href);
      }
    }
    // The route data binds id and username; on a fresh load it is this profile's.
    if (!profile.account_id) profile.account_id = idFromRoute(doc, lower);
    if (profile.account_id && !/^\d{1,30}$/.test(profile.account_id)) profile.account_id = null;
    // The embedded user object and JSON-LD, each bound to this handle (older server HTML).
    const data = userData(doc, lower);
    const schema = schemaFor(doc, lower);
    if (data && data.id) {
      // The id the user object gives this username wins over an id found by a looser pattern.
      profile.account_id = data.id;
    }

    const header = findHeader(doc, lower);
    // The data alone makes no profile page: a page that shows neither this header nor the
    // server's tags for this handle ("Sorry, this page isn't available") shows no one.
    if (!header && !tags) return null;

    if (header) {
      const counts = new Map();
      const area = headerArea(header, counts);
      // The links to the lists, else the counts list (the <ul> holding the posts count; logged out,
      // followers and following are items without links): what the header shows wins over the tags.
      const items = countItems(area, counts);
      for (const field of ["posts", "followers", "following"]) {
        const value = (field === "posts" ? null : linkCount(area, handle, field)) ?? items[field] ?? null;
        if (value !== null) profile[field] = value;
      }
      const label = (n) => (n.getAttribute("aria-label") || n.getAttribute("title") || n.getAttribute("alt") || "").trim();
      // Instagram's badge, never a picture in a list (a highlight's cover, labelled by the title its account wrote).
      profile.verified = area.some((part) => Array.from(part.querySelectorAll("svg[aria-label], [title], img[alt]")).some((n) => VERIFIED.test(label(n)) && !n.closest("li, [role='menuitem']")));
      // A labelled icon on the handle's line that is no badge we know (another wording or UI
      // language; buttons and links are the page's controls): verified is left unsaid, not "no".
      const own = handleNode(header, lower);
      const heading = own && (own.closest("h1, h2") || own.querySelector("h1, h2") || own);
      const line = heading && (heading.closest("a") || heading).parentElement;
      if (!profile.verified && line && Array.from(line.querySelectorAll("svg[aria-label], [title]")).some((n) => label(n) && !n.closest("button, [role='button'], a"))) {
        profile.verified = null;
      }
      // Name first, then category or pronouns, then the bio: the bio is the last free text block.
      // On desktop all of it is inside the header; phones put it in the sections after it.
      let parts = [header];
      let nodes = textBlocks(parts, lower);
      if (!nodes.length) nodes = textBlocks((parts = area), lower);
      const blocks = nodes.map((node) => visibleText(node));
      const categories = pageCategories(doc);
      // The name: the tags' (a fresh load), else the tab title's (which the app rewrites at each
      // navigation, and which says when the account has no name), else the first block — never a
      // category or pronouns line. A business account without a name shows its category first,
      // and in the 2023 header the name is wrapped just like a category, so the first block
      // alone is the name only when it is not known as a category (the page's data), has not the
      // form of pronouns, and is not drawn as a label line (wrapped apart in the name's block):
      // a name left out beats a category sent as the name.
      const named = profile.display_name;
      const titled = named ? null : titleName(doc, lower);
      const firstIsName = blocks.length > 0 && !categories.includes(blocks[0]) && !PRONOUNS.test(blocks[0]) && !labelLine(nodes[0], null, parts);
      let nameIndex = named ? blocks.indexOf(named) : -1;
      if (titled) {
        if (titled.name) profile.display_name = titled.name;
        // The header draws the title's name (its emoji as images, perhaps: then by its place).
        nameIndex = titled.name ? blocks.indexOf(titled.name) : -1;
        if (titled.name && nameIndex < 0 && firstIsName) nameIndex = 0;
      } else if (!named && firstIsName) {
        profile.display_name = blocks[0];
        nameIndex = 0;
      }
      // The category and the pronouns drawn between the name and the bio are not the bio, even
      // when no bio follows them: a category ("Product/Service", "Personal blog") read as the bio
      // would give many unrelated accounts the same one. Known by the page's data (a fresh load),
      // their form (pronouns), or their place under the name (any category, after navigation too).
      const nameNode = nodes[nameIndex] || null;
      const rest = blocks.filter((b, i) => i !== nameIndex && b !== profile.display_name && !categories.includes(b) && !PRONOUNS.test(b) && !labelLine(nodes[i], nameNode, parts));
      if (tagBio) {
        profile.bio = tagBio;
      } else if (rest.length) {
        profile.bio = rest[rest.length - 1];
      }
      // No block under the name: left out rather than "" (a layout we misread must not say "no bio").
      if (noticeAfter(main, area)) profile.private = true;
      else if (main.querySelector("a[href*='/p/'], a[href*='/reel/']")) profile.private = false;
    } else if (tagBio) {
      profile.bio = tagBio;
    }

    // "About this account" (a dialog over the profile): join date, country, former usernames.
    // Known by its title, a heading, never by text anywhere in a dialog: the followers and
    // following lists are dialogs over the profile too, and the accounts they list — which an
    // account can make follow it, named as it likes — could be named "About this account", "Date
    // joined: March 2009" and "Former usernames: 0". Rows are Instagram's lines, never a link or a
    // control (an account's name or username as drawn in a list).
    const dialog = Array.from(doc.querySelectorAll("[role='dialog']")).find((d) =>
      Array.from(d.querySelectorAll(ABOUT_HEADING)).some((h) => ABOUT_TITLE.test(visibleText(h) || "")),
    );
    if (dialog && (dialog.textContent || "").toLowerCase().includes(lower)) {
      const about = labelledValues(dialog, ABOUT_LABELS, ABOUT_SKIP);
      if (about.joined) profile.joined = parseJoined(about.joined);
      if (about.based_in) profile.based_in = about.based_in.slice(0, 100);
      const changes = about.name_changes ? parseCount(about.name_changes) : null;
      if (changes !== null) profile.name_changes = changes;
    }

    // The embedded data bound to this handle (userData, schemaFor). Under a rendered header it
    // only makes an abbreviated count exact, where the two agree (agrees()): the header is what
    // the person reads, and decides name, bio, badge and privacy. Without one (the server's HTML,
    // before the app draws), it gives what the tags do not say.
    for (const source of [data, schema]) {
      if (!source) continue;
      if (!header && profile.display_name == null && source.name) profile.display_name = source.name;
      if (!header && profile.bio == null && source.bio != null && (source.bio || data === source)) profile.bio = source.bio;
      for (const field of ["followers", "following", "posts"]) {
        const exact = source[field];
        if (exact == null) continue;
        if (profile[field] == null) {
          if (!header) profile[field] = exact;
        } else if (profile[field] !== exact && agrees(profile[field], exact)) {
          profile[field] = exact;
        }
      }
    }
    if (data && !header) {
      if (data.verified !== null) profile.verified = data.verified;
      if (data.private !== null) profile.private = data.private;
    }

    let avatar = null;
    const image =
      header &&
      (header.querySelector("img[data-testid='user-avatar'], img[alt*='profile picture' i], img[alt*='photo de profil' i], img[alt*='صورة الملف الشخصي']") ||
        header.querySelector("img"));
    const url = (image && httpUrl(image.getAttribute("src"), location.href)) || tagImage || data?.image || schema?.image || null;
    if (url) {
      profile.has_avatar = !SILHOUETTE.test(url);
      if (profile.has_avatar) avatar = { url };
    }
    return { profile, avatar };
  }

  root.Haris.register({
    platform: "instagram",
    version: "2026.8",
    // Every profile shows its follower count and a photo (the silhouette is "no photo"); a name is
    // optional on Instagram, so its absence says nothing about the layout.
    core: ["followers", "has_avatar"],
    expects: (_doc, location) => handleFromPath(location) !== null,
    matches: (location) => /^(www\.|m\.)?instagram\.com$/.test(location.hostname),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

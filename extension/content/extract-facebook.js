/*
 * Facebook (www., web., m., mbasic. and touch.facebook.com): personal profiles and Pages at
 * /<vanity>, /profile.php?id=<id>, /p/<name>-<id>/, /people/<name>/<id>, /pages/<name>/<id>, /<numeric id> and the
 * old Page addresses /<name-in-any-script>-<id> (percent-encoded in the URL).
 *
 * Sources:
 *  - the URL: the vanity or the numeric id;
 *  - embedded data that binds an id to this vanity inside one object ("userID"/"userVanity",
 *    "id"/"uri_token"), so a block left over from an earlier page is never used;
 *  - the server's tags (og:title, og:image, app links fb://profile/<id>), only when og:url,
 *    the canonical link or the app link names this profile — m.facebook.com pages have no other
 *    hook for the name;
 *  - the rendered header: the main region's <h1>, the badge next to it, the profile picture
 *    (Facebook serves profile pictures under a "…-1/" content type), links to …/followers, the
 *    "Intro"/"About" card for the bio, and "Page transparency" for the creation date.
 * Nothing about the viewer is read (mutual friends, "Followed by …").
 */
(function (root) {
  "use strict";
  const { clean, parseCount, parseJoined, dateOnly, meta, urlPath, scriptSearch, escapeRegExp, visibleText, textShower, textRuns, httpUrl, labelledValues } = root.Haris.util;

  const HOSTS = /^((www|web|m|mbasic|touch|[a-z]{2}-[a-z]{2})\.)?facebook\.com$/;
  const RESERVED = new Set([
    "groups", "pages", "people", "watch", "marketplace", "gaming", "events", "messages", "notifications",
    "friends", "settings", "photo", "photo.php", "photos", "story.php", "permalink.php", "reel", "video.php",
    "reels", "stories", "help", "login", "login.php", "bookmarks", "saved", "search", "hashtag", "ads",
    "business", "privacy", "policies", "home.php", "sharer", "sharer.php", "share", "dialog", "plugins",
    "checkpoint", "recover", "memories", "fundraisers", "live", "livemap", "feeds", "me", "l.php", "media",
    "composer", "notes", "legal", "terms", "about", "careers", "games", "jobs", "messenger", "offers",
    "onthisday", "weather", "lite", "mobile", "reg", "r.php", "findfriends", "find-friends", "buddylist.php",
    "places", "pg", "latest", "profile", "audio", "shops", "stars", "ad_campaign", "events.php", "help.php",
    "category", "directory", "public", "topic", "communities", "coronavirus_info", "climatescienceinfo",
    "menu", "videos", "posts", "permalink", "collections", "campaign", "instantgames", "salegroups",
    "dating", "commerce", "adsmanager", "policies_center", "accountscenter", "support", "nonprofits",
    "crisisresponse", "donate", "fundraiser", "marketplace_listing", "birthdays", "pokes", "friends_requests",
  ]);
  const TABS = [
    undefined, "about", "about_overview", "about_work_and_education", "about_places", "about_contact_and_basic_info",
    "about_family_and_relationships", "about_details", "about_life_events", "about_profile_transparency",
    "followers", "following", "photos", "videos", "posts", "reels", "mentions", "reviews", "community",
    "live_videos", "events", "map", "music", "sports", "likes", "groups", "friends_likes", "page_transparency",
  ];
  const VANITY = /^[A-Za-z0-9.]{3,50}$/;
  const SLUG_ID = /^([\p{L}\p{M}\p{N}.'’_-]{1,150})-(\d{5,30})$/u;
  const VERIFIED = /^(verified( account| page| profile)?|compte vérifié|page vérifiée|profil vérifié|vérifié|vérifiée|حساب موثّق|حساب موثَّق|حساب موثق|صفحة موثّقة|صفحة موثَّقة|صفحة موثقة|موثّق|موثَّق|موثق|تم التحقق منه|تم التحقق|حساب تم التحقق منه|صفحة تم التحقق منها|تم التحقق من الحساب)$/i;
  const JOINED = /^(joined|a rejoint|membre depuis|inscrit|page created|page créée|créée? le|creation date|date de création|انضم|انضمت|انضم إلى|تم إنشاء الصفحة|تاريخ الإنشاء)/i;
  // The label of a join or creation line, as far as its date: "Joined", "Joined Facebook in",
  // "Page created -", "انضم إلى فيسبوك في".
  const JOINED_LINE = /^(joined( facebook)?|a rejoint( facebook)?|membre depuis|inscrit(e)?( depuis| le| en)?|page created|page créée( le)?|créée? le|creation date|date de création|انضم(ت)?( إلى فيسبوك| إلى)?|تم إنشاء الصفحة|تاريخ الإنشاء)(?![\p{L}])/iu;
  const CARD_TITLE = /^(intro|présentation|à propos|about|نبذة|نبذة مختصرة|المقدمة|مقدمة|حول)$/i;
  // Titles of the other cards where Facebook prints detail lines as text: a Page's (or a
  // profile's) transparency.
  const DETAILS_TITLE = /^(page transparency|profile transparency|transparence de la page|transparence du profil|شفافية الصفحة|شفافية الملف الشخصي)$/i;
  // Card titles that only ever name the Intro card, whatever element draws them (m.facebook.com
  // draws them as plain text; "About" there may also be a tab).
  const INTRO_TEXT = /^(intro|présentation|نبذة مختصرة|المقدمة|مقدمة)$/i;
  // Lines of the Intro/About card that are not the bio.
  const NOT_BIO = [
    JOINED,
    /^(page|profile|profil|صفحة|ملف شخصي)\s*[·•]/i,
    /^(rating|note|évaluation|التقييم|تقييم)(?![\p{L}\p{M}\p{N}_])/iu,
    /^(see all|voir tout|عرض الكل|see more|voir plus|عرض المزيد)(?![\p{L}\p{M}\p{N}_])/iu,
    /^(lives in|from|works at|worked at|studied|studies|went to|goes to|married|single|in a relationship|followed by|habite à|de |travaille|a étudié|étudie|suivi\(e\) par|يقيم في|من |يعمل|عمل|درس|يدرس|متزوج|أعزب|يتابعه)/i,
    /\d[\d.,\s]*\s*[KkMm]?\s*(people|personnes|شخص|أشخاص)?\s*(like this|follow this|likes|followers|checked in|were here|talking about|aiment ça|suivent ceci|j’aime|abonnés|متابع|معجب|سجلوا)/i,
  ];
  // A number and at most one word of it ("3,7 k", "٣٫٧ ألف"), which parseCount reads.
  const FOLLOWERS_TEXT = /^([\d.,\s٠-٩٬٫]+\s*(?:[\p{L}\p{M}]{1,8}\.?)?)\s*(?:people follow this|followers|personnes suivent ceci|personnes suivent ça|abonnés|abonné\(e\)s|متابِع|متابع|متابعًا|متابعين|متابعون|شخصًا يتابعون هذا|أشخاص يتابعون هذا)$|^يتابع\s+([\d.,\s٠-٩٬٫]+\s*(?:[\p{L}\p{M}]{1,8}\.?)?)\s*(?:شخصًا|شخص|أشخاص)\s+(?:هذا|هذه الصفحة)$/iu;
  const FOLLOWING_TEXT = /^([\d.,\s٠-٩٬٫]+\s*(?:[\p{L}\p{M}]{1,8}\.?)?)\s*(?:following|abonnements|suivi\(e\)s|suivis|يتابع|متابَع)$/iu;
  const TRANSPARENCY_LABELS = {
    joined: /^(page created|creation date|date de création|page créée le|تاريخ الإنشاء|تم إنشاء الصفحة|date joined|joined)$/i,
    based_in: /^(primary country\/region location for people who manage this page|country\/region|pays\/région principal.*|الموقع الأساسي للبلد\/المنطقة.*|account based in)$/i,
  };
  // Posts and comments (the feed, each an article): what the account or others wrote there is not
  // what Facebook says about the account, and can be written to look like it ("Joined 2009",
  // "2.5M followers", a link to some id's /followers), so no field is read inside them. www. marks
  // them with roles; m.facebook.com and mbasic. draw each post as an <article> without one, where
  // a post reading "Joined January 2009" or "2.5M followers" (or "Intro" over a line, taken for the
  // Intro's bio) had been read as the profile's own line on a header that shows none.
  const POSTS = "[role='article'], [role='feed'], article";
  // Facebook's grey silhouette for accounts without a picture.
  const SILHOUETTE = /\/84628273_176159830277856_972693363922829312_n\.|\/1379841_10150004552801901_469209496895221757_n\./;
  // Profile pictures are served under a content type ending in "-1" (cover photos "-6"/"-9"),
  // before 2016 from "hprofile-…" paths or the fbcdn-profile-… hosts.
  const PROFILE_PICTURE = /\/v\/t\d+\.\d+-1\/|^https?:\/\/fbcdn-profile-[^/]*\/|\/hprofile-[^/]*\//;
  // A picture served under another content type ("-6", "-9": cover photos, posts' photos).
  const OTHER_PICTURE = /\/v\/t\d+\.\d+-(?!1\/)\d+\//;
  // The cover photo's own hooks: its logging name, its link's label (en/fr/ar), m.facebook.com's sigil.
  const COVER = "[data-imgperflogname*='cover' i], a[aria-label*='cover photo' i], a[aria-label*='couverture' i], a[aria-label*='الغلاف'], [data-sigil*='cover' i], #cover-photo, .coverPhoto";

  function decoded(segment) {
    try {
      return decodeURIComponent(segment);
    } catch (_error) {
      return segment;
    }
  }

  /** {id, vanity} from the URL, or null when the address is not a profile or Page. */
  function identity(location) {
    const parts = location.pathname.split("/").filter(Boolean).map(decoded);
    const params = new URL(location.href).searchParams;
    if (parts[0] === "profile.php") {
      const id = params.get("id");
      return parts.length === 1 && /^\d{1,30}$/.test(id || "") ? { id, vanity: null } : null;
    }
    if (parts[0] === "people" || parts[0] === "pages") {
      // /people/<Name>/<id>, /pages/<Name>/<id>; /pages/category/… is a directory.
      if (parts.length < 3 || parts.length > 4 || parts[1].toLowerCase() === "category") return null;
      if (!TABS.includes(parts[3])) return null;
      return /^\d{1,30}$/.test(parts[2]) ? { id: parts[2], vanity: null } : null;
    }
    // /p/<name>-<id>/: since 2024 the address of a profile without a username (shinigami-eyes
    // issue #146 reports it; /p alone is the account whose username is "p").
    if (parts[0] === "p" && parts.length >= 2) {
      const slug = parts[1].match(SLUG_ID);
      return slug && parts.length <= 3 && TABS.includes(parts[2]) ? { id: slug[2], vanity: null } : null;
    }
    if (parts.length < 1 || parts.length > 2 || !TABS.includes(parts[1])) return null;
    const first = parts[0];
    // Facebook's own scripts (confirmemail.php, ajax/…) are never a vanity, whatever their name.
    if (RESERVED.has(first.toLowerCase()) || /\.php$/i.test(first)) return null;
    if (/^\d{1,30}$/.test(first)) return { id: first, vanity: null };
    const slug = first.match(SLUG_ID);
    if (slug && !VANITY.test(first)) return { id: slug[2], vanity: null };
    if (VANITY.test(first) && /[A-Za-z]/.test(first)) return { id: null, vanity: first };
    return slug ? { id: slug[2], vanity: null } : null;
  }

  /** An id bound to this vanity inside one object of the embedded data, or null. */
  function idForVanity(doc, vanity) {
    const v = escapeRegExp(vanity);
    const key = `"(?:userVanity|uri_token|vanity|username)"\\s*:\\s*"${v}"`;
    const id = `"(?:userID|pageID|id)"\\s*:\\s*"(\\d{1,30})"`;
    const patterns = [new RegExp(`${id}[^{}]{0,400}?${key}`, "i"), new RegExp(`${key}[^{}]{0,400}?${id}`, "i")];
    return scriptSearch(doc, `facebook-vanity:${vanity.toLowerCase()}`, (script) => {
      if (!script.toLowerCase().includes(vanity.toLowerCase())) return null;
      for (const pattern of patterns) {
        const match = script.match(pattern);
        if (match) return match[1];
      }
      return null;
    });
  }

  /*
   * A Page's other ids. Since 2021 a Page ("New Pages Experience") is also a profile: at its vanity
   * address the embedded data names it by its new profile id ("userID"/"userVanity", app links
   * fb://profile/<id>), while its old addresses (/<name>-<page id>/, /pages/<name>/<page id>) name
   * it by its old Page id. The page Facebook serves writes both in one of its own account objects:
   *   {"__typename":"User","id":"<profile id>","url":"https://www.facebook.com/<vanity>", …,
   *    "delegate_page":{"id":"<page id>"}}
   * (fixtures/facebook/real-heymeedan-2023-01-31.html). Such an object counts only when it is the
   * account the address names: its url is the address's vanity, or its id or delegate page id is
   * the address's id (or the id already bound to the vanity). The same page also holds objects of
   * other accounts (a post's author, a commenter, the first profile loaded before in-app
   * navigation), each with its own url and ids, so none of them is taken for this one. The data
   * is read as JSON — strings skipped with their escapes — so a name or a post holding braces or
   * quoted "ids" cannot move one account's ids into another's object. Other ids in the page
   * (associated_page_id, pageID of some query, app links of a head that may be stale) are not
   * bound to the address and are not read here.
   *
   * These ids are reported as `account_ids` next to `account_id`; the server does not take them
   * (checker.js sends known fields only). They are what a trusted contact saved from this page
   * records, so that the same Page opened at its other address is recognised as her
   * (background/check.js explains why the visited page's own claims are never enough).
   */
  const ACCOUNT_TYPES = new Set(["User", "Page"]);
  const WANTED_KEYS = new Set(["__typename", "id", "url", "profile_url"]);
  const DIGITS = /^\d{1,30}$/;
  const accountObjectsMemo = new WeakMap();

  /** {id, vanity, delegate} of every account object in one script's text that has a delegate page. */
  function accountObjects(text) {
    const found = [];
    const stack = [];
    const special = /["{}[\],]/g;
    for (let match = special.exec(text); match; match = special.exec(text)) {
      const at = match.index;
      const char = text[at];
      const top = stack[stack.length - 1];
      if (char === '"') {
        // The string's end: the next quote not escaped by an odd run of backslashes.
        let end = at + 1;
        for (;;) {
          end = text.indexOf('"', end);
          if (end < 0) return found;
          let slashes = 0;
          while (text.charCodeAt(end - 1 - slashes) === 92) slashes += 1;
          if (slashes % 2 === 0) break;
          end += 1;
        }
        special.lastIndex = end + 1;
        if (!top || !top.object) continue;
        let next = end + 1;
        while (next < text.length && /\s/.test(text[next])) next += 1;
        if (top.key === null && text[next] === ":") top.key = end - at <= 41 ? text.slice(at + 1, end) : "";
        else if (top.key !== null) {
          if (WANTED_KEYS.has(top.key) && end - at <= 2049) top.fields[top.key] = text.slice(at + 1, end);
          top.key = null;
        }
      } else if (char === "{" || char === "[") {
        stack.push({ object: char === "{", key: null, fields: {}, parentKey: top && top.object ? top.key : null });
        if (top && top.object) top.key = null;
      } else if (char === "}" || char === "]") {
        const frame = stack.pop();
        const parent = stack[stack.length - 1];
        if (!frame || !frame.object) continue;
        const { id, __typename: type } = frame.fields;
        if (frame.parentKey === "delegate_page" && parent && parent.object && DIGITS.test(id || "")) parent.fields.delegate = id;
        if (ACCOUNT_TYPES.has(type) && DIGITS.test(id || "") && frame.fields.delegate) {
          const url = (frame.fields.url || frame.fields.profile_url || "").replace(/\\\//g, "/");
          found.push({ id, delegate: frame.fields.delegate, vanity: (url && listOwner(url, null)?.vanity) || null });
        }
      } else if (top && top.object) {
        top.key = null; // "," after a number or a literal
      }
    }
    return found;
  }

  /** Every account object with a delegate page in the page's inline scripts (accountObjects), memoised per script. */
  function pageAccountObjects(doc) {
    const all = [];
    for (const node of doc.querySelectorAll("script:not([src])")) {
      const text = node.textContent;
      if (!text.includes('"delegate_page"')) continue;
      let memo = accountObjectsMemo.get(node);
      if (!memo || memo.length !== text.length) {
        memo = { length: text.length, objects: accountObjects(text) };
        accountObjectsMemo.set(node, memo);
      }
      all.push(...memo.objects);
    }
    return all;
  }

  /** The vanities of the account objects whose id or delegate page id is one of `ids`. */
  function boundVanities(doc, ids) {
    return pageAccountObjects(doc)
      .filter((object) => object.vanity && (ids.includes(object.id) || ids.includes(object.delegate)))
      .map((object) => object.vanity.toLowerCase());
  }

  /** The page's other ids for the account its address names (see above), without `primary`. */
  function otherIds(doc, who, primary) {
    const vanity = who.vanity ? who.vanity.toLowerCase().replaceAll(".", "") : null;
    const ids = new Set([who.id, primary].filter(Boolean));
    const out = [];
    for (const object of pageAccountObjects(doc)) {
      const byVanity = vanity && object.vanity && object.vanity.toLowerCase().replaceAll(".", "") === vanity;
      if (!byVanity && !ids.has(object.id) && !ids.has(object.delegate)) continue;
      for (const id of [object.id, object.delegate]) if (id !== primary && !out.includes(id)) out.push(id);
    }
    return out.slice(0, 8);
  }

  /**
   * Whether the server's tags describe this profile (a fresh load): og:url or the canonical link
   * names the vanity or id, or an app link fb://profile/<id> names the id.
   */
  /** The "id" parameter of an address the page names, or null (an address that cannot be parsed throws no error). */
  function idParameter(url) {
    try {
      return new URL(url, "https://www.facebook.com").searchParams.get("id");
    } catch (_error) {
      return null;
    }
  }

  function freshTags(doc, who) {
    const named = [meta(doc, "og:url"), doc.querySelector("link[rel='canonical']")?.getAttribute("href")].filter(Boolean);
    if (!named.length && !meta(doc, "al:android:url")) return false;
    for (const url of named) {
      const path = (urlPath(url) || "").split("/").filter(Boolean).map(decoded);
      if (path[0] === "login" || path[0] === "login.php" || path[0] === "checkpoint") return false;
      if (who.vanity && path[0] && path[0].toLowerCase() === who.vanity.toLowerCase()) return true;
      if (who.id && (path.includes(who.id) || idParameter(url) === who.id)) return true;
    }
    return Boolean(who.id && appLinkIds(doc).includes(who.id));
  }

  /** The heading's name: its text up to a nickname "(…)" or a badge, emoji included. */
  function nameOf(heading) {
    const parts = [];
    for (const child of heading.childNodes) {
      if (child.nodeType === 3) parts.push(child.nodeValue);
      else if (child.nodeType === 1) {
        // A badge drawn as an image is labelled, not named: "Verified account" is not in the name.
        if (child.tagName === "IMG") parts.push(isVerifiedBadge(child) ? "" : child.getAttribute("alt") || "");
        else if (child.querySelector("svg, [role='img']") || child.tagName.toLowerCase() === "svg") continue;
        else {
          const own = child.cloneNode(true);
          for (const image of own.querySelectorAll("img")) if (isVerifiedBadge(image)) image.remove();
          const value = visibleText(own) || "";
          if (value.startsWith("(")) break;
          parts.push(value);
        }
      }
    }
    return clean(parts.join(" ")) || visibleText(heading);
  }

  /**
   * The name's line: the name and what is drawn next to it (a badge), up to three levels around
   * it, never as far as the profile picture, a tab bar, a card title or the feed.
   */
  function nameBlock(name) {
    let block = name;
    for (let up = name.parentElement, depth = 0; up && depth < 3; up = up.parentElement, depth += 1) {
      if (up.querySelector("[role='tablist'], [role='article'], [role='feed'], h2, ul, [data-pagelet]")) break;
      if (Array.from(up.querySelectorAll("image, img")).some((n) => PROFILE_PICTURE.test(pictureUrl(n) || ""))) break;
      block = up;
    }
    return block;
  }

  /**
   * A login wall or checkpoint served at a profile's address: no profile on it. (Logged-out pages
   * also carry a small login form in their top bar, so the form alone does not count.)
   */
  function loginWall(doc, who) {
    for (const url of [meta(doc, "og:url"), doc.querySelector("link[rel='canonical']")?.getAttribute("href")]) {
      const first = (urlPath(url) || "").split("/").filter(Boolean)[0] || "";
      if (/^(login|login\.php|checkpoint|recover)$/i.test(first)) return true;
    }
    // "Log into Facebook", "Facebook - log in or sign up", "Se connecter à Facebook", "تسجيل الدخول إلى فيسبوك".
    if (!LOGIN_TITLE.test(clean(doc.title) || "") || !doc.querySelector("input[type='password']")) return false;
    // A Page named exactly as the wall's title ("Connexion | Facebook"), seen logged out, is no
    // wall: its head names this profile (og:url, canonical or app link; the wall's name /login) or
    // its data binds an id to the address's vanity, and its main region has a name heading that is
    // not the site's logo. The real wall has neither (fixtures/facebook/real-ironmaiden-login-…).
    const bound = who && (freshTags(doc, who) || (who.vanity && idForVanity(doc, who.vanity)));
    const main = doc.querySelector('[role="main"]');
    const named = main && Array.from(main.querySelectorAll("h1")).some((h) => !h.closest(DIALOG) && !SITE_NAME.test(visibleText(h) || ""));
    return !(bound && named);
  }

  // The wall's whole title, in Facebook's wordings: the verb, then at most "to Facebook", "or sign
  // up" and " | Facebook". A profile's or a Page's title is its name and " | Facebook", and a
  // name may start with the verb ("Connexion Tunisie", "Login Tips"): read up to the verb alone,
  // such a Page seen logged out (a password box in the top bar) was taken for the wall, unchecked.
  const SITE = "(?:facebook|فيسبوك|فيس بوك)";
  const LOGIN_TITLE = new RegExp(
    `^(?:${SITE}\\s*[-–|]\\s*)?(?:log ?in|log into|se connecter|connectez-vous|connexion|تسجيل الدخول|سجّل الدخول|سجل الدخول)` +
      `(?:\\s+(?:to|into|on|à|sur|إلى|الى|على|في))?(?:\\s+${SITE})?` +
      `(?:\\s+(?:or sign up|ou inscription|ou s[’']inscrire|أو الاشتراك|او الاشتراك|أو التسجيل))?(?:\\s*[-–|]\\s*${SITE})?$`,
    "iu",
  );
  // What Facebook prints in the name's place at an address that shows no one — an account
  // deactivated, deleted, or one that blocked the person looking (en, fr, ar; the wordings as
  // Facebook's help pages and its users quote them, the markup not captured). Read as a name, it
  // had been sent as the name of the account at that address (a contact's, after she blocked you).
  const UNAVAILABLE = /^(?:sorry,?\s+)?(?:this (?:content|page)(?: isn[’']t| is not) available(?: right now| at the moment| at this time)?|(?:ce contenu|cette page) n[’']est pas disponible(?: pour le moment| actuellement| en ce moment)?|(?:هذا المحتوى|هذه الصفحة) غير (?:متاح|متاحة|متوفر|متوفرة)(?: حاليًا| حاليا| الآن| في الوقت الحالي)?)[.!]?$/iu;

  /**
   * Whether the page says, in a heading of its main region, that there is nothing to show; never
   * a post's (a shared post whose original is gone says so too, on a live profile).
   */
  function unavailable(doc) {
    const main = doc.querySelector('[role="main"]') || doc.body;
    return Boolean(main && Array.from(main.querySelectorAll("h1, h2, h3, [role='heading']")).some((h) => !h.closest(`${DIALOG}, ${POSTS}`) && UNAVAILABLE.test(visibleText(h) || "")));
  }

  // The site's own name in the place of a profile's: its logo heading of a login or error page
  // (Facebook does not allow its name in a profile's or a Page's).
  const SITE_NAME = /^(facebook|فيسبوك|فيس بوك)$/i;
  const DIALOG = "[role='dialog'], [role='alertdialog'], [aria-modal='true']";

  function badgeLabel(node) {
    return (node.getAttribute("aria-label") || node.getAttribute("title") || node.getAttribute("alt") || (node.tagName.toLowerCase() === "title" ? node.textContent : "") || "").trim();
  }

  function isVerifiedBadge(node) {
    return VERIFIED.test(badgeLabel(node));
  }

  /** The vanities og:url and the canonical link give the page (none when they name it by id). */
  function tagVanities(doc) {
    const named = [meta(doc, "og:url"), doc.querySelector("link[rel='canonical']")?.getAttribute("href")].filter(Boolean);
    return named.map((url) => listOwner(url, null)?.vanity).filter(Boolean);
  }

  /**
   * The profile whose list (`suffix`: followers, following; null: the profile itself) a link
   * opens — {id, vanity} by the same rules as the page's own address — or null when it is no
   * such list on Facebook.
   */
  function listOwner(href, suffix) {
    let url;
    try {
      url = new URL(href, "https://www.facebook.com");
    } catch (_error) {
      return null;
    }
    if (!HOSTS.test(url.hostname)) return null;
    const parts = url.pathname.split("/").filter(Boolean);
    if (suffix === null) return identity(url); // the page itself, not one of its lists
    if (url.searchParams.get("sk") === suffix) url.searchParams.delete("sk");
    else if (parts[parts.length - 1] === suffix) url.pathname = `/${parts.slice(0, -1).join("/")}`;
    else return null;
    return identity(url);
  }

  /**
   * A count printed on a link to this profile's own list. A link to another account's list (an
   * Intro or a bio can hold one: "facebook.com/1000000/followers") is not this profile's count,
   * nor is a link in text the account wrote (`owned`: a bio linking to its own list), nor a link
   * that shows an address ("facebook.com/<vanity>/followers?2500000"): Facebook's count link shows
   * the count.
   */
  function linkCount(scope, suffix, who, owned) {
    for (const link of scope.querySelectorAll("a[href]")) {
      const href = link.getAttribute("href") || "";
      if (!href.includes(suffix) || link.closest(POSTS) || owned(link)) continue;
      const owner = listOwner(href, suffix);
      const own = owner && ((owner.vanity && who.vanities.includes(owner.vanity.toLowerCase())) || (owner.id && who.ids.includes(owner.id)));
      if (!own) continue;
      const text = visibleText(link) || "";
      if (/[/\\]|www\.|facebook|fb\.(com|me)/i.test(text)) continue;
      const value = parseCount(text);
      if (value !== null) return value;
    }
    return null;
  }

  /** The ids the head's app links name: fb://profile/<id>, fb://page/<id>, fb://page/?id=<id> (the classic Pages' head). */
  function appLinkIds(doc) {
    const ids = [];
    for (const key of ["al:android:url", "al:ios:url"]) {
      const match = (meta(doc, key) || "").match(/^fb:\/\/(?:profile|page)\/(?:\?id=)?(\d{1,30})(?:[?&#]|$)/);
      if (match && !ids.includes(match[1])) ids.push(match[1]);
    }
    return ids;
  }

  /**
   * The vanity the head names, when the same head also names one of `ids`: one server answer
   * (og:url or the canonical link by vanity, an app link or an address by id) about one account,
   * so that vanity and that id are the same account's. A classic Page's head names its vanity and
   * its Page id (fb://page/?id=<page id>, as fixtures/facebook/real-popordezamagit-photos-tab-prefix
   * writes its app links); a profile-style Page's, its vanity and its profile id (fb://profile/…).
   * A head naming two vanities binds none. The head is the last full load's, not necessarily the
   * address's: the tie is between the vanity and the id it names, never to the address itself,
   * and it counts only where the drawn header (its tab bar or its own links) names that vanity.
   */
  function headVanity(doc, ids) {
    const named = [meta(doc, "og:url"), doc.querySelector("link[rel='canonical']")?.getAttribute("href")].filter(Boolean);
    const owners = named.map((url) => listOwner(url, null)).filter(Boolean);
    const vanities = new Set(owners.map((owner) => owner.vanity && sameName(owner.vanity)).filter(Boolean));
    if (vanities.size !== 1) return null;
    const headIds = [...appLinkIds(doc), ...owners.map((owner) => owner.id).filter(Boolean)];
    return ids.some((id) => headIds.includes(id)) ? [...vanities][0] : null;
  }

  /** A username as Facebook compares them: case and dots ignored ("Hala.Ahed" is "halaahed"). */
  function sameName(name) {
    return name.toLowerCase().replaceAll(".", "");
  }

  /**
   * Whether `owner` ({id, vanity}, from a link of the header) is the account the address names:
   * its vanity, one of its ids, or — at an address by id — a vanity the page binds to one of them
   * (`userVanity`/`uri_token`, the account object that holds a Page's two ids, or the head naming
   * that vanity and one of those ids: headVanity).
   */
  function ownerIsAddress(doc, who, ids, owner) {
    const vanity = who.vanity && sameName(who.vanity);
    if (owner.vanity && vanity) return sameName(owner.vanity) === vanity;
    if (owner.id) return ids.includes(owner.id);
    if (!owner.vanity) return false;
    const name = sameName(owner.vanity);
    return boundVanities(doc, ids).map(sameName).includes(name) || ids.includes(idForVanity(doc, owner.vanity)) || headVanity(doc, ids) === name;
  }

  /** The profiles the header's tab bar (About, Photos, Videos…) links to. */
  function tabOwners(main) {
    return Array.from(main.querySelectorAll("[role='tablist'] a[href]"))
      .filter((link) => !link.closest(`${POSTS}, ${DIALOG}`))
      .map((link) => listOwner(link.getAttribute("href"), null))
      .filter(Boolean);
  }

  /**
   * Whether the header on screen was drawn for another profile. After in-app navigation the
   * address changes before Facebook redraws the page, and the name, picture, Intro and counts on
   * screen are still the previous profile's: read under the new address, they gave its id (a
   * /profile.php?id= address) or its vanity another account's name. The header's tab bar (About,
   * Photos, Videos…) links to the profile it belongs to, by vanity or id: when its links name
   * profiles and none is this one (ownerIsAddress) the header is another's. A Page opened at its
   * old address /<name>-<page id>/ is read when its data or its head names that id with the tabs'
   * vanity; one that names it nowhere (a page whose head names only its vanity and its profile
   * id) is not: it looks exactly like the previous profile's page left on screen. Without a tab
   * bar (the mobile sites) headerOfAnother decides.
   */
  function tabsOfAnother(doc, owners, who, ids) {
    return owners.length > 0 && !owners.some((owner) => ownerIsAddress(doc, who, ids, owner));
  }

  /**
   * The mobile sites (m., mbasic., touch.) draw no tab bar, and change the address before they
   * draw the next profile, as www. does: the header on screen may be the previous profile's. It is
   * read only when something the page drew for it names this address's account, and nothing it
   * drew names another:
   *  - its own links to one of the account's lists or tabs ("٣ متابِعين" → /profile.php?id=<id>&sk=followers,
   *    /<vanity>/photos, /<vanity>/about), outside posts, dialogs, the top bar and menus (the
   *    viewer's own links) and what the account wrote (`owned`: its Intro), and not showing an
   *    address as their text (a link typed in a bio);
   *    links to a bare profile (a workplace, "Followed by …") say nothing about whose header it is;
   *  - or the server's tags naming this address (`fresh`), when no such link names another.
   * When nothing ties them, nothing is read: a previous profile's name bound to this address's id
   * or vanity is worse than no check.
   */
  // What the mobile sites draw around the header: the top bar and menus (the viewer's own links)
  // and posts, which m.facebook.com draws as <article> without a role.
  const MOBILE_NOT_HEADER = "[role='banner'], [role='navigation'], #header, #mJewelNav, .fixed-container.top, article";

  function headerOfAnother(doc, main, who, ids, fresh, owned) {
    let own = false;
    for (const link of main.querySelectorAll("a[href]")) {
      if (link.closest(`${POSTS}, ${DIALOG}, ${MOBILE_NOT_HEADER}`) || owned(link)) continue;
      const href = link.getAttribute("href") || "";
      let url;
      try {
        url = new URL(href, "https://www.facebook.com");
      } catch (_error) {
        continue;
      }
      const parts = url.pathname.split("/").filter(Boolean);
      const tab = parts[0] === "profile.php" ? url.searchParams.get("sk") : parts[parts[0] === "p" ? 2 : 1];
      if (!tab || !TABS.includes(tab)) continue; // a bare profile's link, or no profile
      const owner = identity(url);
      if (!owner || /[/\\]|www\.|facebook|fb\.(com|me)/i.test(visibleText(link) || "")) continue;
      if (!ownerIsAddress(doc, who, ids, owner)) return true;
      own = true;
    }
    return !own && !fresh;
  }

  /*
   * An item of a details list (the Intro's <ul>) is one line: Facebook's label and its value
   * ("Works at …", "Studied at …", "Joined March 2012"). The value can be what the account typed
   * (a workplace or a school with no Page of its own, drawn as a span after the label), and reads
   * as anything: "Works at 2.5M followers" or "Studied at Joined January 2009" had been read as
   * the count or the join date by the value's own span. Inside an item, only the item's whole
   * line is a count or date line. `items` memoises each item's text for one reading.
   */
  const DETAIL_ITEM = "li, [role='listitem']";

  function itemLine(element, items) {
    const item = element.closest(DETAIL_ITEM);
    if (!item) return undefined;
    if (!items.has(item)) items.set(item, (item.textContent || "").length > 300 ? "" : visibleText(item) || "");
    return items.get(item);
  }

  /** "3,846 people follow this" / "3.7K followers" printed as text (no link). */
  function textCount(runs, pattern) {
    const items = new Map();
    for (const { text, element } of runs) {
      // A link's text is the link's to decide (linkCount): one to another account's list is not this count.
      if (!/[\d٠-٩]/.test(text) || element.closest("a[href]")) continue;
      const item = itemLine(element, items);
      if (item !== undefined) {
        const whole = item.match(pattern);
        if (whole) return parseCount(whole[1] ?? whole[2]);
        continue;
      }
      // One text run, or a number and its word split over two spans of one line.
      const line = text.length < 60 && element.parentElement && element.parentElement.children.length <= 3 ? visibleText(element.parentElement) : null;
      const match = text.match(pattern) || (line && line.length < 60 ? line.match(pattern) : null);
      if (match) return parseCount(match[1] ?? match[2]);
    }
    return null;
  }

  // A profile draws a few titled cards (Intro, About, Page transparency); a page drawing more
  // "Intro" titles than this holds text typed to look like them (a post of lines reading "Intro",
  // where m.facebook.com marks no post), and each one looked at costs a walk of its card.
  const MAX_CARD_TITLES = 16;

  /** The titles of the Intro/About cards outside posts and tab bars (m.facebook.com: plain text), the first MAX_CARD_TITLES. */
  function cardHeadings(main) {
    const headings = Array.from(main.querySelectorAll("h2, h3, [role='heading']"));
    for (const node of main.querySelectorAll("span, div")) {
      if (node.children.length === 0 && INTRO_TEXT.test(clean(node.textContent) || "") && !node.closest("h2, h3, [role='heading'], a, [role='tab']")) headings.push(node);
    }
    return headings.filter((heading) => {
      if (heading.closest(POSTS) || heading.closest("[role='tablist'], [role='tab']")) return false;
      const title = headingTitle(heading);
      return Boolean(title && CARD_TITLE.test(title));
    }).slice(0, MAX_CARD_TITLES);
  }

  /** A heading's title: the first text of its own (or of a span or link in it). */
  function headingTitle(heading) {
    return clean(Array.from(heading.querySelectorAll("span, a")).concat([heading]).map((n) =>
      Array.from(n.childNodes).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join(" "),
    ).find((t) => clean(t)));
  }

  /*
   * What the account wrote in its Intro/About card. Its bio is free text, and can be written as
   * one of Facebook's own lines ("Joined January 2009", "2.5M followers", "Page created - …", a
   * link to its own followers list): that text is never read as a detail line, whichever is read
   * first, and wherever else on the page the real line is or is not. Known by structure, never by
   * what the text says:
   *  - profile-style layout (2020–2025, Pages and people, www.): the card keeps Facebook's detail
   *    lines in a list (<ul>); the bio is drawn outside it, so everything in the card outside its
   *    lists and its title is the account's (fixtures/facebook/real-heymeedan-2023-01-31.html,
   *    real-koptisch-arabic-2023-01-31-prefix.html);
   *  - Facebook draws text people write as rich text (<div dir="auto">: posts, and the bio of the
   *    retired Pages layout's About card, whose details are rows around it:
   *    real-heymeedan-2022-08-29-oldpage.html), which is the account's wherever it is in a card;
   *  - a card with neither (m.facebook.com, whose markup no saved page shows) is the account's
   *    all through: no detail line is read inside it (its header's lines still are).
   * The card: from its title up to the largest block that holds no other card's title, no name
   * (<h1>), tab bar, feed or profile picture.
   */
  const DETAILS_LIST = "ul, ol, [role='list']";
  const RICH_TEXT = "div[dir='auto']";
  const CARD_END = "h1, [role='tablist'], [role='feed'], [role='article'], [role='main']";

  /**
   * One pass over the main region for the cards' bounds: the blocks that hold a card's end (a
   * name, tab bar, feed, post, profile picture) and how many titles each block holds, so that
   * finding a card costs a walk up from its title, not a search of every block on the way (the
   * page is scanned again after each change of the DOM).
   */
  function cardIndex(main) {
    const blocked = new Set();
    const titles = new Map();
    // How many section titles (h2, h3) each block holds: where bioFrom's walk stops.
    const sections = new Map();
    const pictures = Array.from(main.querySelectorAll("image, img")).filter((n) => PROFILE_PICTURE.test(pictureUrl(n) || ""));
    for (const end of [...main.querySelectorAll(CARD_END), ...pictures]) {
      for (let at = end; at && at !== main && !blocked.has(at); at = at.parentElement) blocked.add(at);
    }
    for (const title of main.querySelectorAll("h2, h3, [role='heading']")) {
      const section = title.matches("h2, h3");
      for (let at = title; at && at !== main; at = at.parentElement) {
        titles.set(at, (titles.get(at) || 0) + 1);
        if (section) sections.set(at, (sections.get(at) || 0) + 1);
      }
    }
    return { blocked, titles, sections, shows: textShower(), cards: new Map() };
  }

  /**
   * The nearest ancestor of a title that shows more than the title (the wrappers around it add
   * nothing a person reads), or `main`: whether another child shows text, known once per element
   * (index.shows) instead of reading the whole ancestor's text for every title in it.
   */
  function cardStart(heading, main, index) {
    let child = heading;
    let card = heading.parentElement;
    while (card && card !== main) {
      const more = Array.from(card.childNodes).some((node) => node !== child && (node.nodeType === 3 ? clean(node.nodeValue) !== null : node.nodeType === 1 && index.shows(node)));
      if (more) break;
      child = card;
      card = card.parentElement;
    }
    return card;
  }

  /** The Intro/About card a title heads, or null when its block holds the header too (memoised per title). */
  function introCard(heading, main, index) {
    if (!index.cards.has(heading)) index.cards.set(heading, findCard(heading, main, index));
    return index.cards.get(heading);
  }

  function findCard(heading, main, index) {
    let card = cardStart(heading, main, index);
    if (!card || card === main || index.blocked.has(card)) return null;
    for (let up = card.parentElement; up && up !== main; up = up.parentElement) {
      if (index.blocked.has(up) || (index.titles.get(up) || 0) > (index.titles.get(card) || 0)) break;
      card = up;
    }
    return card;
  }

  /**
   * The cards of the main region (www.): a titled block (About, Intro, Page transparency) up to
   * the largest block that holds no other title, name, tab bar, feed or profile picture. Facebook
   * prints its detail lines as text only in such cards ("3,846 people follow this" in About,
   * "Page created - …" in Page transparency, "Joined …" in the Intro's list); elsewhere in the
   * header, text is the account's (a Page's greeting by its Message button, its category) and
   * can read like a detail line.
   */
  function titledCards(main, index) {
    const cards = new Set();
    for (const heading of main.querySelectorAll("h2, h3, [role='heading']")) {
      if (heading.closest(POSTS) || heading.closest("[role='tablist'], [role='tab']")) continue;
      // Only Facebook's detail cards: a card under another title holds what the account wrote
      // ("Details about …", "Favorite quotes", a Page's story, a featured collection), where a
      // line typed "Page created - January 7, 2001" or "Country/Region - Canada" had been read
      // as the Page's transparency.
      const title = headingTitle(heading);
      if (!title || !(CARD_TITLE.test(title) || DETAILS_TITLE.test(title))) continue;
      const card = introCard(heading, main, index);
      if (card) cards.add(card);
    }
    return cards;
  }

  /** The elements holding what the account wrote in its Intro/About cards (see above), as a Set. */
  function ownerWritten(main, headings, index) {
    const regions = new Set();
    const done = new Set();
    for (const heading of headings) {
      const card = introCard(heading, main, index);
      // One card under several titles (lines typed "Intro" in it) is read once.
      if (!card || done.has(card)) continue;
      done.add(card);
      const lists = Array.from(card.querySelectorAll(DETAILS_LIST));
      const rich = Array.from(card.querySelectorAll(RICH_TEXT)).filter((node) => !node.contains(heading));
      for (const node of rich) regions.add(node);
      if (!lists.length && rich.length) continue; // the retired Pages layout: rows of details around the bio
      (function collect(node) {
        for (const child of node.children) {
          if (child === heading || lists.includes(child)) continue;
          if (child.contains(heading) || lists.some((list) => child.contains(list))) collect(child);
          else regions.add(child);
        }
      })(card);
    }
    return regions;
  }

  /** Whether `node` or one of its ancestors below `main` is in the Set `blocks`. */
  function withinAny(node, blocks, main) {
    for (let at = node; at && at !== main; at = at.parentElement) if (blocks.has(at)) return true;
    return false;
  }

  /**
   * The bio: the first line after a card's title, in the card (the nearest block that shows more
   * than the title, then up to 14 blocks around it, until one holds another section's title), that
   * is not a detail, a count or a link. Each block adds only what follows the block before it
   * (what it held was read already), and a line judged once is not judged again for another
   * title, so the walk reads each line of the page at most once, however many titles it has.
   */
  function bioFrom(main, headings, index) {
    const judged = new Set();
    const line = (node) => {
      if (judged.has(node)) return null;
      judged.add(node);
      if (node.closest(`a, ul, li, h2, h3, [role='heading'], ${POSTS}`)) return null;
      if (!Array.from(node.childNodes).some((c) => c.nodeType === 3 && c.nodeValue.trim())) return null;
      const value = visibleText(node);
      if (!value || NOT_BIO.some((pattern) => pattern.test(value))) return null;
      if (node.querySelector("a")) return null; // a detail line ("Lives in <place>")
      return value;
    };
    for (const heading of headings) {
      let card = cardStart(heading, main, index);
      let inner = null;
      for (let depth = 0; card && card !== main && depth < 14; depth += 1, inner = card, card = card.parentElement) {
        // The lines after the title: in the first block, those that follow it; in each block
        // after, those of the children that follow the block before.
        const scopes = [];
        if (!inner) scopes.push(...Array.from(card.querySelectorAll("span, div")).filter((node) => heading.compareDocumentPosition(node) & 4 && !heading.contains(node)));
        else {
          for (let next = inner.nextElementSibling; next; next = next.nextElementSibling) {
            if (next.matches("span, div")) scopes.push(next);
            scopes.push(...next.querySelectorAll("span, div"));
          }
        }
        for (const node of scopes) {
          const value = line(node);
          if (value) return value;
        }
        if (card.parentElement && card.parentElement !== main && (index.sections.get(card.parentElement) || 0) > 1) break;
        if (card.parentElement === main && main.querySelectorAll("h2, h3").length > 1) break;
      }
    }
    return null;
  }

  /**
   * m.facebook.com's 2024–2025 markup ("bloks": generic data-mcomponent containers, modelled in
   * fixtures/facebook/invented-m-page.html, not captured) marks its posts in no way we know, and a
   * post reading "Joined January 2009" or "2.5M followers" had been read as the Page's own line.
   * There, count and date lines are read only in the header: the nearest block around the name
   * that holds the profile picture; none found, none read (absent, not wrong).
   */
  function bloksHeader(main, nameNode) {
    for (let at = nameNode ? nameNode.parentElement : null; at && at !== main; at = at.parentElement) {
      if (Array.from(at.querySelectorAll("img, image")).some((n) => PROFILE_PICTURE.test(pictureUrl(n) || ""))) return at;
    }
    return null;
  }

  /** The date of a line that is a join or creation label and a date, nothing else; or null. */
  function joinedLine(line) {
    const label = (line || "").match(JOINED_LINE);
    const date = label ? line.slice(label[0].length) : null;
    return dateOnly(date) ? parseJoined(date) : null;
  }

  /** A picture's file name ("310619660_…_n.jpg"), the same for every size Facebook serves it at. */
  function pictureFile(src) {
    const match = (src || "").match(/\/([^/?#]+\.(?:jpe?g|png|webp|gif))(?:[?#]|$)/i);
    return match ? match[1] : null;
  }

  function pictureUrl(node) {
    const src = node.getAttribute("xlink:href") || node.getAttributeNS("http://www.w3.org/1999/xlink", "href") || node.getAttribute("href") || node.getAttribute("src");
    return src;
  }

  function extract(doc, location) {
    const who = identity(location);
    if (!who || loginWall(doc, who)) return null;
    // The main region (www.); the mobile sites have none, and their top bar holds no profile.
    const main = doc.querySelector('[role="main"]') || doc.body;
    if (!main) return null;
    const profile = {};
    if (who.vanity) profile.handle = who.vanity;
    profile.account_id = who.id || idForVanity(doc, who.vanity);
    const fresh = freshTags(doc, who);
    // A page Facebook drew has its main region (www.), its mobile hooks, or its tags naming this
    // profile; a page with none of them (an error page, something else at this address) is not
    // one whose heading is a name.
    if (!fresh && !doc.querySelector('[role="main"], #cover-name-root, [data-sigil="profile-name"]')) return null;
    if (!profile.account_id && who.vanity && fresh) {
      // App links of a fresh load: fb://profile/<id>.
      profile.account_id = appLinkIds(doc)[0] || null;
    }
    const others = otherIds(doc, who, profile.account_id);
    if (others.length) profile.account_ids = others;
    // Text the account wrote in its Intro is its bio, never one of Facebook's lines (ownerWritten).
    const headings = cardHeadings(main);
    const index = cardIndex(main);
    const regions = ownerWritten(main, headings, index);
    const owned = (node) => withinAny(node, regions, main);
    // Another profile's header, left on screen while Facebook loads this one: nothing of it is read.
    const ids = [who.id, profile.account_id, ...others].filter(Boolean);
    const tabs = tabOwners(main);
    if (tabsOfAnother(doc, tabs, who, ids)) return null;
    const mobile = /^(m|mbasic|touch)\./.test(location.hostname) || !doc.querySelector('[role="main"]');
    if (!tabs.length && mobile && headerOfAnother(doc, main, who, ids, fresh, owned)) return null;
    profile.profile_url = who.vanity ? `https://www.facebook.com/${who.vanity}` : `https://www.facebook.com/profile.php?id=${who.id}`;

    // Never a dialog's heading (the cookie consent, a login prompt): no profile's name is in one.
    const heading = Array.from(main.querySelectorAll("h1")).find((h) => !h.closest(DIALOG)) || doc.querySelector("#cover-name-root h3, [data-sigil='profile-name']");
    const tagName = fresh ? clean((meta(doc, "og:title") || "").replace(/\s*\|\s*Facebook$/i, "")) : null;
    if (!heading && !tagName) return null; // not a profile (a login wall, a page still rendering)
    profile.display_name = heading ? nameOf(heading) : tagName;
    if (SITE_NAME.test(profile.display_name || "") || UNAVAILABLE.test(profile.display_name || "") || unavailable(doc)) return null;

    // Only the badge next to the name counts: the feed below shows other people's badges.
    let block = heading ? nameBlock(heading) : null;
    let nameNode = heading;
    if (!block && tagName) {
      const label = Array.from(main.querySelectorAll("span, div, h2, h3")).find((n) => n.children.length <= 2 && !n.closest(POSTS) && visibleText(n) === tagName);
      block = label ? nameBlock(label) : null;
      nameNode = nameNode || label || null;
    }
    if (block) {
      const marks = Array.from(block.querySelectorAll("[aria-label], [title], img[alt], title"));
      // A labelled icon next to the name that is no badge we know (a label in another wording or
      // language): whether the account is verified is left unsaid rather than "no".
      const unknownIcon = marks.some((node) => node.closest("svg, [role='img']") && !isVerifiedBadge(node) && !/^\p{Extended_Pictographic}/u.test(badgeLabel(node)));
      profile.verified = marks.some(isVerifiedBadge) ? true : unknownIcon ? null : false;
    }
    const skip = (node) => node.matches(POSTS) || regions.has(node);
    // www.: detail lines printed as text are read in titled cards only (titledCards); the mobile
    // sites draw no titles, and their lines are read anywhere outside posts and the Intro's text —
    // except in m.facebook.com's 2024–2025 markup, which marks no post: there only in its header
    // (bloksHeader).
    const bloks = !doc.querySelector('[role="main"]') && doc.querySelector("[data-mcomponent]") !== null;
    const cards = doc.querySelector('[role="main"]') ? titledCards(main, index) : bloks ? new Set([bloksHeader(main, nameNode)].filter(Boolean)) : null;
    const runs = textRuns(main, 160, skip).filter(({ element }) => !cards || withinAny(element, cards, main));
    // This profile's own names: its address's, and — for an address by id (/<name>-<id>/) — the
    // vanity Facebook's tags give the page, which its own links use.
    const vanities = who.vanity ? [who.vanity] : tagVanities(doc);
    const own = { vanities: vanities.map((v) => v.toLowerCase()), ids: [who.id, profile.account_id].filter(Boolean) };
    profile.followers = linkCount(main, "followers", own, owned) ?? textCount(runs, FOLLOWERS_TEXT);
    profile.following = linkCount(main, "following", own, owned) ?? textCount(runs, FOLLOWING_TEXT);
    profile.bio = bioFrom(main, headings, index);

    const transparency = {};
    const lineItems = new Map();
    // Part of a details item's line (a typed value after Facebook's label, itemLine): no label of its own.
    const partOfItem = (node) => {
      const item = itemLine(node, lineItems);
      return item !== undefined && !node.matches(DETAIL_ITEM) && (visibleText(node) || "") !== item;
    };
    for (const scope of cards ? Array.from(cards) : [main]) {
      // Labels are plain text: a control or a link (a Page's address is a button) is the Page's own text.
      const labels = labelledValues(scope, TRANSPARENCY_LABELS, (node) => skip(node) || node.matches("a[href], [role='button']") || partOfItem(node));
      for (const [field, value] of Object.entries(labels)) transparency[field] ??= value;
    }
    const items = new Map();
    for (const { text, element } of runs) {
      if (profile.joined) break;
      // A control or a link is no date line: a Page's address in its Intro list, which the Page
      // types, is a button (it opens the map; real-koptisch-arabic-2023-01-31-prefix.html).
      if (!JOINED.test(text) || element.closest("a[href], [role='button']")) continue;
      // In a details list, the item's whole line (itemLine): a typed workplace is no date line.
      const item = itemLine(element, items);
      if (item !== undefined) {
        profile.joined = joinedLine(item);
        continue;
      }
      // "Joined" and its date may be two spans of one line; the line is the label and a date, and
      // nothing after it ("Joined January 2009, Cairo": an address the account typed).
      profile.joined = joinedLine(text) || joinedLine(visibleText(element.parentElement));
    }
    if (!profile.joined && dateOnly(transparency.joined)) profile.joined = parseJoined(transparency.joined);
    if (transparency.based_in) profile.based_in = transparency.based_in.replace(/\s*\(\d+\)$/, "").slice(0, 100);

    let avatar = null;
    // Never the cover photo, which the header draws before the picture: a picture that is the
    // cover's file (its hooks: COVER), or one served as another kind of picture (OTHER_PICTURE), is
    // no profile picture — nor is og:image when it is the cover, as on some Pages' heads.
    const coverNodes = `${COVER}, ${COVER.replaceAll(", ", " img, ")} img, ${COVER.replaceAll(", ", " image, ")} image`;
    const covers = new Set(Array.from(main.querySelectorAll(coverNodes), (node) => pictureFile(pictureUrl(node))).filter(Boolean));
    const notCover = (value) => (value && !OTHER_PICTURE.test(value) && !covers.has(pictureFile(value)) ? value : null);
    // The first profile picture of the header: lists, posts and comments hold other accounts' pictures.
    const pictures = Array.from(main.querySelectorAll("svg image, img"))
      .filter((node) => !node.closest(`li, ul, [role='list'], [role='listitem'], ${POSTS}`))
      .map(pictureUrl)
      .filter((src) => src && PROFILE_PICTURE.test(src) && !covers.has(pictureFile(src)));
    const fallback = Array.from(main.querySelectorAll("a[aria-label] svg image, svg[aria-label] image, svg[role='img'] image, img.profpic, img[data-sigil*='profile'], [data-testid='profile-photo'] img"))
      .filter((node) => !node.closest(POSTS))
      .map((node) => notCover(pictureUrl(node)))
      .find(Boolean);
    const src = pictures[0] || fallback || (fresh ? notCover(meta(doc, "og:image")) : null);
    const url = httpUrl(src, location.href);
    if (url) {
      profile.has_avatar = !SILHOUETTE.test(url);
      if (profile.has_avatar) avatar = { url };
    }
    return { profile, avatar };
  }

  root.Haris.register({
    platform: "facebook",
    version: "2026.11",
    // Every profile and Page shows a name and a picture (the silhouette is "no photo"); counts
    // and bios are not on every one. A login wall, or "This content isn't available", at a
    // profile's address is not a profile page.
    core: ["display_name", "has_avatar"],
    expects: (doc, location) => identity(location) !== null && !loginWall(doc, identity(location)) && !unavailable(doc),
    matches: (location) => HOSTS.test(location.hostname),
    extract,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

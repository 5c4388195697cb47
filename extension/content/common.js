/*
 * Helpers shared by the platform extractors. No chrome.* / browser.* calls in this file or in the
 * extractors: they run unchanged under Node + jsdom in tests/extension.
 *
 * Every helper returns null when it is not sure. A missing field only means a signal does not
 * fire; a wrong field could make a real friend look fake, so guessing is worse than not knowing.
 */
(function (root) {
  "use strict";

  const Haris = (root.Haris = root.Haris || {});
  Haris.extractors = Haris.extractors || [];

  const ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";
  const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";

  function westernDigits(text) {
    return String(text).replace(/[٠-٩۰-۹]/g, (d) => {
      const i = ARABIC_DIGITS.indexOf(d);
      return String(i >= 0 ? i : PERSIAN_DIGITS.indexOf(d));
    });
  }

  // Bidirectional marks platforms wrap names and numbers in (LRM, RLM, the Arabic letter mark
  // ICU puts in Arabic numbers, embeddings, isolates).
  const BIDI_MARKS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

  function clean(text) {
    if (text == null) return null;
    const value = String(text).replace(BIDI_MARKS, "").replace(/\s+/g, " ").trim();
    return value === "" ? null : value;
  }

  const SPACES = /[\u00a0\u2007\u2008\u2009\u200a\u202f\u205f\u3000]/g;
  const INVISIBLE = /[\u200b\u2060\ufeff]/g;

  // Suffixes platforms use for abbreviated counts, in English, French and Arabic UIs.
  // Arabic words are matched with and without hamza and tanween ("ألف", "الف", "ألفًا"), and
  // "ك" is the Arabic UIs' short "K"; Persian UIs (Persian digits) write "هزار", "میلیون".
  const MULTIPLIERS = [
    [/^(k|k\.|mil|mille|ك|[أا]لف|[أا]لفا|[أا]لفًا|[آا]لاف|هزار)$/iu, 1e3],
    [/^(m|m\.|mn|mln|mio\.?|million|millions|مليون|مليونًا|مليونا|ملايين|میلیون)$/iu, 1e6],
    [/^(b|md|mds|mrd|milliard|milliards|billion|مليار|مليارًا|مليارات|میلیارد)$/iu, 1e9],
  ];

  /**
   * Parse a displayed count: "1,234", "1.2K", "12,5 k", "1 234", "١٬٢٣٤", "3.4M followers".
   * Returns an integer, or null when the text holds no number we can read with confidence.
   */
  function parseCount(text) {
    if (text == null) return null;
    // Every space a page may group digits with (no-break, narrow no-break, thin, figure, hair,
    // medium mathematical, ideographic) is a space; zero-width ones are nothing.
    let value = westernDigits(String(text)).replace(BIDI_MARKS, "").replace(INVISIBLE, "").replace(SPACES, " ").trim();
    value = value.replace(/٬/g, ",").replace(/٫/g, ".");
    // The word after the number: its letters only, so "2K+" is read as 2K and "12 K abonnés" as 12K.
    const match = value.match(/(\d[\d., ]*\d|\d)\s*([\p{L}\p{M}]+\.?)?/u);
    if (!match) return null;
    let digits = match[1];
    const suffix = match[2] || "";
    let multiplier = 1;
    for (const [pattern, factor] of MULTIPLIERS) {
      if (pattern.test(suffix)) multiplier = factor;
    }
    if (multiplier > 1) {
      // "1.2K" or "1,2 k": one separator followed by 1–2 digits is a decimal mark.
      const decimal = digits.match(/^(\d+)[.,](\d{1,2})$/);
      if (decimal) return Math.round(parseFloat(`${decimal[1]}.${decimal[2]}`) * multiplier);
      // "1,234.5K", "1 234,5 k": thousands grouped with one mark and a decimal with another.
      const grouped = digits.match(/^(\d{1,3}(?:([ ,.])\d{3})+)([.,])(\d{1,2})$/);
      if (grouped && grouped[2] !== grouped[3]) {
        return Math.round(parseFloat(`${grouped[1].replace(/[ ,.]/g, "")}.${grouped[4]}`) * multiplier);
      }
      digits = digits.replace(/[ ,.]/g, "");
      return /^\d+$/.test(digits) ? parseInt(digits, 10) * multiplier : null;
    }
    // No suffix: separators must group thousands ("1,234", "1.234", "1 234"), else it is ambiguous.
    if (/^\d{1,3}([ ,.]\d{3})+$/.test(digits) || /^\d+$/.test(digits)) {
      return parseInt(digits.replace(/[ ,.]/g, ""), 10);
    }
    return null;
  }

  const MONTHS = {
    january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8,
    september: 9, october: 10, november: 11, december: 12,
    jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
    janvier: 1, "février": 2, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7,
    "août": 8, aout: 8, septembre: 9, octobre: 10, novembre: 11, "décembre": 12, decembre: 12,
    "janv.": 1, "févr.": 2, "avr.": 4, "juil.": 7, "sept.": 9, "oct.": 10, "nov.": 11, "déc.": 12,
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6,
    "تموز": 7, "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8,
  };
  // Longest month names first so "تشرين الثاني" wins over a shorter one inside it.
  const MONTH_NAMES = Object.keys(MONTHS).sort((a, b) => b.length - a.length);
  const MONTH_PATTERNS = MONTH_NAMES.map((name) => [
    name,
    // A day before the month must be a number of its own ("7 janvier"), not the end of a year
    // ("2010 January" has no day).
    new RegExp(`(^|[^\\p{L}\\p{N}])(\\d{1,2})?(?:er)?\\s*${name.replace(".", "\\.")}(?=$|[^\\p{L}])\\s*(\\d{1,2})?(?!\\d)`, "u"),
  ]);

  /**
   * "Joined March 2015", "A rejoint X en mars 2015", "انضم في مارس ٢٠١٥" → "2015-03";
   * "Page created - January 7, 2009", "7 janvier 2009" → "2009-01-07"; else null.
   */
  function parseJoined(text) {
    if (!text) return null;
    const value = westernDigits(String(text)).replace(BIDI_MARKS, "").toLowerCase();
    const year = value.match(/(?<!\d)(199\d|20\d\d)(?!\d)/);
    if (!year) return null;
    for (const [name, pattern] of MONTH_PATTERNS) {
      const match = value.match(pattern);
      if (!match) continue;
      const month = String(MONTHS[name]).padStart(2, "0");
      // A day written next to the month ("7 janvier", "January 7,") and not the year itself.
      const day = Number(match[2] || match[3] || 0);
      if (day >= 1 && day <= 31) {
        const date = new Date(Date.UTC(Number(year[1]), MONTHS[name] - 1, day));
        if (date.getUTCDate() === day) return `${year[1]}-${month}-${String(day).padStart(2, "0")}`;
      }
      return `${year[1]}-${month}`;
    }
    return null;
  }

  // Words a platform prints around a date ("on", "in", "en", "le", "depuis", "في", "منذ").
  const DATE_FILLER = /(?<![\p{L}])(on|in|en|le|depuis|since|في|منذ|عام|سنة)(?![\p{L}])/gu;

  /**
   * Whether `text` is a date and nothing else ("January 7, 2009", " - 7 janvier 2009", "في مارس
   * ٢٠١٥"): a platform's date line after its label. A line that goes on after the date ("Joined
   * January 2009, Cairo, Egypt": an address an account typed) is not the platform's date.
   */
  function dateOnly(text) {
    if (!text || !parseJoined(text)) return false;
    let rest = westernDigits(String(text)).replace(BIDI_MARKS, "").toLowerCase().replace(/(\d)(er|st|nd|rd|th)(?![\p{L}])/gu, "$1");
    for (const name of MONTH_NAMES) rest = rest.split(name).join(" ");
    rest = rest.replace(DATE_FILLER, " ").replace(/\d/g, "").replace(/[\s,.\-–—:·/()]+/g, "");
    return rest === "";
  }

  /** An ISO timestamp or date → "YYYY-MM-DD", or null. */
  function isoDay(text) {
    const match = text ? String(text).match(/^(\d{4})-(\d{2})-(\d{2})/) : null;
    return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
  }

  function meta(doc, key) {
    const node = doc.querySelector(`meta[property="${key}"], meta[name="${key}"]`);
    return node ? clean(node.getAttribute("content")) : null;
  }

  /** The path of an absolute URL the page names about itself (og:url, canonical), or null. */
  function urlPath(value) {
    if (!value) return null;
    try {
      return new URL(value, "https://invalid.example").pathname;
    } catch (_error) {
      return null;
    }
  }

  /** Every JSON-LD block of the page, parsed; broken blocks are skipped. */
  function jsonLd(doc) {
    const out = [];
    for (const node of doc.querySelectorAll('script[type="application/ld+json"]')) {
      try {
        out.push(JSON.parse(node.textContent));
      } catch (_error) {
        // A page may ship a broken block; the others still count.
      }
    }
    return out;
  }

  /** First capture of `pattern` in the page's inline scripts (embedded JSON), or null. */
  function scriptMatch(doc, pattern) {
    for (const node of doc.querySelectorAll("script:not([src])")) {
      const match = node.textContent.match(pattern);
      if (match) return match[1];
    }
    return null;
  }

  // What a search found in each inline script, kept with the script element: a page's embedded
  // data does not change once loaded and can be megabytes long, while the page is scanned again
  // after every change of the DOM (~0.1 s a scan on 5 MB of route data). The text's length is kept
  // too, so a script rewritten in place is searched anew; at most MAX_SEARCHES keys per script.
  const scriptFinds = new WeakMap();
  const MAX_SEARCHES = 32;

  /**
   * The first inline script's non-null `search(text)`, or null; `key` names the search (e.g. the
   * handle it looks for), and each script is searched once per key.
   */
  function scriptSearch(doc, key, search) {
    for (const node of doc.querySelectorAll("script:not([src])")) {
      const text = node.textContent;
      let memo = scriptFinds.get(node);
      if (!memo || memo.length !== text.length || memo.found.size >= MAX_SEARCHES) {
        memo = { length: text.length, found: new Map() };
        scriptFinds.set(node, memo);
      }
      if (!memo.found.has(key)) memo.found.set(key, search(text) ?? null);
      const value = memo.found.get(key);
      if (value !== null) return value;
    }
    return null;
  }

  /** The inline scripts' text, one string per script (embedded JSON a page carries). */
  function scriptTexts(doc) {
    return Array.from(doc.querySelectorAll("script:not([src])"), (node) => node.textContent);
  }

  function escapeRegExp(value) {
    return String(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function text(node) {
    return node ? clean(node.textContent) : null;
  }

  // Elements whose text a person does not read as part of the field.
  const UNREAD = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "svg", "SVG"]);

  function hiddenElement(element) {
    if (element.hasAttribute("hidden") || element.getAttribute("aria-hidden") === "true") return true;
    // The style attribute, not element.style: parsing every element's style is slow on big pages.
    const style = element.getAttribute("style");
    return Boolean(style && /display\s*:\s*none/i.test(style));
  }

  /**
   * The text a person reads in `node`: emoji drawn as <img alt="😀"> count, <br> is a line break,
   * and what the page hides (aria-hidden="true", the hidden attribute, display:none) does not.
   */
  function visibleText(node) {
    if (!node) return null;
    const parts = [];
    // Iterative, in document order: a page nesting elements thousands deep would overflow the
    // stack of a recursive walk (a RangeError, and no profile read). `pending` holds the nodes
    // still to visit, the next one last: each element's children go on in reverse.
    const pending = Array.from(node.childNodes).reverse();
    while (pending.length) {
      const child = pending.pop();
      if (child.nodeType === 3) {
        parts.push(child.nodeValue);
      } else if (child.nodeType === 1) {
        if (UNREAD.has(child.tagName) || hiddenElement(child)) continue;
        if (child.tagName === "BR") parts.push("\n");
        else if (child.tagName === "IMG") parts.push(child.getAttribute("alt") || "");
        else for (let last = child.lastChild; last; last = last.previousSibling) pending.push(last);
      }
    }
    return clean(parts.join(""));
  }

  /**
   * A test of whether an element shows any text a person reads (visibleText would not be empty:
   * a text of its own, an image's alt, in it or in an element inside it that is not hidden),
   * memoised per element for one look at the page: walking up from many headings of one big block
   * asks the same question of the same elements, which visibleText would answer by reading the
   * whole block each time (a page of N lines, each a card title the account can type, cost N²).
   */
  function textShower() {
    const memo = new Map();
    return function shows(element) {
      const known = memo.get(element);
      if (known !== undefined) return known;
      let result = false;
      if (!UNREAD.has(element.tagName) && !hiddenElement(element)) {
        if (element.tagName === "IMG") result = clean(element.getAttribute("alt")) !== null;
        else {
          for (const child of element.childNodes) {
            if (child.nodeType === 3 ? clean(child.nodeValue) !== null : child.nodeType === 1 && shows(child)) {
              result = true;
              break;
            }
          }
        }
      }
      memo.set(element, result);
      return result;
    };
  }

  /**
   * The short text runs of `scope` (one text node each, cleaned, at most `max` characters), with
   * their parent element: a single pass over the page, cheap enough to repeat on every change.
   * Elements matching `skip` (a selector, or a function of the element) are left out with
   * everything inside them (a feed of posts, a bio: text the account or others wrote, which may
   * imitate the page's own labels).
   */
  function textRuns(scope, max = 200, skip = null) {
    const out = [];
    if (!scope) return out;
    const doc = scope.ownerDocument || scope;
    const skipped = typeof skip === "function" ? skip : (node) => node.matches(skip);
    const filter = skip
      ? { acceptNode: (node) => (node.nodeType === 3 ? 1 : skipped(node) ? 2 : 3) } // accept, reject subtree, skip
      : null;
    const walker = doc.createTreeWalker(scope, skip ? 1 | 4 : 4, filter);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType !== 3) continue;
      const value = node.nodeValue;
      if (value.length > max * 2 || !value.trim()) continue;
      const parent = node.parentElement;
      if (!parent || UNREAD.has(parent.tagName)) continue;
      const text = clean(value);
      if (text && text.length <= max) out.push({ text, element: parent });
    }
    return out;
  }

  /** An absolute http(s) URL, or null (blob:, data: and relative junk are handled by callers). */
  function httpUrl(value, base) {
    if (!value) return null;
    try {
      const url = new URL(value, base);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (_error) {
      return null;
    }
  }

  /**
   * Label → value pairs a page prints as "label" then "value" ("Account based in" / "Egypt"), or
   * as one line "label - value" / "label: value". `labels` maps a field name to a RegExp that
   * matches the whole label. Used for transparency panels ("About this account", "Page
   * transparency"), whose layout is a list of such pairs. Returns {field: value text}. `skip`: see
   * textRuns.
   */
  function labelledValues(scope, labels, skip = null) {
    const out = {};
    for (const { text: own, element } of textRuns(scope, 200, skip)) {
      // "Account based in:" and "Date d’inscription :" are the labels without their colons.
      const bare = own.replace(/\s*[:：]$/, "");
      for (const [field, label] of Object.entries(labels)) {
        if (out[field] != null) continue;
        if (label.test(bare)) {
          // "label" alone: the value is the next block that says something.
          let value = null;
          for (let node = element, depth = 0; !value && node && node !== scope && depth < 4; node = node.parentElement, depth += 1) {
            const next = node.nextElementSibling;
            value = next ? visibleText(next) : null;
          }
          if (value) out[field] = value;
        } else {
          const inline = own.match(/^(.{2,60}?)\s*[-–:·]\s+(.+)$/u);
          if (inline && label.test(inline[1].trim())) out[field] = clean(inline[2]);
        }
      }
    }
    return out;
  }

  /** Drop null/undefined fields so the request says only what the page showed. */
  function compact(object) {
    const out = {};
    for (const [key, value] of Object.entries(object)) {
      if (value !== null && value !== undefined && !(typeof value === "number" && Number.isNaN(value))) {
        out[key] = value;
      }
    }
    return out;
  }

  /**
   * The identity of the profile on screen, from the fields the extractor names in `keyFields`, in
   * order. X, Instagram and Facebook key on the handle of the URL, which every scan of the page
   * has, so a dismissal or a cached answer holds whether or not the account id was readable at
   * that moment; Telegram keys on the peer id its panel always carries.
   */
  function profileKey(platform, profile, keyFields = ["handle", "account_id"]) {
    for (const field of keyFields) {
      const value = profile[field];
      if (!value) continue;
      return field === "handle" ? `${platform}:h:${String(value).toLowerCase()}` : `${platform}:id:${value}`;
    }
    return null;
  }

  /**
   * Add an extractor: {platform, matches(location), extract(doc, location)} and, for the health
   * counter (docs/extension.md, "Knowing when a platform changes"): version (a "YYYY.N" string,
   * bumped whenever what the extractor reads changes), core (the fields every profile page of
   * this view shows, whose absence says the layout changed: a list, or a function of the
   * location), expects(doc, location) (whether this page should show a profile: a profile's
   * address, not a login wall) and keyFields (see profileKey).
   */
  function register(extractor) {
    Haris.extractors = Haris.extractors.filter((e) => e.platform !== extractor.platform);
    Haris.extractors.push(extractor);
  }

  function coreFields(extractor, location) {
    const core = typeof extractor.core === "function" ? extractor.core(location) : extractor.core;
    return Array.isArray(core) ? core : [];
  }

  function expectsProfile(extractor, doc, location) {
    try {
      return Boolean(extractor.expects && extractor.expects(doc, location));
    } catch (_error) {
      return false;
    }
  }

  /**
   * What one look at the page gives: {platform, version, status, found, missing, core, expected}.
   * status is "none" (no extractor for this site), "skipped" (a page of the site that is not a
   * profile, or not yet rendered), "error" (the extractor threw: a layout it does not understand)
   * or "profile"; core lists the fields this view of the platform always shows and missing those
   * of them the profile lacks; expected says whether the page should show a profile (its address
   * is a profile's). Nothing here holds page content beyond `found`, so the health counter
   * (content/health.js) counts status and missing alone.
   */
  function readPage(doc, location) {
    for (const extractor of Haris.extractors) {
      if (!extractor.matches(location)) continue;
      const core = coreFields(extractor, location);
      const outcome = {
        platform: extractor.platform, version: extractor.version || null, status: "skipped", found: null, missing: [],
        core, expected: expectsProfile(extractor, doc, location),
      };
      let raw = null;
      try {
        raw = extractor.extract(doc, location);
      } catch (_error) {
        // A page we do not understand is "nothing to check", never a crash in the user's tab.
        outcome.status = "error";
        return outcome;
      }
      if (!raw || !raw.profile) return outcome;
      const profile = compact(raw.profile);
      const key = profileKey(extractor.platform, profile, extractor.keyFields);
      if (!key) return outcome;
      outcome.status = "profile";
      outcome.found = { platform: extractor.platform, key, profile, avatar: raw.avatar || null };
      outcome.missing = core.filter((field) => profile[field] === undefined);
      return outcome;
    }
    return { platform: null, version: null, status: "none", found: null, missing: [], core: [], expected: false };
  }

  /**
   * The profile on screen, or null when this page is not a single profile we can read.
   * Returns {platform, key, profile, avatar: {url} | {blobUrl} | null}.
   */
  function extractProfile(doc, location) {
    return readPage(doc, location).found;
  }

  Haris.util = {
    westernDigits, clean, parseCount, parseJoined, dateOnly, isoDay, meta, urlPath, jsonLd, scriptMatch, scriptSearch, scriptTexts,
    escapeRegExp, text, visibleText, textShower, textRuns, httpUrl, labelledValues, compact,
  };
  Haris.register = register;
  Haris.readPage = readPage;
  Haris.extractProfile = extractProfile;
  Haris.profileKey = profileKey;
})(typeof globalThis !== "undefined" ? globalThis : this);

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

  function clean(text) {
    if (text == null) return null;
    const value = String(text).replace(/\s+/g, " ").trim();
    return value === "" ? null : value;
  }

  // Suffixes platforms use for abbreviated counts, in English, French and Arabic UIs.
  const MULTIPLIERS = [
    [/^(k|k\.|k|mil|ألف|آلاف|ألفًا)$/i, 1e3],
    [/^(m|m\.|mn|mio|million|millions|مليون|ملايين)$/i, 1e6],
    [/^(b|md|mrd|milliard|milliards|billion|مليار)$/i, 1e9],
  ];

  /**
   * Parse a displayed count: "1,234", "1.2K", "12,5 k", "1 234", "١٬٢٣٤", "3.4M followers".
   * Returns an integer, or null when the text holds no number we can read with confidence.
   */
  function parseCount(text) {
    if (text == null) return null;
    let value = westernDigits(String(text)).replace(/[\u00a0\u202f\u2009]/g, " ").trim();
    value = value.replace(/٬/g, ",").replace(/٫/g, ".");
    const match = value.match(/(\d[\d., ]*\d|\d)\s*([^\d\s,.]+\.?)?/);
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
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6,
    "يوليو": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6,
    "تموز": 7, "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
    "جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "أوت": 8,
  };

  /** "Joined March 2015", "A rejoint X en mars 2015", "انضم في مارس ٢٠١٥" → "2015-03"; else null. */
  function parseJoined(text) {
    if (!text) return null;
    const value = westernDigits(String(text)).toLowerCase();
    const year = value.match(/\b(19[9]\d|20\d\d)\b/);
    if (!year) return null;
    // Longest month names first so "تشرين الثاني" wins over a shorter one inside it.
    const names = Object.keys(MONTHS).sort((a, b) => b.length - a.length);
    for (const name of names) {
      const pattern = new RegExp(`(^|[^\\p{L}])${name}($|[^\\p{L}])`, "u");
      if (pattern.test(value)) return `${year[1]}-${String(MONTHS[name]).padStart(2, "0")}`;
    }
    return null;
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

  function text(node) {
    return node ? clean(node.textContent) : null;
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

  /** The identity of the profile on screen: account id when known, else the handle. */
  function profileKey(platform, profile) {
    if (profile.account_id) return `${platform}:id:${profile.account_id}`;
    if (profile.handle) return `${platform}:h:${profile.handle.toLowerCase()}`;
    return null;
  }

  function register(extractor) {
    Haris.extractors = Haris.extractors.filter((e) => e.platform !== extractor.platform);
    Haris.extractors.push(extractor);
  }

  /**
   * The profile on screen, or null when this page is not a single profile we can read.
   * Returns {platform, key, profile, avatar: {url} | {blobUrl} | null}.
   */
  function extractProfile(doc, location) {
    for (const extractor of Haris.extractors) {
      if (!extractor.matches(location)) continue;
      let found = null;
      try {
        found = extractor.extract(doc, location);
      } catch (_error) {
        // A page we do not understand is "nothing to check", never a crash in the user's tab.
        found = null;
      }
      if (!found || !found.profile) return null;
      const profile = compact(found.profile);
      const key = profileKey(extractor.platform, profile);
      if (!key) return null;
      return { platform: extractor.platform, key, profile, avatar: found.avatar || null };
    }
    return null;
  }

  Haris.util = { westernDigits, clean, parseCount, parseJoined, isoDay, meta, jsonLd, scriptMatch, text, httpUrl, compact };
  Haris.register = register;
  Haris.extractProfile = extractProfile;
  Haris.profileKey = profileKey;
})(typeof globalThis !== "undefined" ? globalThis : this);

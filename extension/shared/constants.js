/*
 * Every list and limit the extension's modules share, in one place. Content scripts (classic
 * scripts) get message types, report reasons and the banner's input protection (INPUT_PROTECTION)
 * from shared/protocol.js, imported and exported here too, so no list or limit is written twice.
 */
import "./protocol.js";

export const { MESSAGES, REPORT_REASONS, HEALTH_OUTCOMES, INPUT_PROTECTION, drawnInPage } = globalThis.HarisProtocol;

export const LOCALES = Object.freeze(["ar", "en", "fr"]);
/** Platforms the content scripts read; a contact may also be on "other". */
export const PLATFORMS = Object.freeze(["facebook", "instagram", "x", "telegram"]);
export const CONTACT_PLATFORMS = Object.freeze([...PLATFORMS, "other"]);

/**
 * The sites the content scripts run on (the manifest's `matches`, by host; a test keeps them
 * equal), by the platform whose profiles they show. A page's "Not now" questions are answered for
 * its own platform's profiles only (background/service-worker.js).
 */
export const PLATFORM_SITES = Object.freeze({
  facebook: Object.freeze(["www.facebook.com", "web.facebook.com", "m.facebook.com"]),
  instagram: Object.freeze(["www.instagram.com"]),
  x: Object.freeze(["x.com", "mobile.x.com", "twitter.com", "mobile.twitter.com"]),
  telegram: Object.freeze(["web.telegram.org", "t.me", "telegram.me", "telegram.dog"]),
});

/**
 * The public API's validation limits (heuristics/profile.py and server/schemas.py; a test keeps
 * them equal). Free text over its limit is cut; an identifier over its limit is dropped, because a
 * cut identifier names another account.
 */
export const LIMITS = Object.freeze({
  text: Object.freeze({ display_name: 200, bio: 2000, based_in: 100 }),
  identifiers: Object.freeze({ account_id: 128, handle: 100, profile_url: 2048, joined: 35 }),
  counts: Object.freeze({ followers: 10_000_000_000, following: 10_000_000_000, posts: 10_000_000_000, name_changes: 10_000 }),
  flags: Object.freeze(["verified", "private", "has_avatar"]),
  // Fields that take one of a few values (heuristics/profile.py's VerifiedType and PlatformLabel).
  choices: Object.freeze({ verified_type: Object.freeze(["paid", "business", "government"]), platform_label: Object.freeze(["scam", "fake"]) }),
  hashHex: 512,
  contacts: 2000,
  reportNote: 1000,
});

/**
 * Where things are kept. Nothing is kept in `storage.local` any more: content scripts can read it in
 * Firefox and in Chromium before 140 (background/storage-access.js). What must outlive the browser
 * is in the extension's own IndexedDB (shared/vault-store.js), one record per kind; `session` is
 * memory only, gone when the browser closes, and closed to content scripts in every browser.
 */
export const STORAGE = Object.freeze({
  // The records of the extension's IndexedDB: the vault's (ciphertext), the settings, the health
  // counter's counts, and what an older version kept in clear until a passphrase is chosen.
  records: Object.freeze({ vault: "vault", settings: "settings", health: "health", unsealed: "unsealed" }),
  // The settings record's fields (named as older versions named their `local` keys, so that one
  // moves into the other as it is). They stay readable while the vault is locked: checks still run.
  settings: Object.freeze({
    backendUrl: "backendUrl", language: "language", everywhere: "bannerEverywhere", autoLock: "autoLockMinutes",
    // "Nothing in the page": warnings only in the toolbar and popup (content/main.js draws nothing).
    silent: "pageSilent",
    // The opt-in health counter's choice.
    health: "healthCounter",
  }),
  // The health counter's record (opted in only): the counts since the last send, when to send next
  // (set at a send, never at a page read) and how many sends found too few counts.
  health: Object.freeze({ counts: "healthCounts", nextSend: "healthNextSend", idle: "healthIdle" }),
  // lastUse: when the open vault was last used (background/auto-lock.js), in memory only.
  // vaultWritten, settingsWritten: a random value (with, for the settings, the names of the ones
  // that changed) set at every write of the record, the one change event it has across the
  // extension's contexts (IndexedDB has none: shared/vault-store.js).
  session: Object.freeze({
    vaultKey: "vaultKey", backoffUntil: "backoffUntil", backoffBackend: "backoffBackend", lastUse: "lastUse",
    vaultWritten: "vaultWritten", settingsWritten: "settingsWritten",
  }),
  // Per-profile and per-tab records, session storage only: verdicts, the last profile seen, Not now.
  sessionPrefixes: Object.freeze({ verdict: "v|", last: "last|", tab: "tab|", dismissed: "dismissed|" }),
  // Where older versions kept things in `local` (readable by content scripts in Firefox and
  // Chromium before 140): each moves into its IndexedDB record (shared/vault-store.js), then is deleted.
  // The vault's record, whole, under one key:
  legacyVault: "vault",
  // What versions older than the vault kept in clear; in the `unsealed` record until a passphrase
  // is chosen (shared/vault.js createVault moves it into the vault).
  legacyClear: Object.freeze(["contacts", "apiKey", "contactsRev"]),
});

/**
 * Records written as one value above the size at which the browser keeps an IndexedDB value in a
 * file of its own (Chromium: 64 KiB, Blink's IDBValueWrapper threshold) rather than in the LevelDB
 * log and tables, where a replaced or deleted value stays readable on disk until LevelDB happens
 * to compact that range (days, or never for a small database). The file is deleted when the record
 * is replaced or deleted. Each write adds `fillerBytes` of fresh random bytes (base64, so about
 * 128 KiB: twice the threshold, and incompressible, so the browser's own compression cannot bring
 * it back under) in the field `field`, which shared/vault-store.js strips on every read. Only the
 * records whose older versions tell something: the vault (a contact deleted since, a passphrase
 * changed since) and the contacts an older version kept in clear (deleted once sealed).
 */
export const RECORD_FILES = Object.freeze({ records: Object.freeze(["vault", "unsealed"]), field: "filler", fillerBytes: 96 * 1024 });

export const DEFAULT_SETTINGS = Object.freeze({
  backendUrl: "http://127.0.0.1:5000", language: "auto", bannerEverywhere: false, pageSilent: false, healthCounter: false, autoLockMinutes: 15,
});

/**
 * The vault locks itself after this many minutes without use (an unlock, or a check that sent the
 * contacts; at the next tick), and when the device's screen locks where the browser reports it
 * (background/auto-lock.js); 0 is "only when the browser closes". Options offers these choices.
 * The default (DEFAULT_SETTINGS) is the shortest: Firefox, on Android too, reports no screen lock,
 * so there the time is all that closes the vault of a phone taken running.
 */
export const AUTO_LOCK = Object.freeze({ choices: Object.freeze([15, 60, 240, 0]) });

const HOUR_MS = 60 * 60 * 1000;
/**
 * The opt-in extractor health counter (background/health.js; the server's limits are in
 * server/schemas.py, and a test keeps them equal). Counts are sent about once a day at a random
 * hour, only when they stand for at least `minVisits` visits, each rounded at random to a
 * multiple of `grain` (unbiased: the server's totals stay right, one browser's are coarse).
 */
export const HEALTH = Object.freeze({
  path: "/v1/extractor-health",
  alarm: "haris-health",
  grain: 5,
  minVisits: 20,
  maxCount: 1000,
  maxEntries: 12,
  versionPattern: /^\d{4}\.\d{1,3}$/,
  // The profile fields a core list may name (heuristics/profile.py's Profile).
  fields: Object.freeze([
    "account_id", "handle", "display_name", "bio", "profile_url", "followers", "following", "posts", "joined",
    "verified", "private", "name_changes", "has_avatar", "verified_type", "platform_label", "based_in",
  ]),
  everyMs: 24 * HOUR_MS,
  jitterMs: 6 * HOUR_MS,
  retryMs: 3 * HOUR_MS,
  // After the browser was closed past the time: soon after it starts, but not with it.
  lateMs: Object.freeze([10 * 60 * 1000, HOUR_MS]),
  // Counts that waited this many sends for company are dropped: they describe old pages.
  maxIdleSends: 14,
  // Firefox's own consent to send technical data (the manifest's optional data collection),
  // asked in Options and given back at a wipe (shared/grants.js). Chromium has no such permission.
  dataConsent: Object.freeze({ data_collection: Object.freeze(["technicalAndInteraction"]) }),
});

/** PBKDF2-SHA256 at OWASP's 2023 work factor; AES-256-GCM with a fresh 96-bit IV per write. */
export const KDF = Object.freeze({ name: "PBKDF2", hash: "SHA-256", iterations: 600_000, saltBytes: 16 });
export const CIPHER = Object.freeze({ name: "AES-GCM", keyBits: 256, ivBytes: 12 });
export const MIN_PASSPHRASE_LENGTH = 8;

export const CACHE_TTL_MS = 10 * 60 * 1000;
/**
 * What a content script may ask of the worker, bounded (background/service-worker.js): its
 * "Not now" list keeps the latest MAX_DISMISSED profiles (a person dismisses a few; a renderer
 * taken over by a page could otherwise fill session storage, where the vault's key must fit),
 * checks keep the latest MAX_RECORDS verdicts and profiles (a person opens a few a minute, and
 * they live CACHE_TTL_MS; background/check.js keepRecord); Details / "This is my real friend"
 * open the extension's window within OPEN_WINDOW_LIMITS (below).
 */
export const PAGE_LIMITS = Object.freeze({ maxKey: 300, maxDismissed: 200, maxRecords: 100, maxAvatarUrl: 2048 });
/**
 * The extension's window (the toolbar popup, or a tab of it) opened for a page's Details or "This
 * is my real friend" (background/service-worker.js openDetails): for the tab the user is looking
 * at only (the sender's tab active), at most once per PER_TAB_MS for a tab and once per ANY_MS
 * across all tabs. A page cannot prove a click to the worker (a renderer taken over by its page
 * says whatever it likes), so the bound is in time: a person opens it now and then; a page
 * that asks in a loop covers the user's screen once every ten seconds at most.
 */
export const OPEN_WINDOW_LIMITS = Object.freeze({ perTabMs: 10_000, anyMs: 3000 });
/**
 * What the worker takes of the server's answer to a check (background/checker.js boundedReport):
 * the server decides the verdict, not how much the worker keeps in session storage. A body over
 * `bytes` is no report ("could not check"); of a report, the first `findings` findings, codes and
 * messages cut to `code` and `message` characters, while their text stays within `findingBytes`
 * (UTF-8), `unavailable` names and the rules version cut to `name`. A Haris report is a few
 * kilobytes: 23 signals, one finding each at most, messages of at most a few hundred characters.
 * So MAX_RECORDS verdicts hold at most ~3 MB, and the vault's key still fits in Chromium's 10.
 */
export const ANSWER_LIMITS = Object.freeze({
  bytes: 1024 * 1024, findings: 50, code: 100, message: 1000, findingBytes: 32 * 1024, unavailable: 32, name: 64,
});
/**
 * The worker's tick: a periodic alarm on the wall clock's grid (background/grid-alarm.js), created
 * at install and start-up and never timed from a use. Each tick forgets checks' records older than
 * CACHE_TTL_MS (so they live at most CACHE_TTL_MS plus one period) and locks a vault unused for
 * the chosen time (background/auto-lock.js).
 */
export const TICK = Object.freeze({ alarm: "haris-tick", minutes: 5 });
export const AVATAR_TIMEOUT_MS = 5000;
export const MAX_AVATAR_BYTES = 4 * 1024 * 1024;
export const AVATAR_HOSTS = Object.freeze([/^pbs\.twimg\.com$/, /^abs\.twimg\.com$/, /(^|\.)cdninstagram\.com$/, /(^|\.)fbcdn\.net$/]);
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/**
 * What an imported file may ask of this device. A file is untrusted (anyone can hand one over,
 * with its passphrase): its iteration count is work done before the passphrase is even tested,
 * and 10 million rounds freeze a phone for minutes. Haris writes KDF.iterations (600,000); up to
 * 2,000,000 is taken (a later version may raise the work factor), at least 100,000. The salt is
 * 16 to 64 bytes, the IV AES-GCM's 12, the ciphertext no longer than a file Options reads.
 */
export const IMPORT_KDF = Object.freeze({
  minIterations: 100_000, maxIterations: 2_000_000, minSaltBytes: 16, maxSaltBytes: 64, ivBytes: 12,
  maxCipherBytes: MAX_IMPORT_BYTES,
});
// Inside the encrypted file only: nobody reads it without the file's passphrase.
export const EXPORT_FORMAT = "haris-contacts";
// What anyone holding the device sees of an exported file: its name and its outer marker. Neither
// names Haris or contacts (a file called haris-contacts.json in Downloads tells the police who
// installed a safety tool for whom). Files of older versions carry the legacy marker and still import.
export const ENCRYPTED_EXPORT_FORMAT = "encrypted-backup";
export const LEGACY_ENCRYPTED_EXPORT_FORMATS = Object.freeze(["haris-contacts-encrypted"]);
export const EXPORT_FILE_NAME = "backup.json";

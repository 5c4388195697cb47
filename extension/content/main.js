/*
 * Content-script glue: find the profile on screen, ask the service worker to check it, draw the
 * banner. Follows single-page navigation (history, hash, DOM mutations) with a debounce, and
 * checks again when the profile on screen changes — or when a field appears or changes value
 * (a photo replacing its placeholder, a header drawn after the page's tags), a few times at most.
 */
(function (root) {
  "use strict";
  const Haris = root.Haris;
  const { MESSAGES } = root.HarisProtocol;
  const api = root.browser && root.browser.runtime ? root.browser : root.chrome;

  const QUIET_MS = 350; // wait for the page to settle…
  const MAX_WAIT_MS = 1500; // …but not forever on pages that never stop changing
  const MAX_RECHECKS = 3; // per profile, at once, when fields appear or change after the first check
  // Past them the page's latest state is still checked, once it has waited 15 s since the last
  // check, then 30 s, 60 s…: a page that changes its fields a few times (a page script, a slow
  // layout) cannot leave the verdict of an earlier state on screen, and one that never stops
  // changing costs a few checks an hour.
  const LATE_RECHECK_MS = 15_000;
  const MAX_BLOB_BYTES = 4 * 1024 * 1024;

  let strings = null;
  let locale = "en";
  let everywhere = false; // discreet by default: only medium and high risk get a banner
  // The user's "nothing in the page": no banner at all, so the page cannot tell that Haris runs
  // or what it found (the toolbar badge and the popup say it).
  let silent = false;
  let current = null; // {key, platform, profile, avatar, rechecks}
  let view = null;
  let note = null;
  let timer = null;
  let lateTimer = null;
  let firstPending = 0;
  let lastHref = root.location.href;
  let quietHref = null; // after a wipe: this address is not checked again (the next one is)
  // The worker's FORGETs so far: a scan under way when one comes (waiting on the worker, or on a
  // photo) stops there, so that nothing it read is sent to be checked, and kept, after a wipe.
  let forgets = 0;
  const dismissed = new Set();

  // The opt-in health counter's visits (content/health.js): the worker counts them only if asked to.
  const tally = new Haris.health.HealthTally({
    read: () => Haris.readPage(root.document, root.location),
    href: () => root.location.href,
    send: (message) => send(message).catch(() => {}),
    setTimer: (fn, ms) => root.setTimeout(fn, ms),
    clearTimer: (id) => root.clearTimeout(id),
  });

  const banner = new Haris.Banner(root.document, {
    onDetails: () => send({ type: MESSAGES.DETAILS }),
    onFriend: markFriend,
    onDismiss: dismiss,
    onReport: report,
    onRetry: () => scan(true),
  });

  function send(message) {
    return api.runtime.sendMessage(message);
  }

  async function loadStrings() {
    const answer = await send({ type: MESSAGES.PAGE_SETUP });
    strings = answer.strings;
    locale = answer.locale;
    everywhere = answer.everywhere === true;
    silent = answer.silent === true;
  }

  /**
   * Checking, could-not-check and low risk stay in the popup unless the user asked for them here;
   * a profile holding the username of a contact saved without its account id is shown whatever
   * its score (background/check.js unconfirmedBy): someone else may hold her old username.
   */
  function shown(v) {
    return root.HarisProtocol.drawnInPage(v, { everywhere, silent });
  }

  function draw() {
    if (!current || !view || dismissed.has(current.key)) return;
    if (!shown(view)) {
      banner.remove();
      return;
    }
    banner.render({ ...view, note: note && note.text, noteKind: note && note.kind }, strings, locale);
  }

  function avatarId(avatar) {
    return avatar ? avatar.url || avatar.blobUrl || null : null;
  }

  /**
   * Whether `found` shows something the last check did not have: a new field, a new value, a new
   * photo. A field that vanished is not a change (pages redraw), so no check is sent for it.
   */
  function changedSince(previous, found) {
    if (avatarId(found.avatar) && avatarId(found.avatar) !== avatarId(previous.avatar)) return true;
    return Object.keys(found.profile).some((field) => JSON.stringify(found.profile[field]) !== JSON.stringify(previous.profile[field]));
  }

  /** How long a change to the profile on screen waits for its check (0: at once). */
  function recheckWait(checked, now) {
    if (checked.rechecks < MAX_RECHECKS) return 0;
    return Math.max(0, checked.checkedAt + LATE_RECHECK_MS * 2 ** (checked.rechecks - MAX_RECHECKS) - now);
  }

  async function blobToBase64(blobUrl) {
    try {
      const response = await fetch(blobUrl);
      // The blob's size is known before its bytes are copied: a huge one is not read at all.
      const blob = await response.blob();
      if (!blob.size || blob.size > MAX_BLOB_BYTES) return null;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = "";
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    } catch (_error) {
      return null;
    }
  }

  async function scan(force) {
    if (quietHref !== null) {
      if (root.location.href === quietHref) return;
      quietHref = null;
    }
    const seen = forgets;
    const forgotten = () => forgets !== seen;
    // readPage also says why a page gave no profile, and which core fields were missing: what the
    // health counter judges a visit on (content/health.js).
    const outcome = Haris.readPage(root.document, root.location);
    tally.observe(outcome, root.location.href);
    const found = outcome.found;
    if (!found) {
      if (current) banner.remove();
      current = null;
      view = null;
      return;
    }
    const same = current && current.key === found.key;
    if (same && !force) {
      if (!changedSince(current, found)) {
        if (view && !dismissed.has(current.key) && !banner.host?.isConnected) draw();
        return;
      }
      const wait = recheckWait(current, Date.now());
      if (wait > 0) {
        // Looked at again when the wait is over, whether or not the page changes meanwhile.
        clearTimeout(lateTimer);
        lateTimer = setTimeout(() => {
          lateTimer = null;
          scan(false).catch(() => {});
        }, wait);
        return;
      }
      current.rechecks += 1;
    }
    if (!same) {
      note = null;
      view = null;
      const dismissedThere = dismissed.has(found.key) || (await send({ type: MESSAGES.IS_DISMISSED, key: found.key })).dismissed;
      if (forgotten()) return;
      if (dismissedThere) {
        dismissed.add(found.key);
        banner.remove();
        current = { ...found, rechecks: 0 };
        return;
      }
    }
    current = { ...found, rechecks: same ? current.rechecks : 0, checkedAt: Date.now() };
    if (!strings) await loadStrings();
    if (forgotten()) return;
    if (!view) {
      view = { state: "checking" };
      draw();
    }
    let avatar = null;
    if (found.avatar && found.avatar.url) avatar = { url: found.avatar.url };
    else if (found.avatar && found.avatar.blobUrl) {
      const base64 = await blobToBase64(found.avatar.blobUrl);
      if (base64) avatar = { base64 };
    }
    if (forgotten()) return;
    const key = found.key;
    let answer;
    try {
      answer = await send({ type: MESSAGES.CHECK, platform: found.platform, key, profile: found.profile, avatar, force: Boolean(force || same) });
    } catch (_error) {
      answer = { view: { state: "unavailable", reason: "error" } };
    }
    // The user moved on meanwhile, or a FORGET came; `stale`: a wipe, lock or unlock ended the check.
    if (!current || current.key !== key || forgotten() || answer.stale) return;
    if (answer.locale && answer.locale !== locale) await loadStrings();
    view = answer.view;
    draw();
  }

  /** Saving is confirmed in the extension's own window, out of the page's reach. */
  async function markFriend() {
    if (!current) return;
    let answer = null;
    try {
      answer = await send({ type: MESSAGES.FRIEND });
    } catch (_error) {
      answer = null;
    }
    note = answer && answer.ok ? { text: strings.friendConfirm, kind: "friend-confirm" } : { text: strings.friendFailed, kind: "friend-failed" };
    draw();
  }

  async function report(reason) {
    if (!current) return;
    let answer = null;
    try {
      answer = await send({ type: MESSAGES.REPORT, platform: current.platform, key: current.key, profile: current.profile, reason });
    } catch (_error) {
      answer = null;
    }
    note = answer && answer.ok ? { text: strings.reportSent, kind: "report-sent" } : { text: strings.reportFailed, kind: "report-failed" };
    draw();
  }

  function dismiss() {
    if (!current) return;
    dismissed.add(current.key);
    send({ type: MESSAGES.DISMISS, key: current.key }).catch(() => {});
    banner.remove();
  }

  /**
   * The worker's FORGET (a lock, an unlock, a wipe): the banner drawn with the old contacts goes
   * — a "trusted contact" note left on screen would name a contact on a locked or wiped device —
   * and the profile is checked again as if first seen; after a wipe (`quiet`), only once the
   * address changes, so that nothing is kept about it again at once.
   */
  function forget(quiet) {
    forgets += 1;
    clearTimeout(lateTimer);
    lateTimer = null;
    banner.remove();
    current = null;
    view = null;
    note = null;
    dismissed.clear();
    if (quiet) quietHref = root.location.href;
    else schedule();
  }

  /**
   * The worker's REFRESH: a new language or contact list, server or banner setting. Redraw in the
   * new language, check again with the new contacts. The old strings stay usable until the new
   * ones are in (a click may be mid-way).
   */
  function refresh() {
    loadStrings()
      .then(() => (current && !dismissed.has(current.key) ? scan(true) : null))
      .catch(() => {});
  }

  /** Debounced: quiet for QUIET_MS, or at most MAX_WAIT_MS after the first change. */
  function schedule() {
    const now = Date.now();
    if (!timer) firstPending = now;
    clearTimeout(timer);
    const wait = Math.max(0, Math.min(QUIET_MS, firstPending + MAX_WAIT_MS - now));
    timer = setTimeout(() => {
      timer = null;
      scan(false).catch(() => {});
    }, wait);
  }

  const observer = new MutationObserver((records) => {
    const own = banner.host;
    if (own && records.every((r) => r.target === own || own.contains(r.target) || Array.from(r.addedNodes).includes(own) || Array.from(r.removedNodes).includes(own))) {
      if (own.isConnected || !view) return; // our own drawing; a removed banner is put back below
    }
    if (root.location.href !== lastHref) {
      lastHref = root.location.href;
    }
    schedule();
  });
  // Text edited in place (characterData) and swapped labels count: a value may change without
  // any element being added.
  observer.observe(root.document.documentElement, {
    childList: true, subtree: true, characterData: true, attributes: true,
    attributeFilter: ["src", "href", "data-peer-id", "content", "alt", "aria-label", "title", "data-testid"],
  });
  // Only the worker's messages (this extension's id; a page cannot send as it): FORGET, and
  // REFRESH for a new language, contact list, server or banner setting. The content script reads
  // nothing from storage itself: `local` is closed to it where the browser allows it
  // (background/storage-access.js), so no `storage.onChanged` would come.
  api.runtime.onMessage.addListener((message, sender) => {
    if (!sender || sender.id !== api.runtime.id || !message) return;
    if (message.type === MESSAGES.FORGET) forget(message.quiet === true);
    else if (message.type === MESSAGES.REFRESH) refresh();
  });
  root.addEventListener("popstate", schedule);
  root.addEventListener("hashchange", schedule);
  if (root.navigation && root.navigation.addEventListener) root.navigation.addEventListener("navigatesuccess", schedule);
  schedule();
})(globalThis);

/*
 * What the content scripts and the extension's own pages must agree on: message types, report
 * reasons and health outcomes. A classic script, because content scripts cannot be ES modules in
 * Manifest V3; the modules get the same objects through shared/constants.js, which imports this file.
 */
(function (root) {
  "use strict";
  root.HarisProtocol = Object.freeze({
    MESSAGES: Object.freeze({
      PAGE_SETUP: "pageSetup", // strings, locale and whether to draw low-risk banners
      CHECK: "check",
      FRIEND: "friend", // opens the extension's own window, where the user confirms
      REPORT: "report",
      DISMISS: "dismiss",
      IS_DISMISSED: "isDismissed",
      DETAILS: "details",
      HEALTH: "health", // one judged visit of a profile page, for the opt-in health counter
      // From the extension's own pages (popup, options) to the worker: wipe everything, there, so
      // that no check the worker has under way writes anything after it (background/wipes.js).
      WIPE: "wipe",
      // From the worker to the content scripts: the vault was locked or opened, or everything was
      // wiped; take the banner down and forget what was checked (it may say "trusted contact").
      FORGET: "forget",
      // From the worker to the content scripts: the language, the contacts, the server or where
      // banners show changed; ask PAGE_SETUP again and check the profile again. The message says
      // nothing of what changed: content scripts cannot read `local` storage where the browser
      // allows closing it (background/storage-access.js), so this is how they learn of a change.
      REFRESH: "refresh",
    }),
    REPORT_REASONS: Object.freeze(["impersonation", "entrapment", "harassment", "other"]),
    /**
     * The banner's input protection (content/banner.js): its buttons that lower protection
     * ("Not now", "This is my real friend") ignore clicks and keys until the banner has been on
     * screen, on top, for `armMs` without a break; shown again or raised again, it waits anew. A
     * page cannot then put the banner under a click the user was already making (Firefox's
     * security.dialog_enable_delay is 1000 ms, Chromium's dialogs ignore clicks for 500 ms).
     */
    INPUT_PROTECTION: Object.freeze({ armMs: 1000 }),
    // How a visit of a profile page went, for the health counter (content/health.js).
    HEALTH_OUTCOMES: Object.freeze(["complete", "incomplete", "no_profile", "error"]),
    /**
     * Whether a check's answer is drawn in the page: never with "Nothing in the page" (`silent`);
     * on every profile when the user asked (`everywhere`); else — discreet, by default — for
     * medium and high risk, and for a profile holding the username of a contact saved without
     * its account id (background/check.js unconfirmedBy). The worker tells the page nothing more
     * of an answer it will not draw (a "hidden" view), the content script draws by the same rule.
     */
    drawnInPage(view, { everywhere, silent }) {
      if (silent || !view || view.state === "hidden") return false;
      return everywhere === true || (view.state === "result" && (view.level === "high" || view.level === "medium" || view.unconfirmed === true));
    },
  });
})(globalThis);

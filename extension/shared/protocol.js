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
    }),
    REPORT_REASONS: Object.freeze(["impersonation", "entrapment", "harassment", "other"]),
    // How a visit of a profile page went, for the health counter (content/health.js).
    HEALTH_OUTCOMES: Object.freeze(["complete", "incomplete", "no_profile", "error"]),
  });
})(globalThis);

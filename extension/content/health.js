/*
 * The content-script half of the extractor health counter (docs/extension.md, "Knowing when a
 * platform changes"): one outcome per visit of a profile page, sent to the service worker, which
 * counts it only if the user opted in. No browser-API calls here (the sender is passed in).
 *
 * A visit starts at the first look at an address that should show a profile (the extractor's
 * `expects`), or that gave one. It is judged once, SETTLE_MS after it started, on everything the
 * page showed meanwhile: `complete` (every core field was read), `incomplete` (a profile, but
 * some core fields never appeared: their names go along), `error` (the extractor threw and no
 * profile came) or `no_profile`. A visit cut short by a new address or a closed tab is not
 * counted at all, whatever it showed so far: only pages given time to render are judged, so
 * slow pages do not read as broken ones, and short visits bias neither way.
 *
 * What leaves this file is {platform, version, outcome, missing field names}: no address, no
 * handle, no profile field's value, no time.
 */
(function (root) {
  "use strict";
  const Haris = (root.Haris = root.Haris || {});

  const SETTLE_MS = 10_000;
  const [COMPLETE, INCOMPLETE, NO_PROFILE, ERROR] = root.HarisProtocol.HEALTH_OUTCOMES;

  /** The outcome of one visit: {outcome, missing}. */
  function judge(visit) {
    if (visit.profile) {
      const missing = visit.core.filter((field) => !visit.seen.has(field));
      return { outcome: missing.length ? INCOMPLETE : COMPLETE, missing };
    }
    return { outcome: visit.error ? ERROR : NO_PROFILE, missing: [] };
  }

  class HealthTally {
    /**
     * read(): a fresh Haris.readPage of the page; href(): its address now; send(message): to the
     * service worker; setTimer/clearTimer: the page's timers (a fake clock in tests).
     */
    constructor({ read, href, send, setTimer, clearTimer }) {
      this.read = read;
      this.href = href;
      this.send = send;
      this.setTimer = setTimer;
      this.clearTimer = clearTimer;
      this.visit = null;
      this.judged = null; // the address whose visit was already judged
    }

    /** One look at the page (a readPage outcome) at address `href`. */
    observe(outcome, href) {
      if (this.visit && this.visit.href !== href) this.abandon();
      if (this.judged !== null && this.judged !== href) this.judged = null;
      if (this.judged === href || !outcome || outcome.status === "none") return;
      if (!this.visit) {
        const starts = outcome.expected || outcome.status === "profile" || outcome.status === "error";
        if (!starts || !outcome.platform || !outcome.version) return;
        this.visit = {
          href, platform: outcome.platform, version: outcome.version, core: [], seen: new Set(), profile: false, error: false,
          timer: this.setTimer(() => this.settle(), SETTLE_MS),
        };
      }
      this.merge(outcome);
    }

    merge(outcome) {
      const visit = this.visit;
      if (!visit || outcome.platform !== visit.platform) return;
      if (outcome.status === "error") visit.error = true;
      if (outcome.status !== "profile") return;
      visit.profile = true;
      visit.core = Array.from(new Set([...visit.core, ...outcome.core]));
      for (const field of outcome.core) if (!outcome.missing.includes(field)) visit.seen.add(field);
    }

    /** A visit that ended before it was judged: nothing is counted. */
    abandon() {
      if (!this.visit) return;
      this.clearTimer(this.visit.timer);
      this.visit = null;
    }

    settle() {
      const visit = this.visit;
      if (!visit) return;
      if (this.href() !== visit.href) {
        this.visit = null;
        return;
      }
      this.merge(this.read());
      this.visit = null;
      this.judged = visit.href;
      const { outcome, missing } = judge(visit);
      this.send({ type: root.HarisProtocol.MESSAGES.HEALTH, platform: visit.platform, version: visit.version, outcome, missing });
    }
  }

  Haris.health = Object.freeze({ HealthTally, judge, SETTLE_MS });
})(typeof globalThis !== "undefined" ? globalThis : this);

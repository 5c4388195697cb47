/*
 * The in-page banner. Drawn in a closed shadow root, so the platform's CSS cannot restyle it and
 * the platform's scripts cannot read it (the verdict stays between the user and Haris); built
 * with textContent only, so server messages and profile names are never parsed as HTML. Its
 * buttons act only on the user's own clicks (`isTrusted`): a page script's synthetic click does
 * nothing. No browser-API calls: strings and actions are handed in, so jsdom can test it.
 *
 * Input protection, against a page that times the banner to appear under a click the user is
 * already making ("double-click here", where "Not now" will be): the buttons that lower protection
 * (GUARDED: "Not now", "This is my real friend") ignore clicks and keys until the banner has been
 * shown, on top, for INPUT_PROTECTION.armMs without a break — as the browsers' own prompts do — and
 * a click that is the second of a double-click (or later), or a key pressed before then and held
 * (its repeats, its release), even then. The wait starts again whenever
 * the banner is drawn again, raised again above a page's popover or full-screen element, its tab
 * comes back into view or its window back into focus; hidden or out of focus, those buttons wait.
 * Until then they are aria-disabled (dimmed, described as "available in a moment"), not
 * `disabled`: they stay in the keyboard's tab order, so the user's place is kept. The buttons that
 * raise it act at once: Details (shows every finding, in the extension's own window), Report and
 * its reasons (a report goes to human review, and the adversary can file reports of its own
 * anyway), Retry (checks again).
 *
 * States: "checking", "result" (level low | medium | high), "unavailable" (the backend could not
 * answer — shown as such, never as a clean result).
 */
(function (root) {
  "use strict";
  const Haris = (root.Haris = root.Haris || {});

  // Generic font families only: a page's @font-face rules apply inside the shadow root too, and a
  // named family ("Segoe UI", "Noto Sans Arabic") that the system lacks — or that a character falls
  // back to, as Arabic does past macOS's system font — would be drawn with the page's own font,
  // whose glyphs could show other words than the warning's.
  // The host is in the page's DOM, where the page's style sheets and its own style attribute reach
  // it. "!important" here wins over the page's even !important rules (inside a shadow tree,
  // important declarations come last in the cascade), so the page cannot hide, fade, move or
  // clip the banner through its host.
  const STYLE = `
    :host { all: initial !important; }
    .banner { position: fixed; inset: auto; inset-inline: 12px; top: 12px; z-index: 2147483647; max-width: 560px;
      width: auto; height: auto; max-height: calc(100vh - 24px); overflow-y: auto;
      margin: 0; margin-inline-start: auto; box-sizing: border-box; padding: 14px 16px; border-radius: 10px;
      font: 15px/1.45 system-ui, sans-serif;
      color: #fff; box-shadow: 0 6px 24px rgba(0,0,0,.35); border: 2px solid rgba(255,255,255,.25); }
    .banner[data-level="high"] { background: #8f1515; }
    .banner[data-level="medium"] { background: #6b4200; }
    .banner[data-level="low"] { background: #24415f; }
    .banner[data-state="unavailable"], .banner[data-state="checking"] { background: #3d4148; }
    h2 { margin: 0 0 6px; font-size: 16px; font-weight: 700; }
    .risk { font-weight: 400; opacity: .9; margin-inline-start: .5em; font-size: 14px; }
    ul { margin: 6px 0; padding-inline-start: 20px; }
    li { margin: 2px 0; }
    .advice { margin: 8px 0; padding: 8px 10px; border-radius: 6px; background: rgba(0,0,0,.28); }
    .advice strong { display: block; margin-bottom: 2px; }
    .note { margin: 6px 0 0; font-size: 13px; opacity: .95; }
    .actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 10px; }
    button { font: inherit; font-size: 14px; padding: 6px 12px; border-radius: 6px; cursor: pointer;
      border: 1px solid #fff; background: #fff; color: #111; }
    button.secondary { background: transparent; color: #fff; }
    button:focus-visible { outline: 3px solid #ffd34d; outline-offset: 2px; }
    button { transition: opacity .2s; }
    button[aria-disabled="true"] { opacity: .5; cursor: not-allowed; }
  `;

  const { REPORT_REASONS, INPUT_PROTECTION } = root.HarisProtocol;
  // The actions that lower protection: hide the warning, or open the window that trusts the profile.
  const GUARDED = new Set(["dismiss", "friend"]);

  /**
   * The three reasons to show: findings that raised the risk, highest points first — except that
   * "looks like someone you know / a protected person" always leads, because it is the one a user
   * can act on (ask that person through another channel).
   */
  function topReasons(findings) {
    const raising = (findings || []).filter((f) => f.points > 0);
    const impersonation = raising.filter((f) => f.code.startsWith("impersonation."));
    const rest = raising.filter((f) => !f.code.startsWith("impersonation."));
    return impersonation.concat(rest).slice(0, 3);
  }

  /**
   * A custom element name drawn at random for each page ("qzkrw-plvbn"): the host is in the page's
   * DOM, and a fixed name such as <haris-banner> would be a marker any page — or a platform's list
   * of known extensions — could look for to learn that this person uses Haris.
   */
  function randomTagName() {
    const letters = root.crypto.getRandomValues(new Uint8Array(12));
    const word = (bytes) => Array.from(bytes, (b) => String.fromCharCode(97 + (b % 26))).join("");
    return `${word(letters.subarray(0, 6))}-${word(letters.subarray(6))}`;
  }

  /**
   * @param {Document} doc
   * @param {{onDetails, onFriend, onDismiss, onReport, onRetry}} actions
   * @param {{setTimer?: Function, clearTimer?: Function}} [clock] the input protection's timer
   *   (the window's setTimeout by default; tests hand in their own)
   */
  class Banner {
    // The closed root is reachable only through this field, which lives in the content script's
    // isolated world: the page sees an empty element of a random name whose shadowRoot is null.
    #shadow = null;
    #box = null; // the <section> drawn last, shown in the top layer
    #armed = false; // the GUARDED buttons act (the banner has been on screen for armMs)
    #armTimer = null;
    #keyBlocked = false; // the key down in the banner was pressed before it could be read, or repeats

    constructor(doc, actions, { setTimer, clearTimer } = {}) {
      this.doc = doc;
      this.actions = actions;
      this.host = null;
      this.tagName = randomTagName();
      this.setTimer = setTimer || ((fn, ms) => root.setTimeout(fn, ms));
      this.clearTimer = clearTimer || ((id) => root.clearTimeout(id));
      // The top layer is the page's too: a popover or dialog the page opens after the banner is
      // drawn would stack above it. Whenever one opens, the banner goes back on top. No loop: the
      // banner's own "toggle" events stay inside its closed root (they are not composed), and the
      // page cannot see the banner being raised, so it raises the banner once per popover it opens.
      doc.addEventListener("toggle", (event) => {
        if (event.newState === "open" && this.#box && event.target !== this.#box) this.raise(this.#box);
      }, true);
      // A page's full-screen element is in the top layer too, above the banner while it lasts: on
      // entering, the banner goes back on top; on leaving, it is uncovered. Either way it waits anew.
      doc.addEventListener("fullscreenchange", () => {
        if (this.#box) this.raise(this.#box);
      }, true);
      // Out of sight, the banner is not being read: a hidden tab, a window out of focus (a page's
      // pop-up window closed under the user's click) wait; back in sight, the wait starts again.
      doc.addEventListener("visibilitychange", () => {
        if (doc.visibilityState === "hidden") this.#disarm();
        else this.#startArming();
      }, true);
      const view = doc.defaultView;
      if (view) {
        view.addEventListener("blur", (event) => {
          if (event.target === view) this.#disarm();
        }, true);
        view.addEventListener("focus", (event) => {
          if (event.target === view) this.#startArming();
        }, true);
      }
    }

    /** The GUARDED buttons wait; a wait under way is called off. */
    #disarm() {
      if (this.#armTimer !== null) this.clearTimer(this.#armTimer);
      this.#armTimer = null;
      this.#setArmed(false);
    }

    /** The GUARDED buttons wait INPUT_PROTECTION.armMs from now, if the banner is on screen. */
    #startArming() {
      this.#disarm();
      if (!this.#box || !this.#box.isConnected || this.doc.visibilityState === "hidden") return;
      this.#armTimer = this.setTimer(() => {
        this.#armTimer = null;
        this.#setArmed(true);
      }, INPUT_PROTECTION.armMs);
    }

    #setArmed(armed) {
      this.#armed = armed;
      if (!this.#box) return;
      for (const button of this.#box.querySelectorAll("button[data-action]")) {
        if (!GUARDED.has(button.getAttribute("data-action"))) continue;
        if (armed) {
          button.removeAttribute("aria-disabled");
          button.removeAttribute("aria-describedby");
        } else {
          button.setAttribute("aria-disabled", "true");
          button.setAttribute("aria-describedby", "haris-arming");
        }
      }
    }

    /**
     * Whether a GUARDED button's click counts: the banner has been on screen long enough, the
     * click is not the second of a double-click or later (`detail`, the browser's click count: a
     * user clicking fast where the banner appeared; 0 for a key, 1 for a single click), and a
     * key's comes from a key pressed afresh since then.
     */
    #accepts(event) {
      return this.#armed && event.detail <= 1 && !(event.detail === 0 && this.#keyBlocked);
    }

    /** Put the host back if the page's own rendering removed it. */
    ensureAttached() {
      if (!this.host) {
        this.host = this.doc.createElement(this.tagName);
        this.#shadow = this.host.attachShadow({ mode: "closed" });
        // A key held down since before the banner could be read acts on a button later: Enter's
        // repeats each press it, Space presses it when released. Only a key pressed, afresh,
        // once the GUARDED buttons act, acts on one. Its mark lasts until the click its release
        // may cause (Space's) is over, then goes: a screen reader's click comes with no key.
        this.#shadow.addEventListener("keydown", (event) => {
          this.#keyBlocked = !this.#armed || event.repeat === true;
        }, true);
        this.#shadow.addEventListener("keyup", () => {
          this.setTimer(() => {
            this.#keyBlocked = false;
          }, 0);
        }, true);
      }
      if (!this.host.isConnected) {
        // A child of the root element, just before <body>: an ancestor's style reaches the host
        // where its own !important :host rules do not, and a page that hides its <body>
        // (display: none, content-visibility: hidden) to draw itself beside it would hide a
        // banner inside it. The root has no such ancestor, and a page cannot hide the root
        // without hiding itself. Before <body>, it still comes first in the keyboard's tab order.
        const rootElement = this.doc.documentElement;
        const body = this.doc.body && this.doc.body.parentNode === rootElement ? this.doc.body : null;
        rootElement.insertBefore(this.host, body);
      }
    }

    remove() {
      this.#disarm();
      if (this.host) this.host.remove();
      this.host = null;
      this.#shadow = null;
      this.#box = null;
    }

    el(tag, props, children) {
      const node = this.doc.createElement(tag);
      for (const [key, value] of Object.entries(props || {})) {
        if (key === "text") node.textContent = value;
        else if (key === "onclick") node.addEventListener("click", (event) => {
          if (event.isTrusted) value(event); // a page script's .click() or dispatchEvent is ignored
        });
        else node.setAttribute(key, value);
      }
      for (const child of children || []) if (child) node.appendChild(child);
      return node;
    }

    button(label, onclick, secondary, name) {
      const attributes = { type: "button", class: secondary ? "secondary" : "primary", "data-action": name, text: label, onclick };
      if (!GUARDED.has(name)) return this.el("button", attributes);
      // Drawn waiting: render() starts the wait once the banner is on screen.
      const guarded = (event) => {
        if (this.#accepts(event)) onclick(event);
      };
      return this.el("button", { ...attributes, onclick: guarded, "aria-disabled": "true", "aria-describedby": "haris-arming" });
    }

    /**
     * @param {object} view {state, level, risk, findings, unavailable, reason, unconfirmed, note}
     * @param {object} t strings of the chosen language ({key: text}); t.dir is "rtl" or "ltr"
     */
    render(view, t, locale) {
      this.ensureAttached();
      const shadow = this.#shadow;
      while (shadow.firstChild) shadow.removeChild(shadow.firstChild);
      shadow.appendChild(this.el("style", { text: STYLE }));
      const urgent = view.state === "result" && (view.level === "high" || view.level === "medium");
      const box = this.el("section", {
        class: "banner",
        role: urgent ? "alert" : "status",
        "aria-live": urgent ? "assertive" : "polite",
        "aria-labelledby": "haris-title",
        dir: t.dir || "ltr",
        lang: locale,
        "data-state": view.state,
      });
      // Nothing on the host itself: its attributes are in the page's DOM, readable by the page.
      if (view.state === "result") box.setAttribute("data-level", view.level);

      // What the waiting buttons say to a screen reader (aria-describedby); hidden from sight,
      // where the dimmed buttons say it.
      box.appendChild(this.el("span", { id: "haris-arming", hidden: "", text: t.bannerArming }));
      if (view.state === "checking") {
        box.appendChild(this.el("h2", { id: "haris-title", text: t.checking }));
      } else if (view.state === "unavailable") {
        box.appendChild(this.el("h2", { id: "haris-title", text: t.couldNotCheckTitle }));
        box.appendChild(this.el("p", { class: "note", "data-reason": view.reason, text: t[`couldNotCheck_${view.reason}`] || t.couldNotCheck_down }));
        box.appendChild(this.el("p", { class: "note", text: t.notAVerdict }));
        box.appendChild(this.el("div", { class: "actions" }, [
          this.button(t.retry, () => this.actions.onRetry(), false, "retry"),
          this.button(t.notNow, () => this.actions.onDismiss(), true, "dismiss"),
        ]));
      } else {
        const title = this.el("h2", { id: "haris-title", text: t[`title_${view.level}`] }, [
          this.el("span", { class: "risk", text: t.riskScore.replace("$1", String(view.risk)) }),
        ]);
        box.appendChild(title);
        const top = topReasons(view.findings);
        if (top.length) {
          box.appendChild(this.el("ul", { class: "reasons" }, top.map((f) => this.el("li", { "data-code": f.code, text: f.message }))));
        } else {
          box.appendChild(this.el("p", { class: "note", text: t.noReasons }));
        }
        if (view.level === "high") {
          box.appendChild(this.el("div", { class: "advice" }, [
            this.el("strong", { text: t.adviceTitle }),
            this.el("ul", {}, [t.adviceVerify, t.adviceNoMeet, t.adviceNoContacts].map((a) => this.el("li", { text: a }))),
          ]));
        }
        if ((view.unavailable || []).length) box.appendChild(this.el("p", { class: "note", "data-partial": "true", text: t.partial }));
        if (view.level === "low") box.appendChild(this.el("p", { class: "note", text: t.lowIsNotProof }));
        // Never "trusted contact": the page measures the banner (background/check.js pageView).
        // Said once: in the contact's finding when the server raised one, else here.
        if (view.unconfirmed && !top.some((f) => f.code === "impersonation.contact")) {
          box.appendChild(this.el("p", { class: "note", "data-unconfirmed": "true", text: t.unconfirmedContact }));
        }
        if (view.note) box.appendChild(this.el("p", { class: "note", "data-note": view.noteKind || "info", role: "status", text: view.note }));
        const actions = this.el("div", { class: "actions" }, [
          this.button(t.details, () => this.actions.onDetails(), false, "details"),
          this.button(t.realFriend, () => this.actions.onFriend(), true, "friend"),
          this.button(t.notNow, () => this.actions.onDismiss(), true, "dismiss"),
          this.button(t.report, () => this.showReportChoices(box, t), true, "report"),
        ]);
        box.appendChild(actions);
      }
      shadow.appendChild(box);
      this.#box = box;
      this.raise(box);
      return box;
    }

    /**
     * The banner in the browser's top layer, above every z-index of the page: the host is in the
     * page's DOM, and a page element at the top z-index later in the DOM (painted after the host)
     * would cover it: a "safe" drawn over a warning, or a cover with `pointer-events: none` the
     * user clicks through onto "Not now". The popover is the <section> inside the closed root,
     * not the host, so the page sees no attribute and holds no reference to hide it with; a page
     * can only take the host out, which main.js notices and repairs. Browsers without popovers
     * (Firefox before 125) keep the z-index alone.
     */
    raise(box) {
      this.#startArming();
      if (typeof box.showPopover !== "function" || !box.isConnected) return;
      box.setAttribute("popover", "manual");
      try {
        // Shown again, it goes to the top of the top layer.
        if (box.matches(":popover-open")) box.hidePopover();
        box.showPopover();
      } catch (_error) {
        // Not shown as a popover (a document without a top layer): the z-index still stands.
        box.removeAttribute("popover");
      }
    }

    showReportChoices(box, t) {
      const existing = box.querySelector(".report-choices");
      if (existing) return;
      const choices = this.el("div", { class: "actions report-choices", role: "group", "aria-label": t.reportWhy }, [
        this.el("span", { text: t.reportWhy }),
        ...REPORT_REASONS.map((reason) =>
          this.button(t[`reason_${reason}`], () => this.actions.onReport(reason), true, `report-${reason}`),
        ),
      ]);
      box.appendChild(choices);
      const first = choices.querySelector("button");
      if (first) first.focus();
    }
  }

  Haris.Banner = Banner;
  Haris.topReasons = topReasons;
})(typeof globalThis !== "undefined" ? globalThis : this);

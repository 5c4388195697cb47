// Banner tests in jsdom: levels, reasons, advice, right-to-left, honest "could not check", safety.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { INPUT_PROTECTION } from "../../extension/shared/constants.js";
import { pageAt, source, strings } from "./helpers.mjs";

/** The banner's input-protection timer, run by hand: `fire()` runs the timers set so far. */
function fakeTimers() {
  const timers = new Map();
  let next = 1;
  return {
    timers,
    setTimer: (fn, ms) => {
      timers.set(next, { fn, ms });
      return next++;
    },
    clearTimer: (id) => timers.delete(id),
    fire() {
      for (const [id, timer] of [...timers]) {
        timers.delete(id);
        timer.fn();
      }
    },
  };
}

function setup() {
  const window = pageAt("https://x.com/someone", { html: "<body><div id=react-root>page</div></body>" });
  const calls = [];
  const actions = Object.fromEntries(["onDetails", "onFriend", "onDismiss", "onReport", "onRetry"].map((name) => [name, (arg) => calls.push([name, arg])]));
  const clock = fakeTimers();
  const banner = new window.Haris.Banner(window.document, actions, clock);
  return { window, banner, calls, clock };
}

const HIGH = {
  state: "result",
  level: "high",
  risk: 91,
  findings: [
    { code: "impersonation.contact", points: 3.2, message: "Looks like your contact <b>Mohammed</b>." },
    { code: "activity.few_posts", points: 1.2, message: "Almost no posts (0)." },
    { code: "handle.digits", points: 0.8, message: "Digits." },
    { code: "bio.empty_or_link_only", points: 0.5, message: "Empty bio." },
    { code: "account.verified", points: -2, message: "Verified." },
  ],
  unavailable: [],
};

describe("banner", () => {
  test("high risk: alert role, level, top three positive reasons in order, safety advice", () => {
    const { banner } = setup();
    const box = banner.render(HIGH, strings("en"), "en");
    assert.equal(box.getAttribute("data-level"), "high");
    assert.equal(box.getAttribute("role"), "alert");
    assert.equal(box.getAttribute("dir"), "ltr");
    const codes = Array.from(box.querySelectorAll("li[data-code]")).map((li) => li.getAttribute("data-code"));
    assert.deepEqual(codes, ["impersonation.contact", "activity.few_posts", "handle.digits"]);
    assert.match(box.textContent, /Do not agree to meet this person/);
    assert.match(box.querySelector("h2").textContent, /High risk.*risk 91\/100/);
  });

  test("a look-alike of someone the user knows leads, even with fewer points", () => {
    const { banner } = setup();
    const findings = [
      { code: "activity.follow_ratio", points: 4.7, message: "Follows many." },
      { code: "activity.few_followers", points: 1.0, message: "Few followers." },
      { code: "impersonation.contact", points: 4.4, message: "Looks like your contact." },
      { code: "activity.few_posts", points: 0.9, message: "Few posts." },
    ];
    const box = banner.render({ ...HIGH, findings }, strings("en"), "en");
    const codes = Array.from(box.querySelectorAll("li[data-code]")).map((li) => li.getAttribute("data-code"));
    assert.deepEqual(codes, ["impersonation.contact", "activity.follow_ratio", "activity.few_followers"]);
  });

  test("server text is shown as text, never parsed as HTML", () => {
    const { banner } = setup();
    const box = banner.render(HIGH, strings("en"), "en");
    assert.equal(box.querySelector("b"), null);
    assert.equal(box.querySelector('li[data-code="impersonation.contact"]').textContent, "Looks like your contact <b>Mohammed</b>.");
  });

  test("Arabic is right-to-left with Arabic strings", () => {
    const { banner } = setup();
    const box = banner.render({ ...HIGH, level: "medium" }, strings("ar"), "ar");
    assert.equal(box.getAttribute("dir"), "rtl");
    assert.equal(box.getAttribute("lang"), "ar");
    assert.match(box.querySelector("h2").textContent, /انتبه/);
    assert.equal(box.querySelector(".advice"), null, "safety advice is for high risk");
  });

  test("low risk is a polite status that says a low score proves nothing", () => {
    const { banner } = setup();
    const box = banner.render({ state: "result", level: "low", risk: 8, findings: [], unavailable: ["avatar.reused"] }, strings("fr"), "fr");
    assert.equal(box.getAttribute("role"), "status");
    assert.match(box.textContent, /ne prouve pas que le compte est authentique/);
    assert.ok(box.querySelector("[data-partial]"), "skipped checks are said, so a partial answer is not taken as clean");
  });

  test("could not check: no level, says it is not a verdict, offers retry", () => {
    const { banner, calls } = setup();
    const box = banner.render({ state: "unavailable", reason: "rate_limited" }, strings("en"), "en");
    assert.equal(box.getAttribute("data-state"), "unavailable");
    assert.equal(box.hasAttribute("data-level"), false);
    assert.match(box.textContent, /could not check/);
    assert.match(box.textContent, /asked to try again later/);
    assert.match(box.textContent, /not a verdict/);
    assert.ok(box.querySelector('[data-action="retry"]'));
  });

  test("buttons are real buttons; a script's synthetic clicks do nothing (real clicks: tests/browser)", () => {
    const { window, banner, calls } = setup();
    const box = banner.render(HIGH, strings("en"), "en");
    for (const button of box.querySelectorAll("button")) assert.equal(button.getAttribute("type"), "button");
    for (const action of ["friend", "details", "report", "dismiss"]) {
      box.querySelector(`[data-action="${action}"]`).click();
      box.querySelector(`[data-action="${action}"]`).dispatchEvent(new window.MouseEvent("click", { bubbles: true }));
    }
    assert.deepEqual(calls, []);
    assert.equal(box.querySelector(".report-choices"), null, "Report did not open its choices either");
  });

  test("the page sees an empty host: closed shadow root, no verdict in its attributes or text", () => {
    const { window, banner } = setup();
    banner.render({ ...HIGH, trusted: true }, strings("en"), "en");
    const host = window.document.body.previousElementSibling;
    assert.equal(host, banner.host);
    assert.equal(host.shadowRoot, null);
    assert.deepEqual(host.getAttributeNames(), []);
    assert.equal(host.textContent, "");
    assert.equal(banner.shadow, undefined, "the root is a private field");
  });

  test("a view saying 'trusted' draws as any other (the page measures the banner); put back if the page removes it", () => {
    const { window, banner } = setup();
    const box = banner.render({ ...HIGH, trusted: true, byUsername: true }, strings("en"), "en");
    const plain = banner.render(HIGH, strings("en"), "en");
    assert.equal(box.outerHTML, plain.outerHTML);
    assert.ok(plain.querySelector('[data-action="friend"]'), "'This is my real friend' opens the popup, which says she is one");
    banner.host.remove();
    banner.render(HIGH, strings("en"), "en");
    assert.equal(window.document.body.previousSibling, banner.host, "a child of the root just before <body>: early in the tab order, out of reach of <body>'s style");
    assert.equal(window.document.querySelectorAll(banner.host.localName).length, 1);
  });

  test("a contact known by username only: said once, in the contact's finding or as a note", () => {
    const t = strings("en");
    const { banner } = setup();
    const low = banner.render({ state: "result", level: "low", risk: 8, findings: [], unconfirmed: true, trusted: false }, t, "en");
    assert.equal(low.querySelector("[data-unconfirmed]").textContent, t.unconfirmedContact);
    assert.ok(low.querySelector("[data-action='friend']"), "she can confirm it is her, in the extension's window");
    const finding = { code: "impersonation.contact", points: 4, message: t.unconfirmedContact };
    const high = banner.render({ ...HIGH, findings: [finding], unconfirmed: true }, t, "en");
    assert.equal(high.textContent.split(t.unconfirmedContact).length - 1, 1);
    assert.equal(high.querySelector("[data-unconfirmed]"), null);
  });

  test("the banner stays within the screen, scrolling a long text: it never covers the whole page nor pushes its buttons away", () => {
    assert.match(source("content/banner.js"), /max-height: calc\(100vh - 24px\); overflow-y: auto;/);
  });

  test("the host's name does not say Haris, and differs from page to page: no fixed marker to look for", () => {
    const names = [];
    for (let i = 0; i < 3; i += 1) {
      const { window, banner } = setup();
      banner.render(HIGH, strings("en"), "en");
      const name = banner.host.localName;
      assert.match(name, /^[a-z]+-[a-z]+$/, "a valid custom element name");
      assert.equal(/haris|banner|حارس/i.test(name), false, name);
      banner.remove();
      banner.render(HIGH, strings("en"), "en");
      assert.equal(banner.host.localName, name, "one name for the life of the page");
      assert.equal(window.document.querySelector("[data-haris], .haris, #haris"), null);
      names.push(name);
    }
    assert.equal(new Set(names).size, 3);
  });
});

/** Whether each of the banner's buttons waits (aria-disabled), by action. */
function waiting(box) {
  return Object.fromEntries(Array.from(box.querySelectorAll("button[data-action]"), (b) => [b.getAttribute("data-action"), b.getAttribute("aria-disabled") === "true"]));
}

const GUARDED_WAIT = { details: false, friend: true, dismiss: true, report: false };
const ARMED = { details: false, friend: false, dismiss: false, report: false };

describe("input protection: the buttons that lower protection wait until the banner has been on screen", () => {
  test("'Not now' and 'This is my real friend' wait armMs, described to screen readers; Details and Report act at once", () => {
    const { banner, clock } = setup();
    const t = strings("en");
    const box = banner.render(HIGH, t, "en");
    assert.deepEqual(waiting(box), GUARDED_WAIT);
    const dismiss = box.querySelector('[data-action="dismiss"]');
    assert.equal(box.querySelector(`#${dismiss.getAttribute("aria-describedby")}`).textContent, t.bannerArming);
    assert.equal(box.querySelector("#haris-arming").hidden, true, "said to screen readers; the dimmed buttons say it on screen");
    assert.deepEqual([...clock.timers.values()].map((timer) => timer.ms), [INPUT_PROTECTION.armMs]);
    assert.ok(INPUT_PROTECTION.armMs >= 500, "at least Chromium's own dialogs' wait");
    clock.fire();
    assert.deepEqual(waiting(box), ARMED);
    assert.equal(dismiss.hasAttribute("aria-describedby"), false);
    assert.match(source("content/banner.js"), /button\[aria-disabled="true"\] \{ opacity: \.5; cursor: not-allowed; \}/, "a visible cue");
  });

  test("could not check: 'Not now' waits, Retry does not", () => {
    const { banner, clock } = setup();
    const box = banner.render({ state: "unavailable", reason: "down" }, strings("ar"), "ar");
    assert.deepEqual(waiting(box), { retry: false, dismiss: true });
    assert.match(box.querySelector("#haris-arming").textContent, /لحظة/);
    clock.fire();
    assert.deepEqual(waiting(box), { retry: false, dismiss: false });
  });

  test("drawn again, the wait starts again", () => {
    const { banner, clock } = setup();
    banner.render(HIGH, strings("en"), "en");
    clock.fire();
    const box = banner.render({ ...HIGH, note: "Report sent", noteKind: "report-sent" }, strings("en"), "en");
    assert.deepEqual(waiting(box), GUARDED_WAIT);
    assert.equal(clock.timers.size, 1);
    clock.fire();
    assert.deepEqual(waiting(box), ARMED);
  });

  test("raised again above a page's popover or full-screen element, the wait starts again", () => {
    for (const raise of [
      (window) => {
        const event = new window.Event("toggle");
        Object.defineProperty(event, "newState", { value: "open" });
        window.document.getElementById("react-root").dispatchEvent(event);
      },
      (window) => window.document.dispatchEvent(new window.Event("fullscreenchange")),
    ]) {
      const { window, banner, clock } = setup();
      const box = banner.render(HIGH, strings("en"), "en");
      clock.fire();
      assert.deepEqual(waiting(box), ARMED);
      raise(window);
      assert.deepEqual(waiting(box), GUARDED_WAIT);
      assert.equal(clock.timers.size, 1, "one wait, from the raise");
      clock.fire();
      assert.deepEqual(waiting(box), ARMED);
    }
  });

  test("a popover closing does not restart the wait; nor does anything once the banner is gone", () => {
    const { window, banner, clock } = setup();
    const box = banner.render(HIGH, strings("en"), "en");
    clock.fire();
    const closed = new window.Event("toggle");
    Object.defineProperty(closed, "newState", { value: "closed" });
    window.document.body.dispatchEvent(closed);
    assert.deepEqual(waiting(box), ARMED);
    banner.render(HIGH, strings("en"), "en");
    banner.remove();
    assert.equal(clock.timers.size, 0, "the wait under way is called off with the banner");
    window.document.dispatchEvent(new window.Event("fullscreenchange"));
    window.dispatchEvent(new window.Event("focus"));
    assert.equal(clock.timers.size, 0);
  });

  test("a hidden tab or a window out of focus waits; back in sight, the wait starts again", () => {
    const { window, banner, clock } = setup();
    let visibility = "visible";
    Object.defineProperty(window.document, "visibilityState", { configurable: true, get: () => visibility });
    const box = banner.render(HIGH, strings("en"), "en");
    clock.fire();
    visibility = "hidden";
    window.document.dispatchEvent(new window.Event("visibilitychange"));
    assert.deepEqual(waiting(box), GUARDED_WAIT);
    assert.equal(clock.timers.size, 0, "no wait runs out while the tab is hidden");
    banner.render(HIGH, strings("en"), "en");
    assert.equal(clock.timers.size, 0, "drawn in a hidden tab: nothing runs until it is shown");
    visibility = "visible";
    window.document.dispatchEvent(new window.Event("visibilitychange"));
    assert.equal(clock.timers.size, 1);
    clock.fire();
    const shown = banner.render(HIGH, strings("en"), "en");
    clock.fire();
    assert.deepEqual(waiting(shown), ARMED);

    window.dispatchEvent(new window.Event("blur"));
    assert.deepEqual(waiting(shown), GUARDED_WAIT);
    assert.equal(clock.timers.size, 0);
    window.document.getElementById("react-root").dispatchEvent(new window.Event("focus"));
    assert.equal(clock.timers.size, 0, "an element's focus is not the window's");
    window.dispatchEvent(new window.Event("focus"));
    assert.equal(clock.timers.size, 1);
    clock.fire();
    assert.deepEqual(waiting(shown), ARMED);
  });
});

describe("page fonts", () => {
  test("the banner names no font family a page's @font-face could define: generic families only", () => {
    const style = source("content/banner.js").match(/const STYLE = `([^`]*)`/)[1];
    const fonts = [...style.matchAll(/font(?:-family)?\s*:\s*([^;]+);/g)].map((m) => m[1]).filter((v) => v.trim() !== "inherit");
    assert.ok(fonts.length > 0);
    for (const value of fonts) {
      const families = value.replace(/^[\d.]+px\/[\d.]+\s+/, "").split(",").map((f) => f.trim());
      for (const family of families) assert.ok(["system-ui", "sans-serif", "serif", "monospace", "ui-sans-serif"].includes(family), family);
    }
  });
});

describe("locales", () => {
  test("ar, en and fr define the same keys, none empty, placeholders kept", () => {
    const en = strings("en");
    for (const locale of ["ar", "fr"]) {
      const other = strings(locale);
      assert.deepEqual(Object.keys(other).sort(), Object.keys(en).sort(), locale);
      for (const [key, value] of Object.entries(other)) {
        assert.ok(value, `${locale}.${key} is empty`);
        assert.equal(value.includes("$1"), en[key].includes("$1"), `${locale}.${key} placeholder`);
      }
    }
  });
});

// Red-team pass: what a page's own scripts can learn about Haris from the page itself. A banner
// is part of the page (its host element, where it sits, how big it is), so a page that sees one
// learns that this visitor runs Haris, and — by default, where only risky profiles get one — that
// Haris found the profile risky. "Nothing in the page" (Options, `pageSilent`) draws nothing at all.
// The real content scripts run in jsdom with a stand-in worker (helpers.mjs contentScriptAt).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contentScriptAt, strings } from "./helpers.mjs";

const X = `<main><div data-testid="primaryColumn"><div data-testid="UserName"><div dir="ltr"><span>Mohamed Saleh</span></div>
<div dir="ltr"><span>@mo_saleh_1</span></div></div><div data-testid="UserDescription">hi</div></div></main>`;
const HIGH = {
  state: "result", level: "high", risk: 93, trusted: false, unconfirmed: true, unavailable: [],
  findings: [{ code: "impersonation.contact", points: 4.4, message: strings("en").contactLookalike }],
};

/** A page script's view: every DOM mutation, every event dispatched by script, every console line. */
function watch(page) {
  const { window } = page;
  const seen = { mutations: [], events: [], console: [] };
  new window.MutationObserver((records) => seen.mutations.push(...records)).observe(window.document, {
    subtree: true, childList: true, attributes: true, characterData: true,
  });
  const dispatch = window.EventTarget.prototype.dispatchEvent;
  window.EventTarget.prototype.dispatchEvent = function (event) {
    seen.events.push(event.type);
    return dispatch.call(this, event);
  };
  for (const level of ["log", "info", "warn", "error", "debug"]) window.console[level] = (...args) => seen.console.push(args);
  return seen;
}

describe("what a page can tell", () => {
  test("with 'nothing in the page', a high-risk verdict changes nothing a page script can observe", async () => {
    const page = contentScriptAt("https://x.com/mo_saleh_1", X, { everywhere: false, silent: true, view: HIGH });
    const before = page.document.documentElement.outerHTML;
    const seen = watch(page);
    await page.advance(2000);
    assert.equal(page.checks().length, 1, "the profile is still checked (the toolbar says the answer)");
    assert.deepEqual(seen.mutations, [], "no element, attribute or text added, even for a moment");
    assert.equal(page.document.documentElement.outerHTML, before);
    assert.deepEqual(seen.events, []);
    assert.deepEqual(seen.console, []);
  });

  test("by default, a risky profile's banner is the one thing added: an element with a random name, nothing in it the page can read", async () => {
    const page = contentScriptAt("https://x.com/mo_saleh_1", X, { everywhere: false, view: HIGH });
    const seen = watch(page);
    await page.advance(2000);
    const added = seen.mutations.flatMap((r) => Array.from(r.addedNodes));
    assert.equal(added.length, 1);
    const [host] = added;
    assert.match(host.localName, /^[a-z]{6}-[a-z]{6}$/);
    assert.deepEqual([host.getAttributeNames(), host.textContent, host.shadowRoot, host.parentNode], [[], "", null, page.document.documentElement]);
    assert.equal(seen.mutations.every((r) => r.type === "childList" && r.target === page.document.documentElement), true, "nothing else changed");
    // No event is dispatched on the page and nothing is logged, drawing or not.
    assert.deepEqual(seen.events, []);
    assert.deepEqual(seen.console, []);
    // A second page gets another name: there is no fixed marker to look for.
    const other = contentScriptAt("https://x.com/mo_saleh_1", X, { everywhere: false, view: HIGH });
    await other.advance(2000);
    assert.notEqual(other.document.body.previousElementSibling.localName, host.localName);
  });
});

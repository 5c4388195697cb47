// Security review finding 7, as a test: a script of the platform's page (a platform XSS, a third-
// party script) must not read the banner nor press its buttons. The content scripts run in jsdom
// with a stand-in worker; the page's script runs after them, as in the reproducer.
// (In Chromium the same is shown with real, trusted clicks in tests/browser.)
import assert from "node:assert/strict";
import { test } from "node:test";
import { pageAt, source, strings } from "./helpers.mjs";

const HOSTILE_X = `<body><div data-testid="primaryColumn"><div data-testid="UserName"><span>Mohamed Saleh</span><span>@mo_saleh_1</span></div>
<div data-testid="UserDescription">hi</div></div></body>`;

test("a page script cannot read the banner or press 'This is my real friend' or 'Report'", async () => {
  const window = pageAt("https://x.com/mo_saleh_1", { html: HOSTILE_X });
  const sent = [];
  const en = strings("en");
  window.chrome = {
    runtime: {
      id: "haris@test",
      onMessage: { addListener() {} },
      sendMessage: async (message) => {
        sent.push(message);
        if (message.type === "pageSetup") return { locale: "en", strings: en, everywhere: false };
        if (message.type === "isDismissed") return { dismissed: false };
        if (message.type === "check") {
          return { locale: "en", view: { state: "result", level: "high", risk: 93, trusted: false, unavailable: [],
            findings: [{ code: "impersonation.contact", points: 4.4, message: en.contactLookalike }] } };
        }
        return { ok: true };
      },
    },
  };
  window.eval(source("content/main.js"));
  const host = await new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      // The host's name is random (no marker to look for): the element the content script put just before <body>.
      const first = window.document.body.previousElementSibling;
      const found = first && first.localName.includes("-") ? first : null;
      if (found || Date.now() - started > 5000) {
        clearInterval(poll);
        found ? resolve(found) : reject(new Error("no banner"));
      }
    }, 20);
  });
  // What any script of the page can do:
  assert.equal(host.shadowRoot, null, "closed shadow root");
  assert.deepEqual(host.getAttributeNames(), [], "no verdict on the host's attributes");
  assert.equal(host.textContent, "");
  assert.equal(window.document.body.innerHTML.includes("contact"), false);
  assert.equal(window.document.querySelector('[data-action="friend"]'), null);
  for (const node of window.document.querySelectorAll("*")) {
    node.dispatchEvent(new window.MouseEvent("click", { bubbles: true, composed: true }));
  }
  host.click();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(sent.filter((m) => ["friend", "report", "dismiss", "details"].includes(m.type)), []);
});

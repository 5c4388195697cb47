// Load the extension's chrome-free content scripts into a jsdom window, as the browser would.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { JSDOM } from "jsdom";

export const EXTENSION = new URL("../../extension/", import.meta.url);
/** The content scripts in the order the manifest loads them. */
export const MANIFEST_SCRIPTS = JSON.parse(readFileSync(new URL("manifest.json", EXTENSION), "utf8")).content_scripts[0].js;
// All but the glue (main.js), which tests start themselves with a stand-in worker.
const CONTENT_SCRIPTS = MANIFEST_SCRIPTS.filter((script) => script !== "content/main.js");

export function source(path) {
  return readFileSync(new URL(path, EXTENSION), "utf8");
}

/** A saved page under fixtures/ ("x/real-….html"), as text, for tests that edit it. */
export function fixture(name) {
  return readFileSync(new URL(`fixtures/${name}`, import.meta.url), "utf8");
}

/** A jsdom window at `url` showing `html` (or a fixture file name), with the content scripts loaded. */
export function pageAt(url, { fixture: name, html } = {}) {
  const markup = html ?? fixture(name);
  // Page scripts never run (as inline scripts do not run for content scripts' view of the DOM).
  const dom = new JSDOM(markup, { url, runScripts: "outside-only", pretendToBeVisual: true });
  for (const script of CONTENT_SCRIPTS) dom.window.eval(source(script));
  return dom.window;
}

/** What the content script would send, as plain JSON (objects from jsdom's realm compare badly). */
export function extractAt(url, options) {
  const window = pageAt(url, options);
  return JSON.parse(JSON.stringify(window.Haris.extractProfile(window.document, window.location)));
}

/** The English strings of the extension, as the service worker hands them to the banner. */
export function strings(locale) {
  const messages = JSON.parse(source(`_locales/${locale}/messages.json`));
  const out = Object.fromEntries(Object.entries(messages).map(([key, value]) => [key, value.message]));
  out.dir = out.direction === "rtl" ? "rtl" : "ltr";
  return out;
}

/**
 * A page at `url` running every content script with a stand-in service worker (its messages are
 * in `sent`; it answers every check with `view`, and banners show on every profile unless
 * `everywhere` is false, and none at all when `silent`); timers advance only through `advance(ms)`.
 */
export function contentScriptAt(url, html, { everywhere = true, silent = false, view = { state: "result", level: "low", risk: 3, findings: [] }, hold = () => null } = {}) {
  const dom = new JSDOM(html, { url, runScripts: "outside-only", pretendToBeVisual: true });
  const window = dom.window;
  let now = 1_000_000;
  let timers = [];
  let nextId = 1;
  window.Date.now = () => now;
  window.setTimeout = (fn, ms) => {
    timers.push({ id: nextId, at: now + (ms || 0), fn });
    return nextId++;
  };
  window.clearTimeout = (id) => {
    timers = timers.filter((t) => t.id !== id);
  };
  const sent = [];
  const listeners = [];
  // What the stand-in worker answers PAGE_SETUP with; a test may change it (a new language).
  const setup = { strings: strings("en"), locale: "en", everywhere, silent };
  // No `storage`: content scripts read nothing of it (where the browser allows, `local` is closed
  // to them: background/storage-access.js); a script that tried would throw here.
  window.chrome = {
    runtime: {
      id: "haris@test",
      onMessage: { addListener: (fn) => listeners.push(fn) },
      sendMessage: async (message) => {
        sent.push(JSON.parse(JSON.stringify(message)));
        await hold(message); // `hold(message)`: a promise the worker's answer waits for, or null
        if (message.type === "pageSetup") return { ...setup };
        if (message.type === "isDismissed") return { dismissed: false };
        if (message.type === "check") return { view, locale: setup.locale };
        return { ok: true };
      },
    },
  };
  for (const script of MANIFEST_SCRIPTS) window.eval(source(script));

  /** Let mutation observers and promises settle, then run the timers due within `ms`. */
  async function advance(ms) {
    const until = now + ms;
    for (;;) {
      for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = Math.max(now, due.at);
      due.fn();
    }
    now = until;
    for (let i = 0; i < 20; i += 1) await new Promise((resolve) => setImmediate(resolve));
  }
  const checks = () => sent.filter((m) => m.type === "check");
  /** A message from the worker (`from`: the sender's extension id). */
  const deliver = (message, from = "haris@test") => listeners.forEach((fn) => fn(message, { id: from }));
  return { window, document: window.document, advance, checks, sent, deliver, setup };
}

/**
 * A real HTTP server on 127.0.0.1 standing in for the Haris API: `respond(req, sent)` gets each
 * request and its JSON body, and returns `{ status, body }` (or a promise of it) to answer with as JSON.
 * Resolves to `{ base, close }`.
 */
export async function jsonServer(respond) {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      const answer = await respond(req, JSON.parse(body));
      res.writeHead(answer.status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

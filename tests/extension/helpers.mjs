// Load the extension's chrome-free content scripts into a jsdom window, as the browser would.
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";

export const EXTENSION = new URL("../../extension/", import.meta.url);
const CONTENT_SCRIPTS = [
  "shared/protocol.js",
  "content/common.js",
  "content/extract-facebook.js",
  "content/extract-instagram.js",
  "content/extract-x.js",
  "content/extract-telegram.js",
  "content/banner.js",
];

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

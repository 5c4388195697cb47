/** The user's language (not necessarily the browser's) and its strings. */
import { api } from "./browser.js";
import { LOCALES } from "./constants.js";

/** "auto" follows the browser's language when it is one Haris speaks, else English. */
export function resolveLocale(language) {
  if (LOCALES.includes(language)) return language;
  const ui = (api.i18n && api.i18n.getUILanguage ? api.i18n.getUILanguage() : "en").toLowerCase().split(/[-_]/)[0];
  return LOCALES.includes(ui) ? ui : "en";
}

const cache = new Map();

/** The strings of one language as {key: text}, plus dir ("rtl" or "ltr"). */
export async function loadStrings(locale) {
  if (!cache.has(locale)) {
    const response = await fetch(api.runtime.getURL(`_locales/${locale}/messages.json`));
    const messages = await response.json();
    const strings = {};
    for (const [key, value] of Object.entries(messages)) strings[key] = value.message;
    strings.dir = strings.direction === "rtl" ? "rtl" : "ltr";
    cache.set(locale, strings);
  }
  return cache.get(locale);
}

/** Fill every [data-i18n] element of an extension page and set its language and direction. */
export function translatePage(doc, strings, locale) {
  doc.documentElement.lang = locale;
  doc.documentElement.dir = strings.dir;
  for (const node of doc.querySelectorAll("[data-i18n]")) node.textContent = strings[node.dataset.i18n];
  for (const node of doc.querySelectorAll("[data-i18n-label]")) node.setAttribute("aria-label", strings[node.dataset.i18nLabel]);
}

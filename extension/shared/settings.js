/*
 * Settings, trusted contacts and strings, shared by the service worker, the popup and the options
 * page. Everything is in this browser's extension storage: `local` for what the user chose
 * (settings, contacts), `session` (memory only, gone when the browser closes) for verdicts.
 */
(function (root) {
  "use strict";
  const api = root.browser && root.browser.storage ? root.browser : root.chrome;

  const DEFAULTS = Object.freeze({ backendUrl: "http://127.0.0.1:5000", apiKey: "", language: "auto" });
  const LOCALES = ["ar", "en", "fr"];
  const PLATFORMS = ["facebook", "instagram", "x", "telegram", "other"];

  async function getSettings() {
    const stored = await api.storage.local.get(["backendUrl", "apiKey", "language"]);
    return { ...DEFAULTS, ...stored };
  }

  async function saveSettings(values) {
    await api.storage.local.set(values);
  }

  /** "auto" follows the browser's language when it is one Haris speaks, else English. */
  function resolveLocale(language) {
    if (LOCALES.includes(language)) return language;
    const ui = (api.i18n && api.i18n.getUILanguage ? api.i18n.getUILanguage() : "en").toLowerCase().split(/[-_]/)[0];
    return LOCALES.includes(ui) ? ui : "en";
  }

  const stringCache = {};
  /** The strings of one language as {key: text}, plus dir; the user's choice, not the browser's. */
  async function loadStrings(locale) {
    if (!stringCache[locale]) {
      const response = await fetch(api.runtime.getURL(`_locales/${locale}/messages.json`));
      const messages = await response.json();
      const strings = {};
      for (const [key, value] of Object.entries(messages)) strings[key] = value.message;
      strings.dir = strings.direction === "rtl" ? "rtl" : "ltr";
      stringCache[locale] = strings;
    }
    return stringCache[locale];
  }

  async function getContacts() {
    const { contacts } = await api.storage.local.get("contacts");
    return Array.isArray(contacts) ? contacts : [];
  }

  async function setContacts(contacts) {
    const { contactsRev } = await api.storage.local.get("contactsRev");
    await api.storage.local.set({ contacts, contactsRev: (contactsRev || 0) + 1 });
  }

  function sameAccount(a, b) {
    if (a.platform !== b.platform) return false;
    if (a.account_id && b.account_id) return a.account_id === b.account_id;
    return Boolean(a.handle && b.handle && a.handle.toLowerCase() === b.handle.toLowerCase());
  }

  /** Keep only known fields of sane size: imported files are untrusted input. */
  function cleanContact(raw) {
    if (!raw || typeof raw !== "object") return null;
    const text = (value, max) => (typeof value === "string" && value.trim() ? value.trim().slice(0, max) : null);
    const contact = {
      display_name: text(raw.display_name, 200),
      platform: PLATFORMS.includes(raw.platform) ? raw.platform : null,
      account_id: text(raw.account_id, 128),
      handle: text(raw.handle, 100),
      avatar_hash: typeof raw.avatar_hash === "string" && /^([0-9a-f]{2}){1,256}$/i.test(raw.avatar_hash) ? raw.avatar_hash.toLowerCase() : null,
      added: typeof raw.added === "string" ? raw.added.slice(0, 40) : new Date().toISOString(),
    };
    if (!contact.display_name && !contact.account_id && !contact.handle) return null;
    return contact;
  }

  /** Add or update (same platform and account) a trusted contact. */
  async function upsertContact(raw) {
    const contact = cleanContact(raw);
    if (!contact) throw new Error("invalid contact");
    const contacts = await getContacts();
    const index = contacts.findIndex((c) => sameAccount(c, contact));
    if (index >= 0) contacts[index] = { ...contacts[index], ...contact, added: contacts[index].added };
    else contacts.push(contact);
    await setContacts(contacts);
    return contact;
  }

  root.HarisSettings = { DEFAULTS, LOCALES, PLATFORMS, getSettings, saveSettings, resolveLocale, loadStrings, getContacts, setContacts, cleanContact, sameAccount, upsertContact, api };
})(typeof globalThis !== "undefined" ? globalThis : this);

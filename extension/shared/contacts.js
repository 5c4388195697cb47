/*
 * Trusted contacts: what one is, when two are the same account, and how imported files are
 * cleaned. They are kept only inside the vault (shared/vault.js).
 */
import { CONTACT_PLATFORMS, EXPORT_FORMAT, ENCRYPTED_EXPORT_FORMAT, LEGACY_ENCRYPTED_EXPORT_FORMATS, LIMITS } from "./constants.js";
import { decryptExport, encryptExport, readSecrets, updateSecrets, VaultError } from "./vault.js";

/**
 * A handle as its platform tells handles apart: case never counts, and on Facebook dots do not
 * either (facebook.com/mo.saleh is facebook.com/mosaleh). The server compares them the same way
 * (heuristics/signals/impersonation.py, handle_key).
 */
function handleKey(handle, platform) {
  const key = handle.trim().replace(/^@+/, "").toLowerCase();
  return platform === "facebook" ? key.replaceAll(".", "") : key;
}

/** Same platform, and the same account id when both have one; else the same handle. */
export function sameAccount(a, b) {
  if (a.platform !== b.platform) return false;
  if (a.account_id && b.account_id) return a.account_id === b.account_id;
  return Boolean(a.handle && b.handle && handleKey(a.handle, a.platform) === handleKey(b.handle, b.platform));
}

/**
 * Whether the checked profile is this contact's account: sameAccount, or the profile's own id is
 * one of the other ids recorded with the contact (`account_ids`: a Facebook Page's old Page id
 * and its new profile id, which its two kinds of address are keyed by; extract-facebook.js).
 *
 * Only ids saved with the contact widen the match, never ids the visited page claims: its
 * `account_ids` are markup, and a page can be made to name another account's id (a stale block
 * after in-app navigation, a crafted page), so "the page says it is also <her id>" would let an
 * impostor pass as her. What is compared on the visited side is its `account_id`, which the
 * extractor takes from the address or binds to it — the same evidence sameAccount already rests
 * on. The contact's other ids were bound to her own address when she was saved from her page (or
 * come from a file the user chose to import, which can name any account anyway).
 */
export function isContactsAccount(contact, checked) {
  if (sameAccount(contact, checked)) return true;
  return Boolean(
    contact.platform === checked.platform && checked.account_id && Array.isArray(contact.account_ids) &&
    contact.account_ids.includes(checked.account_id),
  );
}

export const MAX_OTHER_IDS = 8;

/**
 * An account's other ids, cleaned: distinct strings within the id limit, not its account_id, at
 * most MAX_OTHER_IDS (a contact's, and those a page gave the worker: background/checker.js).
 */
export function otherIds(value, accountId) {
  if (!Array.isArray(value)) return [];
  const out = [];
  for (const item of value.slice(0, 64)) {
    const id = typeof item === "string" ? item.trim() : "";
    if (id && id.length <= LIMITS.identifiers.account_id && id !== accountId && !out.includes(id)) out.push(id);
    if (out.length === MAX_OTHER_IDS) break;
  }
  return out;
}

/**
 * Text of a contact as kept: without control characters (U+0000–U+001F, U+007F–U+009F: no name,
 * username or id has one), cut to `max`, and well-formed (a lone surrogate, or one left by the cut,
 * becomes U+FFFD). Each control character or lone surrogate is six bytes in the JSON of every
 * check that sends the contacts ("\u0001"): 2,000 contacts imported from hostile files made of
 * them made the checks' body larger than the server takes (6 MiB), and every check while the
 * vault was open "could not check". Kept so, a contact is at most ~2.3 kB there.
 */
function contactText(value, max) {
  if (typeof value !== "string") return null;
  const clean = value.replace(/\p{Cc}/gu, "").trim().slice(0, max).toWellFormed();
  return clean || null;
}

/** Keep only known fields of sane size: imported files and pages are untrusted input. */
export function cleanContact(raw) {
  if (!raw || typeof raw !== "object") return null;
  const hash = raw.avatar_hash;
  const contact = {
    display_name: contactText(raw.display_name, LIMITS.text.display_name),
    platform: CONTACT_PLATFORMS.includes(raw.platform) ? raw.platform : null,
    account_id: contactText(raw.account_id, LIMITS.identifiers.account_id),
    handle: contactText(raw.handle, LIMITS.identifiers.handle),
    avatar_hash: typeof hash === "string" && hash.length <= LIMITS.hashHex && /^([0-9a-f]{2})+$/i.test(hash) ? hash.toLowerCase() : null,
    added: typeof raw.added === "string" ? raw.added.slice(0, 40) : new Date().toISOString(),
  };
  if (!contact.display_name && !contact.account_id && !contact.handle) return null;
  // Only when there are some: contacts saved before them, and on other platforms, stay as they were.
  const others = otherIds(raw.account_ids, contact.account_id);
  if (others.length) contact.account_ids = others;
  return contact;
}

/** A contact's ids: its account_id, then the other ids saved with it ([] without an account_id). */
export function idsOf(contact) {
  return contact.account_id ? [contact.account_id, ...(contact.account_ids || [])] : [];
}

/**
 * Whether two contacts are one account seen at its two addresses: same platform, both with an
 * account id, and an id in common (a Facebook Page's old Page id and new profile id).
 */
function sharesAnId(a, b) {
  if (a.platform !== b.platform || !a.account_id || !b.account_id) return false;
  const ids = idsOf(b);
  return idsOf(a).some((id) => ids.includes(id));
}

/**
 * `into` with `other`'s ids added (its account_id and other ids, after `into`'s own, within
 * MAX_OTHER_IDS) and nothing else of `into` changed: its name, username, photo and date stay, so
 * what the user typed or saved first wins; a field `into` lacks is taken from `other`.
 */
function withIdsOf(into, other) {
  const out = { ...into };
  for (const field of ["display_name", "handle", "avatar_hash"]) if (!out[field] && other[field]) out[field] = other[field];
  const others = otherIds([...(into.account_ids || []), ...idsOf(other)], into.account_id);
  if (others.length) out.account_ids = others;
  return out;
}

/**
 * Merge cleaned contacts into a list: the same account is updated in place, others appended
 * while there is room (LIMITS.contacts; `full` says some were not). An update only adds or
 * changes what the incoming contact knows: a file that names a contact by username alone does
 * not erase the account id saved from her page, which is what tells her from whoever later takes
 * a username she gave up.
 *
 * A contact that is not the same account as any kept one but shares an id with exactly one
 * (a Facebook Page saved at its other address, whose page names the id she was saved with) adds
 * its ids to that contact instead of becoming a second one (withIdsOf: her name, username and
 * photo stay). The ids it adds are the ones a new contact would have carried anyway, so saving
 * trusts no account it did not trust before. Sharing ids with several kept contacts merges with
 * none (it is added as before): one page must not make two of the user's contacts one.
 */
export function mergeContacts(list, incoming) {
  const all = list.slice();
  const index = new ContactIndex(all);
  let count = 0;
  let full = false;
  for (const raw of incoming.slice(0, LIMITS.contacts)) {
    const contact = cleanContact(raw);
    if (!contact) continue;
    const at = index.find(contact);
    const linked = at < 0 ? index.linked(contact) : -1;
    if (linked >= 0) {
      all[linked] = withIdsOf(all[linked], contact);
      index.add(all[linked], linked);
    } else if (at >= 0) {
      const known = Object.fromEntries(Object.entries(contact).filter(([, value]) => value !== null));
      const before = all[at].account_ids || [];
      all[at] = { ...all[at], ...known, added: all[at].added };
      // Other ids add up: a later save from one address keeps those seen at the other.
      const others = otherIds([...before, ...(contact.account_ids || [])], all[at].account_id);
      if (others.length) all[at].account_ids = others;
      else delete all[at].account_ids;
      index.add(all[at], at);
    } else if (all.length < LIMITS.contacts) {
      all.push(contact);
      index.add(contact, all.length - 1);
    } else {
      full = true;
      continue;
    }
    count += 1;
  }
  return { contacts: all, count, full };
}

/**
 * Where a list's contacts are, by platform and account id and by platform and handle: the first
 * one that is sameAccount with a contact, without comparing it with every other (an import of
 * 2,000 contacts into a list of 2,000 compared 4 million pairs, seconds on a phone). It only
 * narrows: sameAccount still decides, and `findIndex(sameAccount)` is its reference
 * (tests/extension/vault.test.mjs checks them equal).
 */
class ContactIndex {
  constructor(list) {
    this.list = list;
    this.keys = new Map();
    list.forEach((contact, at) => this.add(contact, at));
  }

  static keysOf(contact) {
    const keys = [];
    if (contact.account_id) keys.push(`${contact.platform}\u0000id\u0000${contact.account_id}`);
    if (contact.handle) keys.push(`${contact.platform}\u0000h\u0000${handleKey(contact.handle, contact.platform)}`);
    for (const id of idsOf(contact)) keys.push(`${contact.platform}\u0000any\u0000${id}`);
    return keys;
  }

  /** Where the contacts that share an id with `contact` are (sharesAnId), without `skip`. */
  sharing(contact, skip = -1) {
    const places = new Set();
    for (const id of idsOf(contact)) {
      for (const at of this.keys.get(`${contact.platform}\u0000any\u0000${id}`) || []) {
        if (at !== skip && sharesAnId(this.list[at], contact)) places.add(at);
      }
    }
    return places;
  }

  /** The one contact that shares an id with `contact`, or -1 (none, or more than one). */
  linked(contact) {
    const places = this.sharing(contact);
    return places.size === 1 ? [...places][0] : -1;
  }

  add(contact, at) {
    for (const key of ContactIndex.keysOf(contact)) {
      const places = this.keys.get(key) || [];
      if (!places.includes(at)) places.push(at);
      this.keys.set(key, places);
    }
  }

  /** The first index whose contact is sameAccount with `contact`, or -1. */
  find(contact) {
    let first = -1;
    for (const key of ContactIndex.keysOf(contact)) {
      for (const at of this.keys.get(key) || []) {
        if ((first < 0 || at < first) && sameAccount(this.list[at], contact)) first = at;
      }
    }
    return first;
  }
}

/** The contacts while the vault is open; [] while it is locked or not set up. */
export async function getContacts() {
  const secrets = await readSecrets();
  return secrets ? secrets.contacts : [];
}

export async function setContacts(contacts) {
  await updateSecrets(() => ({ contacts }));
}

/** Add or update one contact (the popup's "Save as a trusted contact"). Needs the vault open. */
export async function upsertContact(raw) {
  const contact = cleanContact(raw);
  if (!contact) throw new Error("invalid contact");
  let saved = null;
  await updateSecrets((secrets) => {
    const merged = mergeContacts(secrets.contacts, [raw]);
    if (merged.full) throw new VaultError("import_too_many");
    saved = merged.contacts.find((c) => sameAccount(c, contact)) || merged.contacts.find((c) => sharesAnId(c, contact));
    return { contacts: merged.contacts };
  });
  return saved;
}

/** Display names as the fold compares them: case and spaces aside. */
function nameKey(name) {
  return name ? name.trim().replace(/\s+/g, " ").toLowerCase() : "";
}

/** Two values of one field that merge without losing either: the same, or one of them empty. */
function compatible(a, b) {
  return !a || !b || a === b;
}

/**
 * Contacts saved as two before mergeContacts joined them: a Facebook Page saved from one address
 * by a version that recorded one id, then again from its other address (whose page names the
 * first id). Each such pair becomes one contact: the one saved first, with the other's ids
 * (withIdsOf). Only a pair whose two contacts share an id with each other and with no other
 * contact, and whose names, usernames and photo fingerprints are the same (or one has none), so
 * that nothing the user typed or kept, nor a photo the server compares, is lost, and no chain of
 * shared ids makes several contacts one. Returns the list and how many contacts were folded away.
 */
export function foldSharedIds(list) {
  const index = new ContactIndex(list);
  const gone = new Set();
  const out = list.slice();
  list.forEach((contact, at) => {
    if (gone.has(at)) return;
    const mates = index.sharing(contact, at);
    if (mates.size !== 1) return;
    const [mate] = mates;
    if (mate < at || gone.has(mate)) return;
    const back = index.sharing(list[mate], mate);
    if (back.size !== 1 || !back.has(at)) return;
    if (!compatible(nameKey(contact.display_name), nameKey(list[mate].display_name))) return;
    const handles = [contact, list[mate]].map((c) => (c.handle ? handleKey(c.handle, c.platform) : ""));
    if (!compatible(...handles) || !compatible(contact.avatar_hash, list[mate].avatar_hash)) return;
    out[at] = withIdsOf(contact, list[mate]);
    gone.add(mate);
  });
  return { contacts: out.filter((_, at) => !gone.has(at)), folded: gone.size };
}

/**
 * foldSharedIds on the open vault's contacts (the popup and Options, right after an unlock: the
 * vault's record is written only when a pair was folded). Resolves to how many were folded away.
 */
export async function foldSharedIdContacts() {
  const secrets = await readSecrets();
  if (!secrets || foldSharedIds(secrets.contacts).folded === 0) return 0;
  let folded = 0;
  await updateSecrets((current) => {
    const result = foldSharedIds(current.contacts);
    folded = result.folded;
    return { contacts: result.contacts };
  });
  return folded;
}

/** The export file: always encrypted, under a passphrase chosen for the file. */
export async function exportContacts(passphrase) {
  const payload = { format: EXPORT_FORMAT, version: 1, contacts: await getContacts() };
  return { format: ENCRYPTED_EXPORT_FORMAT, version: 1, ...(await encryptExport(passphrase, payload)) };
}

/**
 * The contacts of an export file: an encrypted one (with its passphrase) or a plain one from an
 * older version or another tool. Throws VaultError("wrong_passphrase") or Error("not_an_export").
 */
export async function readExport(data, passphrase) {
  let plain = data;
  const encrypted = data && (data.format === ENCRYPTED_EXPORT_FORMAT || LEGACY_ENCRYPTED_EXPORT_FORMATS.includes(data.format));
  if (encrypted) plain = await decryptExport(passphrase, data);
  if (!plain || plain.format !== EXPORT_FORMAT || !Array.isArray(plain.contacts)) throw new Error("not_an_export");
  // More contacts than a vault holds: refused whole, rather than some kept and some silently not.
  if (plain.contacts.length > LIMITS.contacts) throw new VaultError("import_too_many");
  return plain.contacts;
}

/**
 * Import a file's contacts into the open vault: encrypted on arrival, whatever the file was. All
 * or nothing: a file whose new contacts do not fit beside the ones kept adds none of them.
 */
export async function importContacts(data, passphrase) {
  const incoming = await readExport(data, passphrase);
  let count = 0;
  await updateSecrets((secrets) => {
    const merged = mergeContacts(secrets.contacts, incoming);
    if (merged.full) throw new VaultError("import_too_many");
    count = merged.count;
    return { contacts: merged.contacts };
  });
  return count;
}

export { VaultError };

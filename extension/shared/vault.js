/*
 * The vault: trusted contacts and the API key, encrypted at rest.
 *
 * AES-256-GCM under a key derived from the user's passphrase with PBKDF2-SHA256 (600,000
 * iterations, a random salt per passphrase). The ciphertext is in the extension's own IndexedDB
 * (on disk, out of content scripts' reach in every browser: shared/vault-store.js); the derived
 * key's raw bytes are in `session` storage (memory only, trusted contexts only), so the vault is
 * unlocked once per browser session and locked again when the browser closes.
 *
 * Two slots, always: the main one and either random bytes or a decoy opened by a second
 * ("duress") passphrase, which shows an empty contact list. Both are padded to the same length,
 * so the stored record does not say whether a decoy exists.
 */
import { api } from "./browser.js";
import { fromBase64, toBase64 } from "./base64.js";
import { CIPHER, IMPORT_KDF, KDF, MIN_PASSPHRASE_LENGTH, STORAGE } from "./constants.js";
import { randomBytes } from "./random.js";
import { changeRecords, readRecord as readStored, readVaultRecord, writeVaultRecord } from "./vault-store.js";

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const AAD = encoder.encode("haris-vault-v1");
const EXPORT_AAD = encoder.encode("haris-export-v1");
const PAD_BYTES = 4096;
const TAG_BYTES = 16;
const SESSION = STORAGE.session.vaultKey;

export class VaultError extends Error {
  /**
   * @param {"no_vault"|"exists"|"locked"|"wrong_passphrase"|"short_passphrase"|"same_passphrase"|"not_main"|"corrupt"
   *   |"import_settings"|"import_too_large"|"import_too_many"} code — the last three: an imported file asks for
   *   more work or room than Haris gives one (shared/constants.js IMPORT_KDF, LIMITS.contacts)
   */
  constructor(code) {
    super(code);
    this.name = "VaultError";
    this.code = code;
  }
}

function checkPassphrase(passphrase) {
  if (typeof passphrase !== "string" || [...passphrase].length < MIN_PASSPHRASE_LENGTH) throw new VaultError("short_passphrase");
}

/** The raw key bytes for a passphrase and salt (NFC first, so the same words typed on another keyboard match). */
async function deriveKey(passphrase, salt, iterations = KDF.iterations) {
  const material = await subtle.importKey("raw", encoder.encode(passphrase.normalize("NFC")), "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: KDF.name, hash: KDF.hash, salt, iterations }, material, CIPHER.keyBits);
  return new Uint8Array(bits);
}

const aesKey = (raw) => subtle.importKey("raw", raw, { name: CIPHER.name }, false, ["encrypt", "decrypt"]);

/** Encrypt a JSON value, padded with spaces to at least `length` bytes of ciphertext. */
async function seal(raw, value, aad, length = 0) {
  const json = encoder.encode(JSON.stringify(value));
  const size = Math.max(Math.ceil((json.length + 1) / PAD_BYTES) * PAD_BYTES, length - TAG_BYTES);
  const padded = new Uint8Array(size).fill(0x20);
  padded.set(json);
  const iv = randomBytes(CIPHER.ivBytes);
  const data = new Uint8Array(await subtle.encrypt({ name: CIPHER.name, iv, additionalData: aad }, await aesKey(raw), padded));
  return { iv: toBase64(iv), data: toBase64(data) };
}

/** Decrypt; a wrong key fails AES-GCM's tag check and opens nothing. */
async function unseal(raw, sealed, aad) {
  let plain;
  try {
    plain = await subtle.decrypt({ name: CIPHER.name, iv: fromBase64(sealed.iv), additionalData: aad }, await aesKey(raw), fromBase64(sealed.data));
  } catch (_error) {
    throw new VaultError("wrong_passphrase");
  }
  try {
    return JSON.parse(decoder.decode(plain));
  } catch (_error) {
    throw new VaultError("corrupt");
  }
}

const cipherLength = (slot) => Math.floor((slot.data.length * 3) / 4);

function filler(salt, length) {
  return { salt, iv: toBase64(randomBytes(CIPHER.ivBytes)), data: toBase64(randomBytes(length)) };
}

/** Whether an iteration count is one Haris will spend: a stored or imported count outside it is refused before any work. */
const saneIterations = (n) => Number.isInteger(n) && n >= IMPORT_KDF.minIterations && n <= IMPORT_KDF.maxIterations;

async function readRecord() {
  const record = await readVaultRecord();
  if (!record) return null;
  if (record.version !== 1 || !Array.isArray(record.slots) || record.slots.length !== 2) throw new VaultError("corrupt");
  if (!record.kdf || !saneIterations(record.kdf.iterations)) throw new VaultError("corrupt");
  return record;
}

async function sessionKey() {
  const stored = (await api.storage.session.get(SESSION))[SESSION];
  return stored && typeof stored.key === "string" ? { slot: stored.slot, raw: fromBase64(stored.key) } : null;
}

async function rememberKey(slot, raw) {
  await api.storage.session.set({ [SESSION]: { slot, key: toBase64(raw) } });
}

function cleanSecrets(value) {
  return {
    role: value && value.role === "decoy" ? "decoy" : "main",
    contacts: value && Array.isArray(value.contacts) ? value.contacts : [],
    apiKey: value && typeof value.apiKey === "string" ? value.apiKey : "",
    peerKey: value && typeof value.peerKey === "string" ? value.peerKey : null,
  };
}

/** "none" (no passphrase chosen yet), "locked", or "unlocked". */
export async function vaultState() {
  if (!(await readRecord())) return "none";
  return (await sessionKey()) ? "unlocked" : "locked";
}

/**
 * What a version older than the vault kept in clear (contacts, API key): moved out of `local` into
 * the extension's IndexedDB (the `unsealed` record) at the worker's start, still unencrypted there
 * until a passphrase is chosen; createVault moves it into the vault and deletes it.
 */
async function readUnsealed() {
  const record = await readStored(STORAGE.records.unsealed);
  return {
    contacts: record && Array.isArray(record.contacts) ? record.contacts : [],
    apiKey: record && typeof record.apiKey === "string" ? record.apiKey : "",
  };
}

/** Whether contacts or an API key of an older version wait, unencrypted, for a passphrase (the popup and Options then ask for one). */
export async function unsealedWaiting() {
  const { contacts, apiKey } = await readUnsealed();
  return contacts.length > 0 || apiKey !== "";
}

/** Choose the passphrase: a new vault holding `secrets`, unlocked for this session. */
export async function createVault(passphrase, { contacts = [], apiKey = "" } = {}) {
  checkPassphrase(passphrase);
  if (await readRecord()) throw new VaultError("exists");
  // What an older version kept in clear moves in, then the clear copy goes.
  const unsealed = await readUnsealed();
  contacts = [...unsealed.contacts, ...contacts];
  if (!apiKey) apiKey = unsealed.apiKey;
  const salt = randomBytes(KDF.saltBytes);
  const raw = await deriveKey(passphrase, salt);
  const main = { salt: toBase64(salt), ...(await seal(raw, { role: "main", contacts, apiKey }, AAD)) };
  const index = randomBytes(1)[0] & 1;
  const slots = [];
  slots[index] = main;
  slots[1 - index] = filler(toBase64(randomBytes(KDF.saltBytes)), cipherLength(main));
  const record = { version: 1, kdf: { name: KDF.name, hash: KDF.hash, iterations: KDF.iterations }, slots };
  // The vault written and the clear copy deleted in one transaction: no crash leaves both.
  await changeRecords([STORAGE.records.vault, STORAGE.records.unsealed], (current) => {
    if (current[STORAGE.records.vault]) throw new VaultError("exists"); // another page chose one meanwhile
    return { [STORAGE.records.vault]: record, [STORAGE.records.unsealed]: null };
  });
  await rememberKey(index, raw);
}

/**
 * Try the passphrase on both slots; remember the key of the one it opens. Resolves to {folded}:
 * whether the clear copy an older version left beside the vault was just erased (foldUnsealed;
 * the popup and Options say so).
 */
export async function unlock(passphrase) {
  const record = await readRecord();
  if (!record) throw new VaultError("no_vault");
  if (typeof passphrase !== "string" || !passphrase) throw new VaultError("wrong_passphrase");
  const keys = await Promise.all(record.slots.map((slot) => deriveKey(passphrase, fromBase64(slot.salt), record.kdf.iterations)));
  for (let index = 0; index < keys.length; index += 1) {
    let opened;
    try {
      opened = await unseal(keys[index], record.slots[index], AAD);
    } catch (error) {
      if (error.code !== "wrong_passphrase") throw error;
      continue;
    }
    // Never in the way of the unlock itself: a fold that fails is tried again at the next one.
    const folded = await foldUnsealed(cleanSecrets(opened)).catch(() => false);
    await rememberKey(index, keys[index]);
    return { folded };
  }
  throw new VaultError("wrong_passphrase");
}

/**
 * A vault and a clear copy both there: an older version's createVault wrote the vault and stopped
 * before deleting the copy. Every createVault that ever ran (this repository's history, from the
 * first vault on) sealed the whole clear copy — every contact, and its API key unless one was
 * typed — into the main slot before writing the vault, so the main slot got all of it, and a
 * clear contact the vault lacks now is one the user deleted (or changed into another account)
 * since; the same for an API key the vault no longer holds. Putting them back would bring a
 * deleted contact back into the list, and into the vault a seized device holds. So at an unlock,
 * with either passphrase, the clear copy is erased and nothing is added; nothing is lost that the
 * vault did not already hold. Resolves to whether it was erased at a main-passphrase unlock (the
 * popup and Options say so; at the second passphrase nothing on screen tells this unlock from any
 * other). A clear copy that changed meanwhile (another page) is left for the next unlock.
 */
async function foldUnsealed(secrets) {
  const UNSEALED = STORAGE.records.unsealed;
  const clear = await readStored(UNSEALED);
  if (!clear) return false;
  let erased = false;
  await changeRecords([UNSEALED], (current) => {
    if (JSON.stringify(current[UNSEALED]) !== JSON.stringify(clear)) return {};
    erased = true;
    return { [UNSEALED]: null };
  });
  return erased && secrets.role === "main";
}

/** Forget the key: the contacts stay encrypted until the passphrase is typed again. */
export async function lock() {
  await api.storage.session.remove(SESSION);
}

async function openSlot() {
  const record = await readRecord();
  if (!record) throw new VaultError("no_vault");
  const key = await sessionKey();
  if (!key) throw new VaultError("locked");
  return { record, key, secrets: cleanSecrets(await unseal(key.raw, record.slots[key.slot], AAD)) };
}

/** {contacts, apiKey}, or null while there is no vault or it is locked. */
export async function readSecrets() {
  try {
    const { secrets } = await openSlot();
    return { contacts: secrets.contacts, apiKey: secrets.apiKey };
  } catch (error) {
    if (error.code === "no_vault" || error.code === "locked") return null;
    throw error;
  }
}

/**
 * Re-encrypt the open slot with `update(secrets)` applied. The other slot is kept at the same
 * length: random bytes are drawn again, a decoy is re-sealed with its key, and a slot this one
 * cannot open (the main one, seen from the decoy) is left as it is.
 */
export async function updateSecrets(update) {
  const { record, key, secrets } = await openSlot();
  const next = cleanSecrets({ ...secrets, ...update(secrets) });
  await writeVaultRecord(await resealed(record, key, next));
  return { contacts: next.contacts, apiKey: next.apiKey };
}

/** The record with the slot `key` opens sealed again holding `next`, the other slot kept as updateSecrets says. */
async function resealed(record, key, next) {
  const other = 1 - key.slot;
  const slots = record.slots.slice();
  let peer = null;
  if (next.role === "main" && next.peerKey) {
    try {
      peer = { raw: fromBase64(next.peerKey), value: await unseal(fromBase64(next.peerKey), slots[other], AAD) };
    } catch (_error) {
      peer = null; // the decoy's passphrase changed from inside it; leave it alone
    }
  }
  const sealed = await seal(key.raw, next, AAD, next.role === "main" ? 0 : cipherLength(slots[other]));
  slots[key.slot] = { salt: slots[key.slot].salt, ...sealed };
  const length = cipherLength(slots[key.slot]);
  if (next.role === "main" && peer) slots[other] = { salt: slots[other].salt, ...(await seal(peer.raw, peer.value, AAD, length)) };
  else if (next.role === "main" && !next.peerKey) slots[other] = filler(slots[other].salt, length);
  return { ...record, slots };
}

/** A new passphrase for the open slot (the current one is asked again): new salt, new key, re-encrypted. */
export async function changePassphrase(current, next) {
  checkPassphrase(next);
  const { record, key, secrets } = await openSlot();
  const check = await deriveKey(current, fromBase64(record.slots[key.slot].salt), record.kdf.iterations);
  await unseal(check, record.slots[key.slot], AAD);
  const salt = randomBytes(KDF.saltBytes);
  const raw = await deriveKey(next, salt);
  const slots = record.slots.slice();
  slots[key.slot] = { salt: toBase64(salt), ...(await seal(raw, secrets, AAD, cipherLength(slots[key.slot]))) };
  await writeVaultRecord({ ...record, kdf: { name: KDF.name, hash: KDF.hash, iterations: KDF.iterations }, slots });
  await rememberKey(key.slot, raw);
}

/**
 * A second passphrase that opens an empty contact list (set from the main slot only). Typing it
 * instead of the real one, under pressure, shows a Haris with no trusted contacts.
 */
export async function setDuressPassphrase(passphrase) {
  checkPassphrase(passphrase);
  const { record, key, secrets } = await openSlot();
  if (secrets.role !== "main") throw new VaultError("not_main");
  const own = await deriveKey(passphrase, fromBase64(record.slots[key.slot].salt), record.kdf.iterations);
  try {
    await unseal(own, record.slots[key.slot], AAD);
    throw new VaultError("same_passphrase");
  } catch (error) {
    if (error.code !== "wrong_passphrase") throw error;
  }
  const salt = randomBytes(KDF.saltBytes);
  const raw = await deriveKey(passphrase, salt);
  const other = 1 - key.slot;
  const slots = record.slots.slice();
  slots[other] = { salt: toBase64(salt), ...(await seal(raw, { role: "decoy", contacts: [], apiKey: "" }, AAD, cipherLength(slots[key.slot]))) };
  await writeVaultRecord({ ...record, slots });
  await updateSecrets(() => ({ peerKey: toBase64(raw) }));
}

/** A file for export: the contacts sealed under a passphrase of the user's choice. */
export async function encryptExport(passphrase, payload) {
  checkPassphrase(passphrase);
  const salt = randomBytes(KDF.saltBytes);
  const raw = await deriveKey(passphrase, salt);
  return { kdf: { name: KDF.name, hash: KDF.hash, iterations: KDF.iterations, salt: toBase64(salt) }, ...(await seal(raw, payload, EXPORT_AAD)) };
}

/**
 * Bytes of a base64 field of an imported file, or a VaultError: "import_too_large" past `max`
 * bytes (judged on the text's length, before decoding), "corrupt" when it is not base64 or
 * shorter than `min`.
 */
function fileBytes(value, min, max) {
  if (typeof value !== "string") throw new VaultError("corrupt");
  if (value.length > Math.ceil(max / 3) * 4) throw new VaultError(max === IMPORT_KDF.maxCipherBytes ? "import_too_large" : "corrupt");
  let bytes;
  try {
    bytes = fromBase64(value);
  } catch (_error) {
    throw new VaultError("corrupt");
  }
  if (bytes.length < min || bytes.length > max) throw new VaultError("corrupt");
  return bytes;
}

/**
 * Open an encrypted export. Everything the file says about its encryption is checked before any
 * work is done on it: the algorithm, the iteration count within IMPORT_KDF's range
 * ("import_settings": a file asking for 10 million rounds would freeze the device), the salt's,
 * the IV's and the ciphertext's sizes.
 */
export async function decryptExport(passphrase, sealed) {
  const kdf = sealed && sealed.kdf;
  if (!kdf || kdf.name !== KDF.name || kdf.hash !== KDF.hash) throw new VaultError("corrupt");
  if (!saneIterations(kdf.iterations)) throw new VaultError("import_settings");
  const salt = fileBytes(kdf.salt, IMPORT_KDF.minSaltBytes, IMPORT_KDF.maxSaltBytes);
  fileBytes(sealed.iv, IMPORT_KDF.ivBytes, IMPORT_KDF.ivBytes);
  fileBytes(sealed.data, TAG_BYTES + 1, IMPORT_KDF.maxCipherBytes);
  const raw = await deriveKey(String(passphrase || ""), salt, kdf.iterations);
  return unseal(raw, sealed, EXPORT_AAD);
}

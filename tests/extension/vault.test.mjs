// The vault (issue 21, security review finding 19) through Firefox's promise-based storage API:
// a faithful fake of `browser.storage` (fake-browser.mjs) and Node's real WebCrypto. Chromium's
// real storage is covered in tests/browser.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { clearEverything, everythingStored, idbNames, idbVault, installFakeBrowser, setIdbVault } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const { saveSettings } = await import("../../extension/shared/settings.js");
const Contacts = await import("../../extension/shared/contacts.js");
const { wipeEverything } = await import("../../extension/shared/wipe.js");
const { IMPORT_KDF, KDF, LIMITS } = await import("../../extension/shared/constants.js");

const PASS = "olive tram seventeen lantern";
const FRIENDS = [
  { display_name: "Zaynab Haddad", platform: "instagram", account_id: "77001234", handle: "zaynab.h", avatar_hash: "8f3a9c0d11223344" },
  { display_name: "سامي الأحمد", platform: "x", account_id: "99005678", handle: "sami_ahmad" },
];
const SECRETS_IN_CLEAR = ["Zaynab", "zaynab.h", "77001234", "8f3a9c0d11223344", "سامي", "sami_ahmad", "99005678", "hk_secret_api_key"];

async function clearAll() {
  await clearEverything(browser);
}

function assertNothingInClear(text) {
  for (const secret of SECRETS_IN_CLEAR) assert.equal(text.includes(secret), false, `${secret} found in clear`);
}

beforeEach(clearAll);

describe("vault", () => {
  test("contacts and API key are stored encrypted; readable only while unlocked", async () => {
    assert.equal(await Vault.vaultState(), "none");
    assert.equal(await Vault.readSecrets(), null);
    await Vault.createVault(PASS, { contacts: FRIENDS, apiKey: "hk_secret_api_key" });
    assert.equal(await Vault.vaultState(), "unlocked");
    assert.deepEqual((await Vault.readSecrets()).contacts, FRIENDS);

    // The record is in the extension's IndexedDB (out of content scripts' reach); `local`, which
    // content scripts can read in Firefox and Chromium before 140, holds nothing of it.
    assert.deepEqual(await browser.storage.local.get(null), {});
    const stored = await idbVault();
    assertNothingInClear(await everythingStored(browser));
    assert.equal(stored.kdf.name, "PBKDF2");
    assert.equal(stored.kdf.hash, "SHA-256");
    assert.ok(stored.kdf.iterations >= 600_000, "OWASP 2023 work factor");
    // The key is in session storage, which Firefox keeps in memory; never in `local`.
    assert.ok((await browser.storage.session.get("vaultKey")).vaultKey);

    await Vault.lock();
    assert.equal(await Vault.vaultState(), "locked");
    assert.equal(await Vault.readSecrets(), null);
    assert.deepEqual(await Contacts.getContacts(), []);
    await assert.rejects(Contacts.setContacts([]), { code: "locked" });
    await Vault.unlock(PASS);
    assert.equal((await Vault.readSecrets()).apiKey, "hk_secret_api_key");
  });

  test("a wrong passphrase opens nothing, and says so", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    await Vault.lock();
    const before = await everythingStored(browser);
    await assert.rejects(Vault.unlock("olive tram seventeen lanterns"), { name: "VaultError", code: "wrong_passphrase" });
    await assert.rejects(Vault.unlock(""), { code: "wrong_passphrase" });
    assert.equal(await Vault.vaultState(), "locked");
    assert.deepEqual(await everythingStored(browser), before, "a failed unlock changes nothing");
    assert.deepEqual(Object.keys(await browser.storage.session.get(null)), ["vaultWritten"], "no key");
  });

  test("a tampered ciphertext opens nothing either (AES-GCM's tag)", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const vault = await idbVault();
    for (const slot of vault.slots) slot.data = `${slot.data[0] === "A" ? "B" : "A"}${slot.data.slice(1)}`;
    await setIdbVault(vault);
    await Vault.lock();
    await assert.rejects(Vault.unlock(PASS), { code: "wrong_passphrase" });
  });

  test("passphrases shorter than 8 characters are refused", async () => {
    await assert.rejects(Vault.createVault("short"), { code: "short_passphrase" });
    assert.equal(await Vault.vaultState(), "none");
  });

  test("changing the passphrase re-encrypts: new salt and ciphertext, old passphrase opens nothing", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const before = (await idbVault());
    await assert.rejects(Vault.changePassphrase("not the passphrase", "a new long passphrase"), { code: "wrong_passphrase" });
    await Vault.changePassphrase(PASS, "a new long passphrase");
    const after = (await idbVault());
    const changed = after.slots.filter((slot, i) => slot.salt !== before.slots[i].salt && slot.data !== before.slots[i].data);
    assert.equal(changed.length, 1);
    await Vault.lock();
    await assert.rejects(Vault.unlock(PASS), { code: "wrong_passphrase" });
    await Vault.unlock("a new long passphrase");
    assert.deepEqual((await Vault.readSecrets()).contacts, FRIENDS);
  });

  test("a second (duress) passphrase opens an empty list; the record does not show whether one exists", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const lengths = (record) => record.slots.map((s) => s.data.length);
    const plain = (await idbVault());
    assert.equal(new Set(lengths(plain)).size, 1, "random filler of the same length");
    await assert.rejects(Vault.setDuressPassphrase(PASS), { code: "same_passphrase" });
    await Vault.setDuressPassphrase("nothing to see here");
    const withDecoy = (await idbVault());
    assert.equal(new Set(lengths(withDecoy)).size, 1);
    assert.deepEqual(Object.keys(withDecoy).sort(), Object.keys(plain).sort());

    await Vault.lock();
    await Vault.unlock("nothing to see here");
    assert.deepEqual(await Vault.readSecrets(), { contacts: [], apiKey: "" });
    await assert.rejects(Vault.setDuressPassphrase("yet another passphrase"), { code: "not_main" });
    // Used under pressure, the decoy behaves like a vault: a contact saved there stays there.
    await Contacts.upsertContact({ display_name: "Decoy friend", platform: "x", handle: "decoy" });
    await Vault.lock();
    await Vault.unlock(PASS);
    assert.deepEqual((await Vault.readSecrets()).contacts, FRIENDS);
    // The main slot's writes keep the decoy's length in step with its own.
    await Contacts.setContacts([...FRIENDS, ...Array.from({ length: 60 }, (_, i) => ({ display_name: `Friend ${i}`, platform: "x", handle: `f${i}` }))]);
    assert.equal(new Set(lengths((await idbVault()))).size, 1);
    await Vault.lock();
    await Vault.unlock("nothing to see here");
    assert.deepEqual((await Vault.readSecrets()).contacts.map((c) => c.handle), ["decoy"]);
  });

  test("what an older version kept in clear moves into the vault and the clear copy goes", async () => {
    await browser.storage.local.set({ contacts: FRIENDS, apiKey: "hk_secret_api_key", contactsRev: 3, backendUrl: "https://h.example" });
    await Vault.createVault(PASS);
    const stored = await browser.storage.local.get(null);
    assert.deepEqual(Object.keys(stored).sort(), ["backendUrl"]);
    assertNothingInClear(await everythingStored(browser));
    assert.deepEqual(await Vault.readSecrets(), { contacts: FRIENDS, apiKey: "hk_secret_api_key" });
  });
});

describe("contacts export and import", () => {
  test("export is encrypted; importing it needs its passphrase", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const file = await Contacts.exportContacts("file passphrase 1");
    // What a device holder sees of the file names neither Haris nor contacts.
    assert.equal(file.format, "encrypted-backup");
    assert.doesNotMatch(JSON.stringify(Object.keys(file)) + file.format, /haris|contact/i);
    assert.ok(file.kdf.iterations >= KDF.iterations);
    assertNothingInClear(JSON.stringify(file));
    await Contacts.setContacts([]);
    await assert.rejects(Contacts.importContacts(file, "file passphrase 2"), { code: "wrong_passphrase" });
    assert.deepEqual(await Contacts.getContacts(), []);
    assert.equal(await Contacts.importContacts(file, "file passphrase 1"), 2);
    assert.deepEqual((await Contacts.getContacts()).map((c) => c.handle), ["zaynab.h", "sami_ahmad"]);
  });

  test("a file exported by an older version (its legacy marker) still imports", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const file = { ...(await Contacts.exportContacts("file passphrase 1")), format: "haris-contacts-encrypted" };
    await Contacts.setContacts([]);
    assert.equal(await Contacts.importContacts(file, "file passphrase 1"), 2);
    assert.deepEqual((await Contacts.getContacts()).map((c) => c.handle), ["zaynab.h", "sami_ahmad"]);
    await assert.rejects(Contacts.importContacts({ ...file, format: "some-other-backup" }, "file passphrase 1"), /not_an_export/);
  });

  test("a plain import is still accepted, cleaned, and encrypted on arrival", async () => {
    await Vault.createVault(PASS);
    const plain = { format: "haris-contacts", version: 1, contacts: [...FRIENDS, { display_name: "<b>x</b>", platform: "nowhere", avatar_hash: "zz" }, { note: "nobody" }] };
    assert.equal(await Contacts.importContacts(plain, ""), 3);
    const [, , odd] = await Contacts.getContacts();
    assert.deepEqual([odd.display_name, odd.platform, odd.avatar_hash], ["<b>x</b>", null, null]);
    assertNothingInClear(await everythingStored(browser));
    await assert.rejects(Contacts.importContacts({ contacts: [] }, ""), /not_an_export/);
  });
});

/** How many PBKDF2 derivations `run` starts (Node's real WebCrypto, watched, not replaced). */
async function derivations(run) {
  const subtle = globalThis.crypto.subtle;
  const real = subtle.deriveBits;
  let count = 0;
  subtle.deriveBits = function (...args) {
    count += 1;
    return real.apply(this, args);
  };
  try {
    await run();
  } finally {
    subtle.deriveBits = real;
  }
  return count;
}

const b64 = (n) => Buffer.alloc(n, 7).toString("base64");

describe("an imported file is untrusted: what it asks of the device is bounded", () => {
  test("a file asking for 10 million (or 50) PBKDF2 rounds is refused before any round is run", async () => {
    await Vault.createVault(PASS);
    const file = await Contacts.exportContacts("file passphrase 1");
    for (const iterations of [10_000_000, IMPORT_KDF.maxIterations + 1, 50, 600_000.5, "600000"]) {
      const crafted = { ...file, kdf: { ...file.kdf, iterations } };
      const work = await derivations(() => assert.rejects(Contacts.importContacts(crafted, "file passphrase 1"), { code: "import_settings" }));
      assert.equal(work, 0, `${iterations}: no derivation started`);
    }
    // Our own files are within the range, and still open.
    assert.ok(KDF.iterations >= IMPORT_KDF.minIterations && KDF.iterations <= IMPORT_KDF.maxIterations);
    assert.equal(await Contacts.importContacts(file, "file passphrase 1"), 0);
  });

  test("salt, IV and ciphertext of the wrong size are refused before any work", async () => {
    await Vault.createVault(PASS);
    const file = await Contacts.exportContacts("file passphrase 1");
    const cases = [
      [{ kdf: { ...file.kdf, salt: b64(1024 * 1024) } }, "corrupt"],
      [{ kdf: { ...file.kdf, salt: b64(4) } }, "corrupt"],
      [{ kdf: { ...file.kdf, salt: "not base64 !" } }, "corrupt"],
      [{ iv: b64(16) }, "corrupt"],
      [{ iv: undefined }, "corrupt"],
      [{ data: "A".repeat(Math.ceil(IMPORT_KDF.maxCipherBytes / 3) * 4 + 4) }, "import_too_large"],
      [{ data: b64(8) }, "corrupt"],
    ];
    for (const [change, code] of cases) {
      const work = await derivations(() => assert.rejects(Contacts.importContacts({ ...file, ...change }, "file passphrase 1"), { code }));
      assert.equal(work, 0, JSON.stringify(change).slice(0, 80));
    }
  });

  test("a vault record that asks for 10 million rounds (a tampered profile) is not opened", async () => {
    await Vault.createVault(PASS);
    await Vault.lock();
    const record = (await idbVault());
    await setIdbVault({ ...record, kdf: { ...record.kdf, iterations: 10_000_000 } });
    const work = await derivations(() => assert.rejects(Vault.unlock(PASS), { code: "corrupt" }));
    assert.equal(work, 0);
  });

  test("more contacts than a vault holds are refused whole, with nothing imported", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const many = Array.from({ length: LIMITS.contacts + 1 }, (_v, i) => ({ display_name: `P${i}`, platform: "x", handle: `p${i}` }));
    await assert.rejects(Contacts.importContacts({ format: "haris-contacts", version: 1, contacts: many }, ""), { code: "import_too_many" });
    // Fits alone, but not beside the two kept: none of it goes in (not some kept, some silently dropped).
    const fits = many.slice(0, LIMITS.contacts - 1);
    await assert.rejects(Contacts.importContacts({ format: "haris-contacts", version: 1, contacts: fits }, ""), { code: "import_too_many" });
    assert.deepEqual(await Contacts.getContacts(), FRIENDS);
    assert.equal(await Contacts.importContacts({ format: "haris-contacts", version: 1, contacts: fits.slice(0, LIMITS.contacts - 2) }, ""), LIMITS.contacts - 2);
    assert.equal((await Contacts.getContacts()).length, LIMITS.contacts);
    await assert.rejects(Contacts.upsertContact({ display_name: "One more", platform: "x", handle: "one_more" }), { code: "import_too_many" });
  });

  test("a file naming a contact by username alone does not erase the account id saved from her page", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS });
    const stripped = { format: "haris-contacts", version: 1, contacts: [{ display_name: "Zaynab H.", platform: "instagram", handle: "zaynab.h" }] };
    assert.equal(await Contacts.importContacts(stripped, ""), 1);
    const [zaynab] = await Contacts.getContacts();
    assert.equal(zaynab.account_id, "77001234");
    assert.equal(zaynab.avatar_hash, "8f3a9c0d11223344");
    assert.equal(zaynab.display_name, "Zaynab H.", "what the file does know is updated");
  });

  test("each refusal has its own message in Arabic, English and French", async () => {
    const { readFileSync } = await import("node:fs");
    const options = readFileSync(new URL("../../extension/options/options.js", import.meta.url), "utf8");
    for (const locale of ["ar", "en", "fr"]) {
      const messages = JSON.parse(readFileSync(new URL(`../../extension/_locales/${locale}/messages.json`, import.meta.url), "utf8"));
      for (const [code, key] of [["import_settings", "importSettings"], ["import_too_large", "importTooLarge"], ["import_too_many", "importTooMany"]]) {
        assert.match(options, new RegExp(`${code}: "${key}"`), `options maps ${code}`);
        assert.ok(messages[key] && messages[key].message.length > 20, `${locale} ${key}`);
      }
    }
  });
});

describe("merging contacts", () => {
  /** The readable reference: every incoming contact compared with every kept one. */
  function naiveMerge(list, incoming) {
    const all = list.slice();
    let count = 0;
    let full = false;
    for (const raw of incoming.slice(0, LIMITS.contacts)) {
      const contact = Contacts.cleanContact(raw);
      if (!contact) continue;
      const at = all.findIndex((c) => Contacts.sameAccount(c, contact));
      if (at >= 0) {
        const known = Object.fromEntries(Object.entries(contact).filter(([, value]) => value !== null));
        all[at] = { ...all[at], ...known, added: all[at].added };
      } else if (all.length < LIMITS.contacts) all.push(contact);
      else {
        full = true;
        continue;
      }
      count += 1;
    }
    return { contacts: all, count, full };
  }

  test("the indexed merge finds the same accounts as comparing every pair", () => {
    // A small world of colliding ids and handles (dots and case on Facebook, none elsewhere).
    let seed = 7;
    const next = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const contact = () => ({
      display_name: `N${next(5)}`,
      platform: ["facebook", "instagram", "x", "nowhere"][next(4)],
      account_id: next(3) ? String(next(6)) : null,
      handle: next(4) ? ["mo.saleh", "MoSaleh", "mosaleh", "@mo_saleh", "sara"][next(5)] : null,
      added: "2026-01-01",
    });
    for (let round = 0; round < 200; round += 1) {
      const list = Array.from({ length: next(12) }, contact).map(Contacts.cleanContact).filter(Boolean);
      const incoming = Array.from({ length: next(12) }, contact);
      assert.deepEqual(Contacts.mergeContacts(list, incoming), naiveMerge(list, incoming), `round ${round}`);
    }
  });
});

describe("wipe", () => {
  test("one call leaves nothing of Haris's in local, session or sync storage, nor in its IndexedDB", async () => {
    await Vault.createVault(PASS, { contacts: FRIENDS, apiKey: "hk_secret_api_key" });
    await saveSettings({ backendUrl: "https://h.example", language: "ar", bannerEverywhere: true });
    await browser.storage.local.set({ language: "fr" }); // an older version's setting, not moved yet
    await browser.storage.session.set({ "v|x:id:1|en|open|https://h.example": { at: 1 }, "dismissed|x:id:2": true, "tab|7": { at: 1 } });
    await browser.storage.sync.set({ anything: 1 });
    await browser.action.setBadgeText({ tabId: 7, text: "!" });
    assert.deepEqual(await idbNames(), ["haris-vault"]);
    await wipeEverything();
    for (const name of ["local", "session", "sync"]) assert.deepEqual(await browser.storage[name].get(null), {}, name);
    assert.deepEqual(await idbNames(), [], "the vault's database is deleted whole");
    assert.equal(browser.action.badges.get(7), "");
    assert.equal(await Vault.vaultState(), "none");
    assert.deepEqual(await idbNames(), [], "asking whether there is a vault makes no empty database");
  });
});

describe("the same account", () => {
  test("Facebook ignores dots and case in a handle; Instagram's dots count", () => {
    const saved = { platform: "facebook", handle: "mo.saleh" };
    assert.ok(Contacts.sameAccount(saved, { platform: "facebook", handle: "@MoSaleh" }));
    assert.ok(!Contacts.sameAccount(saved, { platform: "facebook", handle: "mo.salehh" }));
    assert.ok(!Contacts.sameAccount({ ...saved, platform: "instagram" }, { platform: "instagram", handle: "mosaleh" }));
    assert.ok(Contacts.sameAccount({ ...saved, platform: "instagram" }, { platform: "instagram", handle: "Mo.Saleh" }));
    assert.ok(!Contacts.sameAccount(saved, { platform: "x", handle: "mo.saleh" }));
    // Both ids known: only the ids decide (a released handle is not the person).
    assert.ok(!Contacts.sameAccount({ ...saved, account_id: "1" }, { platform: "facebook", handle: "mosaleh", account_id: "2" }));
  });

  test("a contact's other ids: cleaned like ids, added up on a later save, matched only against the checked page's own id", () => {
    const raw = { display_name: "Meedan", platform: "facebook", account_id: "100067935271247", account_ids: [" 54421674438 ", "100067935271247", "54421674438", 7, "9".repeat(129), ""] };
    assert.deepEqual(Contacts.cleanContact(raw).account_ids, ["54421674438"]);
    assert.equal("account_ids" in Contacts.cleanContact({ ...raw, account_ids: "54421674438" }), false);
    const merged = Contacts.mergeContacts([Contacts.cleanContact(raw)], [{ ...raw, account_ids: ["111"] }, { ...raw, account_ids: undefined }]).contacts;
    assert.deepEqual(merged.map((c) => c.account_ids), [["54421674438", "111"]]);
    const contact = merged[0];
    assert.ok(Contacts.isContactsAccount(contact, { platform: "facebook", account_id: "54421674438" }));
    assert.ok(!Contacts.isContactsAccount(contact, { platform: "instagram", account_id: "54421674438" }));
    // The checked page's own claims of other ids do not make it her.
    assert.ok(!Contacts.isContactsAccount(contact, { platform: "facebook", account_id: "666", account_ids: ["100067935271247"] }));
    assert.ok(!Contacts.isContactsAccount({ ...contact, account_ids: undefined }, { platform: "facebook", account_id: "666", account_ids: ["100067935271247"] }));
  });
});

// Red team of the extension's own stored data and settings (not the pages it reads, nor the
// worker's messages: redteam-pages.test.mjs and worker-messages.test.mjs cover those): someone
// holding the device with Haris locked, and a hostile file the user is talked into importing.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { clearEverything, installFakeBrowser } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const Settings = await import("../../extension/shared/settings.js");
const Contacts = await import("../../extension/shared/contacts.js");
const { buildCheckBody } = await import("../../extension/background/checker.js");
const { LIMITS } = await import("../../extension/shared/constants.js");

const PASS = "olive tram seventeen lantern";
const OURS = "https://ngo.example";
const THEIRS = "https://collector.example";

beforeEach(() => clearEverything(browser));

describe("the server address, while the vault is locked", () => {
  test("a new one is refused, and nothing is saved: the next unlock would send the contacts there", async () => {
    await Settings.saveSettings({ backendUrl: OURS });
    await Vault.createVault(PASS, { contacts: [{ display_name: "Zaynab Haddad", platform: "x", account_id: "77001234" }] });
    await Vault.lock();
    await assert.rejects(Settings.saveSettings({ backendUrl: THEIRS, language: "fr" }), { name: "VaultError", code: "locked" });
    assert.deepEqual(
      { backendUrl: (await Settings.getSettings()).backendUrl, language: (await Settings.getSettings()).language },
      { backendUrl: OURS, language: "auto" },
      "neither the server nor the other settings of the same save",
    );
  });

  test("the same one with other settings changes, and any other setting, still save while locked", async () => {
    await Settings.saveSettings({ backendUrl: OURS });
    await Vault.createVault(PASS);
    await Vault.lock();
    await Settings.saveSettings({ backendUrl: OURS, language: "ar", bannerEverywhere: true });
    await Settings.saveSettings({ autoLockMinutes: 15 });
    const settings = await Settings.getSettings();
    assert.deepEqual([settings.backendUrl, settings.language, settings.bannerEverywhere, settings.autoLockMinutes], [OURS, "ar", true, 15]);
  });

  test("with the vault open (the passphrase typed), or with no vault at all, the server may change", async () => {
    await Settings.saveSettings({ backendUrl: THEIRS });
    assert.equal((await Settings.getSettings()).backendUrl, THEIRS, "no vault: nothing to protect with");
    await Vault.createVault(PASS);
    await Settings.saveSettings({ backendUrl: OURS });
    assert.equal((await Settings.getSettings()).backendUrl, OURS);
    await Vault.lock();
    await Vault.unlock(PASS);
    await Settings.saveSettings({ backendUrl: THEIRS });
    assert.equal((await Settings.getSettings()).backendUrl, THEIRS);
  });
});

// A plain contacts file as an older version or another tool writes it (Options reads at most
// MAX_IMPORT_BYTES of it, then importContacts).
const plainFile = (contacts) => ({ format: "haris-contacts", version: 1, contacts });
// The server's default body limit (server/config.py HARIS_MAX_BODY_BYTES) and the photo a check
// may carry (MAX_AVATAR_BYTES, base64): the contacts must leave the photo its room.
const SERVER_BODY_BYTES = 6 * 1024 * 1024;

describe("a hostile contacts file", () => {
  test("control characters and lone surrogates (six bytes each in every check's JSON) are not kept", async () => {
    const { MAX_IMPORT_BYTES } = await import("../../extension/shared/constants.js");
    await Vault.createVault(PASS);
    // Two files under Options' size limit, 1,000 contacts each: names, ids and usernames made of
    // what JSON writes longest.
    const hostile = (from) => Array.from({ length: 1000 }, (_, i) => ({
      display_name: "\ud800".repeat(LIMITS.text.display_name), platform: "x",
      account_id: `${from + i}`.padEnd(LIMITS.identifiers.account_id, "\u0001"),
      handle: `h${from + i}`.padEnd(LIMITS.identifiers.handle, "\u007f\u0085"), avatar_hash: "ab".repeat(LIMITS.hashHex / 2),
    }));
    for (const from of [0, 1000]) {
      const file = plainFile(hostile(from));
      assert.ok(Buffer.byteLength(JSON.stringify(file)) <= MAX_IMPORT_BYTES, "a file Options reads");
      assert.equal(await Contacts.importContacts(file, ""), 1000);
    }
    const contacts = await Contacts.getContacts();
    assert.equal(contacts.length, 2000);
    const body = JSON.stringify(buildCheckBody({ platform: "x", profile: { handle: "someone" }, contacts, locale: "en" }));
    assert.ok(!/\\u00|\\ud8/.test(body), "no control character nor lone surrogate is sent");
    // 2,000 contacts at their longest leave a 1.8 MB photo its room (it was 6.27 MB: the photo never went).
    assert.ok(Buffer.byteLength(body) + Math.ceil((1.8 * 1024 * 1024) / 3) * 4 < SERVER_BODY_BYTES, `${Buffer.byteLength(body)} bytes`);
    assert.equal(contacts[0].account_id, "0", "what is left of the id is kept");
    assert.equal(contacts[0].display_name, "\ufffd".repeat(LIMITS.text.display_name));
  });

  test("prototype keys are plain data: nothing is polluted, nothing but the contact's known fields is kept", async () => {
    await Vault.createVault(PASS);
    const file = JSON.parse(`{"format":"haris-contacts","__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},
      "contacts":[{"__proto__":{"polluted":3,"account_id":"forged"},"display_name":"Zaynab Haddad","platform":"__proto__","handle":"zaynab.h",
      "account_ids":["__proto__","constructor"],"constructor":{"prototype":{"polluted":4}}}]}`);
    assert.equal(await Contacts.importContacts(file, ""), 1);
    const [contact] = await Contacts.getContacts();
    assert.equal({}.polluted, undefined);
    assert.equal(Object.getPrototypeOf(contact), Object.prototype);
    assert.deepEqual(Object.keys(contact).sort(), ["account_id", "account_ids", "added", "avatar_hash", "display_name", "handle", "platform"]);
    assert.deepEqual([contact.platform, contact.account_id, contact.account_ids], [null, null, ["__proto__", "constructor"]]);
  });

  test("JSON nested 2.5 million deep parses (V8's parser does not recurse) and imports nothing", async () => {
    await Vault.createVault(PASS);
    const deep = JSON.parse(`${"[".repeat(2_500_000)}${"]".repeat(2_500_000)}`);
    await assert.rejects(Contacts.importContacts(deep, ""), { message: "not_an_export" });
    assert.equal(await Contacts.importContacts({ format: "haris-contacts", contacts: deep }, ""), 0, "an array is no contact");
    assert.deepEqual(await Contacts.getContacts(), []);
  });
});

describe("when the vault locks itself, while it is locked", () => {
  test("a longer time, or never, is refused: it would leave the next unlock open for whoever comes next", async () => {
    await Vault.createVault(PASS);
    await Settings.saveSettings({ autoLockMinutes: 60 });
    await Vault.lock();
    for (const longer of [240, 0]) {
      await assert.rejects(Settings.saveSettings({ autoLockMinutes: longer }), { name: "VaultError", code: "locked" });
    }
    assert.equal((await Settings.getSettings()).autoLockMinutes, 60);
    await Settings.saveSettings({ autoLockMinutes: 15 });
    assert.equal((await Settings.getSettings()).autoLockMinutes, 15, "a shorter one is taken");
    await Vault.unlock(PASS);
    await Settings.saveSettings({ autoLockMinutes: 0 });
    assert.equal((await Settings.getSettings()).autoLockMinutes, 0, "open: the user chooses");
  });
});

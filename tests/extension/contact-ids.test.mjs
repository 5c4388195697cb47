// A Facebook Page has two ids (its old Page id and its new profile id), and a contact saved by a
// version that recorded one of them, then saved again at the Page's other address, was two
// contacts: deleting the newer one brought back the "copies your contact" warning on the Page
// itself. Saving now adds the ids to the contact she already is, and the vault's pairs saved so
// are folded into one at an unlock — never on a visited page's claim alone, never two of the
// user's contacts made one by a page naming both.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { clearEverything, idbVault, installFakeBrowser } from "./fake-browser.mjs";

const browser = installFakeBrowser();
const Vault = await import("../../extension/shared/vault.js");
const Contacts = await import("../../extension/shared/contacts.js");

const PASS = "olive tram seventeen lantern";
const PROFILE_ID = "100067935271247"; // heymeedan, at its vanity address
const PAGE_ID = "54421674438"; // the same Page at /Meedan-54421674438/
// Saved at the vanity by a version that recorded one id.
const OLD = { display_name: "Meedan", platform: "facebook", account_id: PROFILE_ID, handle: "heymeedan", avatar_hash: "aa11", added: "2025-01-01T00:00:00.000Z" };
// The same Page as the popup saves it at its old address now: its page names the other id.
const AT_OLD_ADDRESS = { display_name: "Meedan", platform: "facebook", account_id: PAGE_ID, account_ids: [PROFILE_ID], handle: "heymeedan", avatar_hash: "bb22" };
// Saved so by that version: the same photo.
const NEWER = { ...AT_OLD_ADDRESS, avatar_hash: "aa11", added: "2026-01-01T00:00:00.000Z" };

beforeEach(() => clearEverything(browser));

const merge = (list, incoming) => Contacts.mergeContacts(list.map(Contacts.cleanContact), incoming).contacts;

describe("saving a Page at its other address", () => {
  test("updates the contact she already is (the ids added up), not a second one", () => {
    const [contact, ...more] = merge([OLD], [AT_OLD_ADDRESS]);
    assert.equal(more.length, 0, "one contact, not two");
    assert.deepEqual([contact.account_id, contact.account_ids], [PROFILE_ID, [PAGE_ID]]);
    // What was saved first stays: her photo, her date.
    assert.deepEqual([contact.avatar_hash, contact.added], ["aa11", OLD.added]);
    for (const id of [PROFILE_ID, PAGE_ID]) assert.ok(Contacts.isContactsAccount(contact, { platform: "facebook", account_id: id }), id);
  });

  test("the other way round too: saved with both ids, then at an address that names only one", () => {
    const both = { ...OLD, account_ids: [PAGE_ID] };
    const merged = merge([both], [{ ...AT_OLD_ADDRESS, account_ids: undefined }]);
    assert.deepEqual(merged.map((c) => [c.account_id, c.account_ids]), [[PROFILE_ID, [PAGE_ID]]]);
  });

  test("the name the user gave her stays; the save only adds ids", () => {
    const [contact] = merge([{ ...OLD, display_name: "Meedan (work)" }], [{ ...AT_OLD_ADDRESS, display_name: "Someone Else", handle: "elsewhere" }]);
    assert.deepEqual([contact.display_name, contact.handle], ["Meedan (work)", "heymeedan"]);
    // A field she lacked is taken.
    const [bare] = merge([{ ...OLD, handle: null, avatar_hash: null }], [AT_OLD_ADDRESS]);
    assert.deepEqual([bare.handle, bare.avatar_hash], ["heymeedan", "bb22"]);
  });

  test("within the cap of other ids, hers first", () => {
    const full = { ...OLD, account_ids: ["1", "2", "3", "4", "5", "6", "7", "8"] };
    const [contact] = merge([full], [{ ...AT_OLD_ADDRESS, account_id: "8", account_ids: ["9", PROFILE_ID] }]);
    assert.deepEqual(contact.account_ids, ["1", "2", "3", "4", "5", "6", "7", "8"]);
  });

  test("upsertContact in the vault: one contact, and it resolves to her", async () => {
    await Vault.createVault(PASS, { contacts: [Contacts.cleanContact(OLD)] });
    const saved = await Contacts.upsertContact(AT_OLD_ADDRESS);
    assert.deepEqual([saved.account_id, saved.account_ids], [PROFILE_ID, [PAGE_ID]]);
    assert.equal((await Contacts.getContacts()).length, 1);
  });
});

describe("a crafted page cannot merge contacts", () => {
  const FRIEND_A = { display_name: "Zaynab", platform: "facebook", account_id: "111", handle: "zaynab" };
  const FRIEND_B = { display_name: "Sami", platform: "facebook", account_id: "222", handle: "sami" };

  test("a page naming the ids of two contacts joins neither: it is saved as a contact of its own, as before", () => {
    const crafted = { display_name: "Zaynab", platform: "facebook", account_id: "666", account_ids: ["111", "222"], handle: "zaynab.h" };
    const merged = merge([FRIEND_A, FRIEND_B], [crafted]);
    assert.deepEqual(merged.map((c) => [c.display_name, c.account_id, c.account_ids]), [
      ["Zaynab", "111", undefined], ["Sami", "222", undefined], ["Zaynab", "666", ["111", "222"]],
    ]);
  });

  test("a page with no id of its own (only claims) joins no contact", () => {
    const merged = merge([FRIEND_A], [{ display_name: "Zaynab", platform: "facebook", account_ids: ["111"], handle: "other" }]);
    assert.equal(merged.length, 2);
    assert.equal(merged[0].account_ids, undefined);
  });

  test("another platform's id is another account", () => {
    assert.equal(merge([FRIEND_A], [{ ...AT_OLD_ADDRESS, platform: "instagram", account_ids: ["111"] }]).length, 2);
  });

  test("visiting a page changes no contact: only a save does (isContactsAccount ignores the page's claims)", () => {
    assert.ok(!Contacts.isContactsAccount(Contacts.cleanContact(FRIEND_A), { platform: "facebook", account_id: "666", account_ids: ["111"] }));
  });
});

describe("pairs saved by an older version fold into one at an unlock", () => {

  test("the pair becomes the contact saved first, with both ids", () => {
    const { contacts, folded } = Contacts.foldSharedIds([OLD, NEWER].map(Contacts.cleanContact));
    assert.equal(folded, 1);
    assert.deepEqual(contacts.map((c) => [c.display_name, c.account_id, c.account_ids, c.avatar_hash, c.added]), [
      ["Meedan", PROFILE_ID, [PAGE_ID], "aa11", OLD.added],
    ]);
    // Either order: the one saved first (first in the list) is kept.
    const reversed = Contacts.foldSharedIds([NEWER, OLD].map(Contacts.cleanContact)).contacts;
    assert.deepEqual(reversed.map((c) => [c.account_id, c.account_ids]), [[PAGE_ID, [PROFILE_ID]]]);
  });

  test("what would be lost keeps them apart: another name or username the user kept, another photo", () => {
    for (const change of [{ display_name: "Meedan (old page)" }, { handle: "meedan.old" }, { avatar_hash: "cc33" }]) {
      const list = [OLD, { ...NEWER, ...change }].map(Contacts.cleanContact);
      assert.deepEqual(Contacts.foldSharedIds(list), { contacts: list, folded: 0 }, JSON.stringify(change));
    }
    // Case and spaces are not a difference.
    assert.equal(Contacts.foldSharedIds([OLD, { ...NEWER, display_name: " meedan " }].map(Contacts.cleanContact)).folded, 1);
  });

  test("a chain (a saved page naming two contacts' ids) folds nothing", () => {
    const list = [
      { display_name: "Zaynab", platform: "facebook", account_id: "111" },
      { display_name: "Zaynab", platform: "facebook", account_id: "222" },
      { display_name: "Zaynab", platform: "facebook", account_id: "666", account_ids: ["111", "222"] },
    ].map(Contacts.cleanContact);
    assert.equal(Contacts.foldSharedIds(list).folded, 0);
  });

  test("in the vault: folded once, at the unlock; nothing written when there is nothing to fold", async () => {
    await Vault.createVault(PASS, { contacts: [OLD, NEWER, { display_name: "Sami", platform: "x", account_id: "99" }].map(Contacts.cleanContact) });
    await Vault.lock();
    await Vault.unlock(PASS);
    assert.equal(await Contacts.foldSharedIdContacts(), 1);
    const contacts = await Contacts.getContacts();
    assert.deepEqual(contacts.map((c) => [c.account_id, c.account_ids]), [[PROFILE_ID, [PAGE_ID]], ["99", undefined]]);
    const before = JSON.stringify(await idbVault());
    assert.equal(await Contacts.foldSharedIdContacts(), 0);
    assert.equal(JSON.stringify(await idbVault()), before, "the vault is not sealed again");
    // Deleting the folded contact's twin is no longer possible: she opens as herself at both addresses.
    for (const id of [PROFILE_ID, PAGE_ID]) assert.ok(Contacts.isContactsAccount(contacts[0], { platform: "facebook", account_id: id }));
  });
});

// The content script's scan loop (extension/content/main.js) in jsdom, with a fake service worker
// and a fake clock: when it checks, when it checks again, when it does not.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { contentScriptAt, fixture } from "./helpers.mjs";

const TELEGRAM_LOADING = fixture("telegram/reconstructed-a-base.html")
  .split("-->")
  .map((part, i) => (i === 0 ? part : part.replace("@@AVATAR@@", '<div class="Avatar no-photo" data-peer-id="7001234567">NK</div>').replace(/@@[A-Z_]+@@/g, "")))
  .join("-->");

describe("re-checks", () => {
  test("a photo replacing Telegram's initials is sent in a second check; the first had no has_avatar", async () => {
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING);
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    assert.equal(page.checks()[0].profile.has_avatar, undefined, "initials are not 'no photo'");
    assert.equal(page.checks()[0].key, "telegram:id:7001234567");
    const avatar = page.document.querySelector(".Avatar");
    avatar.classList.remove("no-photo");
    avatar.innerHTML = '<div class="inner"><img class="Avatar__media avatar-media" src="blob:https://web.telegram.org/00000000-0000-4000-8000-000000000009"></div>';
    await page.advance(2000);
    assert.equal(page.checks().length, 2);
    assert.equal(page.checks()[1].profile.has_avatar, true);
    assert.equal(page.checks()[1].force, true, "a re-check bypasses the cached answer");
  });

  test("a huge blob: photo is neither copied nor sent; a photo within the limit is", async () => {
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING);
    const copied = [];
    page.window.fetch = async (url) => ({
      blob: async () => {
        const size = url.endsWith("9") ? 512 * 1024 * 1024 : 3;
        return { size, arrayBuffer: async () => (copied.push(size), new Uint8Array(size).fill(65).buffer) };
      },
      arrayBuffer: async () => (copied.push("whole response"), new Uint8Array(512 * 1024 * 1024).buffer),
    });
    const avatar = page.document.querySelector(".Avatar");
    avatar.classList.remove("no-photo");
    avatar.innerHTML = '<div class="inner"><img class="Avatar__media avatar-media" src="blob:https://web.telegram.org/00000000-0000-4000-8000-000000000009"></div>';
    await page.advance(2000);
    assert.deepEqual(copied, [], "512 MB are not copied");
    assert.equal(page.checks().at(-1).avatar, null);
    page.document.querySelector(".Avatar img").setAttribute("src", "blob:https://web.telegram.org/00000000-0000-4000-8000-000000000008");
    await page.advance(2000);
    assert.deepEqual(copied, [3]);
    assert.deepEqual(page.checks().at(-1).avatar, { base64: "QUFB" });
  });

  test("the worker's FORGET (a lock, an unlock, a wipe) takes the banner down; the profile is then checked again", async () => {
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING);
    const host = () => {
      const first = page.document.body.previousElementSibling;
      return first && /^[a-z]+-[a-z]+$/.test(first.localName) ? first : null;
    };
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    assert.ok(host(), "a banner is drawn");
    page.deliver({ type: "forget" }, "another-extension");
    assert.ok(host(), "another extension cannot take it down");
    page.deliver({ type: "forget" });
    assert.equal(host(), null, "gone at once");
    await page.advance(2000);
    assert.equal(page.checks().length, 2);
    assert.equal(page.checks()[1].force, false, "checked as if first seen (the cache may answer)");
    assert.ok(host());
    // After a wipe: down, and not checked again on this address, even as the page keeps changing.
    page.deliver({ type: "forget", quiet: true });
    assert.equal(host(), null);
    page.document.querySelector(".ChatExtra .ListItem:nth-child(2) .title").firstChild.nodeValue = "Illustrator in Marseille.";
    await page.advance(2000);
    assert.equal(page.checks().length, 2);
    page.window.history.pushState({}, "", "https://web.telegram.org/a/#7001234568");
    page.document.querySelector(".ChatExtra .ListItem:nth-child(2) .title").firstChild.nodeValue = "Another bio.";
    await page.advance(2000);
    assert.equal(page.checks().length, 3, "checking resumes at the next address");
  });

  test("a wipe while a check is being prepared: the scan under way stops, and nothing is sent to be checked", async () => {
    // The worker's answer to "was this profile dismissed?" (or the page's photo) takes a while;
    // the wipe's FORGET comes meanwhile. Sending the check then would have the worker keep the
    // profile again, after the wipe.
    let release = null;
    const hold = (message) => (message.type === "isDismissed" ? new Promise((resolve) => (release = resolve)) : null);
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING, { hold });
    await page.advance(2000);
    assert.ok(release, "the scan waits on the worker");
    page.deliver({ type: "forget", quiet: true });
    release();
    await page.advance(2000);
    assert.equal(page.checks().length, 0);
    assert.deepEqual(Array.from(page.document.documentElement.children).filter((n) => /^[a-z]+-[a-z]+$/.test(n.localName)), [], "no banner");
    // A lock's FORGET (not quiet) stops it too; the profile is then checked again, once.
    const locked = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING, { hold });
    release = null;
    await locked.advance(2000);
    const first = release;
    locked.deliver({ type: "forget" });
    await locked.advance(10);
    release = null;
    first();
    await locked.advance(2000);
    release?.();
    await locked.advance(2000);
    assert.equal(locked.checks().length, 1, "checked once, by the scan the FORGET asked for");
  });

  test("a wipe while the worker checks: its answer is not drawn", async () => {
    let release = null;
    const high = { state: "result", level: "high", risk: 90, findings: [] };
    const hold = (message) => (message.type === "check" ? new Promise((resolve) => (release = resolve)) : null);
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING, { hold, everywhere: false, view: high });
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    page.deliver({ type: "forget", quiet: true });
    release();
    await page.advance(2000);
    const hosts = Array.from(page.document.documentElement.children).filter((n) => /^[a-z]+-[a-z]+$/.test(n.localName));
    assert.deepEqual(hosts, [], "no banner");
  });

  test("discreet by default, except for an account holding the username of a contact saved without its id", async () => {
    const X = `<main><div data-testid="primaryColumn"><div data-testid="UserName"><div dir="ltr"><span>Mohamed Saleh</span></div><div dir="ltr"><span>@mo_saleh</span></div></div></div></main>`;
    const host = (page) => Array.from(page.document.documentElement.children).find((n) => /^[a-z]+-[a-z]+$/.test(n.localName)) || null;
    const quiet = contentScriptAt("https://x.com/mo_saleh", X, { everywhere: false });
    await quiet.advance(2000);
    assert.equal(quiet.checks().length, 1);
    assert.equal(host(quiet), null, "low risk: no banner by default");
    const unconfirmed = { state: "result", level: "low", risk: 3, findings: [], unconfirmed: true, trusted: false };
    const told = contentScriptAt("https://x.com/mo_saleh", X, { everywhere: false, view: unconfirmed });
    await told.advance(2000);
    assert.ok(host(told), "not silently: the banner says Haris cannot tell");
  });

  test("a value edited in place (same fields, new text) is checked again; a vanished field is not", async () => {
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING);
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    page.document.querySelector(".ChatExtra .ListItem:nth-child(2) .title").firstChild.nodeValue = "Illustrator in Marseille.";
    await page.advance(2000);
    assert.equal(page.checks().length, 2);
    assert.equal(page.checks()[1].profile.bio, "Illustrator in Marseille.");
    page.document.querySelector(".ChatExtra .ListItem:nth-child(2)").remove();
    await page.advance(2000);
    assert.equal(page.checks().length, 2, "no check for a field that disappeared");
  });

  test("a page that keeps changing is re-checked three times at once, then its latest state after 15 s, 30 s…; the checks are debounced", async () => {
    const page = contentScriptAt("https://web.telegram.org/a/#7001234567", TELEGRAM_LOADING);
    await page.advance(2000);
    const bio = page.document.querySelector(".ChatExtra .ListItem:nth-child(2) .title").firstChild;
    for (let i = 0; i < 10; i += 1) {
      bio.nodeValue = `Bio ${i}`;
      await page.advance(100); // faster than the page settles: one check for the burst
    }
    await page.advance(2000);
    assert.equal(page.checks().length, 2, "ten edits within the debounce window: one re-check");
    for (let i = 10; i < 20; i += 1) {
      bio.nodeValue = `Bio ${i}`;
      await page.advance(2000);
    }
    // 1 check + 3 re-checks at once; the edits after them wait 15 s from the last check, and
    // the state on screen then is checked (with no further change needed to trigger it).
    assert.equal(page.checks().length, 5, "1 check + 3 re-checks + 1 after 15 s");
    const fifth = page.checks()[4].profile.bio;
    assert.ok(fifth === "Bio 18" || fifth === "Bio 19", fifth);
    await page.advance(40_000);
    assert.equal(page.checks().length, 6, "the last edit, 30 s after");
    assert.equal(page.checks()[5].profile.bio, "Bio 19", "the state on screen now, not an earlier one");
    await page.advance(200_000);
    assert.equal(page.checks().length, 6, "nothing changed: nothing sent");
    bio.nodeValue = "Bio 20";
    await page.advance(2000);
    assert.equal(page.checks().length, 7, "the wait (60 s) has long passed");
    bio.nodeValue = "Bio 21";
    await page.advance(100_000);
    assert.equal(page.checks().length, 7, "then 120 s");
    await page.advance(25_000);
    assert.equal(page.checks().length, 8);
    assert.equal(page.checks()[7].profile.bio, "Bio 21");
  });

  test("Instagram: the server's tags are checked, then the header drawn later corrects the profile", async () => {
    const head = fixture("instagram/invented-server-2024.html");
    const page = contentScriptAt("https://www.instagram.com/rania.azzam.studio/", head);
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    assert.equal(page.checks()[0].profile.private, undefined);
    page.document.getElementById("mount_0_0_Qz").innerHTML = `<main><header><section><h2>rania.azzam.studio</h2></section>
      <section><div><span dir="auto">Rania Azzam</span></div></section></header><div><span>This account is private</span></div></main>`;
    await page.advance(2000);
    assert.equal(page.checks().length, 2);
    assert.equal(page.checks()[1].profile.private, true);
    assert.equal(page.checks()[1].key, page.checks()[0].key, "the same profile, the same key");
  });

  test("X: the JSON-LD inserted after the header adds the id under the same key", async () => {
    const real = fixture("x/real-kikobeats-2025-12-23.html");
    const schema = real.match(/<script[^>]*UserProfileSchema-test[^>]*>[\s\S]*?<\/script>/)[0];
    const page = contentScriptAt("https://x.com/Kikobeats", real.replace(schema, ""));
    await page.advance(2000);
    assert.equal(page.checks().length, 1);
    assert.equal(page.checks()[0].profile.account_id, undefined);
    page.document.head.insertAdjacentHTML("beforeend", schema);
    await page.advance(2000);
    assert.equal(page.checks().length, 2);
    assert.equal(page.checks()[1].profile.account_id, "101198215");
    assert.deepEqual([page.checks()[0].key, page.checks()[1].key], ["x:h:kikobeats", "x:h:kikobeats"], "one key, so a dismissal covers both");
  });
});

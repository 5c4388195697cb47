// The backend client against real local HTTP servers: only a well-formed 200 is a result.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import * as Checker from "../../extension/background/checker.js";
import { toBase64 } from "../../extension/shared/base64.js";

const GOOD = { risk: 12, level: "low", findings: [], avatar_hash: null, rules_version: "t", unavailable: [], locale: "en" };
let server;
let base;
const seen = [];
const resets = new Map();

// One server; the path picks the behaviour, the check body is recorded.
before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      seen.push({ url: req.url, headers: req.headers, body: body ? JSON.parse(body) : null });
      const mode = req.url.split("/")[1];
      const json = (status, data, headers = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(JSON.stringify(data));
      };
      if (mode === "ok") json(200, GOOD);
      else if (mode === "limited") json(429, { error: { code: "rate_limited", message: "slow down" } }, { "Retry-After": "42" });
      else if (mode === "unavailable") json(503, { error: { code: "storage_unavailable", message: "x" } });
      else if (mode === "broken") json(500, { error: { code: "internal", message: "x" } });
      else if (mode === "invalid") json(422, { error: { code: "invalid_value", message: "x", field: "profile.joined" } });
      else if (mode === "strict") {
        // Refuses one field at a time, naming it, as the real API does (server/requests.py).
        const sent = JSON.parse(body);
        if (sent.profile.joined) json(422, { error: { code: "invalid_value", message: "x", field: "profile.joined" } });
        else if ((sent.contacts || []).some((c) => c.handle === "bad")) {
          json(422, { error: { code: "invalid_value", message: "x", field: `contacts.${sent.contacts.findIndex((c) => c.handle === "bad")}.handle` } });
        } else json(200, GOOD);
      } else if (mode === "moved") {
        res.writeHead(307, { Location: `/ok${req.url.slice("/moved".length)}` });
        res.end();
      }
      else if (mode === "html") {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<html>captive portal</html>");
      } else if (mode === "wrong") json(200, { risk: 5, level: "safe", findings: [] });
      else if (mode === "slow") setTimeout(() => json(200, GOOD), 2000);
      else if (mode === "accepted") json(202, { id: "r1" });
      else if (mode === "no-avif") {
        // Refuses any photo, as for a format it does not take; answers without one.
        const sent = JSON.parse(body);
        if (sent.avatar) json(415, { error: { code: "image_format_not_allowed", message: "x", field: "avatar" } });
        else json(200, GOOD);
      } else if (mode === "reset-once" || mode === "reset-always") {
        // The connection dies before any answer, as when a server worker restarts.
        resets.set(mode, (resets.get(mode) || 0) + 1);
        if (mode === "reset-always" || resets.get(mode) === 1) req.socket.destroy();
        else json(200, GOOD);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const request = { platform: "x", profile: { handle: "a" }, locale: "ar", contacts: [] };

describe("checkProfile", () => {
  test("a well-formed 200 is a result; contacts carry only API fields; no API key on an anonymous call", async () => {
    const contacts = [
      { display_name: "Mohammed", platform: "x", account_id: "1", handle: "m", avatar_hash: "ab", added: "2026-11-23", note: "x" },
      { display_name: "", platform: "x" },
    ];
    const answer = await Checker.checkProfile(fetch, { backendUrl: `${base}/ok/`, apiKey: "k1" }, { ...request, contacts });
    // The report as the worker keeps it (checker.js boundedReport): the fields it reads, each within bounds.
    const { locale: _unread, ...kept } = GOOD;
    assert.deepEqual(answer, { ok: true, report: kept });
    const last = seen.at(-1);
    assert.equal(last.url, "/ok/v1/check");
    assert.equal(last.headers.authorization, undefined, "finding 15: /v1/check needs no role");
    assert.equal(last.headers.cookie, undefined);
    assert.deepEqual(last.body, {
      platform: "x", profile: { handle: "a" }, locale: "ar",
      contacts: [{ display_name: "Mohammed", platform: "x", account_id: "1", handle: "m", avatar_hash: "ab" }],
    });
  });

  test("429 is 'rate_limited' with the server's Retry-After", async () => {
    assert.deepEqual(await Checker.checkProfile(fetch, { backendUrl: `${base}/limited` }, request), { ok: false, reason: "rate_limited", status: 429, retryAfter: 42 });
  });

  test("503 is 'down'; 500 and 422 are 'error' with the code", async () => {
    assert.deepEqual(await Checker.checkProfile(fetch, { backendUrl: `${base}/unavailable` }, request), { ok: false, reason: "down", status: 503 });
    assert.deepEqual(await Checker.checkProfile(fetch, { backendUrl: `${base}/broken` }, request), { ok: false, reason: "error", status: 500, code: "internal" });
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: `${base}/invalid` }, request)).code, "invalid_value");
  });

  test("a 200 that is not a Haris report (captive portal, unknown level) is an error, not a result", async () => {
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: `${base}/html` }, request)).reason, "error");
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: `${base}/wrong` }, request)).code, "malformed_response");
  });

  test("a report the popup could not draw (points not a number, unavailable not a list of names) is malformed, not a result", () => {
    const good = { level: "high", risk: 80, findings: [{ code: "a.b", message: "m", points: 2.5 }], unavailable: ["avatar"] };
    assert.equal(Checker.looksLikeReport(good), true);
    assert.equal(Checker.looksLikeReport({ ...good, unavailable: undefined }), true);
    for (const bad of [
      { ...good, findings: [{ code: "a.b", message: "m" }] },
      { ...good, findings: [{ code: "a.b", message: "m", points: "2.5" }] },
      { ...good, findings: [{ code: "a.b", message: "m", points: null }] },
      { ...good, unavailable: "avatar" },
      { ...good, unavailable: [{ toString: 1 }] },
    ]) assert.equal(Checker.looksLikeReport(bad), false, JSON.stringify(bad));
  });

  test("a slow server is a 'timeout'", async () => {
    const started = Date.now();
    assert.deepEqual(await Checker.checkProfile(fetch, { backendUrl: `${base}/slow`, timeoutMs: 150 }, request), { ok: false, reason: "timeout" });
    assert.ok(Date.now() - started < 1500);
  });

  test("a connection reset before any answer is tried once more; a report is never sent twice", async () => {
    const settings = (path) => ({ backendUrl: `${base}/${path}`, retryDelayMs: 10 });
    const again = await Checker.checkProfile(fetch, settings("reset-once"), request);
    assert.equal(again.ok, true);
    assert.equal(resets.get("reset-once"), 2);
    assert.deepEqual(await Checker.checkProfile(fetch, settings("reset-always"), request), { ok: false, reason: "down" });
    assert.equal(resets.get("reset-always"), 2);
    const report = { platform: "x", profile: { handle: "a" }, reason: "other" };
    assert.deepEqual(await Checker.sendReport(fetch, settings("reset-always"), report), { ok: false, reason: "down" });
    assert.equal(resets.get("reset-always"), 3);
    // An answer, even an error, is not retried.
    const before = seen.length;
    assert.equal((await Checker.checkProfile(fetch, settings("unavailable"), request)).reason, "down");
    assert.equal(seen.length, before + 1);
  });

  test("a photo the server refuses is dropped and the check asked again without it; other refusals are final", async () => {
    const before = seen.length;
    const withPhoto = { ...request, avatarBase64: "AAAA" };
    const answer = await Checker.checkProfile(fetch, { backendUrl: `${base}/no-avif` }, withPhoto);
    assert.equal(answer.ok, true);
    const asked = seen.slice(before);
    assert.equal(asked.length, 2);
    assert.equal(asked[0].body.avatar, "AAAA");
    assert.equal("avatar" in asked[1].body, false);
    assert.deepEqual(asked[1].body.profile, request.profile);
    // Not about the photo (a bad join date), or no photo was sent: not asked again.
    const middle = seen.length;
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: `${base}/invalid` }, withPhoto)).code, "invalid_value");
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: `${base}/no-avif` }, request)).ok, true);
    assert.equal(seen.length, middle + 2);
  });

  test("nothing listening is 'down'; a non-http backend is refused before any request", async () => {
    const closed = createServer();
    await new Promise((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = closed.address().port;
    await new Promise((resolve) => closed.close(resolve));
    assert.deepEqual(await Checker.checkProfile(fetch, { backendUrl: `http://127.0.0.1:${port}` }, request), { ok: false, reason: "down" });
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: "file:///etc/passwd" }, request)).code, "bad_backend_url");
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: "http://user:pw@127.0.0.1" }, request)).code, "bad_backend_url");
  });
});

describe("sendReport and helpers", () => {
  test("a 202 with an id is sent; anything else is not", async () => {
    assert.deepEqual(await Checker.sendReport(fetch, { backendUrl: `${base}/accepted` }, { platform: "x", profile: {}, reason: "entrapment", avatarHash: "ff" }), { ok: true, id: "r1" });
    assert.deepEqual(seen.at(-1).body, { platform: "x", profile: {}, reason: "entrapment", avatar_hash: "ff" });
    assert.equal((await Checker.sendReport(fetch, { backendUrl: `${base}/ok` }, { platform: "x", profile: {}, reason: "other" })).ok, false);
  });

  test("toBase64 matches Node's encoder, also for large photos", () => {
    const bytes = new Uint8Array(300_001).map((_, i) => (i * 31) % 256);
    assert.equal(toBase64(bytes), Buffer.from(bytes).toString("base64"));
  });

  test("finding 15: a report carries no API key either", async () => {
    await Checker.sendReport(fetch, { backendUrl: `${base}/accepted`, apiKey: "hk_trainer_secret" }, { platform: "x", profile: {}, reason: "other" });
    assert.equal(seen.at(-1).headers.authorization, undefined);
  });
});

describe("finding 6: https only, plain http only to this computer", () => {
  test("plain http to another host is refused, before any request", async () => {
    for (const url of ["http://haris.ngo.example", "http://10.0.0.5:5000", "http://[fe80::1]", "http://localhost.evil.example", "http://128.0.0.1"]) {
      assert.equal(Checker.normaliseBackend(url), null, url);
    }
    const before = seen.length;
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: "http://haris.ngo.example" }, request)).code, "bad_backend_url");
    assert.equal(seen.length, before);
  });

  test("https anywhere, http to loopback (127.0.0.0/8, ::1, localhost)", () => {
    assert.equal(Checker.normaliseBackend("https://haris.ngo.example/"), "https://haris.ngo.example");
    for (const url of ["http://127.0.0.1:5000", "http://127.4.5.6", "http://localhost:8080", "http://[::1]:5000", "http://127.1"]) {
      assert.ok(Checker.normaliseBackend(url), url);
    }
  });
});

describe("finding 18: every field within the API's limits, and one refused field dropped", () => {
  test("free text is cut to its limit (in characters, never inside a surrogate pair); long ids are dropped; unknown fields go", () => {
    const profile = {
      bio: "😀".repeat(2001), display_name: "x".repeat(250), handle: "h".repeat(101), account_id: "1".repeat(128),
      profile_url: "https://x.com/a", followers: 2e10, posts: 3, mutuals: 12, verified: true, note: "not an API field",
    };
    const body = Checker.buildCheckBody({ platform: "x", profile, contacts: [{ display_name: "n".repeat(300), handle: "k".repeat(150), avatar_hash: "zz" }], locale: "en" });
    assert.equal(Array.from(body.profile.bio).length, 2000);
    assert.equal(body.profile.bio, "😀".repeat(2000));
    assert.equal(body.profile.display_name.length, 200);
    assert.equal("handle" in body.profile, false, "a cut handle would name another account");
    assert.equal(body.profile.account_id, "1".repeat(128));
    assert.equal(body.profile.followers, 10_000_000_000);
    assert.equal("mutuals" in body.profile, false, "finding 15: the viewer's mutual-friend count is not sent");
    assert.equal("note" in body.profile, false);
    assert.deepEqual(body.contacts, [{ display_name: "n".repeat(200) }]);
  });

  test("the platforms' own evidence is kept when it is one of the API's values, and the country is cut", () => {
    const profile = { verified_type: "government", platform_label: "scam", based_in: "é".repeat(150), name_changes: 2 };
    assert.deepEqual(Checker.buildCheckBody({ platform: "telegram", profile, locale: "en" }).profile, {
      verified_type: "government", platform_label: "scam", based_in: "é".repeat(100), name_changes: 2,
    });
    const odd = Checker.buildCheckBody({ platform: "x", profile: { verified_type: "gold", platform_label: "SCAM" }, locale: "en" });
    assert.deepEqual(odd.profile, {});
  });

  test("a 2,001-character bio still gets a verdict (the reproducer's case)", async () => {
    const answer = await Checker.checkProfile(fetch, { backendUrl: `${base}/ok` }, { ...request, profile: { handle: "bait", bio: "x".repeat(2001) } });
    assert.equal(answer.ok, true);
    assert.equal(seen.at(-1).body.profile.bio.length, 2000);
  });

  test("a 422 naming one field is asked once more without that field; a contact the server refuses is left out", async () => {
    let before = seen.length;
    const answer = await Checker.checkProfile(fetch, { backendUrl: `${base}/strict` }, { ...request, profile: { handle: "a", joined: "1800-01" } });
    assert.equal(answer.ok, true);
    const asked = seen.slice(before);
    assert.equal(asked.length, 2);
    assert.equal(asked[0].body.profile.joined, "1800-01");
    assert.deepEqual(asked[1].body.profile, { handle: "a" });

    before = seen.length;
    const contacts = [{ display_name: "Good", handle: "good" }, { display_name: "Bad", handle: "bad" }];
    assert.equal((await Checker.checkProfile(fetch, { backendUrl: `${base}/strict` }, { ...request, contacts })).ok, true);
    assert.deepEqual(seen.at(-1).body.contacts, [{ display_name: "Good", handle: "good" }]);
    assert.equal(seen.length - before, 2);
  });

  test("only once: a second refusal is the answer", async () => {
    const before = seen.length;
    const answer = await Checker.checkProfile(fetch, { backendUrl: `${base}/invalid` }, { ...request, profile: { handle: "a", joined: "2020-01" } });
    assert.equal(answer.code, "invalid_value");
    assert.equal(seen.length - before, 2);
  });
});

describe("redirects", () => {
  test("the backend's redirects are not followed", async () => {
    const before = seen.length;
    const answer = await Checker.checkProfile(fetch, { backendUrl: `${base}/moved` }, request);
    assert.equal(answer.ok, false);
    assert.ok(seen.length > before);
    assert.deepEqual(seen.slice(before).filter((r) => !r.url.startsWith("/moved/")), [], "nothing sent to where the redirect pointed");
  });
});

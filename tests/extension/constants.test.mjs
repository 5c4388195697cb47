// shared/constants.js against the server's own definitions, so the extension's limits and lists
// cannot drift from the API's; and no content script writes a shared list a second time.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { pageAt, source } from "./helpers.mjs";

const C = await import("../../extension/shared/constants.js");
const python = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const constant = (text, name) => Number(text.match(new RegExp(`^${name} = ([\\d_]+)`, "m"))[1].replaceAll("_", ""));

test("limits equal heuristics/profile.py and server/schemas.py", () => {
  const profile = python("heuristics/profile.py");
  const schemas = python("server/schemas.py");
  assert.deepEqual(C.LIMITS.text, { display_name: constant(profile, "MAX_NAME_LENGTH"), bio: constant(profile, "MAX_BIO_LENGTH"), based_in: constant(profile, "MAX_PLACE_LENGTH") });
  assert.equal(C.LIMITS.identifiers.account_id, constant(profile, "MAX_ID_LENGTH"));
  assert.equal(C.LIMITS.identifiers.handle, constant(profile, "MAX_HANDLE_LENGTH"));
  assert.equal(C.LIMITS.identifiers.profile_url, constant(profile, "MAX_URL_LENGTH"));
  assert.equal(C.LIMITS.identifiers.joined, Number(profile.match(/joined: .*max_length=(\d+)/)[1]));
  assert.equal(C.LIMITS.counts.followers, constant(profile, "MAX_COUNT"));
  assert.equal(C.LIMITS.counts.name_changes, constant(profile, "MAX_NAME_CHANGES"));
  assert.equal(C.LIMITS.hashHex, constant(profile, "MAX_HASH_HEX_LENGTH"));
  assert.equal(C.LIMITS.contacts, constant(schemas, "MAX_CONTACTS"));
  assert.equal(C.LIMITS.reportNote, Number(schemas.match(/note: Annotated\[str, Field\(max_length=(\d+)\)\]/)[1]));
  // Every count and flag field of the profile model is known to the extension.
  const fields = [...profile.matchAll(/^ {4}(\w+): (Count|bool|Annotated\[int)/gm)].map((m) => m[1]);
  assert.deepEqual(fields.filter((f) => f !== "mutuals").sort(), [...Object.keys(C.LIMITS.counts), ...C.LIMITS.flags].sort());
});

test("the health counter's limits equal server/schemas.py's and the extractors' versions fit them", () => {
  const schemas = python("server/schemas.py");
  assert.equal(C.HEALTH.grain, constant(schemas, "HEALTH_GRAIN"));
  assert.equal(C.HEALTH.maxCount, constant(schemas, "MAX_HEALTH_COUNT"));
  assert.equal(C.HEALTH.maxEntries, constant(schemas, "MAX_HEALTH_ENTRIES"));
  assert.equal(C.HEALTH.versionPattern.source, schemas.match(/^EXTRACTOR_VERSION = r"(.+)"$/m)[1]);
  assert.deepEqual([...C.HEALTH_OUTCOMES], [...schemas.match(/^HEALTH_OUTCOMES = \((.+)\)$/m)[1].matchAll(/"(\w+)"/g)].map((m) => m[1]));
  assert.equal(C.HEALTH.path, "/v1/extractor-health");
  // The core fields a profile may lack are the profile model's own fields.
  const profile = python("heuristics/profile.py").split("class Profile(BaseModel):")[1].split("@field_validator")[0];
  assert.deepEqual([...C.HEALTH.fields].sort(), [...profile.matchAll(/^ {4}(\w+): /gm)].map((m) => m[1]).filter((f) => f !== "model_config").sort());
  const page = pageAt("https://example.org/", { html: "" });
  for (const extractor of page.Haris.extractors) {
    assert.match(extractor.version, C.HEALTH.versionPattern, extractor.platform);
    for (const url of ["https://x.com/a_b", "https://x.com/a_b/about", "https://example.org/"]) {
      const core = typeof extractor.core === "function" ? extractor.core(new URL(url)) : extractor.core;
      for (const field of core) assert.ok(C.HEALTH.fields.includes(field), `${extractor.platform}: ${field}`);
    }
  }
});

test("report reasons and platforms equal the server's enums", () => {
  const enumValues = (text, name) => [...text.split(`class ${name}(StrEnum):`)[1].split("\n\n")[0].matchAll(/= "(\w+)"/g)].map((m) => m[1]);
  assert.deepEqual([...C.REPORT_REASONS], enumValues(python("server/schemas.py"), "ReportReason"));
  assert.deepEqual([...C.CONTACT_PLATFORMS], enumValues(python("heuristics/profile.py"), "Platform"));
  assert.deepEqual([...C.LIMITS.choices.verified_type], enumValues(python("heuristics/profile.py"), "VerifiedType"));
  assert.deepEqual([...C.LIMITS.choices.platform_label], enumValues(python("heuristics/profile.py"), "PlatformLabel"));
});

test("content scripts take message types and reasons from shared/protocol.js, not their own copies", () => {
  for (const file of ["content/banner.js", "content/main.js", "content/health.js"]) {
    const text = source(file);
    assert.equal(/"(entrapment|harassment)"/.test(text), false, `${file} lists report reasons`);
    assert.equal(/"(no_profile|incomplete)"/.test(text), false, `${file} lists health outcomes`);
    assert.equal(/type: "(?!button")\w+"/.test(text), false, `${file} writes a message type`);
  }
  const manifest = JSON.parse(source("manifest.json"));
  assert.equal(manifest.content_scripts[0].js[0], "shared/protocol.js");
});

test("manifest: module background for both browsers, https-only optional hosts, the wipe shortcut", () => {
  const manifest = JSON.parse(source("manifest.json"));
  assert.equal(manifest.background.type, "module");
  assert.deepEqual(manifest.optional_host_permissions, ["https://*/*"]);
  assert.deepEqual(manifest.host_permissions.filter((h) => h.startsWith("http:")), ["http://127.0.0.1/*", "http://localhost/*", "http://[::1]/*"]);
  assert.ok(manifest.commands.wipe.suggested_key.default);
  // The health counter's daily send and the vault's auto-lock need alarms, the lock on a locked
  // screen idle (neither warns at install); Firefox's consent to the counter is optional, asked in Options.
  assert.deepEqual(manifest.permissions, ["alarms", "idle", "storage"]);
  assert.deepEqual(manifest.browser_specific_settings.gecko.data_collection_permissions.optional, ["technicalAndInteraction"]);
  for (const page of ["popup/popup.html", "options/options.html"]) {
    assert.match(source(page), /<script type="module" src="\w+\.js"><\/script>/);
  }
});

test("PLATFORM_SITES names exactly the hosts the manifest runs the content scripts on, each under one platform", async () => {
  const { PLATFORM_SITES, PLATFORMS } = await import("../../extension/shared/constants.js");
  const manifest = JSON.parse(source("manifest.json"));
  const hosts = manifest.content_scripts[0].matches.map((pattern) => new URL(pattern.replace(/\*$/, "")).hostname);
  assert.deepEqual(Object.values(PLATFORM_SITES).flat().sort(), [...hosts].sort());
  assert.deepEqual(Object.keys(PLATFORM_SITES).sort(), [...PLATFORMS].sort());
});

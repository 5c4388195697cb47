/*
 * The popup: the last report for this tab in full (every finding, its points and message — the
 * only place a contact's name is shown), "Save as a trusted contact" out of the page's reach,
 * unlocking the vault, and the wipe.
 */
import { api } from "../shared/browser.js";
import { STORAGE } from "../shared/constants.js";
import { foldSharedIdContacts, upsertContact } from "../shared/contacts.js";
import { loadStrings, resolveLocale, translatePage } from "../shared/i18n.js";
import { getSettings } from "../shared/settings.js";
import { unlock, unsealedWaiting, vaultState } from "../shared/vault.js";
import { requestWipe } from "../shared/wipe.js";

const $ = (id) => document.getElementById(id);
const locale = resolveLocale((await getSettings()).language);
const t = await loadStrings(locale);
translatePage(document, t, locale);

function status(id, text, kind = "ok") {
  $(id).textContent = text;
  $(id).dataset.kind = kind;
}

async function drawVault() {
  const state = await vaultState();
  // Contacts or an API key of an older version, unencrypted until a passphrase is chosen: said
  // first, in place of the plain "no passphrase yet".
  // (Asked whatever the state: asking moves them out of `local` where the worker has not yet.)
  const unsealed = (await unsealedWaiting()) && state === "none";
  $("unsealed-note").hidden = !unsealed;
  $("novault-note").hidden = state !== "none" || unsealed;
  $("unlock-form").hidden = state !== "locked";
  return state;
}

$("unlock-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const { folded } = await unlock($("unlock-passphrase").value);
    $("unlock-passphrase").value = "";
    // A Page saved twice by an older version, once at each of its addresses: one contact again.
    await foldSharedIdContacts().catch(() => 0);
    await drawVault();
    // An older version's clear copy just moved into the vault (only ever with the main passphrase).
    $("folded-note").hidden = !folded;
  } catch (_error) {
    // A wrong one is often the right one mistyped: not left in the field for whoever comes next.
    $("unlock-passphrase").value = "";
    status("unlock-status", t.wrongPassphrase, "error");
  }
});

$("options").addEventListener("click", (event) => {
  event.preventDefault();
  api.runtime.openOptionsPage();
});

let wiping = false;
$("wipe").addEventListener("click", async () => {
  wiping = true;
  await requestWipe();
  for (const id of ["report", "unlock-form", "novault-note", "unsealed-note", "folded-note", "empty"]) $(id).hidden = true;
  status("wipe-status", t.wiped);
});

/** The tab this popup is about: given by the banner's Details (a tab of its own), else the active one. */
async function currentTab() {
  const param = new URLSearchParams(location.search).get("tab");
  if (param && /^\d+$/.test(param)) return Number(param);
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab ? tab.id : null;
}

function drawFindings(view) {
  const verdict = $("verdict");
  verdict.dataset.state = view.state;
  if (view.state === "unavailable") {
    verdict.textContent = t.couldNotCheckTitle;
    $("none").hidden = false;
    $("none").textContent = `${t[`couldNotCheck_${view.reason}`] || t.couldNotCheck_down} ${t.notAVerdict}`;
    return;
  }
  verdict.dataset.level = view.level;
  verdict.textContent = `${t[`title_${view.level}`]} (${t.riskScore.replace("$1", String(view.risk))})`;
  for (const finding of view.findings || []) {
    const item = document.createElement("li");
    item.dataset.code = finding.code;
    item.textContent = finding.message;
    const points = document.createElement("span");
    points.className = "points";
    points.textContent = `${finding.points > 0 ? "+" : ""}${finding.points.toFixed(1)} ${t.popupPoints}`;
    item.appendChild(points);
    $("findings").appendChild(item);
  }
  if (!(view.findings || []).length) {
    $("none").hidden = false;
    $("none").textContent = t.noReasons;
  }
  if ((view.unavailable || []).length) {
    $("unavailable").hidden = false;
    $("unavailable").textContent = `${t.popupUnavailable} ${view.unavailable.join(", ")}`;
  }
  // A function, not a string: a `$&` or `` $` `` in the server's version would be a replacement pattern.
  $("rules").textContent = t.popupRules.replace("$1", () => view.rulesVersion || "?");
}

/**
 * Who the report is about — and who "Save as a trusted contact" would save: the name, the
 * username and the platform, each on a row of its own under its label, each value in a <bdi>.
 * The name is the account's own text: written on one line with the username ("Name · @user
 * (platform)"), a name typed "Nour Khalil · @nour_k" read as the friend's username, and a bidi
 * override at its end (U+202E) drew the real username after it backwards. Here it can neither
 * reorder the rows after it nor stand in for the username row.
 */
function drawProfile(profile, platform) {
  const rows = [["name", t.contactName, profile.display_name], ["handle", t.contactHandle, profile.handle ? `@${profile.handle}` : null], ["platform", t.contactPlatform, platform]];
  for (const [field, label, value] of rows) {
    if (!value) continue;
    const term = document.createElement("dt");
    term.textContent = label;
    const shown = document.createElement("bdi");
    shown.textContent = value;
    // Usernames and platform names are Latin: drawn left to right in the Arabic popup too.
    if (field !== "name") shown.dir = "ltr";
    const data = document.createElement("dd");
    data.dataset.field = field;
    data.appendChild(shown);
    $("profile").append(term, data);
  }
}

/** "Save as a trusted contact": only here, in the extension's own window, never by a click in the page. */
function offerFriend(record) {
  const { platform, profile, view } = record;
  $("trusted").hidden = !view.trusted;
  if (view.byUsername) $("trusted").textContent = t.trustedByUsername;
  $("unconfirmed").hidden = !view.unconfirmed;
  $("friend").hidden = Boolean(view.trusted);
  $("friend-save").addEventListener("click", async () => {
    const state = await drawVault();
    if (state !== "unlocked") {
      status("friend-status", state === "none" ? t.friendNeedsVault : t.needsUnlock, "error");
      if (state === "locked") $("unlock-passphrase").focus();
      return;
    }
    try {
      await upsertContact({
        display_name: profile.display_name, platform, account_id: profile.account_id, account_ids: profile.account_ids, handle: profile.handle,
        avatar_hash: view.avatarHash || null,
      });
      $("friend-save").hidden = true;
      $("trusted").hidden = false;
      status("friend-status", t.friendSaved);
    } catch (_error) {
      status("friend-status", t.friendFailed, "error");
    }
  });
}

/**
 * The report, taken off the screen. Its findings name contacts ("looks like your contact …"), and
 * this window can stay open for hours (the banner's Details opens it in a tab of its own): a lock
 * or a wipe, here or anywhere else (Options, the auto-lock, the shortcut), must leave no contact
 * readable on it, as the worker leaves none in the popup's records.
 */
function forgetReport() {
  for (const id of ["profile", "findings"]) $(id).replaceChildren();
  for (const id of ["verdict", "none", "unavailable", "rules"]) $(id).textContent = "";
  $("report").hidden = true;
}

// The key's removal: a lock (Lock now, the auto-lock, a locked screen) or a wipe.
api.storage.onChanged.addListener((changes, area) => {
  const key = changes[STORAGE.session.vaultKey];
  if (area !== "session" || !key || key.newValue !== undefined) return;
  forgetReport();
  // A lock: the unlock form. This window's own wipe leaves nothing but its "erased" on screen.
  if (!wiping) drawVault();
});

await drawVault();
const tabId = await currentTab();
const key = `${STORAGE.sessionPrefixes.tab}${tabId}`;
const record = tabId === null ? null : (await api.storage.session.get(key))[key];
if (!record || !record.view) {
  $("empty").hidden = false;
} else {
  const { profile, platform, view } = record;
  $("report").hidden = false;
  drawProfile(profile, platform);
  drawFindings(view);
  offerFriend(record);
}

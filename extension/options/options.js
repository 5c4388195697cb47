/*
 * Options: server, language, where banners show; the passphrase (create, unlock, lock, change,
 * second passphrase, when it locks itself); trusted contacts and API key while unlocked (view, edit, delete, encrypted
 * export, import); the opt-in health counter; the wipe.
 */
import { normaliseBackend } from "../background/checker.js";
import { chooseHealth } from "../background/health.js";
import { api } from "../shared/browser.js";
import { EXPORT_FILE_NAME, MAX_IMPORT_BYTES, STORAGE } from "../shared/constants.js";
import { cleanContact, exportContacts, foldSharedIdContacts, getContacts, idsOf, importContacts, setContacts } from "../shared/contacts.js";
import { loadStrings, resolveLocale, translatePage } from "../shared/i18n.js";
import { getSettings, saveSettings } from "../shared/settings.js";
import { changePassphrase, createVault, lock, readSecrets, setDuressPassphrase, unlock, unsealedWaiting, updateSecrets, vaultState } from "../shared/vault.js";
import { requestWipe } from "../shared/wipe.js";
import { giveBackOrigins } from "../shared/grants.js";

const $ = (id) => document.getElementById(id);
let t = null;

const VAULT_ERRORS = {
  wrong_passphrase: "wrongPassphrase", short_passphrase: "shortPassphrase", same_passphrase: "duressSame",
  not_main: "duressUnavailable", no_vault: "needsVault", locked: "needsUnlock",
  // An imported file that asks for more than Haris gives one (shared/constants.js IMPORT_KDF).
  import_settings: "importSettings", import_too_large: "importTooLarge", import_too_many: "importTooMany",
};

function status(id, text, kind = "ok") {
  $(id).textContent = text;
  $(id).dataset.kind = kind;
}

function vaultError(id, error) {
  status(id, t[VAULT_ERRORS[error && error.code]] || t.importFailed, "error");
}

async function applyLanguage() {
  const locale = resolveLocale((await getSettings()).language);
  t = await loadStrings(locale);
  translatePage(document, t, locale);
  document.title = t.optionsTitle;
}

// The settings' controls, disabled in the page's markup until the stored settings fill them (they
// are read from IndexedDB, which takes a while): a choice made before would be overwritten by the
// fill, or saved over settings the page had not shown.
const SETTINGS_CONTROLS = ["backend-url", "language", "banner-everywhere", "page-silent", "save", "health-counter", "auto-lock"];

async function fillSettings() {
  try {
    const settings = await getSettings();
    $("backend-url").value = settings.backendUrl;
    $("language").value = settings.language;
    $("banner-everywhere").checked = settings.bannerEverywhere;
    $("page-silent").checked = settings.pageSilent;
    $("health-counter").checked = settings.healthCounter;
    $("auto-lock").value = String(settings.autoLockMinutes);
  } finally {
    for (const id of SETTINGS_CONTROLS) $(id).disabled = false;
  }
}

$("settings").addEventListener("submit", async (event) => {
  event.preventDefault();
  const backend = normaliseBackend($("backend-url").value);
  if (!backend) {
    status("status", t.invalidUrl, "error");
    return;
  }
  // Asked inside the click, as browsers require; already-granted origins resolve at once.
  let granted = false;
  try {
    granted = await api.permissions.request({ origins: [`${new URL(backend).origin}/*`] });
  } catch (_error) {
    granted = false;
  }
  if (!granted) {
    status("status", t.permissionDenied, "error");
    return;
  }
  try {
    await saveSettings({ backendUrl: backend, language: $("language").value, bannerEverywhere: $("banner-everywhere").checked, pageSilent: $("page-silent").checked });
  } catch (error) {
    // A new server while the vault is locked (shared/settings.js): whoever holds the device must
    // not point Haris at a server of theirs and wait for the next unlock. Nothing was saved.
    if (!error || error.code !== "locked") throw error;
    // The grant just asked for goes back too: the browser's record would name that server.
    await giveBackOrigins(`${new URL((await getSettings()).backendUrl).origin}/*`);
    status("status", t.serverNeedsUnlock, "error");
    return;
  }
  // Servers chosen before are not left listed in the browser's own record of what it granted.
  await giveBackOrigins(`${new URL(backend).origin}/*`);
  await applyLanguage();
  await drawAll(); // buttons in the language just chosen
  status("status", t.saved);
});

// The health counter applies at once (background/health.js chooseHealth: on Firefox, the browser's
// own consent to send technical data, asked inside the click, and given back when it is turned
// off); the worker plans or stops the sends.
$("health-counter").addEventListener("change", async (event) => {
  const asked = event.target.checked;
  const on = await chooseHealth(asked);
  event.target.checked = on;
  if (asked && !on) status("health-status", t.healthConsentDenied, "error");
  else status("health-status", on ? t.healthOn : t.healthOff);
});

// When the vault locks itself applies at once (the worker plans the lock: background/auto-lock.js).
$("auto-lock").addEventListener("change", async (event) => {
  try {
    await saveSettings({ autoLockMinutes: Number(event.target.value) });
    status("vault-status", t.saved);
  } catch (error) {
    // A longer time while locked (shared/settings.js): refused, and the choice in force shown again.
    if (!error || error.code !== "locked") throw error;
    event.target.value = String((await getSettings()).autoLockMinutes);
    status("vault-status", t.autoLockNeedsUnlock, "error");
  }
});

/** Passphrases typed twice must match and be long enough before anything is derived. */
function twice(first, second, statusId) {
  if ($(first).value !== $(second).value) {
    status(statusId, t.passphraseMismatch, "error");
    return null;
  }
  return $(first).value;
}

function clearFields(...ids) {
  for (const id of ids) $(id).value = "";
}

$("create-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const passphrase = twice("create-passphrase", "create-repeat", "vault-status");
  if (passphrase === null) return;
  try {
    await createVault(passphrase);
    clearFields("create-passphrase", "create-repeat");
    await drawAll();
    status("vault-status", t.vaultCreated);
  } catch (error) {
    vaultError("vault-status", error);
  }
  await drawAll();
});

$("unlock-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const { folded } = await unlock($("unlock-passphrase").value);
    // A Page saved twice by an older version, once at each of its addresses: one contact again.
    await foldSharedIdContacts().catch(() => 0);
    // An older version's clear copy just moved into the vault (only ever with the main passphrase).
    status("vault-status", folded ? `${t.vaultUnlocked} ${t.unsealedFolded}` : t.vaultUnlocked);
  } catch (error) {
    vaultError("vault-status", error);
  }
  clearFields("unlock-passphrase");
  await drawAll();
});

$("lock").addEventListener("click", async () => {
  await lock();
  status("vault-status", t.vaultLocked);
  await drawAll();
});

$("change-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const next = twice("change-new", "change-repeat", "vault-status");
  if (next === null) return;
  try {
    await changePassphrase($("change-current").value, next);
    status("vault-status", t.passphraseChanged);
  } catch (error) {
    vaultError("vault-status", error);
  }
  clearFields("change-current", "change-new", "change-repeat");
});

$("duress-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const passphrase = twice("duress-passphrase", "duress-repeat", "vault-status");
  if (passphrase === null) return;
  try {
    await setDuressPassphrase(passphrase);
    status("vault-status", t.duressSet);
  } catch (error) {
    vaultError("vault-status", error);
  }
  clearFields("duress-passphrase", "duress-repeat");
});

$("api-key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const apiKey = $("api-key").value.trim();
    await updateSecrets(() => ({ apiKey }));
    status("key-status", t.saved);
  } catch (error) {
    vaultError("key-status", error);
  }
});

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text || "—";
  if (className) td.className = className;
  return td;
}

function actionButton(label, action, onclick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = label;
  button.dataset.action = action;
  button.addEventListener("click", onclick);
  return button;
}

function drawContacts(contacts) {
  const body = $("contacts").querySelector("tbody");
  body.replaceChildren();
  $("contacts").hidden = contacts.length === 0;
  $("contacts-empty").hidden = contacts.length !== 0;
  contacts.forEach((contact, index) => {
    const row = document.createElement("tr");
    row.dataset.index = String(index);
    row.append(
      // No account id: known by username alone, which someone else can take once she gives it up.
      // Other ids shown beside it (a Page's two): a save at a Page's other address adds them to the
      // contact she already is, and the user must see what a contact matches to delete it.
      cell(contact.display_name), cell(contact.platform),
      cell(contact.account_id ? idsOf(contact).join(" · ") : t.contactUsernameOnly, contact.account_id ? null : "weak"),
      cell(contact.handle && `@${contact.handle}`),
      cell(contact.avatar_hash ? contact.avatar_hash.slice(0, 16) : null, "hash"),
    );
    const actions = document.createElement("td");
    actions.append(
      actionButton(t.edit, "edit", () => editRow(row, index, contact)), " ",
      actionButton(t.delete, "delete", async () => {
        const all = await getContacts();
        all.splice(index, 1);
        await setContacts(all);
      }),
    );
    row.append(actions);
    body.append(row);
  });
}

/** Name and username are editable; the platform, id and fingerprint identify the account. */
function editRow(row, index, contact) {
  const name = document.createElement("input");
  name.value = contact.display_name || "";
  name.setAttribute("aria-label", t.contactName);
  const handle = document.createElement("input");
  handle.value = contact.handle || "";
  handle.setAttribute("aria-label", t.contactHandle);
  handle.dir = "ltr";
  row.children[0].replaceChildren(name);
  row.children[3].replaceChildren(handle);
  row.lastChild.replaceChildren(actionButton(t.save, "save", async () => {
    const all = await getContacts();
    const updated = cleanContact({ ...all[index], display_name: name.value, handle: handle.value.replace(/^@/, "") });
    if (updated) all[index] = updated;
    await setContacts(all);
  }));
  row.lastChild.firstChild.className = "";
  name.focus();
}

/**
 * Show what the vault's state allows: create, unlock, or the open vault's contents. One draw at a
 * time, in the order asked: a write of the vault and the key's arrival are two events, and a
 * draw begun at the first (state "locked", the key not yet there) must not finish after the one
 * begun at the second (its record is read from IndexedDB, which takes a while).
 */
let drawing = Promise.resolve();
function drawAll() {
  drawing = drawing.then(drawNow, drawNow);
  return drawing;
}

async function drawNow() {
  const state = await vaultState();
  // Contacts or an API key of an older version, unencrypted until a passphrase is chosen here.
  $("unsealed-note").hidden = !((await unsealedWaiting()) && state === "none");
  $("create-form").hidden = state !== "none";
  $("unlock-form").hidden = state !== "locked";
  $("unlocked").hidden = state !== "unlocked";
  $("contacts-locked").hidden = state === "unlocked";
  $("secrets").hidden = state !== "unlocked";
  const secrets = state === "unlocked" ? await readSecrets() : null;
  drawContacts(secrets ? secrets.contacts : []);
  $("api-key").value = secrets ? secrets.apiKey : "";
  // The export file's passphrase opens backup.json in Downloads: not left in the page, where
  // whoever holds the device after a lock could read the field's value.
  if (state !== "unlocked") clearFields("file-passphrase");
}

function download(name, data) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

$("export").addEventListener("click", async () => {
  if ((await vaultState()) !== "unlocked") {
    status("contacts-status", t.needsUnlock, "error");
    return;
  }
  try {
    download(EXPORT_FILE_NAME, await exportContacts($("file-passphrase").value));
    status("contacts-status", t.saved);
  } catch (error) {
    vaultError("contacts-status", error);
  }
});

$("import").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const state = await vaultState();
  if (state !== "unlocked") {
    status("contacts-status", state === "none" ? t.needsVault : t.needsUnlock, "error");
    return;
  }
  // Its size is known before its bytes are read: a huge file is not read at all.
  if (file.size > MAX_IMPORT_BYTES) {
    status("contacts-status", t.importTooLarge, "error");
    return;
  }
  let data = null;
  try {
    data = JSON.parse(await file.text());
  } catch (_error) {
    data = null;
  }
  try {
    const count = await importContacts(data, $("file-passphrase").value);
    // Drawn before it is said: the write's own event (vaultWritten) may come later.
    await drawAll();
    status("contacts-status", t.importDone.replace("$1", String(count)));
  } catch (error) {
    vaultError("contacts-status", error);
  }
});

$("wipe").addEventListener("click", async () => {
  await requestWipe();
  await fillSettings();
  await drawAll();
  status("wipe-status", t.wiped);
});

// Session storage only: the vault and the settings are in IndexedDB, whose writes set a value
// there (shared/vault-store.js); `local` holds nothing of Haris's to watch.
api.storage.onChanged.addListener((changes, area) => {
  if (area === "session" && (changes[STORAGE.session.vaultKey] || changes[STORAGE.session.vaultWritten])) drawAll();
});

await applyLanguage();
await fillSettings();
await drawAll();

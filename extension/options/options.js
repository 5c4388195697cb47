/* Options: backend, API key, language, trusted contacts (view, edit, delete, export, import). */
(async function () {
  "use strict";
  const S = globalThis.HarisSettings;
  const { api } = S;
  const $ = (id) => document.getElementById(id);
  const EXPORT_FORMAT = "haris-contacts";

  let t = null;

  async function applyLanguage() {
    const locale = S.resolveLocale((await S.getSettings()).language);
    t = await S.loadStrings(locale);
    document.documentElement.lang = locale;
    document.documentElement.dir = t.dir;
    document.title = t.optionsTitle;
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t[node.dataset.i18n];
  }

  function status(id, text, kind) {
    $(id).textContent = text;
    $(id).dataset.kind = kind || "ok";
  }

  async function fillForm() {
    const settings = await S.getSettings();
    $("backend-url").value = settings.backendUrl;
    $("api-key").value = settings.apiKey;
    $("language").value = settings.language;
  }

  $("settings").addEventListener("submit", async (event) => {
    event.preventDefault();
    const backend = normalise($("backend-url").value);
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
    await S.saveSettings({ backendUrl: backend, apiKey: $("api-key").value.trim(), language: $("language").value });
    await applyLanguage();
    await drawContacts(); // its buttons are in the language just chosen
    status("status", t.saved);
  });

  function normalise(value) {
    try {
      const url = new URL(String(value || "").trim());
      if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) return null;
      return url.href.replace(/\/+$/, "");
    } catch (_error) {
      return null;
    }
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text || "—";
    if (className) td.className = className;
    return td;
  }

  async function drawContacts() {
    const contacts = await S.getContacts();
    const body = $("contacts").querySelector("tbody");
    body.replaceChildren();
    $("contacts").hidden = contacts.length === 0;
    $("contacts-empty").hidden = contacts.length !== 0;
    contacts.forEach((contact, index) => {
      const row = document.createElement("tr");
      row.dataset.index = String(index);
      row.append(
        cell(contact.display_name), cell(contact.platform), cell(contact.account_id), cell(contact.handle && `@${contact.handle}`),
        cell(contact.avatar_hash ? contact.avatar_hash.slice(0, 16) : null, "hash"),
      );
      const actions = document.createElement("td");
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "secondary";
      edit.textContent = t.edit;
      edit.dataset.action = "edit";
      edit.addEventListener("click", () => editRow(row, index, contact));
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.textContent = t.delete;
      remove.dataset.action = "delete";
      remove.addEventListener("click", async () => {
        const all = await S.getContacts();
        all.splice(index, 1);
        await S.setContacts(all);
        await drawContacts();
      });
      actions.append(edit, " ", remove);
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
    const save = document.createElement("button");
    save.type = "button";
    save.textContent = t.save;
    save.dataset.action = "save";
    save.addEventListener("click", async () => {
      const all = await S.getContacts();
      const updated = S.cleanContact({ ...all[index], display_name: name.value, handle: handle.value.replace(/^@/, "") });
      if (updated) all[index] = updated;
      await S.setContacts(all);
      await drawContacts();
    });
    row.lastChild.replaceChildren(save);
    name.focus();
  }

  $("export").addEventListener("click", async () => {
    const data = { format: EXPORT_FORMAT, version: 1, exported: new Date().toISOString(), contacts: await S.getContacts() };
    const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "haris-contacts.json";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  });

  $("import").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (!file) return;
    let data = null;
    try {
      data = file.size <= 5 * 1024 * 1024 ? JSON.parse(await file.text()) : null;
    } catch (_error) {
      data = null;
    }
    if (!data || data.format !== EXPORT_FORMAT || !Array.isArray(data.contacts)) {
      status("contacts-status", t.importFailed, "error");
      return;
    }
    const all = await S.getContacts();
    let count = 0;
    for (const raw of data.contacts.slice(0, 2000)) {
      const contact = S.cleanContact(raw);
      if (!contact) continue;
      const index = all.findIndex((c) => S.sameAccount(c, contact));
      if (index >= 0) all[index] = contact;
      else all.push(contact);
      count += 1;
    }
    await S.setContacts(all);
    status("contacts-status", t.importDone.replace("$1", String(count)));
    await drawContacts();
  });

  api.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && changes.contacts) drawContacts();
  });

  await applyLanguage();
  await fillForm();
  await drawContacts();
})();

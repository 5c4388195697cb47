/* The popup: the last report for this tab, in full (every finding, its points and message). */
(async function () {
  "use strict";
  const { api, getSettings, resolveLocale, loadStrings } = globalThis.HarisSettings;
  const $ = (id) => document.getElementById(id);

  const locale = resolveLocale((await getSettings()).language);
  const t = await loadStrings(locale);
  document.documentElement.lang = locale;
  document.documentElement.dir = t.dir;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t[node.dataset.i18n];

  $("options").addEventListener("click", (event) => {
    event.preventDefault();
    api.runtime.openOptionsPage();
  });

  // Opened from the banner's Details in a tab of its own, the page says which tab it is about.
  const param = new URLSearchParams(location.search).get("tab");
  let tabId = param && /^\d+$/.test(param) ? Number(param) : null;
  if (tabId === null) {
    const [tab] = await api.tabs.query({ active: true, currentWindow: true });
    tabId = tab ? tab.id : null;
  }
  const key = `tab|${tabId}`;
  const last = tabId === null ? null : (await api.storage.session.get(key))[key];
  if (!last || !last.view) {
    $("empty").hidden = false;
    return;
  }
  const { profile, view, platform } = last;
  $("report").hidden = false;
  const who = [profile.display_name, profile.handle ? `@${profile.handle}` : null].filter(Boolean).join(" · ");
  $("profile").textContent = `${t.popupProfile}: ${who} (${platform})`;

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
  $("rules").textContent = t.popupRules.replace("$1", view.rulesVersion || "?");
})();

/* The options page, also the first-run setup page (until configured is saved): server URL + token,
 * Test connection, categories, sites turned on, muted rules by their names (undo). */
/* global TwoWaySettings, TwoWayRender, TwoWayMessages */
(function () {
  "use strict";
  const ext = globalThis.chrome || globalThis.browser;
  const $ = (id) => document.getElementById(id);
  let current = TwoWaySettings.normalize(null);

  function originPattern(url) {
    try {
      const u = new URL(url);
      return u.protocol + "//" + u.hostname + "/*";
    } catch (err) {
      return null;
    }
  }

  async function requestOrigins(patterns) {
    if (!patterns.length || !ext.permissions) return true;
    try {
      if (await ext.permissions.contains({ origins: patterns })) return true;
      return await ext.permissions.request({ origins: patterns });
    } catch (err) {
      return false;
    }
  }

  function renderCategories() {
    const box = $("categories");
    box.replaceChildren();
    Object.keys(TwoWayRender.CATEGORIES).forEach((key) => {
      const label = document.createElement("label");
      label.className = "cat";
      const cb = document.createElement("input");
      cb.type = "checkbox";
      cb.dataset.category = key;
      cb.checked = current.categories[key] !== false;
      const sample = document.createElement("span");
      sample.className = "tw-mark sample";
      sample.dataset.category = key;
      sample.textContent = TwoWayRender.CATEGORIES[key].label;
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = TwoWayRender.CATEGORIES[key].hint;
      // Live: saved on each change, and every open compose box redraws (storage.onChanged).
      cb.addEventListener("change", async () => {
        current.categories = { ...current.categories, [key]: cb.checked };
        await TwoWaySettings.save({ categories: current.categories });
        status((cb.checked ? "Showing " : "Hiding ") + TwoWayRender.CATEGORIES[key].label.toLowerCase() + ".");
      });
      label.append(cb, sample, hint);
      box.append(label);
    });
  }

  function listItem(text, buttonText, onClick, detail) {
    const li = document.createElement("li");
    const span = document.createElement("span");
    span.textContent = text;
    if (detail) {
      const small = document.createElement("span");
      small.className = "rule-id";
      small.textContent = detail;
      span.append(small);
    }
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = buttonText;
    b.addEventListener("click", onClick);
    li.append(span, b);
    return li;
  }

  function renderLists() {
    // Turning a site off goes through the background, which also gives back the site's permission.
    $("sites").replaceChildren(...current.sites.map((site) => listItem(site, "Turn off", async () => {
      const answer = await TwoWayMessages.send({ type: TwoWayMessages.SET_SITE, url: site, on: false });
      if (!answer.ok) { status(answer.message); return; }
      current.sites = current.sites.filter((s) => s !== site);
      renderLists();
      status("Turned off for " + site + ".");
    })));
    // Muted rules by the name the card showed (the rule id beside it, for the team's rule pack).
    $("muted").replaceChildren(...current.muted.map((rule) => listItem(current.mutedNames[rule] || rule, "Unmute", async () => {
      current.muted = current.muted.filter((r) => r !== rule);
      const mutedNames = { ...current.mutedNames };
      delete mutedNames[rule];
      current.mutedNames = mutedNames;
      await TwoWaySettings.save({ muted: current.muted, mutedNames });
      renderLists();
    }, current.mutedNames[rule] && current.mutedNames[rule] !== rule ? rule : "")));
    $("noMuted").hidden = current.muted.length > 0;
  }

  function status(text) {
    $("status").textContent = text;
    if (text) setTimeout(() => { if ($("status").textContent === text) $("status").textContent = ""; }, 4000);
  }

  $("addSite").addEventListener("click", async () => {
    const raw = $("siteInput").value.trim();
    const pattern = TwoWaySettings.sitePattern(raw);
    if (!pattern) {
      status(raw.includes("*") ? "One site at a time: no wildcards." : "Use the site's https:// address (http:// only for this computer).");
      return;
    }
    const origin = pattern.slice(0, -2);
    // Asked inside the click: browsers grant permissions only on a user gesture.
    if (!(await requestOrigins([pattern]))) { status("Permission for " + origin + " was not given."); return; }
    if (!current.sites.includes(origin)) current.sites.push(origin);
    await TwoWaySettings.save({ sites: current.sites });
    $("siteInput").value = "";
    renderLists();
    status("Turned on for " + origin + ".");
  });

  // The URL as typed, normalised and shown back; null (and a message) when it is not usable.
  async function serverFromForm() {
    const norm = TwoWaySettings.normalizeServerUrl($("serverUrl").value);
    if (norm.error) { showConnection("invalid", norm.error); return null; }
    $("serverUrl").value = norm.url;
    const pattern = originPattern(norm.url);
    if (!(await requestOrigins([pattern]))) { showConnection("permission", "Permission to reach " + norm.url + " was not given."); return null; }
    return norm.url;
  }

  function showConnection(outcome, text) {
    $("connection").dataset.outcome = outcome;
    $("connection").textContent = text;
  }

  async function testConnection(serverUrl) {
    showConnection("testing", "Testing " + serverUrl + "\u2026");
    const answer = await TwoWayMessages.send({ type: TwoWayMessages.TEST_CONNECTION, serverUrl, token: $("token").value.trim() });
    if (answer.ok) showConnection(answer.outcome, answer.message);
    else showConnection("error", answer.message);
  }

  $("test").addEventListener("click", async () => {
    const serverUrl = await serverFromForm();
    if (serverUrl) await testConnection(serverUrl);
  });

  $("form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const serverUrl = await serverFromForm();
    if (!serverUrl) return;
    current.serverUrl = serverUrl;
    current.token = $("token").value.trim();
    current.configured = true;
    await TwoWaySettings.save({ serverUrl, token: current.token, configured: true });
    showSetup(false);
    status("Saved.");
    await testConnection(serverUrl);
  });

  // The send guard (content/sendguard.js): on by default; its counts live in this browser only.
  $("sendGuard").addEventListener("change", async () => {
    current.sendGuard = $("sendGuard").checked;
    await TwoWaySettings.save({ sendGuard: current.sendGuard });
    status(current.sendGuard ? "Send guard on." : "Send guard off.");
  });

  function renderGuardCounts() {
    ext.storage.local.get("sendGuardCounts", (items) => {
      const c = (items && items.sendGuardCounts) || {};
      const held = Number(c.held) || 0;
      const anyway = Number(c.sentAnyway) || 0;
      $("sendGuardCounts").textContent = held
        ? "Held " + held + " send" + (held === 1 ? "" : "s") + " so far, sent anyway " + anyway + " (counted in this browser only)."
        : "";
    });
  }

  function showSetup(on) {
    $("setup").hidden = !on;
    $("title").textContent = on ? "Set up Two-Way" : "Two-Way";
    document.title = on ? "Set up Two-Way" : "Two-Way options";
    $("save").textContent = on ? "Save and start" : "Save server and token";
  }

  async function showSyncError() {
    const answer = await TwoWayMessages.send({ type: TwoWayMessages.STATUS, url: "" });
    const err = answer.ok && answer.sync;
    $("syncError").hidden = !err;
    $("syncError").textContent = err ? "Two-Way could not turn on the sites above: " + err : "";
  }

  TwoWaySettings.load().then((s) => {
    current = s;
    $("serverUrl").value = s.serverUrl;
    $("token").value = s.token;
    $("sendGuard").checked = s.sendGuard !== false;
    renderGuardCounts();
    showSetup(!s.configured);
    renderCategories();
    renderLists();
    showSyncError();
    $("profile").value = s.profile || "";
    $("feedback").checked = s.feedback !== false;
  });
  // Live, like the categories: the next lint uses the profile; feedback stops or starts at once.
  $("profile").addEventListener("change", async () => {
    current.profile = $("profile").value;
    await TwoWaySettings.save({ profile: current.profile });
    status(current.profile ? "Strictness: " + current.profile + "." : "Strictness: your team's setting.");
  });
  $("feedback").addEventListener("change", async () => {
    current.feedback = $("feedback").checked;
    await TwoWaySettings.save({ feedback: current.feedback });
    status(current.feedback ? "Feedback counts go to your team's server." : "Feedback off: Two-Way sends none.");
  });
  ext.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && (changes.muted || changes.sites || changes.mutedNames)) {
      TwoWaySettings.load().then((s) => {
        current.muted = s.muted; current.mutedNames = s.mutedNames; current.sites = s.sites;
        renderLists();
        setTimeout(showSyncError, 500);
      });
    }
    if (area === "local" && changes.configured) showSetup(!changes.configured.newValue);
  });
})();

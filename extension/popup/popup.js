/* The toolbar popup: the server's state, and this site: on/off, pause for an hour, or "Turn on for
 * this site" in one click (activeTab gives the tab's address; the permission is asked in the click). */
/* global TwoWayMessages, TwoWaySettings */
(function () {
  "use strict";
  const ext = globalThis.chrome || globalThis.browser;
  const M = TwoWayMessages;
  const $ = (id) => document.getElementById(id);
  // Tests open the popup as a page and name the tab's address: popup.html?url=...
  const forced = new URLSearchParams(location.search).get("url");
  let tabUrl = "";

  async function activeUrl() {
    if (forced) return forced;
    try {
      const [tab] = await ext.tabs.query({ active: true, currentWindow: true });
      return (tab && tab.url) || "";
    } catch (err) {
      return "";
    }
  }

  function time(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function render(answer) {
    const server = answer.server;
    $("serverDot").dataset.state = server.state;
    $("serverText").textContent = server.state === "ok" ? "Server connected"
      : server.state === "setup" ? "Not set up" : server.state === "unknown" ? "Server not asked yet" : server.message;
    $("setupBox").hidden = answer.configured;
    const site = answer.site;
    $("siteBox").hidden = false;
    $("toggleRow").hidden = true;
    $("snoozeRow").hidden = true;
    $("turnOn").hidden = true;
    if (site.kind === "none") {
      $("siteName").textContent = "This page";
      $("siteState").textContent = "";
      $("siteNote").textContent = "Two-Way works on https:// sites (and http:// on this computer).";
      return;
    }
    $("siteName").textContent = site.origin.replace(/^https?:\/\//, "");
    if (site.kind === "other") {
      $("siteState").textContent = "off";
      $("turnOn").hidden = false;
      $("siteNote").textContent = "Turn it on to check what you write here; Two-Way asks for this site only.";
      return;
    }
    $("toggleRow").hidden = false;
    $("siteOn").checked = site.on;
    $("snoozeRow").hidden = !site.on;
    $("snooze").hidden = !!site.snoozedUntil;
    $("resume").hidden = !site.snoozedUntil;
    $("siteState").textContent = !site.on ? "off" : site.snoozedUntil ? "paused until " + time(site.snoozedUntil) : "on";
    $("siteNote").textContent = site.kind === "webmail" ? "" : "Turning it off also gives back the site's permission.";
  }

  async function refresh() {
    const answer = await M.send({ type: M.STATUS, url: tabUrl });
    if (answer.ok) render(answer);
    else $("serverText").textContent = answer.message;
    document.body.dataset.ready = "true";
  }

  async function setSite(change) {
    const answer = await M.send({ type: M.SET_SITE, url: tabUrl, ...change });
    if (!answer.ok) $("siteNote").textContent = answer.message;
    await refresh();
  }

  $("siteOn").addEventListener("change", () => setSite({ on: $("siteOn").checked }));
  $("snooze").addEventListener("click", () => setSite({ snoozeMinutes: 60 }));
  $("resume").addEventListener("click", () => setSite({ on: true }));
  $("turnOn").addEventListener("click", async () => {
    const pattern = TwoWaySettings.sitePattern(tabUrl);
    let granted = false;
    // In the click itself: browsers grant a permission only on a user gesture.
    try { granted = await ext.permissions.request({ origins: [pattern] }); } catch (err) { granted = false; }
    if (!granted) { $("siteNote").textContent = "Permission was not given: nothing changed."; return; }
    await setSite({ on: true });
    $("siteNote").textContent = "On. Reload the page to start.";
  });
  $("setup").addEventListener("click", () => { ext.runtime.openOptionsPage(); window.close(); });
  $("options").addEventListener("click", () => { ext.runtime.openOptionsPage(); window.close(); });

  activeUrl().then((url) => { tabUrl = url; return refresh(); });
})();

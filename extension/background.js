/*
 * The service worker: the only part of Two-Way that talks to the server.
 *
 * Messages from content scripts (chrome.runtime.sendMessage):
 *   {type: "lint", text, subject, grammar} -> {ok: true, data} | {ok: false, status, code, message}
 *   {type: "css"}                          -> {ok: true, css}   (twoway.css for closed shadow roots)
 *   {type: "options"}                      -> opens the options page
 * It also registers the content scripts on the sites the rep turned on (options: "sites").
 */
/* global TwoWaySettings, importScripts */
if (typeof TwoWaySettings === "undefined" && typeof importScripts === "function") {
  importScripts("lib/settings.js");
}

const ext = globalThis.chrome || globalThis.browser;
const CONTENT_JS = [
  "lib/settings.js", "lib/render.js", "content/extract.js", "content/offsets.js", "content/highlight.js",
  "content/card.js", "content/badge.js", "content/compose.js", "content/main.js",
];
const CONTENT_CSS = ["lib/twoway.css"];
const SITES_SCRIPT_ID = "twoway-sites";
const REQUEST_TIMEOUT_MS = 15000;

let cssText = null;
let settingsCache = null;      // refreshed on every storage change

function settingsPromise() {
  if (!settingsCache) settingsCache = TwoWaySettings.load();
  return settingsCache;
}

async function lint(msg) {
  const settings = await settingsPromise();
  const body = { text: String(msg.text || ""), subject: String(msg.subject || "") };
  body.grammar = Boolean(settings.categories.grammar || settings.categories.spelling) && msg.grammar !== false;
  const headers = { "Content-Type": "application/json" };
  if (settings.token) headers.Authorization = "Bearer " + settings.token;
  let resp;
  try {
    resp = await fetch(settings.serverUrl + "/api/v1/lint", {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (err) {
    return { ok: false, status: 0, code: "unreachable", message: "Two-Way server unreachable at " + settings.serverUrl + "; retrying." };
  }
  let data = null;
  try { data = await resp.json(); } catch (err) { data = null; }
  if (!resp.ok) {
    const e = (data && data.error) || {};
    return {
      ok: false,
      status: resp.status,
      code: e.code || "http_" + resp.status,
      message: resp.status === 401 ? "The server needs an API token (set it in the options)." :
        (e.message || "The server answered " + resp.status + "."),
    };
  }
  if (!data || !Array.isArray(data.issues)) {
    return { ok: false, status: resp.status, code: "bad_response", message: "The server's answer was not a lint result." };
  }
  return { ok: true, data };
}

async function css() {
  if (cssText === null) {
    const resp = await fetch(ext.runtime.getURL("lib/twoway.css"));
    cssText = await resp.text();
  }
  return { ok: true, css: cssText };
}

async function syncSiteScripts() {
  if (!ext.scripting || !ext.scripting.registerContentScripts) return;
  const settings = await TwoWaySettings.load();
  const patterns = [...new Set(settings.sites.map(TwoWaySettings.sitePattern).filter(Boolean))]
    .filter((p) => !TwoWaySettings.WEBMAIL_MATCHES.includes(p));
  try {
    const existing = await ext.scripting.getRegisteredContentScripts({ ids: [SITES_SCRIPT_ID] });
    if (existing.length) await ext.scripting.unregisterContentScripts({ ids: [SITES_SCRIPT_ID] });
    if (patterns.length) {
      await ext.scripting.registerContentScripts([{
        id: SITES_SCRIPT_ID, matches: patterns, js: CONTENT_JS, css: CONTENT_CSS,
        runAt: "document_idle", allFrames: false, persistAcrossSessions: true,
      }]);
    }
  } catch (err) {
    // A pattern without its host permission yet: the options page asks for it, then we retry.
  }
}

ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (!msg || typeof msg !== "object") return false;
  let work = null;
  if (msg.type === "lint") work = lint(msg);
  else if (msg.type === "css") work = css();
  else if (msg.type === "options") work = ext.runtime.openOptionsPage().then(() => ({ ok: true }));
  else if (msg.type === "syncSites") work = syncSiteScripts().then(() => ({ ok: true }));
  if (!work) return false;
  work.then(sendResponse, (err) => sendResponse({ ok: false, status: 0, code: "internal", message: String(err && err.message || err) }));
  return true;
});

ext.runtime.onInstalled.addListener(() => { syncSiteScripts(); });
if (ext.runtime.onStartup) ext.runtime.onStartup.addListener(() => { syncSiteScripts(); });
ext.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  settingsCache = null;
  if (changes.sites) syncSiteScripts();
});
if (ext.permissions && ext.permissions.onAdded) ext.permissions.onAdded.addListener(() => { syncSiteScripts(); });
if (ext.action && ext.action.onClicked) ext.action.onClicked.addListener(() => { ext.runtime.openOptionsPage(); });

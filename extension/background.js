/*
 * The background (service worker in Chrome, event page in Firefox): the only part of Two-Way that
 * talks to the server. Messages: lib/messages.js (TwoWayMessages) defines them for both sides.
 * It also registers the content scripts on the sites the rep turned on (options: "sites").
 */
/* global TwoWaySettings, TwoWayMessages, TwoWayConnection, importScripts */
if (typeof TwoWaySettings === "undefined" && typeof importScripts === "function") {
  importScripts("lib/settings.js", "lib/messages.js", "lib/connection.js");
}

const ext = globalThis.chrome || globalThis.browser;
// The sites the rep turns on get the same scripts as the webmail hosts: the manifest's list (Firefox
// gives its paths as full moz-extension:// URLs, registerContentScripts wants them relative).
const WEBMAIL_SCRIPTS = ext.runtime.getManifest().content_scripts[0];
const relative = (p) => p.replace(ext.runtime.getURL(""), "");
const CONTENT_JS = WEBMAIL_SCRIPTS.js.map(relative);
const CONTENT_CSS = (WEBMAIL_SCRIPTS.css || []).map(relative);
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
  if (msg.mode === "template") body.mode = "template";   // readiness (docs/readiness.md); send is the default
  if (msg.thread === true) body.thread = true;
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
    return unreached(settings.serverUrl);
  }
  let data = null;
  try { data = await resp.json(); } catch (err) { data = null; }
  const e = (data && data.error) || {};
  if (resp.status === 401) {
    const code = settings.token ? "token_wrong" : "token_missing";
    return TwoWayMessages.failure(401, code, TwoWayConnection.SHORT[code], TwoWayConnection.message(code, settings.serverUrl), true);
  }
  if (resp.status >= 500) {
    return TwoWayMessages.failure(resp.status, e.code || "server_error", TwoWayConnection.SHORT.server_error,
      TwoWayConnection.message("server_error", settings.serverUrl, { status: resp.status }), true);
  }
  // No Two-Way answer at this URL (a 404 page, another program): said as "not reached", so the
  // content script keeps retrying, with a message saying what is wrong with the URL.
  if (!data || (!resp.ok && !e.code) || resp.status === 404 || resp.status === 405) return unreached(settings.serverUrl);
  if (!resp.ok) {
    // A 4xx about this text (too long, bad input): the same text will not do better; an edit will.
    return TwoWayMessages.failure(resp.status, e.code, "not linted", e.message || "The server answered " + resp.status + ".",
      resp.status === 408 || resp.status === 429);
  }
  if (!data || !Array.isArray(data.issues)) {
    return TwoWayMessages.failure(resp.status, "bad_response", "server error", "The server's answer was not a lint result; retrying.", true);
  }
  return { ok: true, data };
}

async function unreached(serverUrl) {
  const found = await TwoWayConnection.explainUnreached(serverUrl);
  const outcome = found.outcome === "ok" ? "unreachable" : found.outcome;   // it came back meanwhile: retry
  return TwoWayMessages.failure(0, outcome, TwoWayConnection.SHORT[outcome], TwoWayConnection.message(outcome, serverUrl, found), true);
}

async function testConnection(msg) {
  return { ok: true, ...(await TwoWayConnection.diagnose(msg.serverUrl, String(msg.token || "").trim())) };
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

const HANDLERS = {
  [TwoWayMessages.LINT]: lint,
  [TwoWayMessages.CSS]: css,
  [TwoWayMessages.OPEN_OPTIONS]: () => ext.runtime.openOptionsPage().then(() => ({ ok: true })),
  [TwoWayMessages.TEST_CONNECTION]: testConnection,
};

ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const handler = msg && typeof msg === "object" && Object.prototype.hasOwnProperty.call(HANDLERS, msg.type) ? HANDLERS[msg.type] : null;
  if (!handler) return false;
  handler(msg).then(sendResponse, (err) => sendResponse(TwoWayMessages.failure(0, "internal", "error", String(err && err.message || err), true)));
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

/*
 * The background (service worker in Chrome, event page in Firefox): the only part of Two-Way that
 * reads the token and the server URL, talks to the server, and writes settings on a page's behalf.
 * Messages: lib/messages.js (TwoWayMessages), one protocol for every part; each message is answered
 * only for the senders its type allows (its own content scripts in a tab, its options page, its
 * popup), checked on the MessageSender, never on what the message says about itself.
 *
 * - One circuit breaker for every compose box of every tab: when the server is down, slow or
 *   refusing the token, the next request waits (1 s doubling to 30 s) and boxes asking meanwhile
 *   get the last failure and how long to wait (retryAfter) without a request going out; the
 *   connection is diagnosed once per outage, not per box.
 * - Until the first-run setup is saved (settings.configured) nothing is sent; the toolbar badge
 *   says "set up" calmly.
 * - Site scripts for the sites the rep turned on, in all frames; syncs run one at a time and each
 *   re-reads the settings, so overlapping triggers (permission added + storage changed) cannot leave
 *   a site unregistered; a failed sync is kept for the options page and retried on the next change.
 */
/* global TwoWaySettings, TwoWayMessages, TwoWayConnection, TwoWayFeedback, importScripts */
if (typeof TwoWaySettings === "undefined" && typeof importScripts === "function") {
  importScripts("lib/settings.js", "lib/messages.js", "lib/connection.js", "lib/feedback.js");
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
const SLOW_MS = 5000;               // an answer slower than this: "slow", and the next request waits as long
const MAX_BACKOFF_MS = 30000;
const MAX_DRAFTS = 200;             // "Keep it" lists kept, newest first
const DRAFT_DAYS = 30;

let cssText = null;
let pageCssText = null;
let settingsCache = null;           // refreshed on every storage change

function settingsPromise() {
  if (!settingsCache) settingsCache = TwoWaySettings.load();
  return settingsCache;
}

// ---- who is asking ----------------------------------------------------------------------------
// "content" (a content script in a web page), "options", "popup", or null (anyone else: refused).
function senderKind(sender) {
  if (!sender || sender.id !== ext.runtime.id) return null;
  const base = ext.runtime.getURL("");
  const url = String(sender.url || "");
  if (url.startsWith(base)) {
    const path = url.slice(base.length).split(/[?#]/)[0];
    if (path === "options/options.html") return "options";
    if (path === "popup/popup.html") return "popup";
    return null;
  }
  if (sender.tab && sender.tab.id >= 0 && /^https?:/.test(url)) return "content";
  return null;
}

// The site a content script works for: the tab's page (a frame inside it belongs to that site).
function senderSite(sender) {
  const url = (sender.tab && sender.tab.url) || sender.url || "";
  return TwoWaySettings.siteOrigin(url);
}

// ---- the circuit breaker ------------------------------------------------------------------------
const breaker = { state: "unknown", failures: 0, openUntil: 0, failure: null };

function waitLeft() { return Math.max(0, breaker.openUntil - Date.now()); }

function trip(fail) {
  breaker.failures += 1;
  const wait = Math.min(1000 * 2 ** (breaker.failures - 1), MAX_BACKOFF_MS);
  breaker.openUntil = Date.now() + wait;
  breaker.failure = fail;
  breaker.state = fail.state || "error";
  updateAction();
  return { ...fail, retryAfter: wait };
}

function healthy(elapsed, serverUrl) {
  breaker.failures = 0;
  if (elapsed > SLOW_MS) {
    // Answering, but slowly: every box waits as long as that answer took before the next request.
    breaker.state = "slow";
    breaker.openUntil = Date.now() + Math.min(elapsed, MAX_BACKOFF_MS);
    breaker.failure = TwoWayMessages.failure(0, "slow", "server slow",
      "The Two-Way server at " + serverUrl + " is slow to answer (" + Math.round(elapsed / 1000) + " s): Two-Way asks less often.",
      true, { state: "slow" });
  } else {
    breaker.state = "ok";
    breaker.openUntil = 0;
    breaker.failure = null;
  }
  updateAction();
}

function setupFailure() {
  return TwoWayMessages.failure(0, "setup", "set up",
    "Two-Way is not set up yet: open its setup page (the toolbar button) to connect it to your team's server. Nothing is sent until then.",
    false, { state: "setup" });
}

// The one way a request reaches the server: JSON, the token, no cookies, no redirects followed.
function postToServer(settings, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (settings.token) headers.Authorization = "Bearer " + settings.token;
  return fetch(settings.serverUrl + path, {
    method: "POST", headers, body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    cache: "no-store", credentials: "omit", redirect: "error",
  });
}

async function lint(msg) {
  const settings = await settingsPromise();
  if (!settings.configured) return setupFailure();
  if (waitLeft() > 0 && breaker.failure) return { ...breaker.failure, retryAfter: waitLeft() };
  const body = { text: String(msg.text || ""), subject: String(msg.subject || "") };
  if (msg.mode === "template") body.mode = "template";   // readiness (docs/readiness.md); send is the default
  if (msg.thread === true) body.thread = true;
  body.grammar = settings.categories.grammar !== false || settings.categories.spelling !== false;   // unlisted = shown
  if (settings.profile) body.profile = settings.profile;   // the rep's strictness; else the server's
  const t0 = Date.now();
  let resp;
  try {
    resp = await postToServer(settings, "/api/v1/lint", body);
  } catch (err) {
    if (waitLeft() > 0 && breaker.failure) return { ...breaker.failure, retryAfter: waitLeft() };  // another box found out first
    if (err && (err.name === "TimeoutError" || err.name === "AbortError")) {
      return trip(TwoWayMessages.failure(0, "slow", "server slow",
        "The Two-Way server at " + settings.serverUrl + " did not answer within " + REQUEST_TIMEOUT_MS / 1000 + " s: Two-Way waits before asking again.",
        true, { state: "slow" }));
    }
    return trip(await unreached(settings.serverUrl));
  }
  let data = null;
  try { data = await resp.json(); } catch (err) { data = null; }
  const e = (data && data.error) || {};
  if (resp.status === 401) {
    const code = settings.token ? "token_wrong" : "token_missing";
    return trip(TwoWayMessages.failure(401, code, TwoWayConnection.SHORT[code], TwoWayConnection.message(code, settings.serverUrl), true, { state: "error" }));
  }
  if (resp.status >= 500) {
    return trip(TwoWayMessages.failure(resp.status, e.code || "server_error", TwoWayConnection.SHORT.server_error,
      TwoWayConnection.message("server_error", settings.serverUrl, { status: resp.status }), true, { state: "error" }));
  }
  // No Two-Way answer at this URL (a 404 page, another program): said as "not reached", with a
  // message saying what is wrong with the URL.
  if (!data || (!resp.ok && !e.code) || resp.status === 404 || resp.status === 405) return trip(await unreached(settings.serverUrl));
  healthy(Date.now() - t0, settings.serverUrl);
  if (!resp.ok) {
    // A 4xx about this text (too long, bad input): the same text will not do better; an edit may.
    const retry = resp.status === 408 || resp.status === 429;
    const short = resp.status === 413 ? "too long to check" : "not checked";
    return TwoWayMessages.failure(resp.status, e.code || "bad_request", short, e.message || "The server answered " + resp.status + ".", retry,
      { state: breaker.state });
  }
  if (!Array.isArray(data.issues)) {
    return trip(TwoWayMessages.failure(resp.status, "bad_response", "server error", "The server's answer was not a lint result; retrying.", true, { state: "error" }));
  }
  return { ok: true, data };
}

async function unreached(serverUrl) {
  const found = await TwoWayConnection.explainUnreached(serverUrl);
  const outcome = found.outcome === "ok" ? "unreachable" : found.outcome;   // it came back meanwhile: retry
  return TwoWayMessages.failure(0, outcome, TwoWayConnection.SHORT[outcome], TwoWayConnection.message(outcome, serverUrl, found), true,
    { state: outcome === "unreachable" ? "unreachable" : "error" });
}

async function testConnection(msg) {
  const answer = await TwoWayConnection.diagnose(msg.serverUrl, String(msg.token || "").trim());
  return { ok: true, ...answer };
}

// twoway.css for the closed shadow roots; page.css (underlines and mirror only) for same-origin frames.
async function css() {
  if (cssText === null) cssText = await (await fetch(ext.runtime.getURL("lib/twoway.css"))).text();
  if (pageCssText === null) pageCssText = await (await fetch(ext.runtime.getURL("content/page.css"))).text();
  return { ok: true, css: cssText, pageCss: pageCssText };
}

// ---- what a page may know ------------------------------------------------------------------------
function isWebmailOrigin(origin) {
  return TwoWaySettings.WEBMAIL_MATCHES.includes(origin + "/*");
}

function siteState(settings, origin) {
  if (!origin) return { origin: null, kind: "none", on: false, snoozedUntil: 0, pattern: null };
  const kind = isWebmailOrigin(origin) ? "webmail" : settings.sites.includes(origin) ? "site" : "other";
  const on = kind === "webmail" ? !settings.off.includes(origin) : kind === "site";
  const until = Number(settings.snoozed[origin]) || 0;
  return { origin, kind, on, snoozedUntil: until > Date.now() ? until : 0, pattern: TwoWaySettings.sitePattern(origin) };
}

async function settingsView(msg, sender) {
  const s = await settingsPromise();
  const site = siteState(s, senderSite(sender));
  const names = {};
  s.muted.forEach((r) => { names[r] = true; });
  return {
    ok: true,
    view: {
      configured: s.configured,
      active: s.configured && site.on && !site.snoozedUntil,
      snoozedUntil: site.snoozedUntil,
      categories: { ...s.categories },
      muted: s.muted.slice(),
      sendGuard: s.sendGuard !== false,
    },
  };
}

const RULE_ID = /^[\w.:-]{1,120}$/;
const HASH = /^[0-9a-z]{1,32}$/;

// The send guard's count (content/sendguard.js): how often Send was held, and sent anyway. Kept in
// this browser's storage for the options page; never sent anywhere.
async function sendGuardCount(msg) {
  const event = msg.event === "held" || msg.event === "sentAnyway" ? msg.event : null;
  if (!event) return TwoWayMessages.failure(0, "forbidden", "not saved", "Not a send-guard event.", false);
  const items = await ext.storage.local.get("sendGuardCounts");
  const counts = (items && items.sendGuardCounts) || {};
  counts[event] = (Number(counts[event]) || 0) + 1;
  await ext.storage.local.set({ sendGuardCounts: counts });
  return { ok: true };
}

async function mute(msg) {
  const rule = String(msg.rule || "");
  if (!RULE_ID.test(rule)) return TwoWayMessages.failure(0, "forbidden", "not saved", "Not a rule id.", false);
  const s = await TwoWaySettings.load();
  const muted = s.muted.includes(rule) ? s.muted : s.muted.concat([rule]);
  const mutedNames = { ...s.mutedNames, [rule]: String(msg.name || rule).slice(0, 200) };
  await TwoWaySettings.save({ muted, mutedNames });
  return { ok: true };
}

async function ignore(msg) {
  const draft = String(msg.draft || ""), key = msg.key === undefined ? null : String(msg.key);
  if (!HASH.test(draft) || (key !== null && !HASH.test(key))) return TwoWayMessages.failure(0, "forbidden", "not saved", "Bad draft key.", false);
  const s = await TwoWaySettings.load();
  const all = { ...s.ignored };
  const entry = all[draft] && Array.isArray(all[draft].keys) ? all[draft] : { keys: [] };
  if (key === null) return { ok: true, keys: entry.keys.slice() };
  const keys = entry.keys.includes(key) ? entry.keys : entry.keys.concat([key]).slice(-500);
  all[draft] = { keys, at: Date.now() };
  // Kept for the newest drafts of the last month only.
  const cutoff = Date.now() - DRAFT_DAYS * 86400000;
  const kept = Object.entries(all).filter(([, v]) => v && v.at > cutoff).sort((a, b) => b[1].at - a[1].at).slice(0, MAX_DRAFTS);
  await TwoWaySettings.save({ ignored: Object.fromEntries(kept) });
  return { ok: true, keys };
}

// What the rep did with a card (codes only), to the team's server; nothing when the rep turned it
// off or Two-Way is not set up. Best effort: a lost count never bothers the rep or trips the breaker.
async function feedback(msg) {
  const s = await settingsPromise();
  const rule = String(msg.rule || "");
  if (!RULE_ID.test(rule) || !TwoWayFeedback.ACTIONS.includes(msg.action)) {
    return TwoWayMessages.failure(0, "forbidden", "not sent", "Not a feedback code.", false);
  }
  if (!s.configured || !s.feedback) return { ok: true, sent: false };
  let installId = s.installId;
  if (!installId && globalThis.crypto && crypto.randomUUID) {
    installId = crypto.randomUUID();   // random, made once; the server stores only a keyed hash, if at all
    await TwoWaySettings.save({ installId });
  }
  const body = TwoWayFeedback.body(rule, msg.action, msg.reason, s.profile);
  if (installId) body.install = installId;
  try {
    const resp = await postToServer(s, "/api/v1/feedback", body);
    return { ok: true, sent: resp.status === 202 };
  } catch (err) {
    return { ok: true, sent: false };
  }
}

function serverState(settings) {
  if (!settings.configured) return { state: "setup", short: "set up", message: setupFailure().message };
  const f = breaker.failure;
  if (f && (waitLeft() > 0 || breaker.state !== "ok")) return { state: breaker.state, short: f.short, message: f.message };
  return { state: breaker.state, short: breaker.state === "ok" ? "connected" : "not checked yet",
    message: breaker.state === "ok" ? "Connected to " + settings.serverUrl + "." : "Two-Way has not asked the server yet." };
}

async function status(msg) {
  const s = await TwoWaySettings.load();
  if (s.configured && breaker.state === "unknown") {
    // Not asked yet in this session: a health check (no draft, no token) says whether it is up.
    const found = await TwoWayConnection.explainUnreached(s.serverUrl);
    if (found.outcome === "ok") { breaker.state = "ok"; updateAction(); }
    else trip(TwoWayMessages.failure(0, found.outcome, TwoWayConnection.SHORT[found.outcome],
      TwoWayConnection.message(found.outcome, s.serverUrl, found), true, { state: found.outcome === "unreachable" ? "unreachable" : "error" }));
  }
  return { ok: true, configured: s.configured, server: serverState(s), site: siteState(s, TwoWaySettings.siteOrigin(msg.url)),
    sync: lastSyncError };
}

async function setSite(msg) {
  const origin = TwoWaySettings.siteOrigin(msg.url);
  if (!origin) return TwoWayMessages.failure(0, "forbidden", "not a site", "Two-Way works on https:// sites (http:// only on this computer).", false);
  const s = await TwoWaySettings.load();
  const webmail = isWebmailOrigin(origin);
  const pattern = TwoWaySettings.sitePattern(origin);
  const snoozed = { ...s.snoozed };
  Object.keys(snoozed).forEach((o) => { if (!(snoozed[o] > Date.now())) delete snoozed[o]; });
  const patch = { snoozed };
  if (msg.snoozeMinutes) {
    snoozed[origin] = Date.now() + Math.min(Math.max(Number(msg.snoozeMinutes) || 0, 1), 24 * 60) * 60000;
  } else if (msg.on === false) {
    delete snoozed[origin];
    if (webmail) patch.off = s.off.includes(origin) ? s.off : s.off.concat([origin]);
    else {
      patch.sites = s.sites.filter((x) => x !== origin);
      // Turned off means no access: the host permission goes too. (Not the manifest's own, granted at
      // install for the webmail hosts and this computer: Firefox would let them go for good.)
      const required = ext.runtime.getManifest().host_permissions || [];
      if (!required.includes(pattern)) {
        try { await ext.permissions.remove({ origins: [pattern] }); } catch (err) { /* not held */ }
      }
    }
  } else if (msg.on === true) {
    delete snoozed[origin];
    if (webmail) patch.off = s.off.filter((x) => x !== origin);
    else {
      let granted = false;
      try { granted = await ext.permissions.contains({ origins: [pattern] }); } catch (err) { granted = false; }
      if (!granted) return TwoWayMessages.failure(0, "permission", "no permission", "Permission for " + origin + " was not given.", false);
      if (!s.sites.includes(origin)) patch.sites = s.sites.concat([origin]);
    }
  }
  await TwoWaySettings.save(patch);
  const after = await TwoWaySettings.load();
  return { ok: true, site: siteState(after, origin) };
}

// ---- site scripts -------------------------------------------------------------------------------
let syncChain = Promise.resolve();
let lastSyncError = null;

// Serialised: each run waits for the one before and reads the settings afresh.
function syncSiteScripts() {
  syncChain = syncChain.then(syncOnce, syncOnce);
  return syncChain;
}

async function syncOnce() {
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
        runAt: "document_idle", allFrames: true, persistAcrossSessions: true,
      }]);
    }
    lastSyncError = null;
  } catch (err) {
    // Said on the options page (a pattern without its permission yet: the next grant retries).
    lastSyncError = String((err && err.message) || err);
  }
}

// ---- toolbar button -------------------------------------------------------------------------------
async function updateAction() {
  if (!ext.action || !ext.action.setBadgeText) return;
  const s = await settingsPromise();
  let text = "", color = "#6b7280", title = "Two-Way";
  if (!s.configured) { text = "set"; title = "Two-Way: set up the server connection"; }
  else if (breaker.state === "unreachable" || breaker.state === "error") {
    text = "!"; color = "#b45309"; title = "Two-Way: " + ((breaker.failure && breaker.failure.short) || "server problem");
  } else if (breaker.state === "slow") { text = "…"; color = "#6b7280"; title = "Two-Way: the server is slow"; }
  try {
    await ext.action.setBadgeText({ text });
    await ext.action.setBadgeBackgroundColor({ color });
    await ext.action.setTitle({ title });
  } catch (err) { /* a browser without badges */ }
}

// Content scripts never read storage: they are told settings changed and ask for their view again.
async function broadcastSettings() {
  let tabs = [];
  try { tabs = await ext.tabs.query({}); } catch (err) { return; }
  for (const tab of tabs) {
    try {
      const sent = ext.tabs.sendMessage(tab.id, { type: TwoWayMessages.SETTINGS_CHANGED });
      if (sent && sent.catch) sent.catch(() => {});
    } catch (err) { /* no content script in that tab */ }
  }
}

// ---- wiring ---------------------------------------------------------------------------------------
const HANDLERS = {
  [TwoWayMessages.LINT]: lint,
  [TwoWayMessages.CSS]: css,
  [TwoWayMessages.OPEN_OPTIONS]: () => ext.runtime.openOptionsPage().then(() => ({ ok: true })),
  [TwoWayMessages.SETTINGS]: settingsView,
  [TwoWayMessages.MUTE]: mute,
  [TwoWayMessages.IGNORE]: ignore,
  [TwoWayMessages.FEEDBACK]: feedback,
  [TwoWayMessages.TEST_CONNECTION]: testConnection,
  [TwoWayMessages.STATUS]: status,
  [TwoWayMessages.SET_SITE]: setSite,
  [TwoWayMessages.SEND_GUARD]: sendGuardCount,
};

ext.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  const type = msg && typeof msg === "object" ? msg.type : null;
  if (!Object.prototype.hasOwnProperty.call(HANDLERS, type)) return false;
  if (!TwoWayMessages.allowed(type, senderKind(sender))) {
    sendResponse(TwoWayMessages.failure(0, "forbidden", "not allowed", "Two-Way does not answer " + type + " from here.", false));
    return false;
  }
  HANDLERS[type](msg, sender).then(sendResponse,
    (err) => sendResponse(TwoWayMessages.failure(0, "internal", "error", String((err && err.message) || err), true)));
  return true;
});

ext.runtime.onInstalled.addListener(async (details) => {
  syncSiteScripts();
  updateAction();
  // A quiet first run: the setup page, once; nothing is sent before it is saved.
  if (details && details.reason === "install" && !(await TwoWaySettings.load()).configured) {
    try { await ext.runtime.openOptionsPage(); } catch (err) { /* no window yet */ }
  }
});
if (ext.runtime.onStartup) ext.runtime.onStartup.addListener(() => { syncSiteScripts(); updateAction(); });
ext.storage.onChanged.addListener((changes, area) => {
  if (area !== "local") return;
  settingsCache = null;
  if (changes.sites) syncSiteScripts();
  if (changes.serverUrl || changes.token || changes.configured) {
    // A new server or token: the breaker starts over.
    breaker.failures = 0; breaker.openUntil = 0; breaker.failure = null; breaker.state = "unknown";
  }
  updateAction();
  const seen = ["configured", "serverUrl", "token", "categories", "muted", "sites", "off", "snoozed"];
  if (seen.some((k) => changes[k])) broadcastSettings();
});
if (ext.permissions && ext.permissions.onAdded) ext.permissions.onAdded.addListener(() => { syncSiteScripts(); });
if (ext.permissions && ext.permissions.onRemoved) ext.permissions.onRemoved.addListener(() => { syncSiteScripts(); });
updateAction();

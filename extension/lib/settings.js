/*
 * Settings, read and written by the background, the options page and the popup only: content
 * scripts never load this file (they get a view without the token through TwoWayMessages.SETTINGS).
 *
 *   globalThis.TwoWaySettings = {
 *     DEFAULTS, WEBMAIL_MATCHES,
 *     load() -> Promise<settings>          (chrome.storage.local merged over DEFAULTS)
 *     save(partial) -> Promise
 *     sitePattern(origin) -> match pattern ("https://crm.example.com/*") or null: one host, no
 *         wildcard; http:// only for this computer (loopback), every other site https://
 *     siteOrigin(url) -> "https://crm.example.com" or null (the same rules)
 *     isLoopbackHost(host)
 *     normalizeServerUrl(raw) -> {url} | {error}
 *         "localhost:8765" -> "http://localhost:8765" (loopback gets http, other hosts https; http://
 *         to another computer is refused: drafts would cross the network in clear);
 *         a trailing "/api", "/api/v1", "/api/v1/lint" and slashes stripped; query and hash dropped.
 *   }
 * Kept in chrome.storage.local: configured (the first-run setup was saved), serverUrl, token,
 * categories{name: bool}, sites[origin] (other sites turned on), off[origin] (webmail turned off),
 * snoozed{origin: until ms}, muted[rule], mutedNames{rule: message}, ignored{draft hash: {keys, at}},
 * profile ("" = the server's strictness, or quiet | balanced | thorough), feedback (send what the rep
 * does with the cards to the team's server, as counts: on unless the rep turns it off), installId (a
 * random id the team's server may hash, only when the team turns that on),
 * sendGuard (bool), sendGuardCounts{held, sentAnyway} (the send guard's, counted in this browser only).
 */
(function (root) {
  "use strict";
  var api = root.chrome || root.browser;

  var DEFAULTS = {
    configured: false,
    serverUrl: "http://127.0.0.1:8765",
    token: "",
    // category key -> false to hide it; a category not listed is shown (the keys: lib/definitions.js).
    categories: {},
    sites: [],
    off: [],
    snoozed: {},
    muted: [],
    sendGuard: true,   // hold Send while a placeholder is unfilled (content/sendguard.js)
    mutedNames: {},
    ignored: {},
    profile: "",
    feedback: true,
    installId: "",
  };
  var PROFILES = ["quiet", "balanced", "thorough"];
  var INSTALL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  // The webmail pages are listed once, in the manifest's content_scripts (content/hosts.js reads
  // the same list); no script keeps its own copy.
  var WEBMAIL_MATCHES = (function () {
    try {
      return (api.runtime.getManifest().content_scripts || [])
        .reduce(function (all, s) { return all.concat(s.matches || []); }, []);
    } catch (err) {
      return [];  // outside the extension (unit tests): no webmail pages
    }
  })();

  var API_SUFFIX = /\/api(?:\/v1(?:\/(?:lint|rules|openapi\.json))?)?$/i;

  function isLoopbackHost(host) {
    host = String(host || "").toLowerCase().replace(/^\[|\]$/g, "");
    return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
  }

  function normalizeServerUrl(raw) {
    var s = String(raw === undefined || raw === null ? "" : raw).trim();
    if (!s) return { url: DEFAULTS.serverUrl };
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
      s = s.replace(/^\/+/, "");
      var host = s.split(/[/?#]/)[0].replace(/:\d*$/, "");
      s = (isLoopbackHost(host) ? "http://" : "https://") + s;
    }
    var u;
    try { u = new URL(s); } catch (err) { return { error: "\u201c" + String(raw).trim() + "\u201d is not a web address." }; }
    if (u.protocol !== "http:" && u.protocol !== "https:") return { error: "The server URL must start with http:// or https://." };
    if (u.username || u.password) return { error: "Put the API token in the token field, not in the URL." };
    if (u.protocol === "http:" && !isLoopbackHost(u.hostname)) {
      return { error: "Use https:// for a server on another computer: over plain http:// drafts and the token would cross the network in clear (http:// is for this computer only)." };
    }
    var path = u.pathname.replace(/\/+$/, "").replace(API_SUFFIX, "").replace(/\/+$/, "");
    return { url: u.origin + path };
  }

  function clone(v) { return JSON.parse(JSON.stringify(v)); }

  function normalize(stored) {
    var s = clone(DEFAULTS);
    stored = stored || {};
    s.configured = stored.configured === true;
    if (typeof stored.serverUrl === "string") s.serverUrl = normalizeServerUrl(stored.serverUrl).url || s.serverUrl;
    if (typeof stored.token === "string") s.token = stored.token.trim();
    if (stored.categories && typeof stored.categories === "object") {
      Object.keys(stored.categories).forEach(function (k) {
        if (typeof stored.categories[k] === "boolean") s.categories[k] = stored.categories[k];
      });
    }
    if (Array.isArray(stored.sites)) s.sites = stored.sites.filter(function (x) { return typeof x === "string"; });
    if (Array.isArray(stored.muted)) s.muted = stored.muted.filter(function (x) { return typeof x === "string"; });
    if (typeof stored.sendGuard === "boolean") s.sendGuard = stored.sendGuard;
    if (Array.isArray(stored.off)) s.off = stored.off.filter(function (x) { return typeof x === "string"; });
    if (PROFILES.indexOf(stored.profile) >= 0) s.profile = stored.profile;
    if (stored.feedback === false) s.feedback = false;
    if (typeof stored.installId === "string" && INSTALL_ID.test(stored.installId)) s.installId = stored.installId;
    ["snoozed", "mutedNames", "ignored"].forEach(function (k) {
      if (stored[k] && typeof stored[k] === "object" && !Array.isArray(stored[k])) s[k] = stored[k];
    });
    return s;
  }

  function load() {
    return new Promise(function (resolve) {
      try {
        api.storage.local.get(Object.keys(DEFAULTS), function (items) {
          resolve(normalize(items));
        });
      } catch (err) {
        resolve(normalize(null));
      }
    });
  }

  function save(partial) {
    return new Promise(function (resolve) { api.storage.local.set(partial, function () { resolve(); }); });
  }

  function siteOrigin(raw) {
    var s = String(raw || "").trim();
    if (!s || s.indexOf("*") >= 0) return null;             // one site, never a wildcard
    try {
      var u = new URL(/^[a-z]+:\/\//i.test(s) ? s : "https://" + s);
      if (u.protocol !== "https:" && !(u.protocol === "http:" && isLoopbackHost(u.hostname))) return null;
      if (!u.hostname || u.username || u.password) return null;
      if (!isLoopbackHost(u.hostname) && !/^[a-z0-9.-]+$/i.test(u.hostname)) return null;
      return u.protocol + "//" + u.hostname;
    } catch (err) {
      return null;
    }
  }

  function sitePattern(origin) {
    var o = siteOrigin(origin);
    return o ? o + "/*" : null;
  }

  root.TwoWaySettings = { DEFAULTS: DEFAULTS, WEBMAIL_MATCHES: WEBMAIL_MATCHES, normalize: normalize,
    load: load, save: save, sitePattern: sitePattern, siteOrigin: siteOrigin, isLoopbackHost: isLoopbackHost,
    normalizeServerUrl: normalizeServerUrl };
})(typeof globalThis !== "undefined" ? globalThis : this);

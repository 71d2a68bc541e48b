/*
 * Settings shared by the service worker, the content scripts and the options page.
 *
 *   globalThis.TwoWaySettings = {
 *     DEFAULTS, WEBMAIL_MATCHES,
 *     load() -> Promise<settings>          (chrome.storage.local merged over DEFAULTS)
 *     save(partial) -> Promise
 *     sitePattern(origin) -> match pattern ("https://crm.example.com/*") or null
 *   }
 * Kept in chrome.storage.local: serverUrl, token, categories{name: bool}, sites[origin], muted[rule].
 */
(function (root) {
  "use strict";
  var api = root.chrome || root.browser;

  var DEFAULTS = {
    serverUrl: "http://127.0.0.1:8765",
    token: "",
    categories: { pressure: true, self_focus: true, grammar: true, spelling: true, style: true },
    sites: [],
    muted: [],
  };

  var WEBMAIL_MATCHES = [
    "https://mail.google.com/*",
    "https://outlook.office.com/*",
    "https://outlook.office365.com/*",
    "https://outlook.live.com/*",
  ];

  function clone(v) { return JSON.parse(JSON.stringify(v)); }

  function normalize(stored) {
    var s = clone(DEFAULTS);
    stored = stored || {};
    if (typeof stored.serverUrl === "string" && stored.serverUrl.trim()) s.serverUrl = stored.serverUrl.trim().replace(/\/+$/, "");
    if (typeof stored.token === "string") s.token = stored.token.trim();
    if (stored.categories && typeof stored.categories === "object") {
      Object.keys(s.categories).forEach(function (k) {
        if (typeof stored.categories[k] === "boolean") s.categories[k] = stored.categories[k];
      });
    }
    if (Array.isArray(stored.sites)) s.sites = stored.sites.filter(function (x) { return typeof x === "string"; });
    if (Array.isArray(stored.muted)) s.muted = stored.muted.filter(function (x) { return typeof x === "string"; });
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

  function sitePattern(origin) {
    try {
      var u = new URL(/^[a-z]+:\/\//i.test(origin) ? origin : "https://" + origin);
      if (u.protocol !== "https:" && u.protocol !== "http:") return null;
      return u.protocol + "//" + u.hostname + "/*";
    } catch (err) {
      return null;
    }
  }

  root.TwoWaySettings = { DEFAULTS: DEFAULTS, WEBMAIL_MATCHES: WEBMAIL_MATCHES, normalize: normalize,
    load: load, save: save, sitePattern: sitePattern };
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * Reaching the Two-Way server: what went wrong when it cannot be used. Every request is sent with
 * redirect: "error" (a server URL that redirects elsewhere is not followed with the token). Loaded by the background
 * (lint failures, "Test connection") after lib/settings.js (TwoWaySettings.normalizeServerUrl).
 *
 *   TwoWayConnection.diagnose(serverUrl, token, fetchImpl) -> Promise<{outcome, message, serverUrl, version?}>
 *       outcome: "ok" | "unreachable" | "wrong_scheme" | "wrong_path" | "not_twoway" |
 *                "token_missing" | "token_wrong" | "server_error"
 *       GET /healthz tells reachable / Two-Way / version; an authenticated GET /api/v1/rules tells
 *       the token apart. The server answers 401 for a missing and a wrong token alike, so which
 *       one it is depends on whether a token was sent.
 *   TwoWayConnection.explainUnreached(serverUrl, fetchImpl) -> Promise<{outcome, suggestion?}>
 *       for a request that got no Two-Way answer: "wrong_scheme" | "wrong_path" | "not_twoway" |
 *       "unreachable" (or "ok" when the server is back); suggestion: the URL to use instead
 *   TwoWayConnection.message(outcome, serverUrl, extra) -> the sentence the rep reads
 *   TwoWayConnection.SHORT[outcome] -> a few words for the badge
 */
(function (root) {
  "use strict";

  var PROBE_TIMEOUT_MS = 5000;

  var SHORT = {
    ok: "connected",
    unreachable: "server unreachable",
    wrong_scheme: "use http://",
    wrong_path: "wrong server URL",
    not_twoway: "wrong server URL",
    token_missing: "token needed",
    token_wrong: "token wrong",
    server_error: "server error",
  };

  function message(outcome, serverUrl, extra) {
    extra = extra || {};
    switch (outcome) {
      case "ok": return "Connected: Two-Way server " + (extra.version || "") + " at " + serverUrl + ".";
      case "unreachable": return "The Two-Way server is unreachable at " + serverUrl + ": is it running (make run)? Retrying.";
      case "wrong_scheme": return "The server at " + serverUrl + " speaks plain http: use " + extra.suggestion + " as the server URL.";
      case "wrong_path": return "No Two-Way server at " + serverUrl + (extra.suggestion ? ": use " + extra.suggestion + " (the server's root) as the server URL." : ": use the server's root address, without a path.");
      case "not_twoway": return "Something answers at " + serverUrl + ", but it is not a Two-Way server: check the server URL.";
      case "token_missing": return "The server needs an API token: set it in the Two-Way options.";
      case "token_wrong": return "The server rejected the API token: check it in the Two-Way options.";
      default: return "The Two-Way server answered with an error" + (extra.status ? " (" + extra.status + ")" : "") + "; retrying.";
    }
  }

  function timeoutSignal() {
    return typeof AbortSignal !== "undefined" && AbortSignal.timeout ? AbortSignal.timeout(PROBE_TIMEOUT_MS) : undefined;
  }

  // GET <base>/healthz -> {reached, twoway, version, status}
  function probeHealth(base, fetchImpl) {
    return fetchImpl(base + "/healthz", { cache: "no-store", credentials: "omit", redirect: "error", signal: timeoutSignal() }).then(
      function (resp) {
        return resp.json().then(function (d) { return d; }, function () { return null; }).then(function (d) {
          var twoway = Boolean(resp.ok && d && d.status === "ok" && typeof d.version === "string");
          return { reached: true, twoway: twoway, version: twoway ? d.version : null, status: resp.status };
        });
      },
      function () { return { reached: false, twoway: false, version: null, status: 0 }; });
  }

  function swapScheme(url) {
    var u = new URL(url);
    return (u.protocol === "https:" ? "http:" : "https:") + "//" + u.host + u.pathname.replace(/\/+$/, "");
  }

  function explainUnreached(serverUrl, fetchImpl) {
    fetchImpl = fetchImpl || root.fetch.bind(root);
    return probeHealth(serverUrl, fetchImpl).then(function (h) {
      return classify(serverUrl, h, fetchImpl);
    });
  }

  // What a failed /healthz probe means: -> {outcome, suggestion?}
  function classify(serverUrl, health, fetchImpl) {
    var u = new URL(serverUrl);
    if (health.twoway) return Promise.resolve({ outcome: "ok" });
    if (!health.reached) {
      // Plain http is suggested only for this computer: a remote server stays on https.
      if (u.protocol !== "https:" || !root.TwoWaySettings.isLoopbackHost(u.hostname)) return Promise.resolve({ outcome: "unreachable" });
      var plain = swapScheme(serverUrl);
      return probeHealth(plain, fetchImpl).then(function (h) {
        return h.twoway ? { outcome: "wrong_scheme", suggestion: plain } : { outcome: "unreachable" };
      });
    }
    if (u.pathname.replace(/\/+$/, "")) {
      return probeHealth(u.origin, fetchImpl).then(function (h) {
        return h.twoway ? { outcome: "wrong_path", suggestion: u.origin } : { outcome: "not_twoway" };
      });
    }
    return Promise.resolve({ outcome: "not_twoway" });
  }

  function diagnose(serverUrl, token, fetchImpl) {
    fetchImpl = fetchImpl || root.fetch.bind(root);
    var norm = root.TwoWaySettings.normalizeServerUrl(serverUrl);
    if (norm.error) return Promise.resolve({ outcome: "not_twoway", message: norm.error, serverUrl: String(serverUrl) });
    var url = norm.url;
    function answer(outcome, extra) {
      var out = { outcome: outcome, message: message(outcome, url, extra), serverUrl: url };
      if (extra && extra.version) out.version = extra.version;
      return out;
    }
    return probeHealth(url, fetchImpl).then(function (health) {
      if (!health.twoway) {
        return classify(url, health, fetchImpl).then(function (found) { return answer(found.outcome, found); });
      }
      var headers = {};
      if (token) headers.Authorization = "Bearer " + token;
      return fetchImpl(url + "/api/v1/rules", { headers: headers, cache: "no-store", credentials: "omit", redirect: "error", signal: timeoutSignal() }).then(
        function (resp) {
          if (resp.status === 401) return answer(token ? "token_wrong" : "token_missing");
          if (!resp.ok) return answer("server_error", { status: resp.status });
          return answer("ok", { version: health.version });
        },
        function () { return answer("unreachable"); });
    });
  }

  root.TwoWayConnection = {
    SHORT: SHORT, OUTCOMES: Object.keys(SHORT), message: message,
    diagnose: diagnose, explainUnreached: explainUnreached,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);

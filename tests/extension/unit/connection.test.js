"use strict";
// The server URL the rep types, normalised (lib/settings.js), and how a failed connection is told
// apart (lib/connection.js) with a scripted fetch; the options-page e2e test runs the same against
// a real server.
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

const w = load("", ["lib/settings.js", "lib/connection.js"]);
const norm = (raw) => w.TwoWaySettings.normalizeServerUrl(raw);

test("a scheme is added: http for this computer, https for other hosts", () => {
  assert.equal(norm("localhost:8765").url, "http://localhost:8765");
  assert.equal(norm("127.0.0.1:8765").url, "http://127.0.0.1:8765");
  assert.equal(norm("[::1]:8765").url, "http://[::1]:8765");
  assert.equal(norm("twoway.example.com").url, "https://twoway.example.com");
});

test("plain http only for this computer: a remote server must be https", () => {
  assert.match(norm("http://twoway.example.com").error, /https:\/\/ for a server on another computer/);
  assert.match(norm("http://10.0.0.5:8765").error, /https:\/\//);
  assert.equal(norm("http://127.0.0.2:8765").url, "http://127.0.0.2:8765");
});

test("site patterns: one host, no wildcard, http only for loopback", () => {
  const pat = (o) => w.TwoWaySettings.sitePattern(o);
  assert.equal(pat("https://crm.example.com/deals/1"), "https://crm.example.com/*");
  assert.equal(pat("crm.example.com"), "https://crm.example.com/*");
  assert.equal(pat("http://localhost:3000"), "http://localhost/*");
  for (const bad of ["*", "*.example.com", "https://*.example.com", "https://*/*", "http://crm.example.com",
                     "ftp://crm.example.com", "https://me:pw@crm.example.com", "<all_urls>", ""]) {
    assert.equal(pat(bad), null, bad);
  }
});

test("trailing /api, /api/v1, /api/v1/lint and slashes are stripped; a real prefix is kept", () => {
  assert.equal(norm("http://127.0.0.1:8765/").url, "http://127.0.0.1:8765");
  assert.equal(norm("http://127.0.0.1:8765/api").url, "http://127.0.0.1:8765");
  assert.equal(norm("http://127.0.0.1:8765/api/").url, "http://127.0.0.1:8765");
  assert.equal(norm("http://127.0.0.1:8765/api/v1").url, "http://127.0.0.1:8765");
  assert.equal(norm("localhost:8765/api/v1/lint").url, "http://localhost:8765");
  assert.equal(norm("https://tools.example.com/twoway/api/v1/").url, "https://tools.example.com/twoway");
  assert.equal(norm("https://tools.example.com/twoway?x=1#top").url, "https://tools.example.com/twoway");
  assert.equal(norm("  http://LOCALHOST:8765  ").url, "http://localhost:8765");
});

test("empty means the default; nonsense and other schemes are errors, not URLs", () => {
  assert.equal(norm("").url, "http://127.0.0.1:8765");
  assert.equal(norm("   ").url, "http://127.0.0.1:8765");
  assert.match(norm("ftp://127.0.0.1/").error, /http:\/\/ or https:\/\//);
  assert.match(norm("http://a b").error, /not a web address/);
  assert.match(norm("http://me:secret@127.0.0.1:8765").error, /token field/);
  assert.equal(norm("http://a b").url, undefined);
});

test("stored settings are normalised on load", () => {
  assert.equal(w.TwoWaySettings.normalize({ serverUrl: "localhost:8765/api" }).serverUrl, "http://localhost:8765");
  assert.equal(w.TwoWaySettings.normalize({ serverUrl: "ftp://x" }).serverUrl, "http://127.0.0.1:8765");
});

// A scripted fetch: url -> {status, json} or "down".
function fakeFetch(routes) {
  return async (url, init) => {
    const key = Object.keys(routes).find((k) => url === k);
    const r = key === undefined ? "down" : routes[key];
    const value = typeof r === "function" ? r(init) : r;
    if (value === "down") throw new TypeError("Failed to fetch");
    return { ok: value.status < 300, status: value.status, json: async () => { if (value.json === undefined) throw new SyntaxError("not json"); return value.json; } };
  };
}

const HEALTH = { status: 200, json: { status: "ok", version: "9.9.9" } };

test("diagnose tells each outcome apart", async () => {
  const d = (url, token, routes) => w.TwoWayConnection.diagnose(url, token, fakeFetch(routes));
  const rules = (init) => (init.headers.Authorization === "Bearer good" ? { status: 200, json: { rules: [] } }
    : { status: 401, json: { error: { code: "unauthorized" } } });
  const server = { "http://127.0.0.1:1/healthz": HEALTH, "http://127.0.0.1:1/api/v1/rules": rules };

  let r = await d("http://127.0.0.1:1", "good", server);
  assert.equal(r.outcome, "ok");
  assert.equal(r.version, "9.9.9");
  assert.match(r.message, /9\.9\.9/);
  assert.equal((await d("http://127.0.0.1:1", "", server)).outcome, "token_missing");
  assert.equal((await d("http://127.0.0.1:1", "bad", server)).outcome, "token_wrong");
  assert.equal((await d("http://127.0.0.1:2", "", server)).outcome, "unreachable");

  r = await d("https://127.0.0.1:1", "good", server);
  assert.equal(r.outcome, "wrong_scheme");
  assert.match(r.message, /use http:\/\/127\.0\.0\.1:1 /);
  // A remote https server that does not answer is never sent to plain http.
  const seen = [];
  r = await w.TwoWayConnection.diagnose("https://twoway.example.com", "", (url) => { seen.push(url); return Promise.reject(new Error("down")); });
  assert.equal(r.outcome, "unreachable");
  assert.ok(seen.every((u) => u.startsWith("https://")), seen.join(" "));

  r = await d("http://127.0.0.1:1/twoway", "good", { ...server, "http://127.0.0.1:1/twoway/healthz": { status: 404, json: { error: { code: "not_found" } } } });
  assert.equal(r.outcome, "wrong_path");
  assert.match(r.message, /use http:\/\/127\.0\.0\.1:1 \(the server's root\)/);

  r = await d("http://127.0.0.1:3", "", { "http://127.0.0.1:3/healthz": { status: 200 } });
  assert.equal(r.outcome, "not_twoway");

  r = await d("http://127.0.0.1:1", "good", { ...server, "http://127.0.0.1:1/api/v1/rules": { status: 500, json: {} } });
  assert.equal(r.outcome, "server_error");
});

test("every outcome has a short label and a message", () => {
  for (const o of w.TwoWayConnection.OUTCOMES) {
    assert.ok(w.TwoWayConnection.SHORT[o], o);
    assert.ok(w.TwoWayConnection.message(o, "http://x", { suggestion: "http://y", version: "1" }).length > 10, o);
  }
});

test("every probe refuses redirects (the token never follows one elsewhere)", async () => {
  const inits = [];
  const fetchImpl = (url, init) => { inits.push(init); return Promise.reject(new Error("down")); };
  await w.TwoWayConnection.diagnose("https://127.0.0.1:9", "t", fetchImpl);
  assert.ok(inits.length >= 2);
  assert.ok(inits.every((i) => i.redirect === "error"));
});

"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { JSDOM } = require("jsdom");
const { EXT } = require("./helpers");

test("the webmail hosts come from the manifest's content-script matches, listed nowhere else", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(EXT, "manifest.json"), "utf8"));
  const dom = new JSDOM("<!doctype html><body></body>", { runScripts: "outside-only" });
  dom.window.chrome = { runtime: { getManifest: () => manifest } };
  dom.window.eval(fs.readFileSync(path.join(EXT, "content/hosts.js"), "utf8"));
  const hosts = dom.window.TwoWayHosts;
  assert.deepEqual([...hosts.webmail], ["mail.google.com", "outlook.office.com", "outlook.office365.com", "outlook.live.com"]);
  assert.ok(hosts.isWebmail("outlook.live.com"));
  assert.ok(!hosts.isWebmail("localhost"));
  // No content script keeps its own list of webmail hostnames.
  for (const f of fs.readdirSync(path.join(EXT, "content"), { recursive: true })) {
    if (!String(f).endsWith(".js")) continue;
    assert.ok(!/mail\.google\.com|outlook\.(office|live)/.test(fs.readFileSync(path.join(EXT, "content", String(f)), "utf8")), f);
  }
});

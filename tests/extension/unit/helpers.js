// Loads the extension's classic scripts into a jsdom window, as a content script would run.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { JSDOM } = require("jsdom");

const EXT = path.resolve(__dirname, "../../../extension");

function load(html, scripts = ["content/extract.js", "content/offsets.js"]) {
  const dom = new JSDOM(`<!doctype html><html><body>${html}</body></html>`, { runScripts: "outside-only" });
  for (const s of scripts) dom.window.eval(fs.readFileSync(path.join(EXT, s), "utf8"));
  return dom.window;
}

module.exports = { load, EXT };

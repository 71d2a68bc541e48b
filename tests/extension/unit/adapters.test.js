"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { load, EXT } = require("./helpers");

const FAMILIES = ["gmail", "outlook", "tinymce", "ckeditor5", "quill", "prosemirror", "plain"];
const SCRIPTS = ["content/adapters.js"].concat(FAMILIES.map((f) => `content/adapters/${f}.js`));

test("the manifest loads every adapter, after the registry and before main.js", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(EXT, "manifest.json"), "utf8"));
  const js = manifest.content_scripts[0].js;
  for (const s of SCRIPTS) assert.ok(js.includes(s), s);
  assert.ok(js.indexOf("content/adapters.js") < js.indexOf("content/adapters/gmail.js"));
  assert.ok(js.indexOf("content/adapters/plain.js") < js.indexOf("content/main.js"));
});

test("webmail pages get the Gmail and Outlook adapters; other sites the families, plain last", () => {
  const w = load("", SCRIPTS);
  assert.deepEqual([...w.TwoWayAdapters.active(true).map((a) => a.name)], ["gmail", "outlook"]);
  const others = [...w.TwoWayAdapters.active(false).map((a) => a.name)];
  assert.deepEqual(others.slice().sort(), ["ckeditor5", "plain", "prosemirror", "quill", "tinymce"]);
  assert.equal(others[others.length - 1], "plain");
});

test("Outlook's body is found by structure in any language; recipient wells and modal settings are not", () => {
  const w = load(`<div role="main"><div id="to" role="textbox" contenteditable="true" aria-label="À"></div>
    <div id="body" role="textbox" aria-multiline="true" contenteditable="true" aria-label="Corps du message"></div></div>
    <div role="dialog" aria-modal="true"><div id="sig" role="textbox" aria-multiline="true" contenteditable="true"></div></div>`, SCRIPTS);
  const outlook = w.TwoWayAdapters.active(true).find((a) => a.name === "outlook");
  const found = [...w.document.querySelectorAll(outlook.bodies)].filter((el) => outlook.accept(el)).map((el) => el.id);
  assert.deepEqual(found, ["body"]);
});

"use strict";
// content/readiness.js: the lint mode of a page, the reply flag of a compose box, and what holds Send.
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

function readiness(html, url, title) {
  const win = load(html, []);
  win.TwoWayHosts = { isWebmail: (host) => host === "mail.google.com" || host === "outlook.office.com" };
  win.eval(require("node:fs").readFileSync(require("node:path").join(__dirname, "../../../extension/content/readiness.js"), "utf8"));
  const loc = new URL(url);
  const doc = { title: title || "" };
  return { r: win.TwoWayReadiness, loc, doc, win };
}

test("webmail is send mode; a CRM's template and sequence editors are template mode", () => {
  const cases = [
    ["https://mail.google.com/mail/u/0/#inbox?compose=new", "", "send"],
    ["https://mail.google.com/mail/u/0/#settings/templates", "", "send"],   // webmail is always mail about to go out
    ["https://crm.example.com/sequences/42/steps/1/edit", "", "template"],
    ["https://crm.example.com/email_templates/new", "", "template"],
    ["https://crm.example.com/contacts/9/email", "Snippet editor", "template"],
    ["https://crm.example.com/contacts/9/email", "Email Sam", "send"],
    ["https://crm.example.com/deals/templated-report", "", "send"],          // a word inside another is not one
  ];
  for (const [url, title, want] of cases) {
    const { r, loc, doc } = readiness("", url, title);
    assert.equal(r.mode(loc, doc), want, url + " " + title);
  }
});

test("a compose box that quotes a message, or a Gmail reply outside the compose dialog, is a reply", () => {
  const { r, win } = readiness(`
    <div role="dialog"><div id="new" contenteditable="true" g_editable="true">Hi</div></div>
    <div><div id="inline" contenteditable="true" g_editable="true">Thanks</div></div>
    <div id="owa" contenteditable="true" role="textbox">Hi<div id="appendonsend"></div></div>
    <div id="plain" contenteditable="true">Hi</div>
    <textarea id="ta">Hi</textarea>`, "https://mail.google.com/");
  const $ = (id) => win.document.getElementById(id);
  assert.equal(r.isReply($("new")), false);
  assert.equal(r.isReply($("inline")), true);
  assert.equal(r.isReply($("owa")), true);
  assert.equal(r.isReply($("plain")), false);
  assert.equal(r.isReply($("ta")), false);
});

test("only error-level readiness findings the rep did not mute hold Send", () => {
  const { r } = readiness("", "https://mail.google.com/");
  const issues = [
    { rule: "readiness.merge-field", category: "readiness", severity: "error" },
    { rule: "readiness.fake-reply", category: "readiness", severity: "warning" },
    { rule: "self_focus.quota-talk", category: "self_focus", severity: "error" },
    { rule: "readiness.bracket-placeholder", category: "readiness", severity: "error" },
  ];
  assert.deepEqual(r.blocking(issues, []).map((i) => i.rule), ["readiness.merge-field", "readiness.bracket-placeholder"]);
  assert.deepEqual(r.blocking(issues, ["readiness.merge-field"]).map((i) => i.rule), ["readiness.bracket-placeholder"]);
  assert.equal(r.blocking(undefined, []).length, 0);
});

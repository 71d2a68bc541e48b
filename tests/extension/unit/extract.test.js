"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { load } = require("./helpers");

const PAGES = path.resolve(__dirname, "../pages");

function text(html) {
  const w = load(`<div id="ed" contenteditable="true">${html}</div>`);
  return w.TwoWayExtract.extract(w.document.getElementById("ed")).text;
}

test("blocks and <br> become newlines; a blank Gmail line is kept", () => {
  assert.equal(text("<div>Hi Sam,</div><div><br></div><div>Thanks</div>"), "Hi Sam,\n\nThanks");
  assert.equal(text("one<br>two<br>three"), "one\ntwo\nthree");
  assert.equal(text("<p>a</p><p>b</p>"), "a\nb");
  assert.equal(text("<div>a<br></div><div>b</div>"), "a\nb");
});

test("inline formatting, links and nbsp keep text in one line, same length", () => {
  assert.equal(text("Just&nbsp;checking <b>in</b> with <a href='#'>you</a>."), "Just checking in with you.");
  assert.equal(text("<span>I</span><i> need</i>"), "I need");
});

test("emoji are UTF-16 units like the server's offsets", () => {
  const t = text("<div>Hi 👋🏽 Sam</div>");
  assert.equal(t, "Hi 👋🏽 Sam");
  assert.equal(t.indexOf("Sam"), 8);     // 👋 (2 units) + 🏽 (2 units)
});

test("Gmail quoted thread, attribution and signature are skipped", () => {
  const html = `<div dir="ltr">Mine</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon wrote:<br></div>
    <blockquote class="gmail_quote"><div>Theirs</div></blockquote></div>
    <div class="gmail_signature" data-smartmail="gmail_signature">Alex | AE</div>`;
  assert.equal(text(html), "Mine");
});

test("a bare blockquote and Streak tracking marks are skipped", () => {
  assert.equal(text("Top<blockquote>quoted</blockquote>Bottom"), "Top\nBottom");
  assert.equal(text("a<div hspace='streak-pt-mark'><font>\u1427</font></div>"), "a");
});

test("the shared InboxSDK fixtures: only the rep's text", () => {
  const src = fs.readFileSync(path.join(PAGES, "02-gmail-compose-body-quote-signature_inboxsdk.html"), "utf8");
  const w = load(src);
  const eds = w.document.querySelectorAll("[g_editable=true]");
  assert.equal(eds.length, 3);
  assert.equal(w.TwoWayExtract.extract(eds[0]).text, "foo2 (no tracking)");
  assert.equal(w.TwoWayExtract.extract(eds[1]).text, "");
  assert.equal(w.TwoWayExtract.extract(eds[2]).text, "fish sticks");
});

test("the shared Outlook fixture: stops at the reply header, skips the signature", () => {
  const src = fs.readFileSync(path.join(PAGES, "03-owa-compose-body_reconstructed.html"), "utf8");
  const w = load(src);
  const ed = w.document.querySelector("[role=textbox][aria-label^='Message body']");
  assert.equal(w.TwoWayExtract.extract(ed).text,
    "[placeholder greeting]\n\n[placeholder body text — inject test emails here]");
});

test("segments cover only real text nodes, 1:1", () => {
  const w = load(`<div id="ed"><div>ab</div><div>c<b>d</b></div></div>`);
  const ex = w.TwoWayExtract.extract(w.document.getElementById("ed"));
  assert.equal(ex.text, "ab\ncd");
  assert.deepEqual(Array.from(ex.segments).map((s) => [s.node.data, s.start, s.end]), [["ab", 0, 2], ["c", 3, 4], ["d", 4, 5]]);
});

test("extraction does not touch the DOM", () => {
  const w = load(`<div id="ed"><div>Hi&nbsp;there</div><blockquote>q</blockquote></div>`);
  const ed = w.document.getElementById("ed");
  const before = ed.innerHTML;
  w.TwoWayExtract.extract(ed);
  assert.equal(ed.innerHTML, before);
});

test("a Gmail forward: the note inside .gmail_quote_container is read, the forwarded message is not", () => {
  const html = `<div dir="ltr"><div class="gmail_quote gmail_quote_container"><div dir="ltr">My note</div><br>
    <div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>From: Sam</div><br>
    <div dir="ltr">Their text</div></div></div>`;
  assert.equal(text(html), "My note");
  // A reply in the same container starts quoting at its "On ... wrote:" header.
  const reply = `<div>Mine</div><div class="gmail_quote gmail_quote_container"><div class="gmail_attr">On Mon wrote:</div>
    <blockquote class="gmail_quote">Theirs</blockquote></div>`;
  assert.equal(text(reply), "Mine");
});

test("an editor family's own non-text parts are skipped (adapter exclude)", () => {
  const w = load(`<div id="ed" contenteditable="true"><p>Hi<span data-mce-bogus="all">zz</span> Sam</p></div>`);
  const ed = w.document.getElementById("ed");
  assert.equal(w.TwoWayExtract.extract(ed, "[data-mce-bogus=\"all\"]").text, "Hi Sam");
  assert.equal(w.TwoWayExtract.extract(ed).text, "Hizz Sam");
});

"use strict";
// What a plain text box sends: the rep's lines, not the quoted reply or the signature, at the same offsets.
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

const w = load("", ["content/extract.js"]);
const strip = (t) => w.TwoWayExtract.stripQuoted(t);

test("quoted lines and the attribution are blanked, offsets kept", () => {
  const text = "Thanks Sam.\nOn Mon, 3 Feb 2025 at 10:00, Lee <lee@x.com> wrote:\n> I need to hit my quota.\nSee below.";
  const out = strip(text);
  assert.equal(out.length, text.length);
  assert.ok(!out.includes("quota") && !out.includes("wrote"));
  assert.equal(out.slice(0, 11), "Thanks Sam.");
  assert.equal(out.slice(text.indexOf("See below.")), "See below.");
});

test("everything from a signature or an original-message header on is cut", () => {
  assert.equal(strip("Hi Sam, how is the rollout?\n-- \nAlex | Sales | sign today"), "Hi Sam, how is the rollout?");
  assert.equal(strip("Hi.\n-----Original Message-----\nFrom: x\nThis price expires Friday."), "Hi.");
  assert.equal(strip("Hi.\n---------- Forwarded message ---------\nI need my quota."), "Hi.");
});

test("a draft without a quote is sent as written", () => {
  const t = "Hi Sam,\n\nThis price -- the one we discussed -- holds.\n";
  assert.equal(strip(t), t);
});

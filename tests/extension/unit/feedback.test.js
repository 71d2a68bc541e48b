"use strict";
// The cards' feedback (issue 20): codes only, "Keep it" with a one-tap reason, and "fixed" counted
// on its own when an edit makes a rule fire fewer times (never twice for an applied wording).
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

const w = load("", ["lib/feedback.js", "lib/render.js"]);
const F = w.TwoWayFeedback;
// Objects and arrays made in the jsdom window are of another realm: compare them as plain data.
const plain = (v) => JSON.parse(JSON.stringify(v));

function answer(rules, words = 40) {
  return { stats: { words }, issues: rules.map((rule, k) => ({ rule, start: k * 10, end: k * 10 + 5, text: "secret words" })) };
}

test("bodies are codes only", () => {
  assert.deepEqual(plain(F.body("pressure.fake-deadline", "kept", "reader_asked", "quiet")),
    { rule: "pressure.fake-deadline", action: "kept", reason: "reader_asked", profile: "quiet" });
  assert.deepEqual(plain(F.body("pressure.fake-deadline", "fixed", "reader_asked")), { rule: "pressure.fake-deadline", action: "fixed" });
  assert.deepEqual(plain(F.body("r", "kept", "because I said so")), { rule: "r", action: "kept" });
  assert.throws(() => F.body("r", "ignored"));
});

test("an edit that makes a rule fire fewer times is a fix; an applied wording counts once", () => {
  const t = F.Tracker();
  assert.deepEqual(plain(t.update(answer(["a", "a", "b"]))), []);
  assert.deepEqual(plain(t.update(answer(["a", "b"]))), ["a"]);          // one "a" edited away
  t.applied("b");                                                 // sent as fixed at once
  assert.deepEqual(plain(t.update(answer(["a"]))), []);                  // its disappearance is not a second fix
  assert.deepEqual(plain(t.update(answer(["a", "c"]))), []);             // a new finding is not a fix
  assert.deepEqual(plain(t.update(answer([], 0))), []);                  // an emptied draft is not a fix
  assert.deepEqual(plain(t.update(answer(["c"]))), []);                  // ... and starts over
  // A muted rule's findings are hidden, never fixed: also when its sentence goes after the mute.
  assert.deepEqual(plain(t.update(answer(["c", "d"]))), []);
  assert.deepEqual(plain(t.update(answer(["d"]), (rule) => rule === "c")), []);
});

test("the card offers Keep it with one-tap reasons, and Mute rule", () => {
  const calls = [];
  const card = w.TwoWayRender.buildCard({ rule: "pressure.fake-deadline", category: "pressure", message: "m", text: "x" },
    { onKeep: (reason) => calls.push(["keep", reason]), onMute: () => calls.push(["mute"]) });
  const keep = card.querySelector(".tw-card-keep");
  assert.equal(keep.textContent, "Keep it");
  assert.equal(card.querySelector(".tw-card-mute").textContent, "Mute rule");
  assert.equal(card.textContent.includes("Ignore here"), false);
  keep.click();
  const reasons = [...card.querySelectorAll(".tw-card-reason")];
  assert.deepEqual(reasons.map((b) => b.dataset.reason), ["not_one_way", "reader_asked", "other"]);
  reasons[1].click();
  card.querySelector(".tw-card-mute").click();
  assert.deepEqual(calls, [["keep", null], ["keep", "reader_asked"], ["mute"]]);
  // Keyboard order: the main actions first, then the reasons.
  const order = [...card.querySelectorAll("button")].map((b) => b.className.split(" ")[0]);
  assert.ok(order.indexOf("tw-card-mute") < order.indexOf("tw-card-reason"));
});

test("an old caller with onIgnore still gets a Keep it button, without reasons", () => {
  let kept = 0;
  const card = w.TwoWayRender.buildCard({ rule: "r", category: "style", message: "m" }, { onIgnore: () => kept++ });
  card.querySelector(".tw-card-keep").click();
  assert.equal(kept, 1);
  assert.equal(card.querySelectorAll(".tw-card-reason").length, 0);
});

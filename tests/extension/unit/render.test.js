"use strict";
// The numbers panel judges each number against the targets in the lint answer (stats.targets,
// which the server derives from its pack); the built-in ones only when an answer has none.
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

const w = load("", ["lib/render.js"]);

function rows(stats) {
  const panel = w.TwoWayRender.buildStatsPanel(stats);
  const out = {};
  for (const tr of panel.querySelectorAll("tr[data-metric]")) {
    out[tr.dataset.metric] = { target: tr.querySelector(".tw-stats-target").textContent, state: tr.dataset.state };
  }
  return out;
}

test("targets come from the answer", () => {
  const r = rows({ words: 30, questions: 0, targets: { words: { min: 20, max: 40 }, questions: { min: 2 } } });
  assert.equal(r.words.target, "target 20\u201340");
  assert.equal(r.words.state, "ok");
  assert.equal(r.questions.target, "target \u2265 2");
  assert.equal(r.questions.state, "low");
  // A metric the answer sets no target for is shown without one (not with a built-in number).
  assert.equal(r.reading_grade.target, "");
  assert.equal(r.reading_grade.state, undefined);
});

test("an answer without targets falls back to the built-in ones", () => {
  const r = rows({ words: 30 });
  assert.equal(r.words.target, "target 50\u2013125");
  assert.equal(r.words.state, "low");
  assert.deepEqual(rows({ words: 30, targets: {} }).words, r.words);
});

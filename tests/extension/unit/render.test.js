"use strict";
// The numbers panel draws the server's display-ready "panel" as it is (the server formats every
// number once: server/twoway/stats_panel.py), and the categories come from lib/definitions.js.
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

const w = load("", ["lib/definitions.js", "lib/render.js"]);

const PANEL = {
  score: "72", verdict: "mixed",
  rows: [
    { key: "words", label: "Words", value: "30", target: "target 50\u2013125", state: "low" },
    { key: "reading_grade", label: "Reading grade", value: "6.3", target: "", state: null },
    { key: "you_ratio", label: "You / I", value: "3 / 1", target: "target \u2265 1", state: "ok" },
  ],
};

test("the panel shows the server's values, targets and states as they are", () => {
  const panel = w.TwoWayRender.buildStatsPanel(PANEL);
  assert.equal(panel.querySelector(".tw-stats-score").textContent, "72");
  const verdict = panel.querySelector(".tw-stats-verdict");
  assert.equal(verdict.textContent, "mixed");
  assert.equal(verdict.dataset.verdict, "mixed");
  const rows = [...panel.querySelectorAll("tr[data-metric]")].map((tr) => [
    tr.dataset.metric, tr.querySelector("th").textContent, tr.querySelector(".tw-stats-value").textContent,
    tr.querySelector(".tw-stats-target").textContent, tr.dataset.state]);
  assert.deepEqual(rows, [
    ["words", "Words", "30", "target 50\u2013125", "low"],
    ["reading_grade", "Reading grade", "6.3", "", undefined],
    ["you_ratio", "You / I", "3 / 1", "target \u2265 1", "ok"],
  ]);
});

test("email-level findings are listed under the numbers; span findings are not", () => {
  const issues = [
    { start: 0, end: 0, rule: "style.too-long", category: "style", message: "Long email.", why: "Readers skim." },
    { start: 3, end: 9, rule: "pressure.x", category: "pressure", message: "Pushy." },
  ];
  const panel = w.TwoWayRender.buildStatsPanel(PANEL, { issues });
  const notes = [...panel.querySelectorAll(".tw-stats-note")];
  assert.deepEqual(notes.map((n) => n.dataset.rule), ["style.too-long"]);
  assert.equal(notes[0].textContent, "Long email. Readers skim.");
});

test("no panel draws an empty one, not an error", () => {
  const panel = w.TwoWayRender.buildStatsPanel(undefined);
  assert.equal(panel.querySelector(".tw-stats-score").textContent, "\u2013");
  assert.equal(panel.querySelectorAll("tr").length, 0);
});

test("the categories and their labels come from lib/definitions.js", () => {
  const keys = Array.from(w.TwoWayDefinitions.categories, (c) => c.key);
  assert.deepEqual(Array.from(Object.keys(w.TwoWayRender.CATEGORIES)), keys);
  for (const c of w.TwoWayDefinitions.categories) assert.equal(w.TwoWayRender.categoryLabel(c.key), c.label);
  assert.equal(w.TwoWayRender.categoryLabel("self_focus"), "Self-focus");
});

"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");

function setup(html) {
  const w = load(`<div id="ed" contenteditable="true">${html}</div>`);
  const ex = w.TwoWayExtract.extract(w.document.getElementById("ed"));
  const range = (s, e) => w.TwoWayOffsets.toRange(ex, s, e, w.document);
  const span = (sub) => { const i = ex.text.indexOf(sub); return range(i, i + sub.length); };
  return { w, ex, range, span };
}

test("a span inside one text node", () => {
  const { span } = setup("<div>I need to hit my quota this month.</div>");
  assert.equal(span("hit my quota").toString(), "hit my quota");
});

test("spans across inline formatting and links", () => {
  const { span } = setup("<div><a href='#'>I need</a> to hit <i>my</i> quota.</div>");
  assert.equal(span("I need to hit my quota").toString(), "I need to hit my quota");
  assert.equal(span("my").toString(), "my");
});

test("spans across <div> and <br>: the range holds the same characters, without the synthetic newline", () => {
  const { span, ex } = setup("<div>Just checking</div><div>in today</div>x<br>y");
  assert.equal(ex.text, "Just checking\nin today\nx\ny");
  assert.equal(span("checking\nin").toString(), "checkingin");
  assert.equal(span("x\ny").toString(), "xy");
});

test("a start on a synthetic newline moves to the next text; an end to the previous", () => {
  const { range, ex } = setup("<div>ab</div><div>cd</div>");
  assert.equal(range(2, 4).toString(), "c");
  assert.equal(range(0, 3).toString(), "ab");
  assert.equal(range(2, 3), null, "only a newline: nothing to underline");
  assert.equal(ex.text.length, 5);
});

test("emoji before the span (surrogate pairs, a skin-tone modifier)", () => {
  const { span, range } = setup("<div>Hi 👋🏽 Sam 🎯, hit my quota</div>");
  assert.equal(span("hit my quota").toString(), "hit my quota");
  assert.equal(range(3, 7).toString(), "👋🏽");
});

test("nbsp is sent as a space but the range covers the nbsp", () => {
  const { span, ex } = setup("Just&nbsp;checking in");
  assert.equal(ex.text, "Just checking in");
  assert.equal(span("Just checking").toString(), "Just\u00a0checking");
});

test("out-of-bounds and empty spans give no range", () => {
  const { range } = setup("abc");
  assert.equal(range(1, 1), null);
  assert.equal(range(2, 9), null);
  assert.equal(range(-1, 2), null);
});

test("offsetOf maps DOM points back to text offsets", () => {
  const { w, ex } = setup("<div>ab</div><div>c<b>de</b></div>");
  const O = w.TwoWayOffsets;
  const b = w.document.querySelector("b");
  assert.equal(O.offsetOf(ex, b.firstChild, 1), 5);
  assert.equal(O.offsetOf(ex, b, 0), 4);
  assert.equal(O.offsetOf(ex, w.document.getElementById("ed"), 0), 0);
});

test("rebase: spans before an edit stay, after it shift, across it drop", () => {
  const { w } = setup("");
  const O = w.TwoWayOffsets;
  const old = "Just checking in. I need to hit my quota.";
  const issues = [
    { rule: "a", start: 0, end: 16, text: "Just checking in" },
    { rule: "b", start: 28, end: 40, text: "hit my quota" },
    { rule: "m", start: 0, end: 0, text: "" },
  ];
  // Inserted between the two spans.
  let now = "Just checking in. Sadly, I need to hit my quota.";
  let out = O.rebase(issues, old, now);
  assert.deepEqual([...out].map((i) => now.slice(i.start, i.end)), ["Just checking in", "hit my quota", ""]);
  // Edited inside the second span.
  now = "Just checking in. I need to hit our quota.";
  out = O.rebase(issues, old, now);
  assert.deepEqual([...out].map((i) => i.rule), ["a", "m"]);
  // Letters glued onto a span's end: that span drops.
  now = "Just checking inside. I need to hit my quota.";
  out = O.rebase(issues, old, now);
  assert.deepEqual([...out].map((i) => i.rule), ["b", "m"]);
  assert.equal(now.slice(out[0].start, out[0].end), "hit my quota");
  // Unchanged text: the same issues.
  assert.deepEqual([...O.rebase(issues, old, old)], issues);
});

test("rebase never moves a span onto different words (random edits)", () => {
  const { w } = setup("");
  const O = w.TwoWayOffsets;
  const base = "Hi Sam, just checking in. I need to hit my quota this month. Sign today!";
  const words = ["just checking in", "hit my quota", "Sign today", "Sam"];
  const issues = words.map((t) => ({ start: base.indexOf(t), end: base.indexOf(t) + t.length, text: t }));
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let k = 0; k < 500; k++) {
    const a = rnd(base.length + 1), b = Math.min(base.length, a + rnd(6));
    const ins = ["", "x", " ", "ok ", "\u{1F600}"][rnd(5)];
    const now = base.slice(0, a) + ins + base.slice(b);
    for (const i of O.rebase(issues, base, now)) {
      assert.equal(now.slice(i.start, i.end), i.text, `edit ${a}-${b} "${ins}"`);
    }
  }
});

test("runs: equal stretches between texts with several separate edits", () => {
  const { w } = setup("");
  const O = w.TwoWayOffsets;
  const a = "Just checking in. I need to hit my quota this month.";
  const b = "Hello! Just checking in. I need to hit my quXota this month. Thanks";
  const r = [...O.runs(a, b, 256)].map((x) => [...x]);
  // Every run is really equal, and the runs cover all of a's unchanged characters.
  for (const [s, t, n] of r) assert.equal(a.slice(s, s + n), b.slice(t, t + n));
  assert.equal(r.reduce((acc, x) => acc + x[2], 0), a.length);
  const map = O.mapper(a, b);
  const at = (sub) => { const i = a.indexOf(sub); const p = map(i, i + sub.length); return p && b.slice(p.start, p.end); };
  assert.equal(at("Just checking in"), "Just checking in");
  assert.equal(at("hit my quota"), null);
  assert.equal(at("this month"), "this month");
});

test("mapper never puts a span on different words (random multi-edits)", () => {
  const { w } = setup("");
  const O = w.TwoWayOffsets;
  const base = "Hi Sam, just checking in. I need to hit my quota this month. Sign today! You said Friday works.";
  const words = ["just checking in", "hit my quota", "Sign today", "Sam", "Friday"];
  let seed = 11;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let k = 0; k < 400; k++) {
    let now = base;
    for (let e = 0; e < 1 + rnd(4); e++) {
      const a = rnd(now.length + 1), b = Math.min(now.length, a + rnd(5));
      now = now.slice(0, a) + ["", "x", " ", "ok ", "\u{1F600}", "."][rnd(6)] + now.slice(b);
    }
    const map = O.mapper(base, now);
    for (const t of words) {
      const i = base.indexOf(t);
      const p = map(i, i + t.length);
      if (p) {
        assert.equal(now.slice(p.start, p.end), t);
        assert.ok(!/\w/.test(now.charAt(p.start - 1)) || !/\w/.test(t[0]) || now.charAt(p.start - 1) === base.charAt(i - 1));
      }
    }
  }
});

/*
 * Offset mapping between the server's UTF-16 offsets (into the extracted text) and the DOM.
 *
 *   globalThis.TwoWayOffsets = {
 *     position(extraction, offset, isEnd) -> {node, offset} | null
 *     toRange(extraction, start, end, doc?) -> Range | null     (null when nothing to underline)
 *     offsetOf(extraction, node, offset) -> number              (a DOM point back to a text offset)
 *     diff(oldText, newText) -> {prefix, oldEnd, newEnd, delta}  (the one changed region)
 *     shift(start, end, d, oldText, newText) -> {start, end} | null  (one edited region)
 *     runs(oldText, newText, maxD) -> [[oldStart, newStart, len]...] | null  (Myers diff, equal runs)
 *     mapper(oldText, newText) -> (start, end) -> {start, end} | null   (any number of edits)
 *     rebase(issues, oldText, newText) -> issues                 (shifted past an edit; overlapping ones dropped)
 *   }
 *
 * JavaScript strings are UTF-16, so the server's offsets index `extraction.text` directly:
 * emoji (surrogate pairs) need no special case. Synthetic "\n" (for <br> and blocks) belong to
 * no text node: a start there moves to the next node, an end to the previous one.
 */
(function (root) {
  "use strict";

  var WORD = /[\w\u00c0-\uffff]/;

  // First segment whose end > offset (start bias) / last segment whose start < offset (end bias).
  function position(ex, offset, isEnd) {
    var segs = ex.segments;
    var lo = 0, hi = segs.length - 1, found = -1, seg;
    if (!segs.length) return null;
    if (!isEnd) {
      while (lo <= hi) {
        var mid = (lo + hi) >> 1;
        if (segs[mid].end > offset) { found = mid; hi = mid - 1; } else { lo = mid + 1; }
      }
      if (found < 0) return null;
      seg = segs[found];
      return { node: seg.node, offset: Math.max(0, offset - seg.start) };
    }
    while (lo <= hi) {
      var m = (lo + hi) >> 1;
      if (segs[m].start < offset) { found = m; lo = m + 1; } else { hi = m - 1; }
    }
    if (found < 0) return null;
    seg = segs[found];
    return { node: seg.node, offset: Math.min(seg.end - seg.start, offset - seg.start) };
  }

  function toRange(ex, start, end, doc) {
    if (!(end > start) || start < 0 || end > ex.text.length) return null;
    var s = position(ex, start, false);
    var e = position(ex, end, true);
    if (!s || !e) return null;
    doc = doc || (s.node.ownerDocument);
    var range = doc.createRange();
    try {
      range.setStart(s.node, s.offset);
      range.setEnd(e.node, e.offset);
    } catch (err) {
      return null;
    }
    return range.collapsed ? null : range;
  }

  function offsetOf(ex, node, offset) {
    var segs = ex.segments;
    for (var i = 0; i < segs.length; i++) {
      if (segs[i].node === node) return segs[i].start + Math.min(offset, segs[i].end - segs[i].start);
    }
    // An element boundary (or a node we skipped): the first segment after that point.
    var doc = node.ownerDocument || node;
    var probe = doc.createRange();
    try { probe.setStart(node, offset); } catch (err) { return -1; }
    probe.collapse(true);
    var lo = 0, hi = segs.length - 1, found = segs.length;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (probe.comparePoint(segs[mid].node, 0) >= 0) { found = mid; hi = mid - 1; } else { lo = mid + 1; }
    }
    return found < segs.length ? segs[found].start : ex.text.length;
  }

  function diff(a, b) {
    var min = Math.min(a.length, b.length);
    var p = 0;
    while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
    var s = 0;
    while (s < min - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
    return { prefix: p, oldEnd: a.length - s, newEnd: b.length - s, delta: b.length - a.length };
  }

  // Where [start, end) of oldText is in newText after the edit `d` (= diff(oldText, newText)),
  // or null when the edit touched it.
  function shift(start, end, d, oldText, newText) {
    if (end <= d.prefix) {
      // Before the edit. Letters typed right after the span would extend its last word: drop.
      if (end === d.prefix && d.newEnd > d.prefix && WORD.test(oldText.charAt(end - 1)) &&
          WORD.test(newText.charAt(d.prefix))) return null;
      return { start: start, end: end };
    }
    if (start >= d.oldEnd) {
      // After the edit: shift; unless letters typed right before it glued onto its first word.
      if (start === d.oldEnd && d.newEnd > d.prefix && WORD.test(oldText.charAt(start)) &&
          WORD.test(newText.charAt(d.newEnd - 1))) return null;
      return { start: start + d.delta, end: end + d.delta };
    }
    return null;   // overlapping the edited region: dropped (the next lint redraws it)
  }

  // Equal runs [oldStart, newStart, length] between two texts (Myers' O(ND) diff on the part
  // between the common prefix and suffix), or null when they differ by more than maxD edits.
  function runs(a, b, maxD) {
    var d0 = diff(a, b);
    var out = [];
    if (d0.prefix) out.push([0, 0, d0.prefix]);
    var A = a.slice(d0.prefix, d0.oldEnd), B = b.slice(d0.prefix, d0.newEnd);
    var n = A.length, m = B.length;
    if (n && m) {
      var limit = Math.min(maxD || 256, n + m);
      var off = limit + 1, size = 2 * limit + 3;
      var v = new Int32Array(size);
      var trace = [];
      var found = -1;
      for (var D = 0; D <= limit && found < 0; D++) {
        trace.push(v.slice());
        for (var k = -D; k <= D; k += 2) {
          var x = (k === -D || (k !== D && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1;
          var y = x - k;
          while (x < n && y < m && A.charCodeAt(x) === B.charCodeAt(y)) { x++; y++; }
          v[off + k] = x;
          if (x >= n && y >= m) { found = D; break; }
        }
      }
      if (found < 0) return null;
      // Walk back through the trace, collecting the diagonal (equal) stretches.
      var mid = [];
      var cx = n, cy = m;
      for (var d = found; d > 0; d--) {
        var vp = trace[d];
        var kk = cx - cy;
        var prevK = (kk === -d || (kk !== d && vp[off + kk - 1] < vp[off + kk + 1])) ? kk + 1 : kk - 1;
        var px = vp[off + prevK], py = px - prevK;
        var sx = prevK === kk + 1 ? px : px + 1, sy = sx - kk;   // after the single edit
        if (cx > sx) mid.push([d0.prefix + sx, d0.prefix + sy, cx - sx]);
        cx = px; cy = py;
      }
      if (cx > 0) mid.push([d0.prefix, d0.prefix, cx]);
      out = out.concat(mid.reverse());
    }
    var sufLen = a.length - d0.oldEnd;
    if (sufLen) out.push([d0.oldEnd, d0.newEnd, sufLen]);
    return out;
  }

  // A function (start, end) -> {start, end} | null mapping spans of oldText into newText: a span
  // maps only when no edit touched it and no letters were glued onto its first or last word.
  function mapper(oldText, newText) {
    if (oldText === newText) return function (s, e) { return { start: s, end: e }; };
    var r = runs(oldText, newText, 256);
    if (!r) {
      var d = diff(oldText, newText);
      return function (s, e) { return shift(s, e, d, oldText, newText); };
    }
    return function (start, end) {
      for (var i = 0; i < r.length; i++) {
        var a0 = r[i][0], b0 = r[i][1], len = r[i][2];
        if (start < a0 || end > a0 + len) continue;
        var ns = b0 + (start - a0), ne = ns + (end - start);
        if (start === a0 && WORD.test(newText.charAt(ns - 1)) && WORD.test(oldText.charAt(start))) return null;
        if (end === a0 + len && WORD.test(newText.charAt(ne)) && WORD.test(oldText.charAt(end - 1))) return null;
        return { start: ns, end: ne };
      }
      return null;
    };
  }

  function rebase(issues, oldText, newText) {
    if (oldText === newText) return issues.slice();
    var map = mapper(oldText, newText);
    var out = [];
    issues.forEach(function (issue) {
      if (issue.start === issue.end) { out.push(issue); return; }    // email-level: no range
      var pos = map(issue.start, issue.end);
      if (pos) out.push(pos.start === issue.start ? issue : Object.assign({}, issue, pos));
    });
    return out;
  }

  root.TwoWayOffsets = { position: position, toRange: toRange, offsetOf: offsetOf, diff: diff, shift: shift, runs: runs,
    mapper: mapper, rebase: rebase };
})(typeof globalThis !== "undefined" ? globalThis : this);

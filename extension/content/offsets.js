/*
 * Offset mapping between the server's UTF-16 offsets (into the extracted text) and the DOM.
 *
 *   globalThis.TwoWayOffsets = {
 *     position(extraction, offset, isEnd) -> {node, offset} | null
 *     toRange(extraction, start, end, doc?) -> Range | null     (null when nothing to underline)
 *     offsetOf(extraction, node, offset) -> number              (a DOM point back to a text offset)
 *     diff(oldText, newText) -> {prefix, oldEnd, newEnd, delta}  (the one changed region)
 *     shift(start, end, d, oldText, newText) -> {start, end} | null
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

  function rebase(issues, oldText, newText) {
    if (oldText === newText) return issues.slice();
    var d = diff(oldText, newText);
    var out = [];
    issues.forEach(function (issue) {
      if (issue.start === issue.end) { out.push(issue); return; }    // email-level: no range
      var pos = shift(issue.start, issue.end, d, oldText, newText);
      if (pos) out.push(pos.start === issue.start ? issue : Object.assign({}, issue, pos));
    });
    return out;
  }

  root.TwoWayOffsets = { position: position, toRange: toRange, offsetOf: offsetOf, diff: diff, shift: shift, rebase: rebase };
})(typeof globalThis !== "undefined" ? globalThis : this);

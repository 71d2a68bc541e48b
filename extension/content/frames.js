/*
 * Editors inside same-origin and about:blank iframes (TinyMCE's default mode, Roundcube's HTML
 * compose, many CRMs) are handled from the top frame's content script: it reaches into them,
 * so the card and the badge live in the top document and are never clipped by the frame.
 *
 *   TwoWayFrames.documents(doc) -> [doc, ...same-origin descendant frame documents]
 *   TwoWayFrames.offset(doc) -> {x, y}   that document's viewport origin in the top viewport
 *   TwoWayFrames.clientRects(range) -> [DOMRect-like]  a range's rects in top-viewport coordinates
 *   TwoWayFrames.outerElement(el) -> el, or the <iframe> in this script's document holding it
 *   TwoWayFrames.reachable(win) -> whether this script can reach that window's document
 */
(function (root) {
  "use strict";

  function frameDocument(frame) {
    try {
      var d = frame.contentDocument;
      return d && d.documentElement ? d : null;
    } catch (err) {
      return null;        // cross-origin: that frame's own content script (all_frames) handles it
    }
  }

  function documents(doc) {
    var out = [doc];
    for (var i = 0; i < out.length; i++) {
      var frames = out[i].querySelectorAll("iframe, frame");
      for (var j = 0; j < frames.length; j++) {
        var d = frameDocument(frames[j]);
        if (d && out.indexOf(d) < 0) out.push(d);
      }
    }
    return out;
  }

  function offset(doc) {
    var x = 0, y = 0;
    var win = doc.defaultView;
    while (win && win.frameElement && doc !== document) {
      var fe = win.frameElement;
      var r = fe.getBoundingClientRect();
      var cs = fe.ownerDocument.defaultView.getComputedStyle(fe);
      x += r.left + fe.clientLeft + (parseFloat(cs.paddingLeft) || 0);
      y += r.top + fe.clientTop + (parseFloat(cs.paddingTop) || 0);
      doc = fe.ownerDocument;
      win = doc.defaultView;
    }
    return { x: x, y: y };
  }

  function clientRects(range) {
    var doc = range.startContainer.ownerDocument;
    var list = Array.prototype.slice.call(range.getClientRects());
    if (doc === document) return list;
    var o = offset(doc);
    return list.map(function (r) {
      return { left: r.left + o.x, right: r.right + o.x, top: r.top + o.y, bottom: r.bottom + o.y, width: r.width, height: r.height };
    });
  }

  function outerElement(el) {
    var doc = el.ownerDocument;
    while (doc !== document && doc.defaultView && doc.defaultView.frameElement) {
      el = doc.defaultView.frameElement;
      doc = el.ownerDocument;
    }
    return el;
  }

  function reachable(win) {
    try { return !!win.document; } catch (err) { return false; }
  }

  root.TwoWayFrames = { documents: documents, offset: offset, clientRects: clientRects, outerElement: outerElement,
    reachable: reachable };
})(typeof globalThis !== "undefined" ? globalThis : this);

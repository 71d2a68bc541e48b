/*
 * The rep and the card for one compose box: hover or click an underline to open it; Alt+Enter
 * with the caret in an underline opens it with focus inside; Esc closes it.
 *
 *   new TwoWayInteract(compose) ; .refocus(field) ; .destroy()
 *
 * Keys are caught on the editor's window in the capture phase, before the editor's own handlers:
 * an editor that acts on Enter at keydown (roosterjs, ProseMirror) would otherwise split the word
 * under the caret on Alt+Enter.
 */
(function (root) {
  "use strict";
  var HOVER_MS = 250;

  function TwoWayInteract(compose) {
    var self = this;
    this.compose = compose;
    this.hoverTimer = 0;
    this.ctl = new AbortController();
    var signal = this.ctl.signal;
    compose.fields.forEach(function (f) {
      var el = f.el;
      el.addEventListener("mousemove", function (ev) { self.onMouseMove(ev); }, { signal: signal, passive: true });
      el.addEventListener("mouseleave", function () { self.onMouseLeave(); }, { signal: signal });
      el.addEventListener("click", function (ev) { self.onClick(ev); self.sayCaret(f); }, { signal: signal });
      el.addEventListener("keyup", function (ev) {
        if (/^(Arrow|Home|End|Page)/.test(ev.key)) self.sayCaret(f);
      }, { signal: signal });
      el.ownerDocument.defaultView.addEventListener("keydown", function (ev) {
        if (ev.target === el || (ev.target && el.contains(ev.target))) self.onKeyDown(f, ev);
      }, { signal: signal, capture: true });
      if (f.mirror) {
        el.addEventListener("scroll", function () { f.mirror.syncPosition(); root.TwoWayCard.reposition(); }, { signal: signal, passive: true });
      }
    });
  }

  TwoWayInteract.prototype.items = function () {
    var out = [];
    this.compose.fields.forEach(function (f) { out = out.concat(f.items); });
    return out;
  };

  // x, y in the viewport of the document the event came from (the editor's frame, if any).
  TwoWayInteract.prototype.itemAt = function (x, y) {
    var items = this.items();
    for (var i = 0; i < items.length; i++) {
      var rects = items[i].range.getClientRects();
      for (var j = 0; j < rects.length; j++) {
        var r = rects[j];
        if (x >= r.left - 1 && x <= r.right + 1 && y >= r.top - 1 && y <= r.bottom + 3) return items[i];
      }
    }
    return null;
  };

  // The finding under the caret, or null: Alt+Enter anywhere else is the editor's (or the page's).
  TwoWayInteract.prototype.itemAtCaret = function (f) {
    var items = f.items;
    if (!items.length) return null;
    if (f.field) {
      if (f.mirror) f.mirror.sync(true);       // the page may have set .value since
      var pos = f.el.selectionStart;
      for (var i = 0; i < items.length; i++) {
        if (pos >= items[i].range.startOffset && pos <= items[i].range.endOffset) return items[i];
      }
      return null;
    }
    var sel = f.el.ownerDocument.getSelection();
    if (!sel || !sel.rangeCount) return null;
    var node = sel.focusNode, off = sel.focusOffset;
    for (var j = 0; j < items.length; j++) {
      try { if (items[j].range.comparePoint(node, off) === 0) return items[j]; } catch (err) { /* other tree */ }
    }
    return null;
  };

  // The caret moved into a finding: say which (the live region of the box's badge).
  TwoWayInteract.prototype.sayCaret = function (f) {
    var item = this.itemAtCaret(f);
    if (item === this.said) return;
    this.said = item;
    if (!item) return;
    var i = item.issue;
    this.compose.badge.announce(root.TwoWayRender.categoryLabel(i.category) + ": " + (i.message || "") +
      " Alt+Enter for the card.");
  };

  TwoWayInteract.prototype.open = function (item, opts) {
    var self = this, compose = this.compose;
    if (!compose.stillValid(item)) { compose.validate(item.field); return; }
    opts = Object.assign({ mode: compose.applicable(item) === "copy" ? "copy" : "apply" }, opts);
    var handlers = {
      onApply: function (text) { compose.apply(item, text); },
      onKeep: function (reason) { compose.ignore(item, reason); },
      onMute: function () { compose.mute(item); },
      onClose: function (reason) {
        if (reason === "escape" || reason === "button") self.refocus(item.field, item);
      },
    };
    root.TwoWayCard.open(item.issue, item.range, handlers, opts);
    var cur = root.TwoWayCard.current();
    if (cur) cur.owner = compose;
  };

  // Focus back in the text, with the caret at the end of the finding it came from (when given).
  TwoWayInteract.prototype.refocus = function (f, item) {
    try { f.el.focus({ preventScroll: true }); } catch (err) { return; }
    if (!item || !item.range || item.range.collapsed) return;
    try {
      if (f.field) f.el.setSelectionRange(item.range.endOffset, item.range.endOffset);
      else {
        var sel = f.el.ownerDocument.getSelection();
        sel.collapse(item.range.endContainer, item.range.endOffset);
      }
    } catch (err) { /* the range left the document */ }
  };

  TwoWayInteract.prototype.onMouseMove = function (ev) {
    var self = this;
    var item = this.itemAt(ev.clientX, ev.clientY);
    clearTimeout(this.hoverTimer);
    var cur = root.TwoWayCard.current();
    if (item) {
      if (cur && cur.issue === item.issue) { root.TwoWayCard.keepOpen(); return; }
      this.hoverTimer = setTimeout(function () {
        if (!self.compose.destroyed) self.open(item, { hover: true });
      }, HOVER_MS);
    } else if (cur && cur.hover && cur.owner === this.compose) {
      root.TwoWayCard.closeSoon();
    }
  };

  TwoWayInteract.prototype.onMouseLeave = function () {
    clearTimeout(this.hoverTimer);
    var cur = root.TwoWayCard.current();
    if (cur && cur.hover && cur.owner === this.compose) root.TwoWayCard.closeSoon();
  };

  TwoWayInteract.prototype.onClick = function (ev) {
    var item = this.itemAt(ev.clientX, ev.clientY);
    if (item) { clearTimeout(this.hoverTimer); this.open(item, { hover: false }); }
  };

  TwoWayInteract.prototype.onKeyDown = function (f, ev) {
    if (ev.key === "Enter" && ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      var item = this.itemAtCaret(f);
      if (item) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
        this.open(item, { focus: true });
      }
    } else if (ev.key === "Escape" && root.TwoWayCard.isOpen()) {
      var cur = root.TwoWayCard.current();
      if (cur && cur.owner === this.compose) {
        ev.preventDefault();
        ev.stopImmediatePropagation();
        root.TwoWayCard.close("escape-editor", true);
      }
    }
  };

  TwoWayInteract.prototype.destroy = function () {
    clearTimeout(this.hoverTimer);
    this.ctl.abort();
  };

  root.TwoWayInteract = TwoWayInteract;
})(typeof globalThis !== "undefined" ? globalThis : this);

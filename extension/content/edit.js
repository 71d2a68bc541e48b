/*
 * Applying a wording the rep clicked, the way a spell checker does, so that the editor records
 * the change in its own undo history and Ctrl+Z restores exactly the draft before the click.
 *
 *   TwoWayEdit.replaceRange(el, range, text, hooks) -> boolean   (contenteditable; range = the span)
 *   TwoWayEdit.replaceField(el, start, end, text) -> boolean      (<textarea>/<input>; UTF-16 offsets)
 *
 * Contenteditable, in this order:
 * 1. a cancelable `beforeinput` of type insertReplacementText carrying the text (data and a
 *    DataTransfer) and the span (a StaticRange in targetRanges). Editors that model the document
 *    (CKEditor 5, Quill 2) apply it through their own model and cancel the event: done.
 * 2. otherwise the browser's own editing path: select the span, execCommand("insertText"), which
 *    the browser records in the native undo stack and editors that read DOM changes (ProseMirror,
 *    Gmail, TinyMCE, roosterjs) pick up like typing.
 * hooks (from the editor's adapter): before(el) / after(el, text), for editors whose own undo
 * manager needs to be told a replacement happened (TinyMCE, roosterjs).
 */
(function (root) {
  "use strict";

  function viewOf(el) { return el.ownerDocument.defaultView; }

  function replacementEvent(win, type, range, text, cancelable) {
    var init = { bubbles: true, cancelable: cancelable, composed: true, inputType: "insertReplacementText", data: text };
    try {
      var dt = new win.DataTransfer();
      dt.setData("text/plain", text);
      init.dataTransfer = dt;
    } catch (err) { /* no DataTransfer constructor: data alone */ }
    if (range) {
      init.targetRanges = [new win.StaticRange({ startContainer: range.startContainer, startOffset: range.startOffset,
        endContainer: range.endContainer, endOffset: range.endOffset })];
    }
    return new win.InputEvent(type, init);
  }

  function select(el, range) {
    var doc = el.ownerDocument;
    try { el.focus({ preventScroll: true }); } catch (err) { /* ignore */ }
    var sel = doc.getSelection();
    sel.removeAllRanges();
    sel.addRange(range.cloneRange());
    return sel;
  }

  function replaceRange(el, range, text, hooks) {
    hooks = hooks || {};
    var doc = el.ownerDocument, win = viewOf(el);
    select(el, range);
    var target = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var event = replacementEvent(win, "beforeinput", range, text, true);
    (target || el).dispatchEvent(event);
    if (event.defaultPrevented) return true;          // the editor applied it through its model
    if (hooks.before) hooks.before(el);
    select(el, range);
    var ok = false;
    try { ok = doc.execCommand("insertText", false, text); } catch (err) { ok = false; }
    if (!ok) return false;
    if (hooks.after) hooks.after(el, text);
    return true;
  }

  function replaceField(el, start, end, text) {
    var doc = el.ownerDocument;
    el.focus({ preventScroll: true });
    el.setSelectionRange(start, end);
    var ok = false;
    try { ok = doc.execCommand("insertText", false, text); } catch (err) { ok = false; }
    if (!ok) {
      // No native editing path (an old engine): the value changes, the page is told, undo is lost.
      el.setRangeText(text, start, end, "end");
      el.dispatchEvent(new (viewOf(el).InputEvent)("input", { bubbles: true, inputType: "insertReplacementText", data: text }));
    }
    return true;
  }

  root.TwoWayEdit = { replaceRange: replaceRange, replaceField: replaceField, replacementEvent: replacementEvent };
})(typeof globalThis !== "undefined" ? globalThis : this);

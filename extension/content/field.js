/*
 * One field of a compose box (the body or the subject): its text, its underlines, and the signal
 * that it changed.
 *
 *   new TwoWayField(el, name, adapter, onChange) ; .extraction() ; .items ; .destroy()
 *
 * Change signal: <textarea>/<input> fire `input`. Rich editors do not all do so (CKEditor 5 fires
 * `beforeinput` and renders from its model; Quill, ProseMirror and TinyMCE rewrite the DOM on undo
 * without an `input` event), so a contenteditable is watched with a MutationObserver, which sees
 * every change whoever made it. The extension itself never writes to the editor, so it never
 * wakes its own observer.
 */
(function (root) {
  "use strict";

  function isFormField(el) { return el.localName === "textarea" || el.localName === "input"; }

  function TwoWayField(el, name, adapter, onChange) {
    var self = this;
    this.el = el;
    this.name = name;                   // "body" | "subject"
    this.adapter = adapter || {};
    this.field = isFormField(el);
    this.mirror = this.field ? new root.TwoWayHighlight.Mirror(el) : null;
    this.items = [];
    if (this.field) {
      this.onInput = function () { onChange(self); };
      el.addEventListener("input", this.onInput);
    } else {
      var win = el.ownerDocument.defaultView;
      this.observer = new win.MutationObserver(function () { onChange(self); });
      this.observer.observe(el, { childList: true, subtree: true, characterData: true });
    }
  }

  // Whether a field is one where the rep writes prose to a person: not a code editor, a search or
  // combobox field (its text is a query), a plain field whose page turned spellcheck off (codes,
  // ids, handles), nor anything password-like. Those are never read, so never sent. (A rich-text
  // editor family turns the browser's spellcheck off for its own reasons: `family` skips that test.)
  var NOT_PROSE = [
    ".CodeMirror", ".cm-editor", ".cm-content", ".monaco-editor", ".ace_editor", ".ql-code-block-container",
    "[class*=\"code-editor\" i]", "pre", "code",
    "[role=\"search\"]", "[role=\"combobox\"]", "[role=\"searchbox\"]",
  ].join(",");
  var SECRET = /pass(word|phrase|code)|one-?time|\botp\b|\b2fa\b|secret|api[-_ ]?key|\btoken\b|\bpin\b|\bcvv\b|credit.?card/i;

  TwoWayField.prose = function (el, family) {
    if (el.closest(NOT_PROSE)) return false;
    var type = (el.getAttribute("type") || "").toLowerCase();
    if (type === "password" || type === "search" || type === "email" || type === "url") return false;
    var ac = (el.getAttribute("aria-autocomplete") || "none").toLowerCase();
    if (ac !== "none") return false;                   // a combobox's input, a mention picker's query
    if (!family && (el.getAttribute("spellcheck") || "").toLowerCase() === "false") return false;
    var auto = (el.getAttribute("autocomplete") || "").toLowerCase();
    if (/password|one-time-code|cc-/.test(auto)) return false;
    var hint = [el.getAttribute("name"), el.id, el.getAttribute("aria-label"), el.getAttribute("placeholder"), String(el.className)]
      .join(" ");
    return !SECRET.test(hint);
  };

  TwoWayField.prototype.extraction = function () {
    if (this.mirror) { this.mirror.sync(true); return this.mirror.extraction(); }
    return root.TwoWayExtract.extract(this.el, this.adapter.exclude);
  };

  TwoWayField.prototype.destroy = function () {
    if (this.observer) this.observer.disconnect();
    if (this.onInput) this.el.removeEventListener("input", this.onInput);
    if (this.mirror) this.mirror.destroy();
  };

  root.TwoWayField = TwoWayField;
})(typeof globalThis !== "undefined" ? globalThis : this);

/* Outlook on the web (roosterjs): found by role and structure, never by its UI-language label.
 * The body is the multi-line contenteditable textbox of the compose form; recipient wells are
 * single-line, and the signature editor of the settings sits in a modal dialog. roosterjs keeps
 * its own undo snapshots (taken on mouse down and at composition end, not on input), so a
 * replacement is bracketed by two snapshots: Ctrl+Z then goes back to exactly the draft before. */
(function (root) {
  "use strict";

  // roosterjs's UndoPlugin takes a snapshot on `compositionend` (an IME commit) of the content as it is.
  function snapshot(el) {
    var win = el.ownerDocument.defaultView;
    el.dispatchEvent(new win.CompositionEvent("compositionend", { bubbles: true, data: "" }));
  }

  root.TwoWayAdapters.register({
    name: "outlook",
    webmail: true,
    bodies: "[contenteditable=\"true\"][role=\"textbox\"][aria-multiline=\"true\"]",
    accept: function (el) { return !el.closest("[role=\"dialog\"][aria-modal=\"true\"]"); },
    // OWA's subject line: a plain text input capped at 255 characters, in any UI language.
    subjects: "input[maxlength=\"255\"]:not([role=\"combobox\"]):not([type=\"email\"])",
    hooks: { before: snapshot, after: snapshot },
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

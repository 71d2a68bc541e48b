/* Gmail: the compose body is Gmail's own contenteditable (g_editable); the browser's editing path
 * (execCommand) is Gmail's, and its native undo restores a replacement exactly. Quoted thread and
 * signature: extract.js (.gmail_quote, .gmail_signature; a forward's note inside .gmail_quote_container). */
(function (root) {
  "use strict";
  root.TwoWayAdapters.register({
    name: "gmail",
    webmail: true,
    bodies: "[contenteditable=\"true\"][g_editable=\"true\"]",
    subjects: "input[name=\"subjectbox\"]",
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

/* TinyMCE (inline, and its default iframe mode reached through frames.js): the editable root has
 * .mce-content-body. Its undo manager adds a level for an `input` of type insertReplacementText
 * (what Chrome's spell checker fires), not for an insertText it did not see typed. */
(function (root) {
  "use strict";
  root.TwoWayAdapters.register({
    name: "tinymce",
    webmail: false,
    bodies: ".mce-content-body[contenteditable=\"true\"]",
    subjects: root.TwoWayAdapters.SITE_SUBJECTS,
    exclude: "[data-mce-bogus=\"all\"], .mce-pastebin",
    hooks: {
      after: function (el, text) { root.TwoWayAdapters.fire(el, "input", "insertReplacementText", text); },
    },
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

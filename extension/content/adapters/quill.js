/* Quill 2: the editable is .ql-editor. Its input module applies an insertReplacementText
 * beforeinput through Quill's delta (so its history undoes it); its undo rewrites the DOM without
 * an `input` event, which the MutationObserver of field.js sees. */
(function (root) {
  "use strict";
  root.TwoWayAdapters.register({
    name: "quill",
    webmail: false,
    bodies: ".ql-editor[contenteditable=\"true\"]",
    subjects: root.TwoWayAdapters.SITE_SUBJECTS,
    exclude: ".ql-clipboard, .ql-ui",
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

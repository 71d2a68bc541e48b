/* CKEditor 5: the editable has .ck-editor__editable. It handles `beforeinput` itself (typing fires
 * no `input` event: changes are seen by a MutationObserver, see field.js) and applies an
 * insertReplacementText beforeinput through its model, so its undo restores it. */
(function (root) {
  "use strict";
  root.TwoWayAdapters.register({
    name: "ckeditor5",
    webmail: false,
    bodies: ".ck-editor__editable[contenteditable=\"true\"]",
    subjects: root.TwoWayAdapters.SITE_SUBJECTS,
    exclude: ".ck-widget__type-around, .ck-fake-selection-container, [data-cke-filler]",
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

/* ProseMirror (and editors built on it: Tiptap, Remirror): the editable is .ProseMirror. It reads
 * DOM changes back into its document, so the browser's editing path (execCommand) lands in
 * prosemirror-history like typing. */
(function (root) {
  "use strict";
  root.TwoWayAdapters.register({
    name: "prosemirror",
    webmail: false,
    bodies: ".ProseMirror[contenteditable=\"true\"]",
    subjects: root.TwoWayAdapters.SITE_SUBJECTS,
    exclude: ".ProseMirror-widget, .ProseMirror-trailingBreak",
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

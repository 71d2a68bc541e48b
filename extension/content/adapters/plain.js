/* Any other textarea or contenteditable on a site the rep turned on (last: the families above
 * claim theirs first). Plain-text quotes ("> " lines, "On ... wrote:") and "-- " signatures are
 * sent as written: the server's email parser skips them, and only what it flags is underlined. */
(function (root) {
  "use strict";
  root.TwoWayAdapters.register({
    name: "plain",
    webmail: false,
    bodies: "textarea, [contenteditable=\"true\"], [contenteditable=\"\"], [contenteditable=\"plaintext-only\"]",
    subjects: root.TwoWayAdapters.SITE_SUBJECTS,
  });
})(typeof globalThis !== "undefined" ? globalThis : this);

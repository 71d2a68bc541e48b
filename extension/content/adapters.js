/*
 * One adapter per editor family. An adapter says how to find that family's message bodies and
 * subject lines, what in them is not the rep's text, and how its undo must be told about a
 * replacement. Each family registers itself from content/adapters/<family>.js.
 *
 *   TwoWayAdapters.register({
 *     name,                 // "gmail", "outlook", "tinymce", "ckeditor5", "quill", "prosemirror", "plain"
 *     webmail: bool,        // true: only on the webmail hosts (TwoWayHosts); false: on other sites
 *     bodies,               // CSS selector of the editable element of a message body
 *     accept(el)?,          // a further structural check
 *     subjects?,            // CSS selector of the subject line near a body
 *     exclude?,             // CSS selector of parts that are not the rep's text (besides extract.js's own)
 *     hooks?: {before(el), after(el, text)}   // see edit.js
 *   })
 *   TwoWayAdapters.active(isWebmail) -> adapters for this page, families first and "plain" last
 */
(function (root) {
  "use strict";
  var all = [];

  function register(adapter) { all.push(adapter); }

  function active(isWebmail) {
    return all.filter(function (a) { return !!a.webmail === !!isWebmail; })
      .sort(function (a, b) { return (a.name === "plain") - (b.name === "plain"); });
  }

  // The subject line of a form on a site the rep turned on (CRMs, Roundcube's "_subject").
  var SITE_SUBJECTS = "input[name=\"subject\" i], input[name=\"_subject\"], input[name$=\"[subject]\" i]";

  // Synthetic input events an editor's own listeners read (its undo manager, say).
  function fire(el, type, inputType, text) {
    var win = el.ownerDocument.defaultView;
    el.dispatchEvent(new win.InputEvent(type, { bubbles: true, cancelable: false, inputType: inputType, data: text }));
  }

  root.TwoWayAdapters = { register: register, active: active, SITE_SUBJECTS: SITE_SUBJECTS, fire: fire };
})(typeof globalThis !== "undefined" ? globalThis : this);

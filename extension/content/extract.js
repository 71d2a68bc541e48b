/*
 * Text extraction: what the rep wrote in a compose editor, as the plain text sent to the server,
 * plus a segment map from that text back to the DOM text nodes (see offsets.js).
 *
 *   globalThis.TwoWayExtract = {
 *     EXCLUDE_SELECTOR,   // subtrees never linted: quoted thread, signatures, tracking marks
 *     STOP_SELECTOR,      // everything from here on is the quoted original (Outlook reply header)
 *     extract(root, exclude?) -> { text, segments: [{node, start, end}], root }   exclude: the adapter's own
 *     fieldText(el) -> { text, segments: [], root, field: true } for <textarea>/<input>
 *   }
 *
 * The text is 1:1 with DOM characters (UTF-16 units) inside each text node; the only synthetic
 * characters are "\n" for <br> and block boundaries, which belong to no segment. NBSP, tabs and
 * newlines inside text nodes are sent as spaces (same length, so offsets stay exact).
 * Read-only: nothing here writes to the DOM.
 */
(function (root) {
  "use strict";

  var EXCLUDE_SELECTOR = [
    // A forward's note can sit inside .gmail_quote_container, before its .gmail_attr header.
    ".gmail_quote:not(.gmail_quote_container)", "blockquote", ".gmail_extra", ".gmail_attr",
    ".gmail_signature", ".gmail_signature_prefix", "[data-smartmail=\"gmail_signature\"]",
    "[hspace=\"streak-pt-mark\"]",
    "#Signature", "[id$=\"_Signature\"]", "[id=\"signature\"]", ".x_gmail_signature",
    "style", "script", "template", "noscript", "head", "title",
    "[contenteditable=\"false\"]", "[aria-hidden=\"true\"]", "[hidden]",
  ].join(",");

  // Gmail's reply/forward header ("On ... wrote:", "Forwarded message") and Outlook's reply header
  // start the quoted original. Outlook puts the reply header and the quoted body after these, as siblings of the rep's text.
  var STOP_SELECTOR = [
    ".gmail_quote_container > .gmail_attr",
    "#appendonsend", "[id$=\"appendonsend\"]", "#divRplyFwdMsg", "[id$=\"divRplyFwdMsg\"]",
    "#mail-editor-reference-message-container", "[id$=\"OLK_SRC_BODY_SECTION\"]",
  ].join(",");

  var BLOCK = {
    address: 1, article: 1, aside: 1, blockquote: 1, center: 1, dd: 1, details: 1, dialog: 1, dir: 1,
    div: 1, dl: 1, dt: 1, fieldset: 1, figcaption: 1, figure: 1, footer: 1, form: 1, h1: 1, h2: 1,
    h3: 1, h4: 1, h5: 1, h6: 1, header: 1, hr: 1, li: 1, main: 1, nav: 1, ol: 1, p: 1, pre: 1,
    section: 1, summary: 1, table: 1, tbody: 1, td: 1, tfoot: 1, th: 1, thead: 1, tr: 1, ul: 1,
  };
  var SKIP = { img: 1, svg: 1, video: 1, audio: 1, canvas: 1, iframe: 1, object: 1, embed: 1, input: 1,
    select: 1, textarea: 1, button: 1, map: 1 };

  var WS_ONLY_WITH_NEWLINE = /^[ \t\r\n]*\n[ \t\r\n]*$/;
  var NORMALIZE = /[\u00a0\t\r\n]/g;

  function extract(rootEl, exclude) {
    var excluded = exclude ? EXCLUDE_SELECTOR + "," + exclude : EXCLUDE_SELECTOR;
    var segments = [];
    var parts = [];
    var length = 0;
    var lastChar = "";
    var stopped = false;

    function push(str) {
      parts.push(str);
      length += str.length;
      lastChar = str.charAt(str.length - 1);
    }
    function newline() {
      if (length > 0 && lastChar !== "\n") push("\n");
    }

    function walk(node) {
      for (var child = node.firstChild; child && !stopped; child = child.nextSibling) {
        var type = child.nodeType;
        if (type === 3) {
          var data = child.data;
          if (!data) continue;
          // Source-formatting whitespace between blocks ("\n    ") renders as nothing.
          if (WS_ONLY_WITH_NEWLINE.test(data)) continue;
          segments.push({ node: child, start: length, end: length + data.length });
          push(data.replace(NORMALIZE, " "));
        } else if (type === 1) {
          if (child.matches(STOP_SELECTOR)) { stopped = true; return; }
          var tag = child.localName;
          if (child.matches(excluded)) {
            if (BLOCK[tag] === 1) newline();     // a skipped block still separates lines
            continue;
          }
          if (tag === "br") { push("\n"); continue; }
          if (SKIP[tag]) continue;
          var block = BLOCK[tag] === 1;
          if (block) newline();
          walk(child);
          if (block) newline();
        }
      }
    }
    walk(rootEl);
    var text = parts.join("");
    // A trailing synthetic newline carries nothing the rep wrote.
    while (text.length && text.charAt(text.length - 1) === "\n" &&
           (!segments.length || segments[segments.length - 1].end < text.length)) {
      text = text.slice(0, -1);
    }
    return { text: text, segments: segments, root: rootEl };
  }

  function fieldText(el) {
    return { text: String(el.value || "").replace(/\r/g, " "), segments: [], root: el, field: true };
  }

  root.TwoWayExtract = {
    EXCLUDE_SELECTOR: EXCLUDE_SELECTOR,
    STOP_SELECTOR: STOP_SELECTOR,
    extract: extract,
    fieldText: fieldText,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);

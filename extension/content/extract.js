/*
 * Text extraction: what the rep wrote in a compose editor, as the plain text sent to the server,
 * plus a segment map from that text back to the DOM text nodes (see offsets.js).
 *
 *   globalThis.TwoWayExtract = {
 *     EXCLUDE_SELECTOR,   // subtrees never linted: quoted thread, signatures, tracking marks
 *     STOP_SELECTOR,      // everything from here on is the quoted original (Outlook reply header)
 *     extract(root, exclude?) -> { text, segments: [{node, start, end}], root }   exclude: the adapter's own
 *     fieldText(el) -> { text, segments: [], root, field: true } for <textarea>/<input>
 *     holdsUnseen(range, extraction, exclude?) -> whether the range covers nodes the text left out
 *     stripQuoted(text) -> a plain-text reply without its quote and signature (same offsets)
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

  // Whether node n lies (partly) inside the range, not just touching one of its ends.
  function overlaps(range, n) {
    var parent = n.parentNode;
    if (!parent) return false;
    var idx = Array.prototype.indexOf.call(parent.childNodes, n);
    var b = range.comparePoint(parent, idx), a = range.comparePoint(parent, idx + 1);
    var beforeEnd = b < 0 || (b === 0 && !(parent === range.endContainer && idx === range.endOffset));
    var afterStart = a > 0 || (a === 0 && !(parent === range.startContainer && idx + 1 === range.startOffset));
    return beforeEnd && afterStart;
  }

  // Whether the DOM range holds anything the extraction left out (a contenteditable=false chip,
  // an image, a hidden node, the adapter's own parts): replacing the range would delete what the
  // server never saw, so a wording there is offered to copy, not applied.
  function holdsUnseen(range, ex, exclude) {
    var excluded = exclude ? EXCLUDE_SELECTOR + "," + exclude : EXCLUDE_SELECTOR;
    var seen = new Set(ex.segments.map(function (s) { return s.node; }));
    var top = range.commonAncestorContainer;
    if (top.nodeType === 3) return !seen.has(top);
    var doc = top.ownerDocument || top;
    var walker = doc.createTreeWalker(top, 5 /* SHOW_ELEMENT | SHOW_TEXT */);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      if (!range.intersectsNode(n)) continue;
      if (n.nodeType === 3) {
        if (!seen.has(n) && n.data && !WS_ONLY_WITH_NEWLINE.test(n.data)) return true;
      } else if ((SKIP[n.localName] || n.matches(excluded) || n.matches(STOP_SELECTOR)) && overlaps(range, n)) {
        return true;
      }
    }
    return false;
  }

  // A plain text box's reply: "> " lines and the attribution above a quote ("On ... wrote:") are
  // blanked with spaces (same length: offsets stay exact); from a "-- " signature line or an
  // "-----Original Message-----" / "---------- Forwarded message" header on, nothing is sent.
  var QUOTE_LINE = /^[ \t]*>/;
  var ATTRIBUTION = /^[ \t]*(On\b.{0,200}\bwrote:|Le\b.{0,200}\ba écrit ?:|Am\b.{0,200}\bschrieb\b.{0,120}:|El\b.{0,200}\bescribió:)[ \t]*$/;
  var CUT_LINE = /^([ \t]*-{2,}[ \t]*(Original Message|Forwarded message|Message d'origine|Ursprüngliche Nachricht)[ \t]*-{2,}[ \t]*|-- ?)$/i;

  function stripQuoted(text) {
    var lines = text.split("\n");
    var out = [];
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      if (CUT_LINE.test(line)) break;
      out.push(QUOTE_LINE.test(line) || ATTRIBUTION.test(line) ? line.replace(/[^\n]/g, " ") : line);
    }
    var kept = out.join("\n");
    return kept.length < text.length ? kept.replace(/\s+$/, "") : kept;
  }

  function fieldText(el) {
    return { text: String(el.value || "").replace(/\r/g, " "), segments: [], root: el, field: true };
  }

  root.TwoWayExtract = {
    EXCLUDE_SELECTOR: EXCLUDE_SELECTOR,
    STOP_SELECTOR: STOP_SELECTOR,
    extract: extract,
    fieldText: fieldText,
    holdsUnseen: holdsUnseen,
    stripQuoted: stripQuoted,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);

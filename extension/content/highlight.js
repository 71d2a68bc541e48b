/*
 * Highlighting with the CSS Custom Highlight API: never touches the editor's DOM.
 *
 *   globalThis.TwoWayHighlight = {
 *     supported,
 *     add(category, range), remove(category, range), setActive(range|null),
 *     adoptStyles(doc, cssText)   the highlight styles for a same-origin frame's document,
 *     Mirror(field)  // overlay for <textarea>/<input>, where highlights cannot paint:
 *       .sync()          copy the field's value (minimal edit, so live Ranges follow), style, position
 *       .extraction()    {text, segments} over the mirror's text node, for TwoWayOffsets.toRange
 *       .destroy()
 *   }
 * Highlight names: TwoWayRender.highlightName(category) = "twoway-<category>", styled in twoway.css.
 */
(function (root) {
  "use strict";
  var supported = !!(root.CSS && root.CSS.highlights && typeof root.Highlight === "function");
  var ACTIVE = "twoway-active";
  var activeRange = null;

  // Each document has its own highlight registry: a range in a same-origin iframe is registered
  // with that frame's window, whose document gets the highlight styles (adopted, not a node).
  function windowOf(range) {
    var win = range.startContainer.ownerDocument.defaultView;
    return win && win.CSS && win.CSS.highlights ? win : null;
  }

  function registry(win, name) {
    var h = win.CSS.highlights.get(name);
    if (!h) {
      h = new win.Highlight();
      h.priority = name === ACTIVE ? 2 : 1;
      win.CSS.highlights.set(name, h);
    }
    return h;
  }

  function adoptStyles(doc, cssText) {
    if (doc === document || !cssText || doc.__twowayStyled) return;
    try {
      var sheet = new doc.defaultView.CSSStyleSheet();
      sheet.replaceSync(cssText);
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat([sheet]);
      doc.__twowayStyled = true;
    } catch (err) { /* no constructable sheets: underlines stay unstyled in that frame */ }
  }

  function add(category, range) {
    var win = supported && range && windowOf(range);
    if (win) registry(win, root.TwoWayRender.highlightName(category)).add(range);
  }
  function remove(category, range) {
    var win = supported && range && windowOf(range);
    if (!win) return;
    var h = win.CSS.highlights.get(root.TwoWayRender.highlightName(category));
    if (h) h.delete(range);
    if (activeRange === range) setActive(null);
  }
  function setActive(range) {
    if (!supported) return;
    if (activeRange) {
      var prev = windowOf(activeRange);
      if (prev) registry(prev, ACTIVE).clear();
    }
    activeRange = range || null;
    var win = range && windowOf(range);
    if (win) registry(win, ACTIVE).add(range);
  }

  var COPY = [
    "fontFamily", "fontSize", "fontWeight", "fontStyle", "fontVariant",
    "fontStretch", "letterSpacing", "wordSpacing", "lineHeight", "textIndent", "textTransform", "textAlign",
    "direction", "tabSize", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft",
    "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth",
    "borderTopStyle", "borderRightStyle", "borderBottomStyle", "borderLeftStyle",
  ];

  function Mirror(field) {
    var doc = field.ownerDocument;
    this.field = field;
    this.isInput = field.localName === "input";
    this.el = doc.createElement("div");
    this.el.className = "tw-mirror";
    this.el.setAttribute("aria-hidden", "true");
    this.el.dataset.twoway = "mirror";
    this.node = doc.createTextNode("");
    this.el.appendChild(this.node);
    this.el.appendChild(doc.createTextNode("\u200b"));   // keeps a trailing newline's line box
    this.el.style.position = "fixed";
    (doc.body || doc.documentElement).appendChild(this.el);
    this.styled = false;
    this.sync();
  }
  Mirror.prototype.syncText = function () {
    var next = this.field.value;
    var prev = this.node.data;
    if (next === prev) return;
    var d = root.TwoWayOffsets.diff(prev, next);
    // replaceData, not data=: live Ranges on the untouched parts keep their place.
    this.node.replaceData(d.prefix, d.oldEnd - d.prefix, next.slice(d.prefix, d.newEnd));
  };
  Mirror.prototype.syncStyle = function () {
    var cs = this.field.ownerDocument.defaultView.getComputedStyle(this.field);
    var st = this.el.style;
    for (var i = 0; i < COPY.length; i++) st[COPY[i]] = cs[COPY[i]];
    st.boxSizing = "border-box";
    st.whiteSpace = this.isInput ? "pre" : "pre-wrap";
    st.overflowWrap = this.isInput ? "normal" : "break-word";
    st.overflow = "hidden";
    this.styled = true;
  };
  Mirror.prototype.syncPosition = function () {
    var r = this.field.getBoundingClientRect();
    var st = this.el.style;
    st.left = r.left + "px";
    st.top = r.top + "px";
    st.width = r.width + "px";
    st.height = r.height + "px";
    st.display = r.width && r.height ? "block" : "none";
    this.el.scrollTop = this.field.scrollTop;
    this.el.scrollLeft = this.field.scrollLeft;
  };
  Mirror.prototype.sync = function (textOnly) {
    this.syncText();
    if (textOnly) return;
    if (!this.styled) this.syncStyle();
    this.syncPosition();
  };
  Mirror.prototype.restyle = function () { this.styled = false; this.sync(); };
  Mirror.prototype.extraction = function () {
    var text = this.node.data;
    return { text: text, segments: [{ node: this.node, start: 0, end: text.length }], root: this.field, field: true };
  };
  Mirror.prototype.destroy = function () { this.el.remove(); };

  root.TwoWayHighlight = { supported: supported, add: add, remove: remove, setActive: setActive, adoptStyles: adoptStyles, Mirror: Mirror };
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * Highlighting with the CSS Custom Highlight API: never touches the editor's DOM.
 *
 *   globalThis.TwoWayHighlight = {
 *     supported,
 *     add(category, range), remove(category, range), setActive(range|null),
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

  function registry(name) {
    var h = root.CSS.highlights.get(name);
    if (!h) {
      h = new root.Highlight();
      h.priority = name === ACTIVE ? 2 : 1;
      root.CSS.highlights.set(name, h);
    }
    return h;
  }

  function add(category, range) {
    if (supported && range) registry(root.TwoWayRender.highlightName(category)).add(range);
  }
  function remove(category, range) {
    if (!supported || !range) return;
    var h = root.CSS.highlights.get(root.TwoWayRender.highlightName(category));
    if (h) h.delete(range);
    if (activeRange === range) setActive(null);
  }
  function setActive(range) {
    if (!supported) return;
    var h = registry(ACTIVE);
    h.clear();
    activeRange = range || null;
    if (range) h.add(range);
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

  root.TwoWayHighlight = { supported: supported, add: add, remove: remove, setActive: setActive, Mirror: Mirror };
})(typeof globalThis !== "undefined" ? globalThis : this);

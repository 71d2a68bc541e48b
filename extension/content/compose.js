/*
 * One compose box: lints what the rep wrote after a pause and draws the findings.
 *
 *   new TwoWayCompose(bodyEl, {adapter, subject: inputEl|null, anchor, getSettings, saveMuted(rule)})
 *     .layout()   reposition badge / mirrors / card (scroll, resize)
 *     .render()   redraw from the last answer (settings changed)
 *     .destroy()
 *
 * Correctness under typing:
 * - lint ~500 ms after the last change; one request in flight per box; nothing sent when the
 *   text (body + subject) did not change since the last answer;
 * - the answer is rebased onto the text as it is now (TwoWayOffsets.mapper): spans in untouched
 *   text move with it, spans the rep edited meanwhile are dropped;
 * - after drawing, live Ranges follow edits; on each change the ranges whose text changed are
 *   removed at once, so an underline never sits on other words than the ones the server flagged;
 * - errors: the badge says so, retries back off (1 s doubling to 10 s), linting resumes by itself.
 * The editor's DOM is never written to, except by applying a wording the rep clicked (edit.js).
 * Mouse and keyboard (the card): interact.js. Performance: "twoway:keystroke" (work per change),
 * "twoway:lint-to-draw".
 */
(function (root) {
  "use strict";
  var ext = root.chrome || root.browser;
  var DEBOUNCE_MS = 500;
  var WORD = /[\w\u00c0-\uffff]/;

  function TwoWayCompose(bodyEl, opts) {
    var self = this;
    this.opts = opts || {};
    var adapter = this.opts.adapter || {};
    var onChange = function (f) { self.onChange(f); };
    this.body = new root.TwoWayField(bodyEl, "body", adapter, onChange);
    this.subject = this.opts.subject ? new root.TwoWayField(this.opts.subject, "subject", {}, onChange) : null;
    this.fields = this.subject ? [this.body, this.subject] : [this.body];
    this.badge = new root.TwoWayBadge(this.opts.anchor || bodyEl);
    this.timer = 0;
    this.inflight = false;
    this.pending = false;
    this.answeredKey = null;
    this.result = null;        // {data, sent: {body, subject}}
    this.ignored = new Set();
    this.failures = 0;
    this.retryAt = 0;
    this.answers = 0;
    this.destroyed = false;
    this.interact = new root.TwoWayInteract(this);
    if (typeof ResizeObserver === "function") {
      this.resizer = new ResizeObserver(function () { self.layout(true); });
      this.fields.forEach(function (f) { self.resizer.observe(f.el); });
    }
    this.schedule(0);
  }

  // ---- typing -------------------------------------------------------------------------------
  TwoWayCompose.prototype.onChange = function (f) {
    var t0 = performance.now();
    if (f.mirror) f.mirror.sync(true);
    this.validate(f);
    var card = root.TwoWayCard.current();
    if (card && card.owner === this) root.TwoWayCard.close("typing");
    this.schedule(DEBOUNCE_MS);
    try { performance.measure("twoway:keystroke", { start: t0, end: performance.now() }); } catch (err) { /* old browsers */ }
  };

  // Drop every underline whose words changed since it was drawn.
  TwoWayCompose.prototype.validate = function (f) {
    var keep = [];
    for (var i = 0; i < f.items.length; i++) {
      var it = f.items[i];
      if (this.stillValid(it)) keep.push(it);
      else root.TwoWayHighlight.remove(it.category, it.range);
    }
    f.items = keep;
  };

  TwoWayCompose.prototype.stillValid = function (it) {
    var r = it.range;
    if (r.collapsed || !r.startContainer.isConnected) return false;
    var now = r.toString();
    if (now !== it.text) {
      // Text typed right at the start boundary lands inside a live Range (DOM spec): move the
      // start past it when the flagged words themselves are untouched.
      var extra = now.length - it.text.length;
      var sc0 = r.startContainer;
      if (extra > 0 && now.slice(extra) === it.text && sc0.nodeType === 3 && r.startOffset + extra <= sc0.data.length &&
          sc0.data.slice(r.startOffset, r.startOffset + extra) === now.slice(0, extra)) {
        r.setStart(sc0, r.startOffset + extra);
        if (r.toString() !== it.text) return false;
      } else {
        return false;
      }
    }
    // Letters typed right against either end would make the span a different word.
    var ec = r.endContainer, sc = r.startContainer;
    if (ec.nodeType === 3 && WORD.test(it.text.charAt(it.text.length - 1)) && WORD.test(ec.data.charAt(r.endOffset))) return false;
    if (sc.nodeType === 3 && r.startOffset > 0 && WORD.test(it.text.charAt(0)) && WORD.test(sc.data.charAt(r.startOffset - 1))) return false;
    return true;
  };

  TwoWayCompose.prototype.schedule = function (delay) {
    var self = this;
    if (this.destroyed) return;
    clearTimeout(this.timer);
    var wait = Math.max(delay, this.retryAt - Date.now(), 0);
    this.timer = setTimeout(function () { self.run(); }, wait);
  };

  // ---- talking to the service worker -----------------------------------------------------------
  TwoWayCompose.prototype.run = function () {
    var self = this;
    if (this.destroyed) return;
    if (this.inflight) { this.pending = true; return; }
    var bodyText = this.body.extraction().text;
    var subjectText = this.subject ? this.subject.extraction().text : "";
    var key = subjectText + "\u0000" + bodyText;
    if (key === this.answeredKey) {
      // Same text as the last answer (an undo, say): redraw from it, send nothing.
      if (this.result) this.render();
      return;
    }
    if (!bodyText.trim() && !subjectText.trim()) {
      this.answeredKey = key;
      this.result = null;
      this.clear();
      this.badge.update({ state: "idle" });
      return;
    }
    this.inflight = true;
    if (!this.result) this.badge.update({ state: "busy" });
    var t0 = performance.now();
    var done = function (resp) {
      self.inflight = false;
      if (self.destroyed) return;
      if (!resp || !resp.ok) { self.onError(resp, key); }
      else {
        self.failures = 0;
        self.retryAt = 0;
        self.answeredKey = key;
        self.result = { data: resp.data, sent: { body: bodyText, subject: subjectText } };
        self.answers += 1;
        self.render(t0);
      }
      if (self.pending) { self.pending = false; self.schedule(DEBOUNCE_MS); }
    };
    try {
      var message = { type: "lint", text: bodyText, subject: subjectText };
      if (root.TwoWayReadiness) Object.assign(message, root.TwoWayReadiness.request(this.body.el));  // mode, thread
      ext.runtime.sendMessage(message, function (resp) {
        var err = ext.runtime.lastError;
        done(err ? { ok: false, status: 0, code: "extension", message: "Two-Way could not reach its service worker." } : resp);
      });
    } catch (err) {
      // The extension was reloaded or removed: this page's content script is orphaned.
      this.inflight = false;
      this.badge.update({ state: "error", short: "reload page", message: "Two-Way was updated: reload this page." });
    }
  };

  TwoWayCompose.prototype.onError = function (resp, key) {
    resp = resp || {};
    this.failures += 1;
    var status = resp.status || 0;
    var short = status === 401 ? "token needed" : status === 0 ? "server unreachable" : "server error";
    this.badge.update({ state: "error", short: short, message: resp.message || "The Two-Way server did not answer." });
    if (status >= 400 && status < 500 && status !== 401 && status !== 408 && status !== 429) {
      this.answeredKey = key;       // this text will not lint better next time; wait for an edit
      return;
    }
    var backoff = Math.min(1000 * Math.pow(2, this.failures - 1), 10000);
    this.retryAt = Date.now() + backoff;
    this.schedule(backoff);
  };

  // ---- drawing ---------------------------------------------------------------------------------
  TwoWayCompose.prototype.clear = function () {
    this.fields.forEach(function (f) {
      f.items.forEach(function (it) { root.TwoWayHighlight.remove(it.category, it.range); });
      f.items = [];
    });
  };

  TwoWayCompose.prototype.visible = function (issue) {
    var s = this.opts.getSettings ? this.opts.getSettings() : null;
    if (s && s.categories && s.categories[issue.category] === false) return false;
    if (s && s.muted && s.muted.indexOf(issue.rule) >= 0) return false;
    if (this.ignored.has(issue.rule + "\u0000" + issue.field + "\u0000" + issue.text)) return false;
    return true;
  };

  TwoWayCompose.prototype.render = function (t0) {
    var self = this;
    var tDraw = performance.now();
    this.clear();
    if (!this.result) return;
    var data = this.result.data;
    var issues = (data.issues || []).filter(function (i) { return self.visible(i); });
    var drawn = 0;
    this.fields.forEach(function (f) {
      var sent = self.result.sent[f.name];
      var mine = issues.filter(function (i) { return (i.field || "body") === f.name && i.end > i.start; });
      if (!mine.length) return;
      var ex = f.extraction();
      var map = root.TwoWayOffsets.mapper(sent, ex.text);
      mine.forEach(function (issue) {
        var pos = map(issue.start, issue.end);
        if (!pos) return;
        // The words under the range must be the words the server flagged.
        if (ex.text.slice(pos.start, pos.end) !== sent.slice(issue.start, issue.end)) return;
        var range = root.TwoWayOffsets.toRange(ex, pos.start, pos.end, f.el.ownerDocument);
        if (!range) return;
        var item = { issue: issue, range: range, category: issue.category, text: range.toString(), field: f };
        root.TwoWayHighlight.add(item.category, range);
        f.items.push(item);
        drawn += 1;
      });
    });
    var emailLevel = issues.filter(function (i) { return i.start === i.end; }).length;
    var stats = data.stats || {};
    this.badge.update({ state: "ok", score: stats.alignment_score, count: drawn + emailLevel, panel: data.panel, issues: issues });
    this.badge.host.dataset.answers = String(this.answers);
    this.badge.host.dataset.grammar = String(data.grammar || "");
    try {
      performance.measure("twoway:draw", { start: tDraw, end: performance.now() });
      if (typeof t0 === "number") {
        requestAnimationFrame(function () {
          try { performance.measure("twoway:lint-to-draw", { start: t0, end: performance.now() }); } catch (e) { /* ignore */ }
        });
      }
    } catch (err) { /* ignore */ }
  };

  // ---- actions -----------------------------------------------------------------------------------
  // The wording replaces exactly the finding's span, through the editor's own editing path.
  TwoWayCompose.prototype.apply = function (item, text) {
    var f = item.field;
    if (!this.stillValid(item)) { this.validate(f); return; }
    if (f.field) root.TwoWayEdit.replaceField(f.el, item.range.startOffset, item.range.endOffset, text);
    else root.TwoWayEdit.replaceRange(f.el, item.range, text, f.adapter.hooks);
    this.schedule(150);
  };

  TwoWayCompose.prototype.ignore = function (item) {
    var i = item.issue;
    this.ignored.add(i.rule + "\u0000" + i.field + "\u0000" + i.text);
    this.render();
    this.interact.refocus(item.field);
  };

  TwoWayCompose.prototype.mute = function (item) {
    if (this.opts.saveMuted) this.opts.saveMuted(item.issue.rule);
    this.interact.refocus(item.field);
  };

  // ---- housekeeping ------------------------------------------------------------------------------
  // Gone from the page, or a text box hidden since (a rich editor taking over its textarea).
  TwoWayCompose.prototype.connected = function () {
    var el = this.body.el;
    return el.isConnected && (!this.body.field || el.getClientRects().length > 0);
  };

  TwoWayCompose.prototype.layout = function (restyle) {
    this.fields.forEach(function (f) {
      if (f.mirror) { if (restyle) f.mirror.restyle(); else f.mirror.syncPosition(); }
    });
    this.badge.position();
  };

  TwoWayCompose.prototype.owns = function (el) {
    return this.fields.some(function (f) { return f.el === el; });
  };

  TwoWayCompose.prototype.destroy = function () {
    this.destroyed = true;
    clearTimeout(this.timer);
    this.interact.destroy();
    if (this.resizer) this.resizer.disconnect();
    this.clear();
    var cur = root.TwoWayCard.current();
    if (cur && cur.owner === this) root.TwoWayCard.close("gone", true);
    this.fields.forEach(function (f) { f.destroy(); });
    this.badge.destroy();
  };

  root.TwoWayCompose = TwoWayCompose;
})(typeof globalThis !== "undefined" ? globalThis : this);

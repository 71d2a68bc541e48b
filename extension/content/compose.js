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
 * - errors: the badge says so and the box asks again when the background's one circuit breaker
 *   says (Failure.retryAfter); it never computes a backoff or a message of its own;
 * - a hidden tab sends nothing (it lints when shown again); a draft the server refused as too long
 *   is not sent again until it is shorter than that;
 * - a plain text box: quoted lines ("> "), the "On ... wrote:" header and everything after it, and
 *   the "-- " signature are not sent (TwoWayExtract.stripQuoted, offsets kept);
 * - "Keep it" is kept per draft across reloads (hashes only, via the background).
 * The editor's DOM is never written to, except by applying a wording the rep clicked (edit.js).
 * Mouse and keyboard (the card): interact.js. Performance: "twoway:keystroke" (work per change),
 * "twoway:lint-to-draw".
 */
(function (root) {
  "use strict";
  var M = root.TwoWayMessages;
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
    this.ignored = new Set();        // hashes of rule + flagged words ("Keep it")
    // Fixes counted on their own (an applied wording, or an edit that makes a rule fire less).
    this.tracker = root.TwoWayFeedback ? root.TwoWayFeedback.Tracker() : null;
    this.draft = draftKey(bodyEl);
    this.tooLong = Infinity;         // length of the shortest draft the server refused as too long
    this.retryAt = 0;
    this.answers = 0;
    this.destroyed = false;
    this.interact = new root.TwoWayInteract(this);
    if (typeof ResizeObserver === "function") {
      this.resizer = new ResizeObserver(function () { self.layout(true); });
      this.fields.forEach(function (f) { self.resizer.observe(f.el); });
    }
    this.onVisible = function () { if (!document.hidden && self.waiting) { self.waiting = false; self.schedule(0); } };
    document.addEventListener("visibilitychange", this.onVisible);
    M.send({ type: M.IGNORE, draft: this.draft }).then(function (resp) {
      if (resp && resp.ok) { resp.keys.forEach(function (k) { self.ignored.add(k); }); if (self.result) self.render(); }
    });
    this.schedule(0);
  }

  // FNV-1a, base 36: the keys for "Keep it" (no email text is stored, only these hashes).
  function hash(str) {
    var h = 0x811c9dc5;
    for (var i = 0; i < str.length; i++) { h ^= str.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h.toString(36);
  }

  // A draft across reloads: this page (a webmail's compose id lives in its URL) and which field.
  function draftKey(el) {
    var doc = el.ownerDocument;
    var same = Array.prototype.indexOf.call(doc.querySelectorAll(el.localName), el);
    var id = el.id || el.getAttribute("name") || "";
    return hash(location.origin + location.pathname + location.search + location.hash + "|" + el.localName + "#" + id + "@" + same);
  }

  function ignoreKey(issue, flagged) { return hash((issue.rule || "") + "\u0000" + (issue.field || "body") + "\u0000" + flagged); }

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
    if (document.hidden) { this.waiting = true; return; }     // a background tab: lint when it is shown
    var bodyText = this.sendable(this.body, this.body.extraction().text);
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
      if (this.tracker) this.tracker.reset();
      this.clear();
      this.badge.update({ state: "idle" });
      return;
    }
    if (bodyText.length + subjectText.length >= this.tooLong) return;   // refused before: wait for a shorter draft
    this.inflight = true;
    if (!this.result) this.badge.update({ state: "busy" });
    var t0 = performance.now();
    var done = function (resp) {
      self.inflight = false;
      if (self.destroyed) return;
      if (!resp || !resp.ok) { self.onError(resp, key, bodyText.length + subjectText.length); }
      else {
        self.retryAt = 0;
        self.tooLong = Infinity;
        self.answeredKey = key;
        self.result = { data: resp.data, sent: { body: bodyText, subject: subjectText } };
        self.answers += 1;
        self.countFixes(resp.data);
        self.render(t0);
      }
      if (self.pending) { self.pending = false; self.schedule(DEBOUNCE_MS); }
    };
    var message = { type: M.LINT, text: bodyText, subject: subjectText };
    if (root.TwoWayReadiness) Object.assign(message, root.TwoWayReadiness.request(this.body.el));  // mode, thread
    M.send(message).then(done);
  };

  // The text to send for a field: a plain text box's quoted reply and signature are left out.
  TwoWayCompose.prototype.sendable = function (f, text) {
    return f.field && f.name === "body" ? root.TwoWayExtract.stripQuoted(text) : text;
  };

  // The background's answer says what to show and when to ask again (its one circuit breaker).
  TwoWayCompose.prototype.onError = function (resp, key, length) {
    resp = resp || {};
    if (resp.code === "setup") {          // not set up: quiet, nothing sent (settings say when it is)
      this.badge.update({ state: "setup" });
      this.answeredKey = key;
      return;
    }
    this.badge.update({ state: "error", short: resp.short || "not checked", message: resp.message || "The Two-Way server did not answer." });
    if (resp.status === 413 || resp.code === "text_too_long") this.tooLong = Math.min(this.tooLong, length);
    if (resp.retry === false) {
      this.answeredKey = key;       // this text will not lint better next time; wait for an edit
      return;
    }
    var wait = Math.max(Number(resp.retryAfter) || 0, 1000);
    this.retryAt = Date.now() + wait;
    this.schedule(wait);
  };

  // Settings changed (categories, muted rules, a new server or token): redraw, and ask again now.
  TwoWayCompose.prototype.settingsChanged = function () {
    this.retryAt = 0;
    this.tooLong = Infinity;
    if (this.badge.last.state === "error" || this.badge.last.state === "setup") this.answeredKey = null;
    if (this.result) this.render();
    this.schedule(0);
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
    if (this.ignored.has(ignoreKey(issue, issue.text))) return false;
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
      var now = self.sendable(f, ex.text);       // same offsets as ex.text (quotes blanked, not cut out)
      var map = root.TwoWayOffsets.mapper(sent, now);
      mine.forEach(function (issue) {
        var pos = map(issue.start, issue.end);
        if (!pos) return;
        // The words under the range must be the words the server flagged.
        if (now.slice(pos.start, pos.end) !== sent.slice(issue.start, issue.end)) return;
        var range = root.TwoWayOffsets.toRange(ex, pos.start, pos.end, f.el.ownerDocument);
        if (!range) return;
        var item = { issue: issue, range: range, category: issue.category, text: range.toString(), field: f,
          flagged: sent.slice(issue.start, issue.end) };
        root.TwoWayHighlight.add(item.category, range);
        f.items.push(item);
        drawn += 1;
      });
    });
    var emailLevel = issues.filter(function (i) { return i.start === i.end; }).length;
    var stats = data.stats || {};
    this.badge.update({ state: "ok", score: stats.alignment_score, count: drawn + emailLevel, panel: data.panel, issues: issues });
    this.badge.host.dataset.answers = String(this.answers);   // a count only (tests wait on it)
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
  // Apply is exact or it does not happen. Where the item's words are in the field as it is NOW
  // (re-read: a textarea's mirror catches up with a `.value` the page set without an input event):
  // {ex, start, end} in the current text, or null when the text at the span is not the flagged text.
  TwoWayCompose.prototype.locate = function (item) {
    var f = item.field;
    var ex = f.extraction();
    if (!this.stillValid(item)) return null;
    var r = item.range, start, end;
    if (f.field) { start = r.startOffset; end = r.endOffset; }
    else {
      start = root.TwoWayOffsets.offsetOf(ex, r.startContainer, r.startOffset);
      end = root.TwoWayOffsets.offsetOf(ex, r.endContainer, r.endOffset);
    }
    if (start < 0 || end < start || ex.text.slice(start, end) !== item.flagged) return null;
    return { ex: ex, start: start, end: end };
  };

  // "apply" | "copy" (the span holds a chip, an image or a hidden node the server never saw: a
  // wording there would delete it) | "changed" (the words at the span are not the flagged words).
  TwoWayCompose.prototype.applicable = function (item) {
    var at = this.locate(item);
    if (!at) return "changed";
    if (!item.field.field && root.TwoWayExtract.holdsUnseen(item.range, at.ex, item.field.adapter.exclude)) return "copy";
    return "apply";
  };

  // Replace [start, end) of the field's current text (`expect` must be there) by `text`; then read
  // the field back and check it reads exactly as planned. -> Promise<{ok, start}>
  TwoWayCompose.prototype.replaceExact = function (f, range, start, end, expect, text) {
    var before = f.extraction().text;
    if (before.slice(start, end) !== expect) return Promise.resolve({ ok: false });
    var want = before.slice(0, start) + text + before.slice(end);
    var done;
    if (f.field) done = root.TwoWayEdit.replaceField(f.el, start, end, text);
    else {
      range = range || root.TwoWayOffsets.toRange(f.extraction(), start, end, f.el.ownerDocument);
      done = !!range && root.TwoWayEdit.replaceRange(f.el, range, text, f.adapter.hooks);
    }
    if (!done) return Promise.resolve({ ok: false });
    // Editors with a model render in the same task; allow one more frame before calling it wrong.
    var check = function () { return f.extraction().text === want; };
    if (check()) return Promise.resolve({ ok: true });
    return new Promise(function (resolve) {
      setTimeout(function () { resolve({ ok: check() }); }, 120);
    });
  };

  TwoWayCompose.prototype.apply = function (item, text) {
    var self = this, f = item.field;
    var mode = this.applicable(item);
    if (mode === "changed") {
      this.validate(f);
      this.schedule(0);
      root.TwoWayNotice.show(f.el, { state: "changed", message: "The text changed since Two-Way read it: nothing was replaced." });
      return Promise.resolve(false);
    }
    if (mode === "copy") {
      root.TwoWayNotice.copy(text);
      root.TwoWayNotice.show(f.el, { state: "copied", message: "Copied. This sentence holds something Two-Way did not read (a mention, an image): paste the wording by hand.", text: text });
      return Promise.resolve(false);
    }
    var at = this.locate(item);
    var flagged = item.flagged;
    return this.replaceExact(f, item.range, at.start, at.end, flagged, text).then(function (res) {
      self.schedule(150);
      if (!res.ok) {
        root.TwoWayNotice.show(f.el, { state: "failed", message: "The editor did not take the wording as planned: check the sentence (Ctrl+Z undoes it)." });
        return false;
      }
      if (self.tracker) self.tracker.applied(item.issue.rule);
      feedback(item.issue.rule, "fixed");
      root.TwoWayNotice.show(f.el, {
        state: "applied", message: "Applied", undoLabel: "Undo",
        onUndo: function () {
          return self.replaceExact(f, null, at.start, at.start + text.length, text, flagged).then(function (back) {
            self.schedule(150);
            self.interact.refocus(f);
            return back.ok;
          });
        },
      });
      return true;
    });
  };

  // ---- feedback: what the rep did with a card, as codes (the background sends it, or not) ----------
  function feedback(rule, action, reason) {
    M.send({ type: M.FEEDBACK, rule: rule, action: action, reason: reason || undefined });
  }

  TwoWayCompose.prototype.countFixes = function (data) {
    if (!this.tracker) return;
    var s = this.opts.getSettings ? this.opts.getSettings() : null;
    var muted = (s && s.muted) || [];
    this.tracker.update(data, function (rule) { return muted.indexOf(rule) >= 0; })
      .forEach(function (rule) { feedback(rule, "fixed"); });
  };

  TwoWayCompose.prototype.ignore = function (item, reason) {
    var key = ignoreKey(item.issue, item.issue.text);
    this.ignored.add(key);
    M.send({ type: M.IGNORE, draft: this.draft, key: key });
    feedback(item.issue.rule, "kept", reason);
    this.render();
    this.interact.refocus(item.field, item);
  };

  TwoWayCompose.prototype.mute = function (item) {
    if (this.opts.saveMuted) this.opts.saveMuted(item.issue.rule, item.issue.message);
    feedback(item.issue.rule, "muted");
    this.interact.refocus(item.field, item);
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
    document.removeEventListener("visibilitychange", this.onVisible);
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

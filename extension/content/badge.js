/*
 * The badge at a compose box: alignment score + number of findings; click for the numbers panel.
 *
 *   new TwoWayBadge(editorEl) -> .update({state, score, count, message, panel, issues})
 *                                .position() ; .destroy()
 * state: "idle" | "busy" | "ok" | "error" | "setup". The host element in the page carries only
 * data-state (a word) and data-panel: the score, the count and any message (which may name the
 * server) live inside the closed shadow root (the button's aria-label, data-score, data-count), so
 * the page cannot read them. The panel is TwoWayRender.buildStatsPanel
 * (or the error) and an "Options" button that opens the options page (TwoWayMessages.OPEN_OPTIONS).
 * Placed at the bottom right of the visible compose body, never over the page's own controls.
 */
(function (root) {
  "use strict";

  function TwoWayBadge(anchor) {
    var self = this;
    this.anchor = anchor;
    var box = root.TwoWayCard.makeHost("badge");
    this.host = box.host;
    this.shadow = box.shadow;
    this.wrap = document.createElement("div");
    this.wrap.style.cssText = "display:flex;flex-direction:column;align-items:flex-end;gap:6px;";
    this.panel = document.createElement("div");
    this.panel.hidden = true;
    this.button = document.createElement("button");
    this.button.type = "button";
    this.button.className = "tw-badge";
    this.button.setAttribute("aria-expanded", "false");
    this.score = document.createElement("span");
    this.score.className = "tw-badge-score";
    this.count = document.createElement("span");
    this.count.className = "tw-badge-count";
    this.button.appendChild(this.score);
    this.button.appendChild(this.count);
    this.button.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    this.button.addEventListener("click", function (ev) { ev.preventDefault(); self.toggle(); });
    this.wrap.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" && !self.panel.hidden) { ev.stopPropagation(); self.toggle(false); }
    });
    this.wrap.appendChild(this.panel);
    this.wrap.appendChild(this.button);
    this.shadow.appendChild(this.wrap);
    // Underlines are not seen by a screen reader: the number of findings, and the finding under the
    // caret (interact.js), are said through this live region.
    this.live = document.createElement("div");
    this.live.setAttribute("role", "status");
    this.live.setAttribute("aria-live", "polite");
    this.live.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;";
    this.shadow.appendChild(this.live);
    this.last = {};
    this.update({ state: "idle" });
  }

  TwoWayBadge.prototype.update = function (info) {
    // A retry after an error is not news: the error stays up until an answer replaces it (else the
    // badge would flicker between "reading" and the error on every retry).
    if (info.state === "busy" && this.last.state === "error") return;
    this.last = info;
    var state = info.state || "idle";
    var h = this.host;
    h.dataset.state = state;
    this.button.dataset.state = state;
    this.button.dataset.score = info.score === undefined || info.score === null ? "" : String(info.score);
    this.button.dataset.count = info.count === undefined ? "" : String(info.count);
    var label;
    if (state === "error") {
      this.score.textContent = "Two-Way: " + (info.short || "offline");
      this.count.textContent = "";
      label = info.message || "The Two-Way server is unreachable.";
    } else if (state === "ok") {
      if (info.count !== this.lastCount) {
        this.lastCount = info.count;
        this.announce("Two-Way: " + (info.count || "no") + " finding" + (info.count === 1 ? "" : "s") + " in this message.");
      }
      this.score.textContent = "\u25D0 " + (info.score === undefined || info.score === null ? "\u2013" : info.score);
      this.count.textContent = info.count ? String(info.count) : "";
      label = "Two-Way: alignment " + info.score + ", " + (info.count || 0) + " finding" + (info.count === 1 ? "" : "s") + ". Click for this email's numbers.";
    } else if (state === "setup") {
      this.score.textContent = "\u25D0 set up";
      this.count.textContent = "";
      label = "Two-Way is not set up yet: nothing is sent. Open its setup from the toolbar button.";
    } else if (state === "busy") {
      this.score.textContent = "\u25D0 \u2026";
      label = "Two-Way is reading\u2026";
    } else {
      this.score.textContent = "\u25D0";
      this.count.textContent = "";
      label = "Two-Way";
    }
    this.button.title = label;
    this.button.setAttribute("aria-label", label);
    if (!this.panel.hidden) this.renderPanel();
    this.position();
  };

  TwoWayBadge.prototype.announce = function (text) {
    if (this.live.textContent !== text) this.live.textContent = text;
  };

  TwoWayBadge.prototype.renderPanel = function () {
    while (this.panel.firstChild) this.panel.firstChild.remove();
    var info = this.last;
    if (info.state === "error") {
      var p = document.createElement("div");
      p.className = "tw-stats";
      p.textContent = info.message || "The Two-Way server is unreachable.";
      this.panel.appendChild(p);
    } else {
      this.panel.appendChild(root.TwoWayRender.buildStatsPanel(info.panel || {}, { issues: info.issues || [] }));
    }
    this.panel.appendChild(this.optionsButton());
  };

  TwoWayBadge.prototype.optionsButton = function () {
    var row = document.createElement("div");
    row.className = "tw-badge-actions";
    var b = document.createElement("button");
    b.type = "button";
    b.className = "tw-badge-options";
    b.textContent = "Two-Way options";
    b.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    b.addEventListener("click", function (ev) {
      ev.preventDefault();
      root.TwoWayMessages.send({ type: root.TwoWayMessages.OPEN_OPTIONS });
    });
    row.appendChild(b);
    return row;
  };

  TwoWayBadge.prototype.toggle = function (force) {
    var show = force === undefined ? this.panel.hidden : force;
    if (show) this.renderPanel();
    this.panel.hidden = !show;
    this.button.setAttribute("aria-expanded", show ? "true" : "false");
    this.host.dataset.panel = show ? "open" : "closed";
    this.position();
  };

  // The part of the anchor that is on screen: clipped by every scrolling/clipping ancestor
  // (Gmail's body grows inside a scroller, so its own bottom can lie under the Send row).
  function visibleRect(el) {
    var r = el.getBoundingClientRect();
    var box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    for (var a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      var cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      var c = a.getBoundingClientRect();
      box.left = Math.max(box.left, c.left);
      box.top = Math.max(box.top, c.top);
      box.right = Math.min(box.right, c.right);
      box.bottom = Math.min(box.bottom, c.bottom);
    }
    box.right = Math.min(box.right, document.documentElement.clientWidth || window.innerWidth);
    box.bottom = Math.min(box.bottom, document.documentElement.clientHeight || window.innerHeight);
    return box;
  }

  var CONTROLS = "button, [role=button], [role=toolbar], a[href], input, select, [role=menuitem], [role=tab]";

  // The page's own control (the webmail's Send row, a footer button) under this rectangle, if any.
  function controlUnder(host, anchor, left, top, w, h) {
    var xs = [left + 2, left + w / 2, left + w - 2], ys = [top + 2, top + h / 2, top + h - 2];
    for (var i = 0; i < xs.length; i++) {
      for (var j = 0; j < ys.length; j++) {
        var stack = document.elementsFromPoint(xs[i], ys[j]);
        for (var k = 0; k < stack.length; k++) {
          var e = stack[k];
          if (e === host || anchor.contains(e)) continue;
          var control = e.closest && e.closest(CONTROLS);
          if (control && !control.contains(anchor)) return control;
        }
      }
    }
    return null;
  }

  // The button at the bottom right of the visible compose body, moved up above any control of the
  // page it would cover; the open panel above it, or below it when there is no room above.
  TwoWayBadge.prototype.position = function () {
    var st = this.host.style;
    if (!this.anchor.isConnected) { st.display = "none"; return; }
    var box = visibleRect(this.anchor);
    if (box.right - box.left < 1 || box.bottom - box.top < 1) { st.display = "none"; return; }
    st.display = "block";
    st.left = "0px";
    st.top = "0px";
    var bw = this.button.offsetWidth || 60, bh = this.button.offsetHeight || 26;
    var hw = this.host.offsetWidth || bw, hh = this.host.offsetHeight || bh;
    var right = Math.round(box.right - 6);
    var top = Math.round(box.bottom - 6 - bh);
    for (var tries = 0; tries < 4; tries++) {
      var control = controlUnder(this.host, this.anchor, right - bw, top, bw, bh);
      if (!control) break;
      top = Math.round(control.getBoundingClientRect().top - 4 - bh);
    }
    top = Math.max(0, top);
    var panel = hh - bh;            // the open panel and the gap, 0 when closed
    var below = panel > 0 && top - panel < 0;
    this.wrap.style.flexDirection = below ? "column-reverse" : "column";
    this.host.dataset.panelSide = panel > 0 ? (below ? "below" : "above") : "";
    st.left = Math.max(0, right - hw) + "px";
    st.top = (below ? top : top - panel) + "px";
  };

  TwoWayBadge.prototype.destroy = function () { this.host.remove(); };

  root.TwoWayBadge = TwoWayBadge;
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * The badge at a compose box: alignment score + number of findings; click for the numbers panel.
 *
 *   new TwoWayBadge(editorEl, {onOpenOptions}) -> .update({state, score, count, message, stats, issues})
 *                                                  .position() ; .destroy()
 * state: "idle" | "busy" | "ok" | "error" | "off". The host element carries data-state, data-score,
 * data-count and title (for tests and screen readers); the panel is TwoWayRender.buildStatsPanel.
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
    this.last = {};
    this.update({ state: "idle" });
  }

  TwoWayBadge.prototype.update = function (info) {
    this.last = info;
    var state = info.state || "idle";
    var h = this.host;
    h.dataset.state = state;
    h.dataset.score = info.score === undefined || info.score === null ? "" : String(info.score);
    h.dataset.count = info.count === undefined ? "" : String(info.count);
    this.button.dataset.state = state;
    var label;
    if (state === "error") {
      this.score.textContent = "Two-Way: " + (info.short || "offline");
      this.count.textContent = "";
      label = info.message || "The Two-Way server is unreachable.";
    } else if (state === "ok") {
      this.score.textContent = "\u25D0 " + (info.score === undefined || info.score === null ? "\u2013" : info.score);
      this.count.textContent = info.count ? String(info.count) : "";
      label = "Two-Way: alignment " + info.score + ", " + (info.count || 0) + " finding" + (info.count === 1 ? "" : "s") + ". Click for this email's numbers.";
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
    h.title = label;
    if (!this.panel.hidden) this.renderPanel();
    this.position();
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
      this.panel.appendChild(root.TwoWayRender.buildStatsPanel(info.stats || {}, { issues: info.issues || [] }));
    }
  };

  TwoWayBadge.prototype.toggle = function (force) {
    var show = force === undefined ? this.panel.hidden : force;
    if (show) this.renderPanel();
    this.panel.hidden = !show;
    this.button.setAttribute("aria-expanded", show ? "true" : "false");
    this.host.dataset.panel = show ? "open" : "closed";
    this.position();
  };

  TwoWayBadge.prototype.position = function () {
    var r = this.anchor.getBoundingClientRect();
    var st = this.host.style;
    if (!this.anchor.isConnected || (!r.width && !r.height)) { st.display = "none"; return; }
    st.display = "block";
    st.left = "0px";
    st.top = "0px";
    var vw = document.documentElement.clientWidth || window.innerWidth;
    var vh = document.documentElement.clientHeight || window.innerHeight;
    var w = this.host.offsetWidth || 60, h = this.host.offsetHeight || 26;
    var bottom = Math.min(r.bottom, vh) - 6;
    var right = Math.min(r.right, vw) - 6;
    st.left = Math.max(0, Math.round(right - w)) + "px";
    st.top = Math.max(0, Math.round(bottom - h)) + "px";
  };

  TwoWayBadge.prototype.destroy = function () { this.host.remove(); };

  root.TwoWayBadge = TwoWayBadge;
})(typeof globalThis !== "undefined" ? globalThis : this);

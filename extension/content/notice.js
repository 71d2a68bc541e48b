/*
 * A short notice after the rep clicked a wording: "Applied - Undo", or why nothing was replaced
 * ("copied": the sentence holds a chip or image the server never saw; "changed": the words moved
 * since they were read; "failed": the editor did not take the wording as planned). In a closed
 * shadow root; announced to screen readers (role=status). One at a time.
 *
 *   TwoWayNotice.show(fieldEl, {state, message, text?, undoLabel?, onUndo?() -> Promise<bool>})
 *   TwoWayNotice.hide() ; TwoWayNotice.copy(text)
 * The host carries only data-state (applied | copied | changed | failed | undone), for tests.
 */
(function (root) {
  "use strict";
  var SHOW_MS = 8000;
  var box = null;
  var timer = 0;

  function ensure() {
    if (box && box.host.isConnected) return box;
    box = root.TwoWayCard.makeHost("notice");
    box.wrap = document.createElement("div");
    box.wrap.className = "tw-notice";
    box.wrap.setAttribute("role", "status");
    box.wrap.setAttribute("aria-live", "polite");
    box.shadow.appendChild(box.wrap);
    box.host.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.stopPropagation(); hide(); }
    }, true);
    return box;
  }

  function hide() {
    clearTimeout(timer);
    if (box) { box.host.style.display = "none"; box.host.dataset.state = ""; }
  }

  function place(host, fieldEl) {
    var anchor = root.TwoWayFrames.outerElement(fieldEl);
    var r = anchor.getBoundingClientRect();
    host.style.display = "block";
    var vh = document.documentElement.clientHeight || window.innerHeight;
    var top = Math.min(r.bottom + 6, vh - (host.offsetHeight || 36) - 6);
    host.style.left = Math.round(Math.max(6, r.left)) + "px";
    host.style.top = Math.round(Math.max(6, top)) + "px";
  }

  function show(fieldEl, info) {
    var b = ensure();
    clearTimeout(timer);
    b.wrap.replaceChildren();
    b.host.dataset.state = info.state;
    var msg = document.createElement("span");
    msg.className = "tw-notice-message";
    msg.textContent = info.message;
    b.wrap.appendChild(msg);
    if (info.text) {
      var q = document.createElement("span");
      q.className = "tw-notice-text";
      q.textContent = "\u201c" + info.text + "\u201d";
      b.wrap.appendChild(q);
    }
    if (info.onUndo) {
      var undo = document.createElement("button");
      undo.type = "button";
      undo.className = "tw-notice-undo";
      undo.textContent = info.undoLabel || "Undo";
      undo.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
      undo.addEventListener("click", function (ev) {
        ev.preventDefault();
        undo.disabled = true;
        Promise.resolve(info.onUndo()).then(function (ok) {
          if (ok) show(fieldEl, { state: "undone", message: "Undone." });
          else show(fieldEl, { state: "failed", message: "The sentence changed since: nothing was undone." });
        });
      });
      b.wrap.appendChild(undo);
    }
    place(b.host, fieldEl);
    timer = setTimeout(hide, SHOW_MS);
  }

  // The clipboard needs the click's user activation; when the browser refuses, the notice shows
  // the wording to select by hand.
  function copy(text) {
    try {
      if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).catch(function () {});
    } catch (err) { /* not allowed here */ }
  }

  root.TwoWayNotice = { show: show, hide: hide, copy: copy };
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * The finding card, in a closed shadow root so the page's CSS cannot reach it.
 *
 *   globalThis.TwoWayCard = {
 *     cssText() -> Promise<string>   twoway.css (for shadow roots and same-origin frames)
 *     makeHost(kind) -> {host, shadow, style}   a fixed-position host on <html> (also used by the badge)
 *     open(issue, anchorRange, handlers, {focus, hover}) ; close(reason) ; isOpen() ; current()
 *     keepOpen() / closeSoon()   hover bookkeeping
 *   }
 * handlers: {onApply(rep), onKeep(reason|null), onMute(), onClose(reason)}; rendering is TwoWayRender.buildCard.
 * Keyboard: Tab moves through the card's buttons, Esc closes it (focus goes back to the editor).
 * A modal dialog (aria-modal, Tab stays inside, Esc closes and focus goes back to the text).
 * opts: {focus, hover, mode: "apply" | "copy", extend(cardEl)} (extend: more buttons, e.g. feedback).
 * The host carries only data-open and data-mode (no rule id, no score: nothing of the finding
 * is readable by the page); all text is set as text.
 */
(function (root) {
  "use strict";
  var cssPromise = null;
  var cssLoaded = null;      // the text, once known: new hosts get it synchronously
  var pageCss = "";          // the underline and mirror styles only, for same-origin frames

  function cssText() {
    if (!cssPromise) {
      cssPromise = new Promise(function (resolve) {
        root.TwoWayMessages.send({ type: root.TwoWayMessages.CSS }).then(function (resp) {
          cssLoaded = resp && resp.ok ? resp.css : "";
          pageCss = resp && resp.ok ? resp.pageCss || "" : "";
          resolve(cssLoaded);
        });
      });
    }
    return cssPromise;
  }

  function makeHost(kind) {
    var host = document.createElement("twoway-" + kind);
    host.dataset.twoway = kind;
    host.style.cssText = "all: initial; position: fixed; z-index: 2147483647; top: 0; left: 0; display: none;";
    var shadow = host.attachShadow({ mode: "closed" });
    var style = document.createElement("style");
    style.textContent = ":host{all:initial}\n" + (cssLoaded || "");
    shadow.appendChild(style);
    if (cssLoaded === null) {
      cssText().then(function (css) {
        style.textContent = ":host{all:initial}\n" + css;
        if (kind === "card") reposition();
      });
    }
    document.documentElement.appendChild(host);
    return { host: host, shadow: shadow, style: style };
  }

  var box = null;       // {host, shadow}
  var state = null;     // {issue, range, handlers, card, returnFocus}
  var closeTimer = 0;

  function ensure() {
    if (box && box.host.isConnected) return box;
    box = makeHost("card");
    box.host.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        close("escape");
      } else if (ev.key === "Tab" && state) {
        trapTab(ev);
      }
    }, true);
    box.host.addEventListener("mouseenter", keepOpen);
    box.host.addEventListener("mouseleave", function () { if (state && state.hover) closeSoon(); });
    return box;
  }

  // A modal dialog keeps Tab inside itself: from the last button back to the first, and back.
  function trapTab(ev) {
    var items = Array.prototype.filter.call(state.card.querySelectorAll("button"), function (b) { return !b.disabled; });
    if (!items.length) { ev.preventDefault(); return; }
    var active = box.shadow.activeElement;
    var i = items.indexOf(active);
    var next = ev.shiftKey ? (i <= 0 ? items.length - 1 : i - 1) : (i < 0 || i === items.length - 1 ? 0 : i + 1);
    ev.preventDefault();
    ev.stopPropagation();
    items[next].focus();
  }

  // Copy mode: the sentence holds something the server never read (a mention chip, an image), so a
  // wording is offered to copy, never applied over it.
  function copyMode(card) {
    var note = document.createElement("p");
    note.className = "tw-card-note";
    note.textContent = "This sentence holds a mention, an image or hidden text Two-Way did not read: click a wording to copy it, then edit by hand.";
    var list = card.querySelector(".tw-card-replacements");
    if (list) {
      card.insertBefore(note, list);
      Array.prototype.forEach.call(list.querySelectorAll("button"), function (b) {
        b.title = "Copy this wording";
        b.setAttribute("aria-label", "Copy: " + b.textContent);
      });
    }
  }

  function place(host, range) {
    // In top-viewport coordinates, also for a range inside a same-origin iframe.
    var rects = range ? root.TwoWayFrames.clientRects(range) : [];
    var r = rects.length ? rects[0] : { left: 20, top: 20, bottom: 20 };
    var card = state && state.card;
    // Measure at the origin, where the host has the whole viewport to lay out in.
    host.style.left = "0px";
    host.style.top = "0px";
    host.style.display = "block";
    host.style.visibility = "hidden";
    if (card) card.style.maxHeight = "";
    var w = host.offsetWidth || 320, h = host.offsetHeight || 160;
    var vw = document.documentElement.clientWidth || window.innerWidth;
    var vh = document.documentElement.clientHeight || window.innerHeight;
    var left = Math.max(8, Math.min(r.left, vw - w - 8));
    var below = vh - r.bottom - 14, above = r.top - 14;
    var top;
    if (h <= below || below >= above) {
      top = r.bottom + 6;
      if (h > below && card) card.style.maxHeight = Math.max(120, below) + "px";
    } else {
      if (h > above && card) { card.style.maxHeight = Math.max(120, above) + "px"; h = host.offsetHeight; }
      top = r.top - h - 6;
    }
    host.style.left = Math.round(left) + "px";
    host.style.top = Math.round(Math.max(4, top)) + "px";
    host.style.visibility = "visible";
  }

  function open(issue, range, handlers, opts) {
    opts = opts || {};
    clearTimeout(closeTimer);
    if (state && state.issue === issue && !opts.focus) { state.hover = state.hover && opts.hover; return; }
    var b = ensure();
    var prevFocus = opts.focus ? document.activeElement : null;
    if (state) close("replaced", true);
    var wrapped = {
      onApply: handlers.onApply && function (rep) { close("apply", true); handlers.onApply(rep); },
      // "Keep it", with the reason the rep tapped (or none): see TwoWayRender.buildCard.
      onKeep: handlers.onKeep && function (reason) { close("ignore", true); handlers.onKeep(reason); },
      onMute: handlers.onMute && function () { close("mute", true); handlers.onMute(); },
      onClose: function () { close("button"); },
    };
    var card = root.TwoWayRender.buildCard(issue, wrapped);
    card.setAttribute("aria-modal", "true");
    if (opts.mode === "copy") copyMode(card);
    if (opts.extend) opts.extend(card);      // further buttons (feedback), added by the caller
    b.shadow.appendChild(card);
    state = { issue: issue, range: range, handlers: handlers, card: card, hover: !!opts.hover, returnFocus: prevFocus };
    b.host.dataset.open = "true";
    b.host.dataset.mode = opts.mode || "apply";
    place(b.host, range);
    root.TwoWayHighlight.setActive(range);
    if (opts.focus) {
      // Enter on the first stop applies (or copies) a wording; on a card without one it closes:
      // never "Keep it".
      var first = card.querySelector("button.tw-card-replacement:not([disabled])") ||
        card.querySelector(".tw-card-close") || card;
      first.focus();
    }
  }

  function close(reason, silent) {
    clearTimeout(closeTimer);
    if (!state) return;
    var s = state;
    state = null;
    s.card.remove();
    if (box) {
      box.host.style.display = "none";
      box.host.dataset.open = "false";
    }
    root.TwoWayHighlight.setActive(null);
    if (!silent && s.handlers.onClose) s.handlers.onClose(reason || "close");
  }

  function keepOpen() { clearTimeout(closeTimer); }
  function closeSoon() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(function () { if (state && state.hover) close("hover"); }, 350);
  }
  function isOpen() { return !!state; }
  function current() { return state; }
  function contains(node) { return !!(box && node && (node === box.host)); }
  function reposition() { if (state && box) place(box.host, state.range); }

  function pageCssText() { return pageCss; }

  root.TwoWayCard = { cssText: cssText, pageCssText: pageCssText, makeHost: makeHost, open: open, close: close, isOpen: isOpen, current: current,
    keepOpen: keepOpen, closeSoon: closeSoon, contains: contains, reposition: reposition };
})(typeof globalThis !== "undefined" ? globalThis : this);

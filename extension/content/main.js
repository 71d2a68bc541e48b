/*
 * Content script entry: finds compose boxes (now and as they appear), wires each to a
 * TwoWayCompose, keeps settings fresh. Read-only towards the page until the rep applies a fix.
 *
 * Webmail (Gmail, Outlook on the web): the message-body editors and their subject lines.
 * Other sites the rep turned on (options -> sites): every visible <textarea> and contenteditable.
 */
(function (root) {
  "use strict";
  if (root.__twowayLoaded) return;       // injected twice (manifest + registered script)
  root.__twowayLoaded = true;
  var ext = root.chrome || root.browser;

  var WEBMAIL = /^(mail\.google\.com|outlook\.office\.com|outlook\.office365\.com|outlook\.live\.com)$/;
  var webmail = WEBMAIL.test(location.hostname);

  var BODY_WEBMAIL = [
    "[contenteditable=\"true\"][g_editable=\"true\"]",
    "[contenteditable=\"true\"][role=\"textbox\"][aria-label^=\"message body\" i]",
  ].join(",");
  var BODY_SITE = "textarea, [contenteditable=\"true\"], [contenteditable=\"\"], [contenteditable=\"plaintext-only\"]";
  var SUBJECT = [
    "input[name=\"subjectbox\"]",
    "input[aria-label=\"subject\" i]", "input[aria-label=\"add a subject\" i]",
    "input[placeholder=\"add a subject\" i]", "input[name=\"subject\" i]",
  ].join(",");

  var settings = root.TwoWaySettings ? root.TwoWaySettings.normalize(null) : {};
  var composes = [];

  function getSettings() { return settings; }
  function saveMuted(rule) {
    if (!rule || settings.muted.indexOf(rule) >= 0) return;
    var muted = settings.muted.concat([rule]);
    settings.muted = muted;
    composes.forEach(function (c) { c.render(); });
    try { ext.storage.local.set({ muted: muted }); } catch (err) { /* orphaned */ }
  }

  function usable(el) {
    if (el.closest("[data-twoway]")) return false;
    if (el.localName === "textarea") {
      if (el.readOnly || el.disabled) return false;
      return el.getClientRects().length > 0;
    }
    if (!el.isContentEditable) return false;
    // Only the outermost editable of a nested group.
    var parent = el.parentElement && el.parentElement.closest("[contenteditable]");
    if (parent && parent.isContentEditable) return false;
    if (!webmail && el.getClientRects().length === 0) return false;
    // Outlook's separate signature editor is not the message.
    var label = (el.getAttribute("aria-label") || "").toLowerCase();
    if (label.indexOf("signature") === 0) return false;
    return true;
  }

  function findSubject(body, selector) {
    if (body.localName === "textarea" || body.localName === "input") {
      var form = body.form || body.closest("form");
      return form ? form.querySelector(SUBJECT) : null;
    }
    var node = body.parentElement;
    for (var depth = 0; node && depth < 40; depth++, node = node.parentElement) {
      var subj = node.querySelector(SUBJECT);
      if (subj) {
        // The nearest ancestor holding a subject must hold no other compose body.
        return node.querySelectorAll(selector).length <= 1 ? subj : null;
      }
    }
    return null;
  }

  function known(el) {
    for (var i = 0; i < composes.length; i++) if (composes[i].owns(el)) return true;
    return false;
  }

  function scan() {
    // Drop boxes that left the page.
    composes = composes.filter(function (c) {
      if (c.connected()) return true;
      c.destroy();
      return false;
    });
    var selector = webmail ? BODY_WEBMAIL : BODY_SITE;
    var found = document.querySelectorAll(selector);
    for (var i = 0; i < found.length; i++) {
      var el = found[i];
      if (known(el) || !usable(el)) continue;
      var subject = findSubject(el, selector);
      if (subject && known(subject)) subject = null;
      composes.push(new root.TwoWayCompose(el, { subject: subject, getSettings: getSettings, saveMuted: saveMuted }));
    }
  }

  var scanTimer = 0;
  function scanSoon() {
    if (scanTimer) return;
    scanTimer = setTimeout(function () { scanTimer = 0; scan(); }, 120);
  }

  var layoutQueued = false;
  function layoutSoon() {
    if (layoutQueued) return;
    layoutQueued = true;
    requestAnimationFrame(function () {
      layoutQueued = false;
      composes.forEach(function (c) { c.layout(false); });
      root.TwoWayCard.reposition();
    });
  }

  function start() {
    var mo = new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].addedNodes.length || records[i].removedNodes.length) { scanSoon(); return; }
      }
    });
    mo.observe(document.documentElement, { childList: true, subtree: true });
    if (!webmail) {
      // A field made editable later, or shown later, is picked up when the rep focuses it.
      document.addEventListener("focusin", function (ev) {
        var t = ev.target;
        if (t && t.matches && t.matches(BODY_SITE) && !known(t)) scanSoon();
      }, true);
    }
    window.addEventListener("scroll", layoutSoon, { capture: true, passive: true });
    window.addEventListener("resize", layoutSoon, { passive: true });
    document.addEventListener("mousedown", function (ev) {
      if (!root.TwoWayCard.isOpen()) return;
      var path = ev.composedPath ? ev.composedPath() : [];
      for (var i = 0; i < path.length; i++) if (path[i] && path[i].dataset && path[i].dataset.twoway) return;
      root.TwoWayCard.close("outside", true);
    }, true);
    scan();
  }

  function loadSettings(then) {
    if (!root.TwoWaySettings) { then(); return; }
    root.TwoWaySettings.load().then(function (s) { settings = s; then(); }, then);
  }

  try {
    ext.storage.onChanged.addListener(function (changes, area) {
      if (area !== "local") return;
      loadSettings(function () { composes.forEach(function (c) { c.render(); }); });
    });
  } catch (err) { /* orphaned */ }

  loadSettings(start);
})(typeof globalThis !== "undefined" ? globalThis : this);

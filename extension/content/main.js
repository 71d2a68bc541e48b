/*
 * Content script entry: finds compose boxes (now and as they appear, in this document and in
 * its same-origin frames), wires each to a TwoWayCompose with its editor family's adapter, keeps
 * settings fresh. Read-only towards the page until the rep applies a wording.
 *
 * Webmail hosts (TwoWayHosts): the Gmail and Outlook adapters. Other sites the rep turned on:
 * TinyMCE, CKEditor 5, Quill, ProseMirror, then any other textarea / contenteditable.
 * A frame whose parent this script can reach is left to the parent's script (frames.js).
 *
 * Settings come from the background as a view without the token or the server URL
 * (TwoWayMessages.SETTINGS); this script never reads or writes extension storage. Nothing is
 * watched or sent until the setup is saved, while the rep turned this site off or snoozed it, or
 * while every category is off. Only what the rep writes is read: not code editors, search or
 * combobox fields, fields with spellcheck off, nor password-like fields (TwoWayField.prose).
 */
(function (root) {
  "use strict";
  if (root.__twowayLoaded) return;       // injected twice (manifest + registered script)
  root.__twowayLoaded = true;
  // (window, not root: in Firefox a content script's global is a sandbox, not the window.)
  if (window.top !== window.self && root.TwoWayFrames.reachable(window.parent)) return;
  var ext = root.chrome || root.browser;
  var M = root.TwoWayMessages;

  var webmail = root.TwoWayHosts.isWebmail(location.hostname);
  var adapters = root.TwoWayAdapters.active(webmail);
  var settings = { configured: false, active: false, categories: {}, muted: [], snoozedUntil: 0 };
  var composes = [];
  var watched = new WeakSet();          // documents with our observers
  var cssText = "";

  function getSettings() { return settings; }
  // Muting is asked of the background (the only writer of settings), with the rule's message for
  // the options page's list.
  function saveMuted(rule, name) {
    if (!rule || settings.muted.indexOf(rule) >= 0) return;
    settings.muted = settings.muted.concat([rule]);
    composes.forEach(function (c) { c.render(); });
    M.send({ type: M.MUTE, rule: rule, name: name || rule });
  }
  // A category not listed in the settings is shown (its keys: lib/definitions.js).
  function anyCategory() {
    var cats = settings.categories || {};
    return root.TwoWayDefinitions.categories.some(function (c) { return cats[c.key] !== false; });
  }
  function running() { return settings.active && anyCategory(); }

  function usable(el, adapter) {
    if (el.closest("[data-twoway]")) return false;
    if (!root.TwoWayField.prose(el, adapter.name !== "plain")) return false;
    if (el.localName === "textarea") {
      if (el.readOnly || el.disabled) return false;
      return el.getClientRects().length > 0;
    }
    if (!el.isContentEditable) return false;
    // Only the outermost editable of a nested group.
    var parent = el.parentElement && el.parentElement.closest("[contenteditable]");
    if (parent && parent.isContentEditable) return false;
    if (!webmail && adapter.name === "plain" && el.getClientRects().length === 0 && el !== el.ownerDocument.body) return false;
    return !adapter.accept || adapter.accept(el);
  }

  // The subject line of this body: in the nearest ancestor (across frames) that holds one, when
  // that ancestor holds no other compose body.
  function findSubject(body, adapter) {
    if (!adapter.subjects) return null;
    if (body.localName === "textarea" || body.localName === "input") {
      var form = body.form || body.closest("form");
      if (form) return form.querySelector(adapter.subjects);
    }
    var node = root.TwoWayFrames.outerElement(body);
    for (var el = node.parentElement, depth = 0; el && depth < 40; depth++, el = el.parentElement) {
      var subj = el.querySelector(adapter.subjects);
      if (subj) return el.querySelectorAll(adapter.bodies + ", iframe").length <= 1 ? subj : null;
    }
    return null;
  }

  function known(el) {
    for (var i = 0; i < composes.length; i++) if (composes[i].owns(el)) return true;
    return false;
  }

  function scanDocument(doc) {
    watch(doc);
    for (var a = 0; a < adapters.length; a++) {
      var adapter = adapters[a];
      var found = doc.querySelectorAll(adapter.bodies);
      for (var i = 0; i < found.length; i++) {
        var el = found[i];
        if (known(el) || !usable(el, adapter)) continue;
        if (composes.some(function (c) { return c.body.el.contains(el) || el.contains(c.body.el); })) continue;
        var subject = findSubject(el, adapter);
        if (subject && known(subject)) subject = null;
        if (doc !== document) root.TwoWayHighlight.adoptStyles(doc, cssText);
        composes.push(new root.TwoWayCompose(el, {
          adapter: adapter, subject: subject, anchor: root.TwoWayFrames.outerElement(el),
          getSettings: getSettings, saveMuted: saveMuted,
        }));
      }
    }
  }

  function scan() {
    composes = composes.filter(function (c) {
      if (c.connected() && running()) return true;
      c.destroy();
      return false;
    });
    if (running()) root.TwoWayFrames.documents(document).forEach(scanDocument);
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

  // Observers on a document (this one or a same-origin frame's): new editors, frames that load,
  // scrolling, and clicks outside the card.
  function watch(doc) {
    if (watched.has(doc)) return;
    watched.add(doc);
    var win = doc.defaultView;
    new win.MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        if (records[i].addedNodes.length || records[i].removedNodes.length) { scanSoon(); return; }
      }
    }).observe(doc, { childList: true, subtree: true });
    doc.addEventListener("load", function (ev) { if (ev.target && ev.target.localName === "iframe") scanSoon(); }, true);
    // A field made editable or shown later is picked up when the rep focuses it.
    doc.addEventListener("focusin", function (ev) { if (ev.target && !known(ev.target)) scanSoon(); }, true);
    win.addEventListener("scroll", layoutSoon, { capture: true, passive: true });
    win.addEventListener("resize", layoutSoon, { passive: true });
    doc.addEventListener("mousedown", function (ev) {
      if (!root.TwoWayCard.isOpen()) return;
      var path = ev.composedPath ? ev.composedPath() : [];
      for (var i = 0; i < path.length; i++) if (path[i] && path[i].dataset && path[i].dataset.twoway) return;
      root.TwoWayCard.close("outside", true);
    }, true);
  }

  var wakeTimer = 0;
  function loadSettings(then) {
    M.send({ type: M.SETTINGS }).then(function (resp) {
      if (resp && resp.ok) settings = resp.view;
      // A snooze ends by itself: look again then.
      clearTimeout(wakeTimer);
      if (settings.snoozedUntil) wakeTimer = setTimeout(function () { loadSettings(refresh); }, settings.snoozedUntil - Date.now() + 500);
      then();
    });
  }

  function refresh() {
    scan();
    composes.forEach(function (c) { c.settingsChanged(); });
  }

  // The background says settings changed (never storage itself: that would carry the token).
  try {
    ext.runtime.onMessage.addListener(function (msg, sender) {
      if (!msg || msg.type !== M.SETTINGS_CHANGED || !sender || sender.id !== ext.runtime.id || sender.tab) return false;
      loadSettings(refresh);
      return false;
    });
  } catch (err) { /* orphaned */ }

  // The compose boxes and the settings view, for the send guard (sendguard.js).
  root.TwoWayComposes = {
    find: function (el) {
      for (var i = 0; i < composes.length; i++) {
        var c = composes[i];
        if (c.owns(el) || (el && el.nodeType === 1 && (el.contains(c.body.el) || c.body.el.contains(el)))) return c;
      }
      return null;
    },
    all: function () { return composes.slice(); },
    settings: function () { return settings; },
  };

  root.TwoWayCard.cssText().then(function () { cssText = root.TwoWayCard.pageCssText(); loadSettings(scan); });
})(typeof globalThis !== "undefined" ? globalThis : this);

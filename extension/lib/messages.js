/*
 * The one definition of the messages between Two-Way's parts: content scripts, the options page
 * (also the first-run setup page), the toolbar popup, and the background (service worker in
 * Chrome, event page in Firefox), which is the only part that reads the token, writes settings for
 * a page, and talks to the server. Loaded by every side. Every request names its type; the
 * background answers a type only from the senders SENDERS lists (checked on runtime.MessageSender:
 * its own content scripts in a tab, or its own extension pages by path).
 *
 *   LINT            {type, text, subject, mode?, thread?} content -> {ok: true, data} | Failure
 *        mode: "send" (default) | "template"; thread: the box replies to a message (docs/readiness.md)
 *   SEND_GUARD      {type, event: "held" | "sentAnyway"} content -> {ok: true}  (the send guard's count,
 *        kept in this browser's storage only, shown on the options page)
 *   CSS             {type}                                content, options, popup -> {ok: true, css, pageCss}
 *        css: twoway.css (for closed shadow roots); pageCss: content/page.css (underlines, mirror)
 *   OPEN_OPTIONS    {type}                                content, popup -> {ok: true}
 *   SETTINGS        {type}                                content -> {ok: true, view}
 *        view = {configured, active, categories, muted, snoozedUntil}: no token, no server URL;
 *        `active` is false when the rep turned Two-Way off or snoozed it for the tab's site.
 *   MUTE            {type, rule, name}                    content -> {ok: true}  (name: the rule's message, for the options)
 *   IGNORE          {type, draft, key}                    content -> {ok: true, keys}  ("Keep it", kept per draft;
 *        draft and key are hashes: no email text is stored). {type, draft} alone lists the keys.
 *   FEEDBACK        {type, rule, action, reason?}          content -> {ok: true, sent}  (what the rep did with a
 *        card, as codes: action fixed | kept | muted, reason not_one_way | reader_asked | other; the
 *        background adds the rep's profile and sends it to POST /api/v1/feedback, or nothing at all
 *        when the rep turned feedback off: sent false)
 *   TEST_CONNECTION {type, serverUrl, token}              options -> {ok: true, outcome, message, serverUrl, version?}
 *   STATUS          {type, url}                           options, popup -> {ok: true, server, site, configured}
 *        server = {state: "setup" | "unknown" | "ok" | "slow" | "unreachable" | "error", short, message}
 *        site   = {origin, kind: "webmail" | "site" | "other" | "none", on, snoozedUntil, pattern}
 *   SET_SITE        {type, url, on?, snoozeMinutes?}      options, popup -> {ok: true, site} | Failure
 *        on=false turns a site off (a turned-on site also loses its host permission); on=true turns it
 *        back on (a new site: the caller asked permissions.request in the click first).
 *   From the background to content scripts (tabs.sendMessage): SETTINGS_CHANGED {type}, after which a
 *   content script asks SETTINGS again (storage itself is never read by content scripts).
 *
 *   Failure = {ok: false, status, code, short, message, retry, retryAfter?, state?}
 *     status      the server's HTTP status; 0 when no Two-Way server answered;
 *     code        "setup" | "unreachable" | "slow" | "wrong_scheme" | "wrong_path" | "not_twoway" |
 *                 "token_missing" | "token_wrong" | the server's error code ("text_too_long"...) |
 *                 "bad_response" | "extension" | "forbidden" | "internal";
 *     short       a few words for the badge; message: one sentence saying what to do;
 *     retry       whether trying the same text again later can help (false for a 4xx about the text);
 *     retryAfter  ms until the background will try the server again (its one circuit breaker): the
 *                 content script waits that long and never computes a backoff of its own;
 *     state       the breaker's state ("setup", "slow", "unreachable", "error").
 *
 *   TwoWayMessages.send(message) -> Promise<answer>   never rejects: an extension error (orphaned
 *                                                      content script, no background) is a Failure.
 *   TwoWayMessages.failure(status, code, short, message, retry, extra?) -> Failure
 *   TwoWayMessages.allowed(type, senderKind) -> bool
 */
(function (root) {
  "use strict";

  var LINT = "lint";
  var CSS = "css";
  var OPEN_OPTIONS = "openOptions";
  var SETTINGS = "settings";
  var MUTE = "mute";
  var IGNORE = "ignore";
  var FEEDBACK = "feedback";
  var TEST_CONNECTION = "testConnection";
  var STATUS = "status";
  var SET_SITE = "setSite";
  var SETTINGS_CHANGED = "settingsChanged";
  var SEND_GUARD = "sendGuard";

  var SENDERS = {};
  SENDERS[LINT] = ["content"];
  SENDERS[CSS] = ["content", "options", "popup"];
  SENDERS[OPEN_OPTIONS] = ["content", "popup"];
  SENDERS[SETTINGS] = ["content"];
  SENDERS[MUTE] = ["content"];
  SENDERS[IGNORE] = ["content"];
  SENDERS[FEEDBACK] = ["content"];
  SENDERS[TEST_CONNECTION] = ["options"];
  SENDERS[STATUS] = ["options", "popup"];
  SENDERS[SET_SITE] = ["options", "popup"];
  SENDERS[SEND_GUARD] = ["content"];

  function failure(status, code, short, message, retry, extra) {
    var f = { ok: false, status: status, code: code, short: short, message: message, retry: retry !== false };
    if (extra) Object.keys(extra).forEach(function (k) { f[k] = extra[k]; });
    return f;
  }

  function allowed(type, kind) {
    return Object.prototype.hasOwnProperty.call(SENDERS, type) && SENDERS[type].indexOf(kind) >= 0;
  }

  function send(message) {
    var ext = root.chrome || root.browser;
    return new Promise(function (resolve) {
      var unreachable = failure(0, "extension", "reload page", "Two-Way could not reach its background: reload this page.", false);
      try {
        ext.runtime.sendMessage(message, function (answer) {
          var err = ext.runtime.lastError;
          resolve(err || !answer ? unreachable : answer);
        });
      } catch (err) {
        resolve(unreachable);   // the extension was reloaded or removed: this script is orphaned
      }
    });
  }

  root.TwoWayMessages = {
    LINT: LINT, CSS: CSS, OPEN_OPTIONS: OPEN_OPTIONS, SETTINGS: SETTINGS, MUTE: MUTE, IGNORE: IGNORE, FEEDBACK: FEEDBACK,
    TEST_CONNECTION: TEST_CONNECTION, STATUS: STATUS, SET_SITE: SET_SITE, SETTINGS_CHANGED: SETTINGS_CHANGED,
    SEND_GUARD: SEND_GUARD,
    TYPES: Object.keys(SENDERS), SENDERS: SENDERS,
    failure: failure, send: send, allowed: allowed,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);

/*
 * The one definition of the messages between Two-Way's content scripts / options page and its
 * background (service worker in Chrome, event page in Firefox). Loaded by both sides.
 *
 *   TwoWayMessages.LINT            {type: "lint", text, subject, grammar?, mode?: "send"|"template", thread?: bool}
 *        -> {ok: true, data}  (data: the server's lint answer)
 *         | Failure
 *   TwoWayMessages.CSS             {type: "css"}             -> {ok: true, css}  (twoway.css, for closed shadow roots)
 *   TwoWayMessages.OPEN_OPTIONS    {type: "openOptions"}     -> {ok: true}        (the badge's "Options" button)
 *   TwoWayMessages.TEST_CONNECTION {type: "testConnection", serverUrl, token}
 *        -> {ok: true, outcome, message, serverUrl, version?}   (outcomes: TwoWayConnection.OUTCOMES)
 *
 *   Failure = {ok: false, status, code, short, message, retry}
 *     status  the server's HTTP status; 0 when no Two-Way server answered (unreachable, wrong
 *             scheme, wrong path), so the content script keeps retrying with backoff;
 *     code    "unreachable" | "wrong_scheme" | "wrong_path" | "token_missing" | "token_wrong" |
 *             the server's error code | "bad_response" | "extension" | "internal";
 *     short   a few words for the badge ("token wrong"); message: one sentence saying what to do;
 *     retry   whether trying again later can help without an edit (false for a 4xx about the text).
 *
 *   TwoWayMessages.send(message) -> Promise<answer>   never rejects: an extension error (orphaned
 *                                                      content script, no background) is a Failure.
 *   TwoWayMessages.failure(status, code, short, message, retry) -> Failure
 */
(function (root) {
  "use strict";

  var LINT = "lint";
  var CSS = "css";
  var OPEN_OPTIONS = "openOptions";
  var TEST_CONNECTION = "testConnection";

  function failure(status, code, short, message, retry) {
    return { ok: false, status: status, code: code, short: short, message: message, retry: retry !== false };
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
    LINT: LINT, CSS: CSS, OPEN_OPTIONS: OPEN_OPTIONS, TEST_CONNECTION: TEST_CONNECTION,
    TYPES: [LINT, CSS, OPEN_OPTIONS, TEST_CONNECTION],
    failure: failure, send: send,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);

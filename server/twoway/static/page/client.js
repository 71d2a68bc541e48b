/*
 * The lint page's one request: POST /api/v1/page/lint (the API's lint answer plus the page's
 * view model, "view"), with the token as a bearer header when there is one.
 *
 *   globalThis.TwoWayPageClient = {
 *     lint(url, {text, subject, grammar, mode}, token, signal) -> Promise<{status, ok, body}>
 *         body is the parsed JSON answer, or {} when the answer was not JSON.
 *   }
 */
(function (root) {
  "use strict";

  function lint(url, payload, token, signal) {
    var headers = { "Content-Type": "application/json", "Accept": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return root.fetch(url, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      cache: "no-store",
      body: JSON.stringify(payload),
      signal: signal,
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, ok: response.ok, body: body || {} };
      });
    });
  }

  root.TwoWayPageClient = { lint: lint };
})(window);

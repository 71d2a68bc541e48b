/*
 * The lint page's one request: POST /api/v1/page/lint (the API's lint answer plus the page's
 * view model, "view"), with the token as a bearer header when there is one.
 *
 *   globalThis.TwoWayPageClient = {
 *     lint(url, {text, subject, grammar, mode}, token, signal) -> Promise<{status, ok, body}>
 *         body is the parsed JSON answer, or {} when the answer was not JSON.
 *     feedback(url, body, token)   POST /api/v1/feedback (codes only: TwoWayFeedback.body); best effort
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

  function feedback(url, body, token) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return root.fetch(url, { method: "POST", headers: headers, credentials: "same-origin", cache: "no-store",
                             body: JSON.stringify(body) }).catch(function () { /* a lost count never bothers the rep */ });
  }

  root.TwoWayPageClient = { lint: lint, feedback: feedback };
})(window);

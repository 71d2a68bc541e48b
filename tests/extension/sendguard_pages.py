"""Compose pages whose Send is wired the way Gmail and Outlook on the web wire it, for the send
guard's tests and screenshots (content/sendguard.js). Built from the webmail samples in pages/
(copies of ../shared/dom, each keeping its attribution header):

- Gmail: the full "New Message" dialog of 01-gmail-compose-dialog_js-min.html, whose Send is a
  div[role=button] with data-tooltip "Send (Ctrl-Enter)". Wired as Closure's goog.ui buttons that
  Gmail uses: a mousedown arms the button and a mouseup on it sends; Enter (keydown) or Space
  (keyup) on the focused button sends; Ctrl/Cmd+Enter anywhere in the compose sends.
- Outlook on the web: 03-owa-compose-body_reconstructed.html's editor, inside a compose form with
  a German UI (Fluent UI's primary button "Senden", subject "Betreff"): a click on Send sends;
  Ctrl+Enter in the compose sends.

Each send is recorded in window.__sent as {via, body, subject}: what the page would have sent.
"""
from __future__ import annotations

from ext_harness import GMAIL_URL, OUTLOOK_URL, gmail_dialog_fragment, owa_fragment, page_html

GMAIL_SEND = 'div[role="button"][data-tooltip^="Send"]'
GMAIL_BODY = '[g_editable="true"]'
OUTLOOK_SEND = "button.ms-Button--primary"
OUTLOOK_BODY = '[role="textbox"][aria-multiline="true"]'

_RECORD = """
window.__sent = [];
function __record(via, body, subject) {
  window.__sent.push({ via: via, body: body.innerText, subject: subject ? subject.value : "" });
}
"""

GMAIL_WIRING = "<script>" + _RECORD + """
(function () {
  var dialog = document.querySelector('[role="dialog"]');
  var send = dialog.querySelector('div[role="button"][data-tooltip^="Send"]');
  var body = dialog.querySelector('[g_editable="true"]');
  var subject = dialog.querySelector('input[name="subjectbox"]');
  var armed = false;
  send.addEventListener("mousedown", function (e) { if (e.button === 0) armed = true; });
  document.addEventListener("mouseup", function (e) {
    var on = send.contains(e.target);
    if (armed && on) __record("click", body, subject);
    armed = false;
  });
  send.addEventListener("keydown", function (e) { if (e.key === "Enter") __record("button-key", body, subject); });
  send.addEventListener("keyup", function (e) { if (e.key === " ") __record("button-key", body, subject); });
  dialog.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); __record("shortcut", body, subject); }
  });
})();
</script>"""

OUTLOOK_FORM = """
<div class="owa-compose" role="main" aria-label="Nachricht verfassen">
  <div role="toolbar" class="owa-commands">
    <button type="button" class="ms-Button ms-Button--primary" aria-label="Senden" title="Senden (Strg+Eingabe)"><span>Senden</span></button>
    <button type="button" class="ms-Button" aria-label="Verwerfen" title="Verwerfen"><span>Verwerfen</span></button>
  </div>
  <div class="owa-field"><input type="text" maxlength="255" aria-label="Betreff" placeholder="Betreff hinzuf\u00fcgen" value="{subject}"></div>
  {editor}
</div>
"""

OUTLOOK_WIRING = "<script>" + _RECORD + """
(function () {
  var form = document.querySelector(".owa-compose");
  var send = form.querySelector("button.ms-Button--primary");
  var body = form.querySelector('[role="textbox"][aria-multiline="true"]');
  var subject = form.querySelector('input[maxlength="255"]');
  send.addEventListener("click", function () { __record("click", body, subject); });
  form.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.ctrlKey) { e.preventDefault(); __record("shortcut", body, subject); }
  });
})();
</script>"""

_STYLE = """<style>
.owa-compose{max-width:760px;font:14px/1.5 'Segoe UI',Arial,sans-serif}
.owa-commands{display:flex;gap:8px;margin-bottom:10px}
.ms-Button{font:inherit;padding:5px 16px;border:1px solid #8a8886;border-radius:2px;background:#fff}
.ms-Button--primary{background:#0f6cbd;border-color:#0f6cbd;color:#fff;font-weight:600}
.owa-field input{width:100%;box-sizing:border-box;border:0;border-bottom:1px solid #edebe9;padding:6px 0;font:inherit;margin-bottom:8px}
.T-I.aoO{display:inline-block;background:#0b57d0;color:#fff;border-radius:18px;padding:8px 22px;cursor:pointer;font-weight:600}
</style>"""


def gmail_page(other_site: bool = False) -> str:
    """`other_site`: served on a site the rep turned on (Firefox's tests), where a box with spellcheck
    off is not coached as prose (field.js); Gmail's body says spellcheck="false", so it is dropped."""
    fragment = gmail_dialog_fragment()
    if other_site:
        body = fragment.index('id=":8o"')
        cut = fragment.index('spellcheck="false"', body)
        fragment = fragment[:cut] + fragment[cut + len('spellcheck="false"'):]
    return page_html(fragment + GMAIL_WIRING, "Gmail", head=_STYLE)


def outlook_page(subject: str = "Angebot", body_html: str | None = None) -> str:
    editor = owa_fragment()
    if body_html is not None:  # the sample's body content, replaced; its attribution header stays
        markup = editor.index("-->") + 3        # after the attribution header, which quotes markup too
        start = editor.index('<div class="elementToProof"', markup)
        end = editor.index('<div id="Signature"', markup)
        editor = editor[:start] + body_html + editor[end:]
    form = OUTLOOK_FORM.replace("{subject}", subject).replace("{editor}", editor)
    return page_html(form + OUTLOOK_WIRING, "Outlook", head=_STYLE)


__all__ = ["GMAIL_URL", "OUTLOOK_URL", "GMAIL_SEND", "GMAIL_BODY", "OUTLOOK_SEND", "OUTLOOK_BODY",
           "gmail_page", "outlook_page"]

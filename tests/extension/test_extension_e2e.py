"""End-to-end: the unpacked extension in real Chromium, on pages served at the real webmail URLs,
against the real Two-Way server and its rules (LanguageTool off)."""
from __future__ import annotations

import time

import pytest
import requests

from ext_harness import (GMAIL_URL, OUTLOOK_URL, SITE_URL, Browser, ServerHandle, badge_info, card_rule, expected_spans,
                      gmail_dialog_fragment, in_shadow, wait_until,
                      gmail_reply_fragment, highlighted_texts, highlights, owa_fragment, page_html, range_center,
                      wait_answers, wait_highlight, wait_texts)

ONE_WAY = "Just checking in to see if you had a chance to look. I need to hit my quota this month."
PRESSURE = "This price expires Friday, so sign today."
GMAIL_BODY = '[g_editable="true"]'



def editor_text(page, selector=GMAIL_BODY, index=0):
    return page.locator(selector).nth(index).evaluate("e => e.innerText")


def no_errors(page):
    assert page.errors == [], page.errors


def test_gmail_compose_underlines_what_the_server_flags(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type("Hi Sam,")
    page.keyboard.press("Enter")
    page.keyboard.type(ONE_WAY)
    wait_answers(page)
    wait_highlight(page, "hit my quota")
    want = expected_spans(server, "Hi Sam,\n" + ONE_WAY)
    assert want, "the rules should flag this email"
    assert highlighted_texts(page) == want
    names = {h["name"] for h in highlights(page)}
    assert names <= {"twoway-self_focus", "twoway-pressure", "twoway-style", "twoway-grammar", "twoway-spelling"}
    b = badge_info(page)
    assert b["state"] == "ok" and int(b["count"]) >= len(want) and b["score"] != ""
    # The page sees none of it: no score, count, rule or message on the host elements.
    host = page.evaluate("() => { const b = document.querySelector('twoway-badge');"
                         " return [...b.attributes].filter(a => a.name !== 'style').map(a => a.name + '=' + a.value); }")
    assert sorted(a.split("=")[0] for a in host) == ["data-answers", "data-panel-side", "data-state", "data-twoway"], host
    assert not any(server.url in a or "quota" in a for a in host)
    # Nothing of the extension's styles reaches the page but the underlines: no custom properties,
    # no card or badge rules for the page's own elements of those names.
    leaked = page.evaluate("""() => { const d = document.createElement('div'); d.className = 'tw-card tw-badge';
      document.body.appendChild(d); const cs = getComputedStyle(d);
      const out = [getComputedStyle(document.documentElement).getPropertyValue('--tw-pressure-color'),
                   cs.borderTopWidth, cs.borderRadius]; d.remove(); return out; }""")
    assert leaked == ["", "0px", "0px"], leaked
    no_errors(page)


def _gmail_reply_page():
    frag = gmail_reply_fragment()
    rep = '<div dir="ltr">foo2 (no tracking)</div>'
    assert rep in frag
    frag = frag.replace(rep, '<div dir="ltr">Hi Sam, ' + PRESSURE + '</div>'
                        '<div class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">'
                        'Just checking in to see if you had a chance to look.</div></div>', 1)
    frag = frag.replace('<div dir="ltr">more testing</div>', '<div dir="ltr">I need to hit my quota this month.</div>', 1)
    return page_html(frag, "Gmail")


def test_gmail_quoted_thread_and_signature_are_not_linted(browser, server):
    page = browser.open(GMAIL_URL, _gmail_reply_page())
    want = expected_spans(server, "Hi Sam, " + PRESSURE)
    assert want
    wait_texts(page, want)
    texts = highlighted_texts(page)
    assert not any("quota" in t or "checking in" in t.lower() for t in texts)
    no_errors(page)


def _owa_page(lang="en"):
    from editor_pages import OUTLOOK_LABELS
    body_label, subject_label = OUTLOOK_LABELS[lang]
    frag = owa_fragment()
    frag = frag.replace('aria-label="Message body, press Alt+F10 to exit"', f'aria-label="{body_label}"')
    frag = frag.replace("[placeholder greeting]", "Hi Sam,")
    frag = frag.replace("[placeholder body text — inject test emails here]", "Just checking in to see if you had a chance to look.")
    frag = frag.replace("Alex Example | Account Executive | example.com", "This price expires Friday, so sign today.")
    frag = frag.replace("[placeholder quoted original message]", "I need to hit my quota this month.")
    # The signature settings open in a modal dialog with their own multi-line editor: not a message.
    settings = ('<div role="dialog" aria-modal="true"><div role="textbox" aria-multiline="true" contenteditable="true">'
                + PRESSURE + "</div></div>")
    return page_html(f'<div role="main"><input type="text" maxlength="255" aria-label="{subject_label}" value="">'
                     + frag + "</div>" + settings, "Outlook")


@pytest.mark.parametrize("lang", ["en", "fr", "de"])
def test_outlook_compose_skips_signature_and_quoted_reply(browser, server, lang):
    """Found by role and structure in any UI language; the subject line too."""
    page = browser.open(OUTLOOK_URL, _owa_page(lang))
    want = expected_spans(server, "Hi Sam,\n\nJust checking in to see if you had a chance to look.")
    assert "Just checking in" in want
    wait_texts(page, want)
    assert page.evaluate("() => document.querySelectorAll('twoway-badge').length") == 1
    # Typing at the end of the rep's text lints it too; the signature's pressure stays unflagged.
    page.locator('[role="main"] [role="textbox"][aria-multiline="true"]').click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+Home")
    page.keyboard.type("I need to hit my quota this month. ")
    wait_highlight(page, "hit my quota")
    assert not any("sign today" in t or "expires" in t for t in highlighted_texts(page))
    # The subject line (found by structure, not by its label) is linted too.
    page.locator('input[maxlength="255"]').fill(PRESSURE)
    subject_spans = expected_spans(server, "Hi", subject=PRESSURE, field="subject")
    assert subject_spans
    wait_highlight(page, subject_spans[0])
    on_mirror = page.evaluate("""() => { const out = [];
      for (const [n, h] of CSS.highlights) for (const r of h)
        if (r.startContainer.parentElement?.dataset.twoway === 'mirror') out.push(r.toString());
      return out.sort(); }""")
    assert on_mirror == subject_spans
    no_errors(page)


MUTATION_SPY = """() => {
  const ed = document.querySelector('[g_editable="true"]');
  window.__twRecords = [];
  window.__twAttrs = ed.getAttributeNames().map(n => n + '=' + ed.getAttribute(n)).join('|');
  new MutationObserver(rs => { for (const r of rs) window.__twRecords.push(r.type + ':' + (r.attributeName || '')); })
    .observe(ed, {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def test_extension_never_changes_the_editor(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(ONE_WAY)
    page.evaluate(MUTATION_SPY)        # after the typing: from here on only the extension acts
    wait_answers(page)
    wait_highlight(page, "hit my quota")
    # Hover to open the card, open the numbers panel, close both.
    pos = range_center(page, "hit my quota")
    page.mouse.move(pos["x"], pos["y"])
    page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open === 'true'")
    page.mouse.move(5, 5)
    page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open !== 'true'", timeout=5000)
    page.locator("twoway-badge").click()
    page.wait_for_function("() => document.querySelector('twoway-badge')?.dataset.panel === 'open'")
    records = page.evaluate("() => window.__twRecords")
    attrs = page.evaluate("() => { const ed = document.querySelector('[g_editable=\"true\"]');"
                          " return ed.getAttributeNames().map(n => n + '=' + ed.getAttribute(n)).join('|'); }")
    assert records == []
    assert attrs == page.evaluate("() => window.__twAttrs")
    no_errors(page)


def test_apply_a_replacement_then_undo(browser, server):
    # A replacement replaces exactly the flagged span; the deadline rule's span is its sentence.
    text = ONE_WAY + " " + PRESSURE
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    ed = page.locator(GMAIL_BODY)
    ed.click()
    page.keyboard.type(text)
    wait_highlight(page, PRESSURE)
    issue = next(i for i in requests.post(server.url + "/api/v1/lint", json={"text": text, "grammar": False}).json()["issues"]
                 if i["text"] == PRESSURE)
    replacement = issue["replacements"][0]
    before = editor_text(page)
    pos = range_center(page, PRESSURE)
    page.mouse.click(pos["x"], pos["y"])                       # caret into the underline, card opens
    page.wait_for_function("() => document.querySelector('twoway-card')?.dataset.open === 'true'")
    assert card_rule(page) == issue["rule"]
    assert "data-rule" not in page.evaluate("() => document.querySelector('twoway-card').outerHTML")
    page.keyboard.press("Alt+Enter")                           # keyboard: focus moves into the card
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    page.keyboard.press("Escape")                              # Esc closes it, focus back in the editor
    page.wait_for_function("() => document.querySelector('twoway-card').dataset.open === 'false'")
    assert page.evaluate("() => document.activeElement?.getAttribute('g_editable')") == "true"
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    page.keyboard.press("Enter")                               # the first replacement
    page.wait_for_function("(r) => document.querySelector('[g_editable=\"true\"]').innerText.includes(r)", arg=replacement)
    after = editor_text(page)
    assert PRESSURE not in after
    assert after == before.replace(PRESSURE, replacement)
    assert PRESSURE not in highlighted_texts(page)
    page.keyboard.press("Control+z")
    page.wait_for_function("(t) => document.querySelector('[g_editable=\"true\"]').innerText.includes(t)", arg=PRESSURE)
    assert editor_text(page) == before
    wait_highlight(page, PRESSURE)                             # re-linted after the undo
    no_errors(page)


def test_underlines_follow_edits_and_drop_when_their_words_change(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(ONE_WAY)
    wait_highlight(page, "hit my quota")
    wait_highlight(page, "Just checking in")
    # Typing before a flagged span: the underline stays on the same words.
    page.keyboard.press("Control+Home")
    page.keyboard.insert_text("Hello! ")      # one edit right at the start boundary of a span
    assert {"Just checking in", "hit my quota"} <= set(highlighted_texts(page))
    page.keyboard.press("Control+End")
    page.keyboard.type(" Thanks")
    assert {"Just checking in", "hit my quota"} <= set(highlighted_texts(page))
    # Letters typed right against a flagged word make it another word: that underline goes.
    page.evaluate("""() => { const ed = document.querySelector('[g_editable="true"]');
      const w = document.createTreeWalker(ed, NodeFilter.SHOW_TEXT); let n;
      while ((n = w.nextNode())) { const i = n.data.indexOf('Just'); if (i >= 0) { getSelection().collapse(n, i); return; } } }""")
    page.keyboard.type("x")
    assert "Just checking in" not in highlighted_texts(page)
    assert "hit my quota" in highlighted_texts(page)
    # Editing inside a flagged span: its underline goes at once, before any new answer.
    pos = range_center(page, "hit my quota")
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.type("X")
    texts = highlighted_texts(page)
    assert all("quota" not in t for t in texts), texts
    no_errors(page)


def test_offsets_across_formatting_emoji_nbsp_and_links(browser, server):
    body = ('<div class="nH" role="dialog"><input name="subjectbox" aria-label="Subject">'
            '<div contenteditable="true" g_editable="true" role="textbox" aria-label="Message Body">'
            '<div>Hi 👋🏽 Sam,</div><div><br></div>'
            '<div>Just&nbsp;checking <b>in</b> to see if you had a chance to look.</div>'
            '<div><a href="https://example.com">I need</a> to hit <i>my</i> quota this month. 🎯</div>'
            '</div></div>')
    page = browser.open(GMAIL_URL, page_html(body, "Gmail"))
    want = expected_spans(server, "Hi 👋🏽 Sam,\n\nJust checking in to see if you had a chance to look.\nI need to hit my quota this month. 🎯")
    assert "hit my quota" in want and "Just checking in" in want
    wait_texts(page, want)
    no_errors(page)


def test_subject_line_is_linted(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator('input[name="subjectbox"]').click()
    page.keyboard.type(PRESSURE)
    page.locator(GMAIL_BODY).click()
    page.keyboard.type("Hi Sam, how is the rollout going for your team?")
    resp = requests.post(server.url + "/api/v1/lint", json={"text": "Hi Sam, how is the rollout going for your team?",
                                                           "subject": PRESSURE, "grammar": False}).json()
    subject_spans = sorted(i["text"] for i in resp["issues"] if i["field"] == "subject" and i["end"] > i["start"])
    assert subject_spans
    wait_texts(page, subject_spans + sorted(i["text"] for i in resp["issues"] if i["field"] == "body" and i["end"] > i["start"]))
    # The subject's underlines live on its mirror overlay's text, aligned with the input.
    on_mirror = page.evaluate("""() => { const out = [];
      for (const [n, h] of CSS.highlights) for (const r of h)
        if (r.startContainer.parentElement?.dataset.twoway === 'mirror') out.push(r.toString());
      return out.sort(); }""")
    assert on_mirror == subject_spans
    assert page.locator('input[name="subjectbox"]').input_value() == PRESSURE
    no_errors(page)


def test_two_compose_boxes_work_on_their_own(browser, server):
    dialog = gmail_dialog_fragment()
    page = browser.open(GMAIL_URL, page_html(dialog + dialog, "Gmail"))
    page.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 2")
    eds = page.locator(GMAIL_BODY)
    eds.nth(0).click()
    page.keyboard.type("I need to hit my quota this month.")
    eds.nth(1).click()
    page.keyboard.type(PRESSURE)
    wait_answers(page, 1, index=0)
    wait_answers(page, 1, index=1)
    wait_texts(page, expected_spans(server, "I need to hit my quota this month.") + expected_spans(server, PRESSURE))
    by_editor = page.evaluate("""() => {
      const eds = [...document.querySelectorAll('[g_editable="true"]')];
      const out = [[], []];
      for (const [n, h] of CSS.highlights) for (const r of h) {
        const i = eds.findIndex(e => e.contains(r.startContainer)); if (i >= 0) out[i].push(r.toString()); }
      return out.map(a => a.sort()); }""")
    assert by_editor[0] == expected_spans(server, "I need to hit my quota this month.")
    assert by_editor[1] == expected_spans(server, PRESSURE)
    for i in (0, 1):                              # each badge counts its own box's findings
        assert badge_info(page, i)["state"] == "ok" and int(badge_info(page, i)["count"]) >= len(by_editor[i])
    no_errors(page)


def test_compose_box_that_appears_later_is_found(browser, server):
    page = browser.open(GMAIL_URL, page_html("<div id='app'>Inbox</div>", "Gmail"))
    page.evaluate("(html) => { setTimeout(() => { document.getElementById('app').insertAdjacentHTML('beforeend', html); }, 300); }",
                  gmail_dialog_fragment())
    page.wait_for_selector(GMAIL_BODY)
    page.locator(GMAIL_BODY).click()
    page.keyboard.type("I need to hit my quota this month.")
    wait_highlight(page, "hit my quota")
    # Closing the compose box removes its badge and underlines.
    page.evaluate("() => document.getElementById('app').replaceChildren()")
    page.wait_for_function("() => document.querySelectorAll('twoway-badge').length === 0")
    assert highlighted_texts(page) == []
    no_errors(page)


def test_textarea_on_a_site_the_rep_turned_on(browser, server):
    browser.turn_on_site("http://localhost")
    registered = browser.sw.evaluate("() => chrome.scripting.getRegisteredContentScripts()")
    assert registered and registered[0]["matches"] == ["http://localhost/*"]
    # The same scripts as the webmail hosts get (the manifest's list).
    assert registered[0]["js"] == browser.sw.evaluate("() => chrome.runtime.getManifest().content_scripts[0].js")
    html = page_html('<form><input name="subject" style="width:400px"><br>'
                     '<textarea id="t" rows="8" cols="60" style="font:15px/1.4 monospace"></textarea></form>', "CRM")
    page = browser.open(SITE_URL, html)
    page.wait_for_function("() => document.querySelector('twoway-badge')")
    page.locator("#t").click()
    text = "Hi Sam,\n\n" + ONE_WAY + " " + PRESSURE
    page.keyboard.type(text)
    wait_highlight(page, "hit my quota")
    assert highlighted_texts(page) == expected_spans(server, text)
    assert page.locator("#t").input_value() == text
    # The mirror sits exactly over the textarea.
    boxes = page.evaluate("""() => { const m = document.querySelectorAll('[data-twoway="mirror"]');
      const t = document.getElementById('t').getBoundingClientRect();
      const r = [...m].map(e => e.getBoundingClientRect()).find(b => Math.abs(b.top - t.top) < 1);
      return r ? [r.left - t.left, r.top - t.top, r.width - t.width, r.height - t.height] : null; }""")
    assert boxes == [0, 0, 0, 0]
    # Apply through the card in the textarea too (the deadline sentence has a replacement), and undo.
    pos = range_center(page, PRESSURE)
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    page.keyboard.press("Enter")
    page.wait_for_function("(t) => !document.getElementById('t').value.includes(t)", arg=PRESSURE)
    page.keyboard.press("Control+z")
    page.wait_for_function("(t) => document.getElementById('t').value.includes(t)", arg=PRESSURE)
    assert page.locator("#t").input_value() == text
    no_errors(page)


def test_server_stopped_then_back(playwright_instance):
    srv = ServerHandle().start()
    port = srv.port
    b = Browser(playwright_instance, srv)
    try:
        page = b.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
        page.locator(GMAIL_BODY).click()
        page.keyboard.type("I need to hit my quota this month.")
        wait_highlight(page, "hit my quota")
        srv.stop()
        page.keyboard.type(" " + PRESSURE)
        page.wait_for_function("() => document.querySelector('twoway-badge')?.dataset.state === 'error'", timeout=10000)
        assert "unreachable" in badge_info(page)["label"]
        time.sleep(2.5)                        # a few backed-off retries fail quietly
        srv.start(port)
        page.wait_for_function("() => document.querySelector('twoway-badge')?.dataset.state === 'ok'", timeout=20000)
        wait_texts(page, expected_spans(srv, "I need to hit my quota this month. " + PRESSURE))
        assert "hit my quota" in highlighted_texts(page)
        no_errors(page)
    finally:
        b.close()
        srv.stop()


def test_server_error_and_token(playwright_instance):
    srv = ServerHandle({"API_TOKEN": "s3cret"}).start()
    b = Browser(playwright_instance, srv)
    try:
        page = b.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
        page.locator(GMAIL_BODY).click()
        page.keyboard.type("I need to hit my quota this month.")
        page.wait_for_function("() => document.querySelector('twoway-badge')?.dataset.state === 'error'", timeout=10000)
        assert "token" in badge_info(page)["label"]
        b.set_settings(token="s3cret")
        wait_highlight(page, "hit my quota", timeout=20)
        no_errors(page)
    finally:
        b.close()
        srv.stop()


def test_mute_and_category_settings(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(ONE_WAY + " " + PRESSURE)
    wait_texts(page, expected_spans(server, ONE_WAY + " " + PRESSURE))
    quota_rule = next(i["rule"] for i in requests.post(server.url + "/api/v1/lint", json={"text": ONE_WAY}).json()["issues"]
                      if i["text"] == "hit my quota")
    # "Mute rule" from the card, by keyboard: Alt+Enter, Tab to the mute button.
    pos = range_center(page, "hit my quota")
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    n_reps = len(next(i for i in requests.post(server.url + "/api/v1/lint", json={"text": ONE_WAY}).json()["issues"]
                      if i["text"] == "hit my quota")["replacements"])
    # Focus starts on the first wording, or on Close when there is none (Enter never ignores);
    # the buttons in order: Close, the wordings, Keep it, Mute rule (then the reasons to keep it).
    for _ in range(n_reps + 2 - (1 if n_reps else 0)):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => ![...CSS.highlights.values()].some(h => [...h].some(r => r.toString() === 'hit my quota'))")
    wait_until(lambda: quota_rule in browser.get_settings().get("muted", []), 10, "the rule muted")
    # Kept with the name the card showed, for the options page's list.
    assert browser.get_settings()["mutedNames"][quota_rule]
    # The category switch hides a whole category.
    browser.set_settings(categories={"pressure": False, "self_focus": True, "grammar": True, "spelling": True, "style": True})
    page.wait_for_function("() => !(CSS.highlights.get('twoway-pressure')?.size)")
    assert "Just checking in" in highlighted_texts(page)
    no_errors(page)


def test_options_page(browser):
    page = browser.ctx.new_page()
    page.goto(f"chrome-extension://{browser.extension_id}/options/options.html")
    assert page.locator("#serverUrl").input_value() == browser.server.url
    browser.set_settings(muted=["pressure.fake-deadline"],
                         mutedNames={"pressure.fake-deadline": "A deadline the seller set, to rush the decision."})
    page.reload()
    page.wait_for_selector("#muted li")
    # Listed by the name the card showed, the rule id beside it.
    assert page.locator("#muted li span").first.inner_text().startswith("A deadline the seller set")
    assert page.locator("#muted li .rule-id").inner_text() == "pressure.fake-deadline"
    page.locator("#muted li button").click()
    page.wait_for_function("() => document.querySelectorAll('#muted li').length === 0")
    assert browser.get_settings()["muted"] == []
    page.locator("#categories input[data-category=style]").uncheck()
    page.locator("#save").click()
    page.wait_for_function("() => document.getElementById('status').textContent === 'Saved.'")
    assert browser.get_settings()["categories"]["style"] is False


def test_edits_made_while_an_answer_is_in_flight(playwright_instance):
    """The answer for an older text is rebased onto the text as it is now: spans in untouched text
    land on the same words, a span the rep edited meanwhile is not drawn; one request at a time."""
    srv = ServerHandle()
    delay = {"s": 0.0, "calls": 0, "texts": []}
    view = srv.app.view_functions["api.lint"]

    def slow_lint():
        from flask import request
        delay["calls"] += 1
        delay["texts"].append(request.get_json()["text"])
        time.sleep(delay["s"])
        return view()

    srv.app.view_functions["api.lint"] = slow_lint
    srv.start()
    b = Browser(playwright_instance, srv)
    try:
        page = b.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
        page.locator(GMAIL_BODY).click()
        delay["s"] = 2.0
        page.keyboard.insert_text(ONE_WAY)
        time.sleep(0.9)                                # the request has left; the server is slow
        assert delay["calls"] == 1
        page.keyboard.press("Control+Home")
        page.keyboard.insert_text("Hello Sam! ")       # shifts every span
        page.evaluate("""() => { const ed = document.querySelector('[g_editable="true"]');
          const w = document.createTreeWalker(ed, NodeFilter.SHOW_TEXT); let n;
          while ((n = w.nextNode())) { const i = n.data.indexOf('quota'); if (i >= 0) { getSelection().collapse(n, i + 2); return; } } }""")
        page.keyboard.insert_text("X")                 # edits inside a flagged span
        time.sleep(0.7)                                # a second lint is due, but one is in flight
        assert delay["calls"] == 1
        wait_answers(page, 1)
        texts = highlighted_texts(page)
        assert "Just checking in" in texts
        assert not any("quo" in t for t in texts), texts
        delay["s"] = 0.0
        wait_answers(page, 2)                          # then the current text is linted
        assert delay["texts"][-1].startswith("Hello Sam! Just checking in")
        assert "quXota" in delay["texts"][-1]
        no_errors(page)
    finally:
        b.close()
        srv.stop()


def test_ignore_here_hides_that_finding_in_this_draft(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(ONE_WAY)
    wait_highlight(page, "Just checking in")
    n_reps = len(next(i for i in requests.post(server.url + "/api/v1/lint", json={"text": ONE_WAY}).json()["issues"]
                      if i["text"] == "Just checking in")["replacements"])
    pos = range_center(page, "Just checking in")
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    for _ in range(n_reps + 1 - (1 if n_reps else 0)):   # to "Keep it" (focus starts on a wording, or on Close)
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => ![...CSS.highlights.values()].some(h => [...h].some(r => r.toString() === 'Just checking in'))")
    assert "hit my quota" in highlighted_texts(page)
    page.keyboard.press("Control+End")
    page.keyboard.type(" Thanks!")
    wait_answers(page, 2)
    assert "Just checking in" not in highlighted_texts(page)
    assert browser.get_settings().get("muted", []) == []
    no_errors(page)
    # Kept for this draft across a reload (the webmail restores the draft; only hashes are stored).
    stored = browser.get_settings()["ignored"]
    assert stored and all("checking" not in str(v) for v in stored.values())
    page.reload()
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(ONE_WAY)
    wait_highlight(page, "hit my quota")
    assert "Just checking in" not in highlighted_texts(page)
    no_errors(page)


def test_enter_on_a_card_without_a_wording_never_ignores(browser, server):
    """Enter on a card with nothing to apply closes it (focus starts on Close), the finding stays."""
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type("I need to hit my quota this month.")
    wait_highlight(page, "hit my quota")
    pos = range_center(page, "hit my quota")
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    assert in_shadow(page, "twoway-card", "return this.activeElement && this.activeElement.className;") == "tw-card-close"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('twoway-card').dataset.open === 'false'")
    assert "hit my quota" in highlighted_texts(page)
    # Focus is back in the text, at the end of the finding.
    assert page.evaluate("() => document.activeElement?.getAttribute('g_editable')") == "true"


def test_alt_enter_outside_a_finding_is_left_to_the_editor(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type("I need to hit my quota this month. Thanks")
    wait_highlight(page, "hit my quota")
    page.keyboard.press("End")                              # the caret after "Thanks": no finding there
    page.evaluate("() => { window.__altEnter = 0; document.addEventListener('keydown', (e) => {"
                  " if (e.key === 'Enter' && e.altKey) window.__altEnter++; }); }")
    page.keyboard.press("Alt+Enter")
    assert page.evaluate("() => window.__altEnter") == 1     # reached the page: not taken
    assert page.evaluate("() => document.querySelector('twoway-card')?.dataset.open") != "true"


def test_card_is_a_modal_dialog_with_a_focus_trap(browser, server):
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type(PRESSURE)
    wait_highlight(page, PRESSURE)
    pos = range_center(page, PRESSURE)
    page.mouse.click(pos["x"], pos["y"])
    page.keyboard.press("Alt+Enter")
    page.wait_for_function("() => document.activeElement?.localName === 'twoway-card'")
    dialog = in_shadow(page, "twoway-card", "const c = this.querySelector('.tw-card');"
                       " return [c.getAttribute('role'), c.getAttribute('aria-modal'), this.querySelectorAll('button').length];")
    assert dialog[:2] == ["dialog", "true"]
    for _ in range(dialog[2] * 2 + 1):                       # round and round: focus never leaves the card
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement?.localName") == "twoway-card"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => document.activeElement?.localName") == "twoway-card"
    page.keyboard.press("Escape")
    assert page.evaluate("() => document.activeElement?.getAttribute('g_editable')") == "true"


def test_findings_are_announced_to_screen_readers(browser, server):
    """Underlines are invisible to a screen reader: the count, and the finding the caret moves into,
    are said through a live region (role=status) in the badge's shadow root."""
    page = browser.open(GMAIL_URL, page_html(gmail_dialog_fragment(), "Gmail"))
    page.locator(GMAIL_BODY).click()
    page.keyboard.type("Thanks. " + QUOTA_LINE)
    wait_highlight(page, "hit my quota")

    def live():
        return in_shadow(page, "twoway-badge", "return this.querySelector('[role=status]').textContent;") or ""

    wait_until(lambda: "finding" in live(), 10, "the count announced")
    page.keyboard.press("Home")
    for _ in range(len("Thanks. I need to hi")):
        page.keyboard.press("ArrowRight")
    wait_until(lambda: live().startswith("Self-focus:") and "Alt+Enter" in live(), 10, "the finding announced")


QUOTA_LINE = "I need to hit my quota this month."

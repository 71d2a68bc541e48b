"""Test pages built on the real editor packages from npm (node_modules, served by the harness at
NPM_URL): each page mounts one editor family the way an app embeds it and sets window.editorReady.

Every builder takes the base URL the packages are served at (`npm`) and returns (url, html, spec): spec says where the editable is (`frame`: the selector of
the iframe holding it, or None) and its selector.
"""
from __future__ import annotations

import json

from ext_harness import NPM_URL, OUTLOOK_URL, owa_fragment, page_html

CRM_URL = "http://localhost/crm/compose"
ROUNDCUBE_URL = "http://localhost/roundcube/?_task=mail&_action=compose"

SUBJECT = '<p><input name="subject" style="width:400px" placeholder="Subject"></p>'


def tinymce_iframe(npm: str = NPM_URL):
    body = (SUBJECT + '<textarea id="ed"></textarea>'
            f'<script src="{npm}tinymce/tinymce.min.js"></script>'
            "<script>tinymce.init({selector: '#ed', license_key: 'gpl', menubar: false, toolbar: false, statusbar: false,"
            " promotion: false, height: 320, setup: (ed) => ed.on('init', () => { window.editorReady = true; })});</script>")
    return CRM_URL, page_html("<form>" + body + "</form>", "CRM"), {"frame": "iframe.tox-edit-area__iframe, .tox iframe",
                                                                       "editable": "body"}


def tinymce_inline(npm: str = NPM_URL):
    body = (SUBJECT + '<div id="ed" style="min-height:200px;border:1px solid #ccc"></div>'
            f'<script src="{npm}tinymce/tinymce.min.js"></script>'
            "<script>tinymce.init({selector: '#ed', inline: true, license_key: 'gpl', menubar: false, toolbar: false,"
            " promotion: false, setup: (ed) => ed.on('init', () => { window.editorReady = true; })});</script>")
    return CRM_URL, page_html("<form>" + body + "</form>", "CRM"), {"frame": None, "editable": "#ed"}


def ckeditor5(npm: str = NPM_URL):
    body = (SUBJECT + '<div id="ed"></div>'
            "<script type='module'>"
            f"import {{ClassicEditor, Essentials, Paragraph, Bold, Italic}} from '{npm}ckeditor5/dist/browser/ckeditor5.js';"
            "ClassicEditor.create(document.querySelector('#ed'), {licenseKey: 'GPL', plugins: [Essentials, Paragraph, Bold, Italic],"
            " toolbar: ['bold', 'italic', 'undo', 'redo']}).then((e) => { window.editor = e; window.editorReady = true; });"
            "</script>")
    head = f'<link rel="stylesheet" href="{npm}ckeditor5/dist/browser/ckeditor5.css">'
    return CRM_URL, page_html("<form>" + body + "</form>", "CRM", head=head), {"frame": None, "editable": ".ck-editor__editable"}


def quill(npm: str = NPM_URL):
    body = (SUBJECT + '<div id="ed" style="height:240px"></div>'
            f'<script src="{npm}quill/dist/quill.js"></script>'
            "<script>window.editor = new Quill('#ed', {theme: 'snow'}); window.editorReady = true;</script>")
    head = f'<link rel="stylesheet" href="{npm}quill/dist/quill.snow.css">'
    return CRM_URL, page_html("<form>" + body + "</form>", "CRM", head=head), {"frame": None, "editable": ".ql-editor"}


PM_MODULES = ["prosemirror-state", "prosemirror-view", "prosemirror-model", "prosemirror-transform", "prosemirror-history",
              "prosemirror-keymap", "prosemirror-commands", "prosemirror-schema-basic", "orderedmap", "rope-sequence"]


def prosemirror(npm: str = NPM_URL):
    imports = {m: f"{npm}{m}/dist/index.js" for m in PM_MODULES}
    imports["w3c-keyname"] = f"{npm}w3c-keyname/index.js"
    head = ('<script type="importmap">' + json.dumps({"imports": imports}) + "</script>"
            f'<link rel="stylesheet" href="{npm}prosemirror-view/style/prosemirror.css">')
    body = (SUBJECT + '<div id="ed" style="min-height:200px;border:1px solid #ccc"></div>'
            "<script type='module'>"
            "import {EditorState} from 'prosemirror-state'; import {EditorView} from 'prosemirror-view';"
            "import {schema} from 'prosemirror-schema-basic'; import {history, undo, redo} from 'prosemirror-history';"
            "import {keymap} from 'prosemirror-keymap'; import {baseKeymap} from 'prosemirror-commands';"
            "const state = EditorState.create({schema, plugins: [history(), keymap({'Mod-z': undo, 'Mod-y': redo,"
            " 'Shift-Mod-z': redo}), keymap(baseKeymap)]});"
            "window.view = new EditorView(document.querySelector('#ed'), {state}); window.editorReady = true;"
            "</script>")
    return CRM_URL, page_html("<form>" + body + "</form>", "CRM", head=head), {"frame": None, "editable": ".ProseMirror"}


OUTLOOK_LABELS = {
    "fr": ("Corps du message, appuyez sur Alt+F10 pour quitter", "Ajouter un objet"),
    "de": ("Nachrichtentext, drücken Sie ALT+F10 zum Beenden", "Betreff hinzufügen"),
    "en": ("Message body, press Alt+F10 to exit", "Add a subject"),
}


def outlook_roosterjs(lang: str = "fr", npm: str = NPM_URL):
    """The OWA compose fixture (shared/dom) in the given UI language, its body run by roosterjs
    (the editor Outlook on the web is built on), served at the real Outlook URL. roosterjs starts
    from an empty model here (its default parsers drop the ids OWA keys its signature and reply
    header on); quoted reply and signature in Outlook are covered on the fixture itself."""
    body_label, subject_label = OUTLOOK_LABELS[lang]
    frag = owa_fragment()
    frag = frag.replace('aria-label="Message body, press Alt+F10 to exit"', f'aria-label="{body_label}"')
    frag = frag.replace("[placeholder greeting]", "")
    frag = frag.replace("[placeholder body text — inject test emails here]", "")
    frag = frag.replace("[placeholder quoted original message]", "I need to hit my quota this month.")
    html = page_html(f'<div role="main"><input type="text" maxlength="255" aria-label="{subject_label}" '
                     f'placeholder="{subject_label}" style="width:400px">' + frag + "</div>"
                     f'<script src="{npm}roosterjs/dist/rooster.js"></script>'
                     "<script>const div = document.querySelector('[role=textbox][aria-multiline=true]');"
                     "window.editor = new roosterjs.Editor(div, {plugins: [new roosterjs.ShortcutPlugin()]});"
                     "window.editorReady = true;</script>", "Outlook")
    html = html.replace("<html>", f'<html lang="{lang}">', 1)
    return OUTLOOK_URL, html, {"frame": None, "editable": "[role=textbox][aria-multiline=true]"}


def roundcube_plain(npm: str = NPM_URL):
    """Roundcube's plain-text compose: the subject is `_subject`, the body the `_message` textarea."""
    body = ('<form name="form" method="post"><input name="_subject" id="compose-subject" style="width:400px">'
            '<textarea name="_message" id="composebody" rows="14" cols="72" style="font:14px/1.4 monospace">'
            "</textarea></form>")
    return ROUNDCUBE_URL, page_html(body, "Roundcube Webmail"), {"frame": None, "editable": "#composebody"}


def roundcube_html(npm: str = NPM_URL):
    """Roundcube's HTML compose: TinyMCE in its default iframe mode over the `_message` textarea."""
    body = ('<form name="form"><input name="_subject" id="compose-subject" style="width:400px">'
            '<textarea name="_message" id="composebody"></textarea></form>'
            f'<script src="{npm}tinymce/tinymce.min.js"></script>'
            "<script>tinymce.init({selector: '#composebody', license_key: 'gpl', menubar: false, toolbar: false,"
            " statusbar: false, promotion: false, height: 320, setup: (ed) => ed.on('init', () => { window.editorReady = true; })});"
            "</script>")
    return ROUNDCUBE_URL, page_html(body, "Roundcube Webmail"), {"frame": ".tox iframe", "editable": "body"}


EDITORS = {
    "tinymce-iframe": tinymce_iframe,
    "tinymce-inline": tinymce_inline,
    "ckeditor5": ckeditor5,
    "quill": quill,
    "prosemirror": prosemirror,
    "outlook-fr": lambda npm=NPM_URL: outlook_roosterjs("fr", npm),
    "outlook-de": lambda npm=NPM_URL: outlook_roosterjs("de", npm),
}

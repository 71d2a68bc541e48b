"""Harness for the extension's Firefox tests: Firefox ESR driven by geckodriver + selenium (PyPI),
the unpacked add-on loaded as a temporary add-on (as about:debugging does), test pages served by a small HTTP server on
loopback (selenium cannot route requests like Playwright), on a host the add-on's "other sites"
setting covers (http://localhost, whose permission the manifest holds).

No pytest here: make_screenshots.py uses it too.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from ext_harness import EXT
from loopback import LoopbackServer

FIREFOX = os.environ.get("TWOWAY_FIREFOX") or shutil.which("firefox-esr") or shutil.which("firefox") or ""
GECKODRIVER = (os.environ.get("TWOWAY_GECKODRIVER") or shutil.which("geckodriver")
               or str(Path.home() / ".cargo" / "bin" / "geckodriver"))
ADDON_ID = json.loads((EXT / "manifest.json").read_text())["browser_specific_settings"]["gecko"]["id"]
# Fixed internal UUID, so the tests can open the add-on's own pages (moz-extension://UUID/...).
ADDON_UUID = "7d0e5c1a-2f4b-4b8e-9c3d-0a1b2c3d4e5f"
OPTIONS_URL = f"moz-extension://{ADDON_UUID}/options/options.html"


def available() -> str | None:
    """Why Firefox tests cannot run here, or None when they can."""
    if not FIREFOX or not os.access(FIREFOX, os.X_OK):
        return "Firefox ESR not installed (make test installs it: mk/firefox.mk)"
    if not os.access(GECKODRIVER, os.X_OK):
        return "geckodriver not installed (make test installs it: mk/firefox.mk)"
    return None


def start_driver(width: int = 1100, height: int = 800, prefs: dict | None = None):
    """Headless Firefox through geckodriver, the add-on's internal UUID fixed."""
    from selenium import webdriver
    from selenium.webdriver.firefox.options import Options
    from selenium.webdriver.firefox.service import Service

    opts = Options()
    opts.binary_location = FIREFOX
    opts.add_argument("-headless")
    opts.add_argument(f"--width={width}")
    opts.add_argument(f"--height={height}")
    opts.set_preference("extensions.webextensions.uuids", json.dumps({ADDON_ID: ADDON_UUID}))
    opts.set_preference("browser.shell.checkDefaultBrowser", False)
    opts.set_preference("datareporting.policy.dataSubmissionEnabled", False)
    # Loopback only: everything else goes to a closed loopback port instead of Mozilla's services.
    for key, value in {"network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": 9,
                       "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": 9,
                       "network.proxy.no_proxies_on": "localhost, 127.0.0.1",
                       "browser.newtabpage.enabled": False, "browser.startup.homepage": "about:blank",
                       "extensions.update.enabled": False, "app.update.enabled": False}.items():
        opts.set_preference(key, value)
    for key, value in (prefs or {}).items():
        opts.set_preference(key, value)
    # System access: the chrome context opens the add-on's page (marionette will not navigate to it).
    driver = webdriver.Firefox(options=opts, service=Service(GECKODRIVER, service_args=["--allow-system-access"]))
    driver.set_window_size(width, height)
    return driver


def install_temporary(driver, path: Path) -> str:
    """Load an unpacked add-on the way about:debugging's "Load Temporary Add-on" does. (selenium's
    install_addon sends a zip that geckodriver writes to a temporary file; Firefox ESR 140 then
    fails to load content scripts from it: "Unable to load script".)"""
    with driver.context(driver.CONTEXT_CHROME):
        return driver.execute_async_script("""const done = arguments[arguments.length - 1];
          const {AddonManager} = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
          const {FileUtils} = ChromeUtils.importESModule("resource://gre/modules/FileUtils.sys.mjs");
          AddonManager.installTemporaryAddon(new FileUtils.File(arguments[0])).then(
            a => done(a.id), e => done("error: " + e));""", str(path))


def addon_state(driver, addon_id: str = ADDON_ID) -> dict | None:
    """The Add-on Manager's view of an installed add-on: {active, version, temporary}."""
    with driver.context(driver.CONTEXT_CHROME):
        return driver.execute_async_script("""const done = arguments[arguments.length - 1];
          const {AddonManager} = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
          AddonManager.getAddonByID(arguments[0]).then(
            a => done(a ? {active: a.isActive, version: a.version, temporary: a.temporarilyInstalled} : null),
            e => done({error: String(e)}));""", addon_id)


class PageServer:
    """Test pages on http://localhost:PORT/..., served from a dict (path -> html)."""

    def __init__(self):
        pages: dict[str, str] = {}
        self.pages = pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                html = pages.get(self.path.split("?")[0].split("#")[0])
                body = (html or "").encode("utf-8")
                self.send_response(200 if html is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = LoopbackServer(Handler)
        self.port = self._server.port

    def url(self, path: str) -> str:
        return f"http://localhost:{self.port}{path}"

    def stop(self):
        self._server.close()


class FirefoxBrowser:
    """Firefox with the add-on, its options page in the first tab (for storage), pages in new tabs."""

    def __init__(self, server, width: int = 1100, height: int = 800):
        self.driver = start_driver(width, height)
        installed = install_temporary(self.driver, EXT)
        if installed != ADDON_ID:
            raise RuntimeError(f"the add-on did not install: {installed}")
        self.server = server
        self.pages = PageServer()
        self.options_tab = self._open_extension_page(OPTIONS_URL)
        self.set_settings(serverUrl=server.url, sites=["http://localhost"], configured=True)
        # Generous: a first Firefox start on a loaded 2-core machine registers it late (it once
        # took longer than 15 s in a CI run beside other work); it returns as soon as it is there.
        self.wait(lambda: self.extension_eval("return (await chrome.scripting.getRegisteredContentScripts()).length") == 1,
                  timeout=90, what="the add-on's content script for http://localhost registered")

    # -- the add-on's own page ---------------------------------------------------------------
    def _open_extension_page(self, url: str) -> str:
        d = self.driver
        before = set(d.window_handles)
        with d.context(d.CONTEXT_CHROME):
            d.execute_script(
                "gBrowser.selectedTab = gBrowser.addTab(arguments[0],"
                " {triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal()});", url)
        handle = self.wait(lambda: (set(d.window_handles) - before or {None}).pop())
        d.switch_to.window(handle)
        self.wait(lambda: d.execute_script("return document.readyState") == "complete")
        return handle

    options_url = OPTIONS_URL

    def selected_tab_url(self) -> str:
        d = self.driver
        with d.context(d.CONTEXT_CHROME):
            return d.execute_script("return gBrowser.selectedBrowser.currentURI.spec;")

    def extension_eval(self, body: str, *args):
        """Run an async function body on the options page (it has chrome.storage, chrome.scripting)."""
        d = self.driver
        current = d.current_window_handle
        d.switch_to.window(self.options_tab)
        try:
            return d.execute_async_script(
                "const done = arguments[arguments.length - 1];"
                " (async (...args) => { " + body + " })(...Array.from(arguments).slice(0, -1))"
                ".then(done, (e) => done({__error: String(e)}));", *args)
        finally:
            d.switch_to.window(current)

    def set_settings(self, **values):
        self.extension_eval("await chrome.storage.local.set(args[0]);", values)

    def get_settings(self) -> dict:
        return self.extension_eval("return await chrome.storage.local.get(null);")

    # -- pages -------------------------------------------------------------------------------
    def open(self, path: str, html: str):
        self.pages.pages[path] = html
        self.driver.switch_to.new_window("tab")
        self.driver.get(self.pages.url(path))
        return self.driver

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, predicate, timeout: float = 15.0, what: str = ""):
        deadline = time.monotonic() + timeout
        last_error = None
        while time.monotonic() < deadline:
            try:
                value = predicate()
                if value:
                    return value
            except Exception as exc:  # noqa: BLE001 (a page still loading; keep polling)
                last_error = exc
            time.sleep(0.05)
        raise TimeoutError(f"timed out waiting for {what or predicate}" + (f": {last_error}" if last_error else ""))

    def click_at(self, x: float, y: float):
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.actions.action_builder import ActionBuilder

        actions = ActionChains(self.driver)
        builder = ActionBuilder(self.driver)
        builder.pointer_action.move_to_location(int(x), int(y))
        builder.pointer_action.click()
        builder.perform()
        actions.reset_actions()

    def keys(self, *keys):
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(*keys).perform()

    def chord(self, modifier, key):
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).key_down(modifier).send_keys(key).key_up(modifier).perform()

    def screenshot(self, path: str):
        self.driver.save_screenshot(path)

    def close(self):
        try:
            self.driver.quit()
        finally:
            self.pages.stop()

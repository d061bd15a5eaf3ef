"""Headless Chromium for the browser tests: one driver for the whole session.

Debian's chromium and chromedriver are used directly (selenium's Service points at
/usr/bin/chromedriver and SE_OFFLINE=1), so selenium-manager never downloads anything.
Without them, every browser test is skipped with the reason."""

import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# TEST_SCREENSHOTS_DIR keeps two runs at once (CI's two passes) out of each other's files.
SCREENSHOTS = Path(
    os.environ.get(
        "TEST_SCREENSHOTS_DIR", Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    )
)

# A current phone (iPhone 12 to 15, 390 px) and the most common laptop screen.
PHONE = 390
DESKTOP = 1366
PHONE_HEIGHT = 844

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
# What the accessibility checks hold every page to.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip(
            f"browser tests need {CHROMIUM} and {CHROMEDRIVER} (apt install chromium chromium-driver)"
        )
    os.environ["SE_OFFLINE"] = "1"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="hkai-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--lang=en-GB",
        f"--user-data-dir={profile}",
        f"--window-size={DESKTOP},900",
    ):
        options.add_argument(argument)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    except Exception as error:  # a broken install is a skip with the reason, not an error
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"cannot start headless chromium: {error}")
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def set_viewport(driver, width, height=900):
    """Emulate a device of this width (a phone below 800 px: mobile viewport rules apply)."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800},
    )


def save_full_page_screenshot(driver, name, width):
    """A screenshot of the whole page at this width, under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    set_viewport(driver, width, min(max(height, 600), 8000))
    path = SCREENSHOTS / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    set_viewport(driver, width)
    return path


def emulate_color_scheme(driver, scheme):
    """prefers-color-scheme as the page sees it: "dark", "light", or "" for the default."""
    features = [{"name": "prefers-color-scheme", "value": scheme}] if scheme else []
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": features})


def axe_violations(driver, tags=WCAG_21_AA):
    """axe-core's violations of `tags` on the current page, each as "rule: help (selectors)".
    The script is injected through WebDriver, which the page's CSP does not govern."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    assert driver.execute_script("return axe.version") == AXE_VERSION
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
          .then(r => done(r.violations.map(v => v.id + ": " + v.help + " (" +
            v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(", ") + ")")))
          .catch(e => done(["axe failed: " + e]));""",
        tags,
    )
    return result


@pytest.fixture(autouse=True)
def fresh_caches(browser):
    """Each browser test starts with empty caches: the browser's own (pages say
    `max-age` for browsers, and one browser serves the whole session), and the page and
    fragment caches. Their database is emptied between tests by a flush, which sends no
    signal, so what the previous test cached would otherwise still be current."""
    from django.core.cache import cache

    from pagecache.fragments import LOCAL_VALUES

    browser.execute_cdp_cmd("Network.clearBrowserCache", {})
    cache.clear()
    LOCAL_VALUES.clear()
    yield


class RequestsInFlight:
    """How many requests the live server is answering now, from Django's own request
    signals (request_finished is sent once the response is closed, after its database
    connection is given back)."""

    def __init__(self):
        self.count = 0
        self.last_change = time.monotonic()
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1
            self.last_change = time.monotonic()

    def wait_until_quiet(self, quiet=0.3, timeout=15):
        """Until no request has been running for `quiet` seconds: a page's last request
        (an autosave sent as it is left, a debounced preview) may still be on its way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if self.count <= 0 and time.monotonic() - self.last_change >= quiet:
                    return
            time.sleep(0.05)
        raise AssertionError(f"{self.count} request(s) to the live server still running after {timeout} s")


@pytest.fixture(autouse=True)
def requests_finish_before_the_flush(browser, transactional_db):
    """The page is left, and its last requests answered, before the test's database is
    flushed. A request still running then (an autosave's `SELECT ... FOR UPDATE`) holds
    locks that the flush's TRUNCATE waits for, and PostgreSQL answers with a deadlock."""
    from django.core.signals import request_finished, request_started

    in_flight = RequestsInFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    try:
        yield
        browser.get("about:blank")
        in_flight.wait_until_quiet()
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)

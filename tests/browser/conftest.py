"""Headless Chromium for the browser tests: one driver for the whole session.

Debian's chromium and chromedriver are used directly (selenium's Service points at
/usr/bin/chromedriver and SE_OFFLINE=1), so selenium-manager never downloads anything.
Without them, every browser test is skipped with the reason."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

PHONE = 375
DESKTOP = 1280


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

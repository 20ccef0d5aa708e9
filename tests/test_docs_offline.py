"""The API's documentation pages work with no internet: Swagger UI and ReDoc load their assets
from the API itself. Checked in headless Chromium with every outside host unreachable."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from tests.harness.browser import OFFLINE, headless_chromium
from tests.harness.stack import Stack

TITLE = "lienthong portal intake API"


@pytest.fixture
def offline_browser() -> Iterator[webdriver.Chrome]:
    with headless_chromium(OFFLINE) as driver:
        yield driver


def _shows(driver: webdriver.Chrome, selector: str, text: str, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(text in e.text for e in driver.find_elements(By.CSS_SELECTOR, selector)):
            return True
        time.sleep(0.3)
    return False


def _screenshot(driver: webdriver.Chrome, path: Path) -> None:
    assert driver.save_screenshot(str(path))
    # A rendered page, not a blank one: a PNG of some size.
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20_000


# The stack's API is served by this test's event loop: the browser is driven from a thread.
async def test_swagger_ui_renders_with_no_network(
    stack: Stack, offline_browser: webdriver.Chrome, tmp_path: Path
) -> None:
    def look() -> None:
        offline_browser.get(f"{stack.api_url}/docs")
        assert _shows(offline_browser, ".swagger-ui .info .title", TITLE)
        assert _shows(offline_browser, ".opblock-summary-path", "/v1/declarations/birth")
        _screenshot(offline_browser, tmp_path / "docs.png")

    await asyncio.to_thread(look)


async def test_redoc_renders_with_no_network(
    stack: Stack, offline_browser: webdriver.Chrome, tmp_path: Path
) -> None:
    def look() -> None:
        offline_browser.get(f"{stack.api_url}/redoc")
        assert _shows(offline_browser, "h1", TITLE)
        _screenshot(offline_browser, tmp_path / "redoc.png")

    await asyncio.to_thread(look)

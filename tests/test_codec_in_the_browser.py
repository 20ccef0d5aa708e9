"""The README's steps, as an operator takes them in a real browser (Debian's headless Chromium):
sign in at the codec server, set its endpoint in the Temporal Web UI with cross-origin
credentials on, and the UI shows a declaration's payloads decoded."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from codec_server.app import create_codec_app
from devstack.declaration_factory import DeclarationFactory
from store.audit import audit_trail
from tests.harness.browser import headless_chromium
from tests.harness.portal import submit
from tests.harness.stack import Stack, serve
from tests.harness.waiting import wait_for_status


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    with headless_chromium() as driver:
        yield driver


@pytest.fixture
async def codec_url(stack: Stack) -> AsyncIterator[str]:
    settings = stack.settings.model_copy(update={"codec_allowed_origins": [stack.services.ui_url]})
    async with AsyncExitStack() as exits:
        yield await serve(create_codec_app(settings), exits)


def _page_shows(driver: webdriver.Chrome, text: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in driver.page_source:
            return True
        time.sleep(0.5)
    return False


async def test_the_web_ui_shows_payloads_decoded_after_the_readme_steps(
    stack: Stack, factory: DeclarationFactory, browser: webdriver.Chrome, codec_url: str
) -> None:
    accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
    await wait_for_status(stack.api, accepted["declaration_id"])
    operator = stack.token("operator", audience="codec-server")
    ui = stack.services.ui_url
    workflow = f"{ui}/namespaces/{stack.client.namespace}/workflows/{accepted['workflow_id']}"

    def take_the_steps() -> bool:
        # 1. Sign in at the codec server with the operator's token.
        browser.get(f"{codec_url}/login")
        browser.find_element(By.NAME, "token").send_keys(operator)
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        if not _page_shows(browser, "Signed in as", 10):
            return False
        # 2. In the UI's codec settings: the endpoint, with cross-origin credentials on. The UI
        # keeps them in the browser's storage, where its settings dialog writes them.
        browser.get(ui)
        browser.execute_script(
            "localStorage.setItem('endpoint', arguments[0]);"
            "localStorage.setItem('includeCredentials', 'true');",
            json.dumps(codec_url),
        )
        browser.get(workflow)
        # The workflow's input, decoded: its fields in clear, not the encrypted envelope.
        return _page_shows(browser, accepted["declaration_id"], 30) and _page_shows(
            browser, "received_at", 30
        )

    decoded = await asyncio.to_thread(take_the_steps)
    assert decoded, "the Web UI did not show the payloads decoded"
    decodes = [
        e
        for e in audit_trail(stack.engine, accepted["declaration_id"])
        if e.action == "codec_decode"
    ]
    assert len(decodes) == 1
    assert decodes[0].actor.startswith("operator:")

"""The codec server decodes for operators only, and records every decode."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from codec_server.app import create_codec_app
from devstack.declaration_factory import DeclarationFactory
from store.audit import audit_trail
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack, serve
from tests.harness.waiting import wait_for_status

UI_ORIGIN = "http://127.0.0.1:8233"


@pytest.fixture
async def codec(stack: Stack) -> AsyncIterator[httpx.AsyncClient]:
    async with AsyncExitStack() as exits:
        url = await serve(create_codec_app(stack.settings), exits)
        yield await exits.enter_async_context(httpx.AsyncClient(base_url=url, timeout=10))


async def _encrypted_input(
    stack: Stack, services: SessionServices, factory: DeclarationFactory
) -> tuple[str, str, dict[str, object]]:
    accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
    await wait_for_status(stack.api, accepted["declaration_id"])
    raw = await Client.connect(services.temporal_address, namespace=stack.client.namespace)
    async for event in raw.get_workflow_handle(accepted["workflow_id"]).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            payloads = event.workflow_execution_started_event_attributes.input
            return (
                accepted["declaration_id"],
                accepted["workflow_id"],
                json_format.MessageToDict(payloads),
            )
    raise AssertionError("no start event")


async def test_decode_requires_an_operator_and_is_audited(
    stack: Stack,
    services: SessionServices,
    factory: DeclarationFactory,
    codec: httpx.AsyncClient,
) -> None:
    declaration_id, workflow_id, body = await _encrypted_input(stack, services, factory)

    assert (await codec.post("/decode", json=body)).status_code == 401
    portal = stack.token("portal")
    assert (
        await codec.post("/decode", json=body, headers={"Authorization": f"Bearer {portal}"})
    ).status_code == 401
    citizen_for_codec = stack.token("citizen", citizen_id="001090000001", audience="codec-server")
    refused = await codec.post(
        "/decode", json=body, headers={"Authorization": f"Bearer {citizen_for_codec}"}
    )
    assert refused.status_code == 403
    assert all(e.action != "codec_decode" for e in audit_trail(stack.engine, declaration_id))

    operator = stack.token("operator", audience="codec-server")
    decoded = await codec.post(
        "/decode",
        json=body,
        headers={"Authorization": f"Bearer {operator}", "X-Namespace": "lienthong"},
    )
    assert decoded.status_code == 200
    payloads = json_format.ParseDict(decoded.json(), Payloads())
    assert payloads.payloads[0].metadata["encoding"] == b"json/plain"
    assert declaration_id.encode() in payloads.payloads[0].data

    # The UI decodes a workflow in many requests as the operator scrolls: one look, one entry.
    for _ in range(5):
        again = await codec.post(
            "/decode",
            json=body,
            headers={"Authorization": f"Bearer {operator}", "X-Namespace": "lienthong"},
        )
        assert again.status_code == 200
    decodes = [e for e in audit_trail(stack.engine, declaration_id) if e.action == "codec_decode"]
    assert len(decodes) == 1
    assert decodes[0].actor.startswith("operator:")
    assert workflow_id in (decodes[0].detail or "")


async def test_the_web_ui_may_call_it_with_credentials(
    stack: Stack,
    services: SessionServices,
    factory: DeclarationFactory,
    codec: httpx.AsyncClient,
) -> None:
    preflight = await codec.options(
        "/decode",
        headers={
            "Origin": UI_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == UI_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"
    elsewhere = await codec.options(
        "/decode",
        headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in elsewhere.headers

    # An operator signs in once; the browser then sends the session cookie with each decode.
    operator = stack.token("operator", audience="codec-server")
    bad = await codec.post("/login", data={"token": "not-a-token"})
    assert bad.status_code == 401
    signed_in = await codec.post("/login", data={"token": operator})
    assert signed_in.status_code == 200
    # The cookie is an opaque session id, sent by browsers only over a secure channel.
    set_cookie = signed_in.headers["set-cookie"]
    assert "secure" in set_cookie.lower() and "httponly" in set_cookie.lower()
    session = set_cookie.split(";", 1)[0]
    assert operator not in session
    _, _, body = await _encrypted_input(stack, services, factory)
    # A browser sends a Secure cookie to a loopback server over plain HTTP; httpx does not.
    decoded = await codec.post(
        "/decode", json=body, headers={"Origin": UI_ORIGIN, "Cookie": session}
    )
    assert decoded.status_code == 200
    assert decoded.headers["access-control-allow-origin"] == UI_ORIGIN


async def test_an_agencys_operator_decodes_only_that_agencys_namespace(
    stack: Stack,
    services: SessionServices,
    factory: DeclarationFactory,
    codec: httpx.AsyncClient,
) -> None:
    _, _, orchestrators = await _encrypted_input(stack, services, factory)
    token = stack.token("operator", audience="codec-server", party="justice")
    justice_operator = {"Authorization": f"Bearer {token}"}
    # Not the orchestrator's namespace ...
    refused = await codec.post(
        "/decode", json=orchestrators, headers={**justice_operator, "X-Namespace": "lienthong"}
    )
    assert refused.status_code == 403
    # ... nor the orchestrator's payloads passed off as the agency's: its keys do not open them.
    refused = await codec.post(
        "/decode", json=orchestrators, headers={**justice_operator, "X-Namespace": "justice"}
    )
    assert refused.status_code == 400
    # Its own namespace's payloads it reads.
    sealed = await codec.post(
        "/encode",
        json={"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IjEi"}]},
        headers={**justice_operator, "X-Namespace": "justice"},
    )
    assert sealed.status_code == 200
    opened = await codec.post(
        "/decode", json=sealed.json(), headers={**justice_operator, "X-Namespace": "justice"}
    )
    assert opened.status_code == 200
    assert opened.json()["payloads"][0]["data"] == "IjEi"
    # A payload that is not encrypted is refused, not passed through.
    plain = {"payloads": [{"metadata": {"encoding": "anNvbi9wbGFpbg=="}, "data": "IjEi"}]}
    refused = await codec.post(
        "/decode", json=plain, headers={**justice_operator, "X-Namespace": "justice"}
    )
    assert refused.status_code == 400

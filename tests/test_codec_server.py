"""The codec server decodes for operators only, and records every decode."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads, WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import History
from temporalio.api.workflowservice.v1 import SignalWorkflowExecutionRequest
from temporalio.client import Client

from codec_server.app import create_codec_app
from codec_server.operator_reading import REFUSED
from devstack.declaration_factory import DeclarationFactory
from devstack.temporal_server.build import binary_path
from settings import AgencyWorkerSettings
from store.audit import audit_trail
from temporal_connection.encryption_codec import (
    DECLARATION_ID,
    ENCODING,
    KEY_ID,
    EncryptionCodec,
)
from tests.harness.agency_offices import agency_policy, officer_decides, open_case
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack, serve
from tests.harness.waiting import wait_for_status

UI_ORIGIN = "http://127.0.0.1:8233"
PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'"1"')


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
    elsewhere = await codec.post(
        "/decode", json=orchestrators, headers={**justice_operator, "X-Namespace": "lienthong"}
    )
    assert elsewhere.status_code == 403
    # ... nor the orchestrator's payloads passed off as the agency's: its keys do not open them,
    # and each comes back refused in its place, while the agency's own payloads open and a
    # payload that was never encrypted comes back as it was.
    justice = EncryptionCodec(AgencyWorkerSettings.for_agency("justice").payload_keys.ring())
    sent = json_format.ParseDict(orchestrators, Payloads()).payloads
    mixed = json_format.MessageToDict(Payloads(payloads=[*sent, justice.encrypt(PLAIN), PLAIN]))
    answered = await codec.post(
        "/decode", json=mixed, headers={**justice_operator, "X-Namespace": "justice"}
    )
    assert answered.status_code == 200
    *unopened, opened, passed = json_format.ParseDict(answered.json(), Payloads()).payloads
    assert unopened and all(p.metadata[REFUSED] == b"true" for p in unopened)
    assert all(b"LT-" not in p.data for p in unopened)
    assert opened == PLAIN and passed == PLAIN
    # Nor may an operator have the codec server seal anything.
    sealing = await codec.post(
        "/encode", json=plain_batch(), headers={**justice_operator, "X-Namespace": "justice"}
    )
    assert sealing.status_code == 403


def plain_batch() -> dict[str, object]:
    return json_format.MessageToDict(Payloads(payloads=[PLAIN]))


async def _signal_raw(stack: Stack, workflow_id: str, payload: Payload) -> None:
    """A signal as anyone with access to the namespace can send it: straight to the server,
    through no codec."""
    await stack.client.workflow_service.signal_workflow_execution(
        SignalWorkflowExecutionRequest(
            namespace=stack.client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id),
            signal_name="answer_supplement",
            input=Payloads(payloads=[payload]),
            identity="forger",
        )
    )


async def _temporal_cli(stack: Stack, *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        str(binary_path()),
        *args,
        "--address",
        stack.services.temporal_address,
        "--namespace",
        stack.client.namespace,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_malformed_encrypted_signal_does_not_stall_the_declaration(
    stack: Stack, factory: DeclarationFactory
) -> None:
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id, workflow_id = accepted["declaration_id"], accepted["workflow_id"]
        opened = await open_case(stack, declaration_id, "birth_registration")
        # The reported attack, as the CLI sends it: one byte claiming to be encrypted.
        await _temporal_cli(
            stack,
            "workflow",
            "signal",
            "--workflow-id",
            workflow_id,
            "--name",
            "answer_supplement",
            "--input-base64",
            "--input",
            "AA==",
            "--input-meta",
            "encoding=binary/encrypted",
        )
        # The same under the orchestrator's own key id, and under a key id that is not text.
        active = stack.settings.payload_encryption_active_key.encode()
        for key_id in (active, b"\xff\xfe"):
            await _signal_raw(
                stack,
                workflow_id,
                Payload(metadata={"encoding": ENCODING, KEY_ID: key_id}, data=b"\x00"),
            )
        await officer_decides(stack, "justice", opened["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    # The workflow closes once its results are delivered, after the status reads completed.
    handle = stack.client.get_workflow_handle(workflow_id)
    await asyncio.wait_for(handle.result(), timeout=60)
    events = [e async for e in handle.fetch_history_events()]
    kinds = [e.event_type for e in events]
    assert kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) == 3
    assert EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED not in kinds
    assert kinds[-1] == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED


async def test_the_cli_shows_a_history_decoded_through_the_codec_server(
    stack: Stack, factory: DeclarationFactory, codec: httpx.AsyncClient
) -> None:
    accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
    declaration_id = accepted["declaration_id"]
    assert (await wait_for_status(stack.api, declaration_id))["status"] == "completed"
    # The workflow closes once its results are delivered, after the status reads completed:
    # shown before, its history would be shorter than the one read below.
    workflow = stack.client.get_workflow_handle(accepted["workflow_id"])
    await asyncio.wait_for(workflow.result(), timeout=60)
    operator = stack.token("operator", audience="codec-server")
    shown = await _temporal_cli(
        stack,
        "workflow",
        "show",
        "--workflow-id",
        accepted["workflow_id"],
        "--codec-endpoint",
        str(codec.base_url).rstrip("/"),
        "--codec-auth",
        f"Bearer {operator}",
        "--output",
        "json",
    )
    history = json_format.Parse(shown, History())
    payloads = _payloads_in(json.loads(shown))
    assert len(payloads) > 10
    encodings = {p.metadata["encoding"] for p in payloads}
    # Everything opened: nothing encrypted is left, nothing was refused, and the SDK's own
    # plain payloads (a local activity's marker) came through with the rest.
    assert b"binary/encrypted" not in encodings
    assert not [p for p in payloads if REFUSED in p.metadata]
    assert encodings <= {b"json/plain", b"binary/null"}
    # The SDK writes a local activity's marker details in clear, and the codec server passed
    # them through as they are in the server's history.
    raw = [
        e
        async for e in stack.client.get_workflow_handle(
            accepted["workflow_id"]
        ).fetch_history_events()
    ]
    plain_markers = [
        (e.event_id, name, p)
        for e in raw
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
        for name, details in e.marker_recorded_event_attributes.details.items()
        for p in details.payloads
        if p.metadata["encoding"] == b"json/plain"
    ]
    assert plain_markers
    shown_events = {e.event_id: e for e in history.events}
    for event_id, name, payload in plain_markers:
        details = shown_events[event_id].marker_recorded_event_attributes.details[name]
        assert payload in details.payloads
    # What the orchestrator sent each agency names the declaration it is for, so its decode
    # was audited against the declaration too.
    requests = [
        e.nexus_operation_scheduled_event_attributes.input
        for e in raw
        if e.event_type == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED
    ]
    assert len(requests) >= 3
    assert {r.metadata[DECLARATION_ID] for r in requests} == {declaration_id.encode()}
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    assert json.loads(started.data)["declaration_id"] == declaration_id
    decodes = [e for e in audit_trail(stack.engine, declaration_id) if e.action == "codec_decode"]
    assert len(decodes) == 1


def _payloads_in(value: object) -> list[Payload]:
    """Every payload anywhere in a history in protobuf's JSON form."""
    if isinstance(value, list):
        return [p for item in value for p in _payloads_in(item)]
    if not isinstance(value, dict):
        return []
    metadata = value.get("metadata")
    if isinstance(metadata, dict) and "encoding" in metadata:
        return [json_format.ParseDict(value, Payload())]
    return [p for item in value.values() for p in _payloads_in(item)]

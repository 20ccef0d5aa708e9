"""Each agency is sovereign: its own namespace, its own payload key, reached only through its
Nexus endpoint. What one party holds can neither read nor forge what another wrote; an outage
is never a rejection; keys that verify agency decisions rotate and are revoked while cases are
open; a declaration whose workflow is terminated says so."""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from adapters.case_worker.agency_case import AgencyCaseWorkflow, case_workflow_id
from agency_contracts.decisions import OfficerDecision
from devstack.declaration_factory import DeclarationFactory
from schemas.common import Agency
from schemas.decisions import Requester, WithdrawalRequest
from schemas.parties import AGENCY_PARTIES
from security import decision_signatures
from security.dev_credentials import dev_signing_key_id, dev_signing_seed
from security.requesters import attest
from settings import AgencyWorkerSettings
from temporal_connection import search_attributes
from temporal_connection.data_converter import build_data_converter, encryption_codec
from temporal_connection.encryption_codec import PayloadRefused
from tests.harness.agency_offices import agency_cases, agency_policy, officer_decides, open_case
from tests.harness.portal import step, submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status, wait_for_step
from workflows.declaration_workflow import DeclarationWorkflow


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every payload anywhere in a history event, however deep."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if isinstance(value, Message):
            yield from payloads_in(value)
            continue
        # A repeated field, or a map (metadata, memo, headers) of messages.
        for item in value.values() if hasattr(value, "values") else value:
            if isinstance(item, Message):
                yield from payloads_in(item)


def agency_codec(agency: str) -> Any:
    return encryption_codec(AgencyWorkerSettings.for_agency(agency))


def opens(codec: Any, payload: Payload) -> bool:
    try:
        codec.decrypt(payload)
    except PayloadRefused:
        return False
    return True


async def test_no_agency_key_reads_the_orchestrators_history(
    stack: Stack, factory: DeclarationFactory, services: SessionServices
) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    accepted = await submit(stack.api, "death", factory.death(deceased, form="lump_sum"))
    assert (await wait_for_status(stack.api, accepted["declaration_id"]))["status"] == "completed"

    raw = await Client.connect(services.temporal_address, namespace=stack.client.namespace)
    history = await raw.get_workflow_handle(accepted["workflow_id"]).fetch_history()
    codecs = {agency: agency_codec(agency) for agency in AGENCY_PARTIES}
    own = encryption_codec(stack.settings)
    readable_by: dict[str, int] = dict.fromkeys(AGENCY_PARTIES, 0)
    sealed = 0
    for event in history.events:
        for payload in payloads_in(event):
            if payload.metadata.get("encoding") != b"binary/encrypted":
                continue
            sealed += 1
            openers = [agency for agency, codec in codecs.items() if opens(codec, payload)]
            # No payload opens for two agencies; most open for none.
            assert len(openers) <= 1
            for agency in openers:
                readable_by[agency] += 1
            if not openers:
                assert opens(own, payload), "the orchestrator reads its own history"
    assert sealed > 20
    # What went to each agency (its requests, its decisions) opens with its key, and only that.
    assert readable_by["justice"] > 0
    assert readable_by["police"] > 0
    assert readable_by["social_security"] > 0
    # The declaration itself (workflow input, status reports) opens for no agency.
    started = history.events[0].workflow_execution_started_event_attributes
    for payload in started.input.payloads:
        assert not any(opens(codec, payload) for codec in codecs.values())


async def test_plain_and_forged_messages_are_refused(
    stack: Stack, factory: DeclarationFactory, services: SessionServices
) -> None:
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id = accepted["declaration_id"]
        case = await open_case(stack, declaration_id, "birth_registration")
        withdrawal = {"reason": "forged", "requested_at": datetime.now(UTC).isoformat()}

        # A withdrawal sent in plain JSON, as with the Temporal CLI and no codec.
        raw = await Client.connect(services.temporal_address, namespace=stack.client.namespace)
        with pytest.raises((WorkflowUpdateFailedError, RPCError)):
            await raw.get_workflow_handle(accepted["workflow_id"]).execute_update(
                "withdraw", withdrawal
            )
        # The same, sealed with everything an agency holds: its own payload key.
        justice = AgencyWorkerSettings.for_agency("justice")
        as_justice = await Client.connect(
            services.temporal_address,
            namespace=stack.client.namespace,
            data_converter=build_data_converter(justice),
        )
        with pytest.raises((WorkflowUpdateFailedError, RPCError)):
            await as_justice.get_workflow_handle(accepted["workflow_id"]).execute_update(
                "withdraw", withdrawal
            )

        # Sealed with the orchestrator's own key (as anyone holding it could; the codec server
        # encodes nothing for operators), but not attested by the portal API: refused too, and
        # so is a real attestation of another declaration's withdrawal replayed here.
        handle = stack.client.get_workflow_handle(accepted["workflow_id"])
        forged_requester = Requester(
            actor="citizen:someone-else",
            requested_at=datetime.now(UTC),
            expires_at=datetime.now(UTC) + timedelta(minutes=5),
            nonce="0" * 32,
            key_id=stack.settings.requester_signing_active_key,
            signature=base64.b64encode(os.urandom(64)).decode(),
        )
        replayed = attest(
            stack.settings.requester_signing_keys[
                stack.settings.requester_signing_active_key
            ].get_secret_value(),
            stack.settings.requester_signing_active_key,
            "declaration-LT-ANOTHER",
            "withdraw",
            "citizen:someone-else",
            datetime.now(UTC),
            "",
        )
        for requester in (forged_requester, replayed):
            with pytest.raises(WorkflowUpdateFailedError):
                await handle.execute_update(
                    DeclarationWorkflow.withdraw,
                    WithdrawalRequest(requested_at=datetime.now(UTC), requester=requester),
                )

        # A decision signalled in plain JSON into the justice case, or sealed with the police's
        # key: neither is read, and the case waits for its officer.
        forged = OfficerDecision(
            decision_id="forged",
            agency=Agency("justice"),
            case_number=case["case_number"],
            outcome="approved",
            decided_at=datetime.now(UTC),
        ).model_dump(mode="json")
        case_id = case_workflow_id(f"{declaration_id}:birth_registration:1")
        raw_justice = await Client.connect(services.temporal_address, namespace="justice")
        await raw_justice.get_workflow_handle(case_id).signal("record_decision", forged)
        police = AgencyWorkerSettings.for_agency("police")
        as_police = await Client.connect(
            services.temporal_address,
            namespace="justice",
            data_converter=build_data_converter(police),
        )
        await as_police.get_workflow_handle(case_id).signal(
            AgencyCaseWorkflow.record_decision, OfficerDecision.model_validate(forged)
        )
        await asyncio.sleep(1.5)
        view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
        assert view["status"] == "in_progress"
        assert step(view, "birth_registration")["status"] == "submitted"
        (justice_case,) = await agency_cases(stack.agencies["justice"], declaration_id)
        assert justice_case["status"] == "pending"

        # The officer's own decision still goes through.
        await officer_decides(stack, "justice", case["case_number"], "approve")
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"


@pytest.mark.parametrize("status_code", [401, 503])
async def test_an_agency_refusing_or_down_for_a_while_is_retried_never_rejected(
    stack: Stack, factory: DeclarationFactory, status_code: int
) -> None:
    justice = stack.officers["justice"]
    staged = await justice.put(
        "/sandbox/faults", json={"status_code": status_code, "outage_seconds": 3}
    )
    assert staged.status_code == 200, staged.text
    try:
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        view = await wait_for_status(stack.api, accepted["declaration_id"], timeout=90)
    finally:
        await justice.delete("/sandbox/faults")
    assert view["status"] == "completed"
    assert step(view, "birth_registration")["status"] == "approved"
    cases = await agency_cases(stack.agencies["justice"], accepted["declaration_id"])
    assert [c["status"] for c in cases] == ["approved"]


async def _held(stack: Stack, declaration_id: str) -> list[dict[str, Any]]:
    operator = {"Authorization": f"Bearer {stack.token('operator')}"}
    response = await stack.api.get("/v1/trust/held-decisions", headers=operator)
    assert response.status_code == 200, response.text
    return [h for h in response.json() if h["declaration_id"] == declaration_id]


async def _until_held(stack: Stack, declaration_id: str) -> list[dict[str, Any]]:
    """The declaration's held decisions, once the trust check has held one (or after 10 s)."""
    for _ in range(100):
        held = await _held(stack, declaration_id)
        if held:
            return held
        await asyncio.sleep(0.1)
    return []


@asynccontextmanager
async def _justice_signing_keys(stack: Stack) -> AsyncIterator[None]:
    """Let a test rotate the justice office's signing key; the session's sandbox signs with its
    development key again afterwards."""
    try:
        yield
    finally:
        await stack.officers["justice"].put(
            "/sandbox/signing-key",
            json={"key_id": dev_signing_key_id("justice"), "seed": dev_signing_seed("justice")},
        )


async def test_a_rotated_key_is_accepted_and_a_revoked_one_is_held(
    stack: Stack, factory: DeclarationFactory
) -> None:
    operator = {"Authorization": f"Bearer {stack.token('operator')}"}
    officer = stack.officers["justice"]
    seed = base64.b64encode(os.urandom(32)).decode()
    key_id = f"justice-{secrets.token_hex(4)}"
    async with _justice_signing_keys(stack), agency_policy(stack, "justice", "manual"):
        first = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        opened = await open_case(stack, first["declaration_id"], "birth_registration")
        # While the case is open, the agency rotates its key: the operators trust the new
        # key first, then the agency signs with it.
        trusted = await stack.api.put(
            f"/v1/trust/agency-keys/justice/{key_id}",
            json={"public_key": decision_signatures.public_key_b64(seed)},
            headers=operator,
        )
        assert trusted.status_code == 201, trusted.text
        rotated = await officer.put("/sandbox/signing-key", json={"key_id": key_id, "seed": seed})
        assert rotated.status_code == 204, rotated.text
        await officer_decides(stack, "justice", opened["case_number"], "approve")
        view = await wait_for_status(stack.api, first["declaration_id"])
        assert view["status"] == "completed"

        # Then the key is revoked: a decision signed with it is held, visible to operators,
        # and not acted on.
        revoked = await stack.api.post(
            f"/v1/trust/agency-keys/justice/{key_id}/revoke", headers=operator
        )
        assert revoked.status_code == 200, revoked.text
        second = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id = second["declaration_id"]
        opened = await open_case(stack, declaration_id, "birth_registration")
        await officer_decides(stack, "justice", opened["case_number"], "approve")
        held = await _until_held(stack, declaration_id)
        assert [(h["procedure"], h["problem"], h["key_id"]) for h in held] == [
            ("birth_registration", "revoked_key", key_id)
        ]
        await asyncio.sleep(1.5)  # a recheck or two: still held
        view = (await stack.api.get(f"/v1/declarations/{declaration_id}")).json()
        assert step(view, "birth_registration")["status"] == "submitted"
        description = await stack.client.get_workflow_handle(second["workflow_id"]).describe()
        assert description.typed_search_attributes.get(search_attributes.DECISION_HELD)
    withdrawn = await stack.api.post(f"/v1/declarations/{declaration_id}/withdraw")
    assert withdrawn.status_code == 202, withdrawn.text
    view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "withdrawn"


async def test_a_decision_under_a_key_not_yet_trusted_waits_for_it(
    stack: Stack, factory: DeclarationFactory
) -> None:
    operator = {"Authorization": f"Bearer {stack.token('operator')}"}
    officer = stack.officers["justice"]
    seed = base64.b64encode(os.urandom(32)).decode()
    key_id = f"justice-{secrets.token_hex(4)}"
    async with _justice_signing_keys(stack), agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        declaration_id = accepted["declaration_id"]
        opened = await open_case(stack, declaration_id, "birth_registration")
        await officer.put("/sandbox/signing-key", json={"key_id": key_id, "seed": seed})
        await officer_decides(stack, "justice", opened["case_number"], "approve")
        held = await _until_held(stack, declaration_id)
        assert [h["problem"] for h in held] == ["unknown_key"]
        # The operators learn of the rotation and trust the key: the next check releases it.
        trusted = await stack.api.put(
            f"/v1/trust/agency-keys/justice/{key_id}",
            json={"public_key": decision_signatures.public_key_b64(seed)},
            headers=operator,
        )
        assert trusted.status_code == 201
        view = await wait_for_status(stack.api, declaration_id)
    assert view["status"] == "completed"
    assert await _held(stack, declaration_id) == []


async def test_a_terminated_declaration_says_so(stack: Stack, factory: DeclarationFactory) -> None:
    async with agency_policy(stack, "justice", "manual"):
        accepted = await submit(stack.api, "birth", factory.birth(next(factory.couples())))
        await wait_for_step(
            stack.api, accepted["declaration_id"], "birth_registration", {"submitted"}
        )
        await stack.client.get_workflow_handle(accepted["workflow_id"]).terminate("operator test")
        view = await wait_for_status(
            stack.api, accepted["declaration_id"], frozenset({"failed"}), timeout=30
        )
    assert "bị chấm dứt" in view["summary"]
    assert view["status_reason_code"] == "workflow_terminated"

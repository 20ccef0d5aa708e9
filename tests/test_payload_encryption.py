"""Payloads are encrypted: the raw event history in the Temporal server holds no personal data in
clear text, and keys rotate without losing old histories."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import NexusSerializationContext, WorkflowSerializationContext

from devstack.declaration_factory import DeclarationFactory
from security.key_rings import KeyRing
from temporal_connection.encryption_codec import (
    KEY_ID,
    REFUSED_ENCODING,
    WORKFLOW_ID,
    EncryptionCodec,
    PayloadRefused,
    UnknownEncryptionKey,
    workflow_of,
)
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

PERSONAL_KEYS = {
    "personal_id",
    "full_name",
    "address_line",
    "phone",
    "email",
    "account_number",
    "recipient",
    "account_holder",
    "child_personal_id",
    "social_insurance_number",
    "card_code",
}


def personal_values(value: Any, key: str = "") -> set[str]:
    if isinstance(value, dict):
        return set().union(*(personal_values(v, k) for k, v in value.items())) if value else set()
    if isinstance(value, list):
        return set().union(*(personal_values(v, key) for v in value)) if value else set()
    return {value} if key in PERSONAL_KEYS and isinstance(value, str) else set()


async def test_raw_history_holds_no_personal_data_in_clear_text(
    stack: Stack, factory: DeclarationFactory, services: SessionServices
) -> None:
    birth = factory.birth(next(factory.couples()), delivery="post")
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    death = factory.death(deceased, form="lump_sum")
    secrets: set[str] = set()
    # A client without the codec sees the history exactly as the server stores it.
    raw_client = await Client.connect(services.temporal_address, namespace=stack.client.namespace)
    for kind, body in (("birth", birth), ("death", death)):
        accepted = await submit(stack.api, kind, body)
        view = await wait_for_status(stack.api, accepted["declaration_id"])
        assert view["status"] == "completed"
        secrets |= personal_values(body) | personal_values(view["steps"])
        history = await raw_client.get_workflow_handle(accepted["workflow_id"]).fetch_history()
        raw = history.to_json()
        assert "binary/encrypted" in raw or base64.b64encode(b"binary/encrypted").decode() in raw
        leaked = sorted(s for s in secrets if s in raw)
        assert leaked == [], f"clear text in the {kind} history"
    # The identifiers the agencies issued are among what was checked.
    assert any(len(s) == 15 and s.startswith("TE1") for s in secrets)


def key() -> bytes:
    return os.urandom(32)


def ring(active: str, *others: str, keys: dict[str, bytes] | None = None) -> KeyRing:
    held = keys or {}
    return KeyRing({k: held.get(k) or key() for k in (active, *others)}, active)


PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'"secret"')


def test_key_rotation_keeps_old_payloads_readable() -> None:
    old, new = key(), key()
    before = EncryptionCodec(KeyRing({"2025": old}, "2025"))
    sealed = before.encrypt(PLAIN)
    assert sealed.metadata[KEY_ID] == b"2025"
    assert b"secret" not in sealed.data

    rotated = EncryptionCodec(KeyRing({"2025": old, "2026": new}, "2026"))
    assert rotated.decrypt(sealed).data == b'"secret"'
    assert rotated.encrypt(PLAIN).metadata[KEY_ID] == b"2026"

    retired = EncryptionCodec(KeyRing({"2026": new}, "2026"))
    with pytest.raises(UnknownEncryptionKey):
        retired.decrypt(sealed)


def test_a_relabelled_or_altered_payload_does_not_decrypt() -> None:
    codec = EncryptionCodec(ring("a", "b"))
    sealed = codec.encrypt(PLAIN)
    relabelled = Payload()
    relabelled.CopyFrom(sealed)
    relabelled.metadata[KEY_ID] = b"b"
    with pytest.raises(PayloadRefused):
        codec.decrypt(relabelled)
    altered = Payload()
    altered.CopyFrom(sealed)
    altered.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(PayloadRefused):
        codec.decrypt(altered)


async def test_an_unencrypted_payload_is_refused_not_passed_through() -> None:
    codec = EncryptionCodec(ring("a"))
    with pytest.raises(PayloadRefused):
        codec.decrypt(PLAIN)
    # Inside a worker, the refused payload becomes one no converter reads: the signal or update
    # that carried it is refused where it lands, and the workflow's task does not fail.
    (refused,) = await codec.decode([PLAIN])
    assert refused.metadata["encoding"] == REFUSED_ENCODING
    assert refused.data == b""


def test_nexus_payloads_are_sealed_for_the_agency_they_go_to() -> None:
    justice_keys, police_keys = {"justice-1": key()}, {"police-1": key()}
    orchestrator = EncryptionCodec(
        ring("orchestrator-1"),
        {
            "justice": KeyRing(justice_keys, "justice-1"),
            "police": KeyRing(police_keys, "police-1"),
        },
    )
    justice = EncryptionCodec(KeyRing(justice_keys, "justice-1"))
    police = EncryptionCodec(KeyRing(police_keys, "police-1"))
    to_justice = orchestrator.with_context(
        NexusSerializationContext(endpoint="e", service="justice", operation="register_birth")
    )
    in_history = orchestrator.with_context(
        WorkflowSerializationContext(namespace="lienthong", workflow_id="declaration-LT-1")
    )
    sent = to_justice.encrypt(PLAIN)
    assert sent.metadata[KEY_ID] == b"justice-1"
    assert justice.decrypt(sent).data == PLAIN.data
    with pytest.raises(UnknownEncryptionKey):
        police.decrypt(sent)
    # The orchestrator's own history is closed to every agency.
    own = in_history.encrypt(PLAIN)
    for agency in (justice, police):
        with pytest.raises(UnknownEncryptionKey):
            agency.decrypt(own)
    # An agency can answer its own operation, but cannot forge anything else in the
    # orchestrator's history: outside the agency's Nexus operations its key is not accepted.
    answer = justice.encrypt(PLAIN)
    assert to_justice.decrypt(answer).data == PLAIN.data
    with pytest.raises(UnknownEncryptionKey):
        in_history.decrypt(answer)
    # The orchestrator's operators read both, through the codec server.
    assert orchestrator.reading_every_ring().decrypt(sent).data == PLAIN.data


def test_payloads_name_their_workflow_for_the_audit_trail() -> None:
    codec = EncryptionCodec(ring("a")).with_context(
        WorkflowSerializationContext(namespace="lienthong", workflow_id="declaration-LT-1")
    )
    sealed = codec.encrypt(PLAIN)
    assert workflow_of(sealed) == "declaration-LT-1"
    assert codec.decrypt(sealed).data == PLAIN.data
    # The label is authenticated: stripped, or moved to a decoy, the payload does not open.
    stripped = Payload()
    stripped.CopyFrom(sealed)
    del stripped.metadata[WORKFLOW_ID]
    decoy = Payload()
    decoy.CopyFrom(sealed)
    decoy.metadata[WORKFLOW_ID] = b"declaration-LT-decoy"
    for relabelled in (stripped, decoy):
        with pytest.raises(PayloadRefused):
            codec.decrypt(relabelled)


def test_settings_refuse_an_active_key_that_does_not_exist() -> None:
    from pydantic import ValidationError

    from settings import Settings

    with pytest.raises(ValidationError, match="PAYLOAD_ENCRYPTION_ACTIVE_KEY"):
        Settings(payload_encryption_active_key="missing")

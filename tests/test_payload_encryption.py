"""Payloads are encrypted: the raw event history in the Temporal server holds no personal data in
clear text, and keys rotate without losing old histories."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import WorkflowSerializationContext

from local_stack.declaration_factory import DeclarationFactory
from temporal_connection.encryption_codec import (
    KEY_ID,
    EncryptionCodec,
    UnknownEncryptionKey,
    workflow_of,
)
from tests.conftest import SessionServices, Stack
from tests.support import submit, wait_for_status

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
    raw_client = await Client.connect(services.temporal_address)
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


async def test_key_rotation_keeps_old_payloads_readable() -> None:
    old, new = key(), key()
    before = EncryptionCodec({"2025": old}, "2025")
    sealed = await before.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"secret"')])
    assert sealed[0].metadata[KEY_ID] == b"2025"
    assert b"secret" not in sealed[0].data

    rotated = EncryptionCodec({"2025": old, "2026": new}, "2026")
    assert (await rotated.decode(sealed))[0].data == b'"secret"'
    fresh = await rotated.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"1")])
    assert fresh[0].metadata[KEY_ID] == b"2026"

    retired = EncryptionCodec({"2026": new}, "2026")
    with pytest.raises(UnknownEncryptionKey):
        await retired.decode(sealed)


async def test_a_relabelled_or_altered_payload_does_not_decrypt() -> None:
    codec = EncryptionCodec({"a": key(), "b": key()}, "a")
    (sealed,) = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"1")])
    relabelled = Payload()
    relabelled.CopyFrom(sealed)
    relabelled.metadata[KEY_ID] = b"b"
    with pytest.raises(InvalidTag):
        await codec.decode([relabelled])
    altered = Payload()
    altered.CopyFrom(sealed)
    altered.data = sealed.data[:-1] + bytes([sealed.data[-1] ^ 1])
    with pytest.raises(InvalidTag):
        await codec.decode([altered])


async def test_payloads_name_their_workflow_for_the_audit_trail() -> None:
    codec = EncryptionCodec({"a": key()}, "a").with_context(
        WorkflowSerializationContext(namespace="default", workflow_id="declaration-LT-1")
    )
    (sealed,) = await codec.encode([Payload(metadata={"encoding": b"json/plain"}, data=b"1")])
    assert workflow_of(sealed) == "declaration-LT-1"


def test_settings_refuse_an_active_key_that_does_not_exist() -> None:
    from pydantic import ValidationError

    from settings import Settings

    with pytest.raises(ValidationError, match="PAYLOAD_ENCRYPTION_ACTIVE_KEY"):
        Settings(payload_encryption_active_key="missing")

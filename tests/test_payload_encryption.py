"""Payloads are encrypted: the raw event history in the Temporal server holds no personal data in
clear text, and keys rotate without losing old histories."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from typing import Any

import nexusrpc
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import BaseModel
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import NexusSerializationContext, WorkflowSerializationContext

from agency_contracts.decisions import CaseCancellation, CaseFollowUp
from agency_contracts.services import (
    CASE_SERVICES,
    PostalService,
)
from devstack.declaration_factory import DeclarationFactory
from security.key_rings import KeyRing
from temporal_connection.data_converter import CodecContextDataConverter
from temporal_connection.encryption_codec import (
    DECLARATION_ID,
    ENCODING,
    KEY_ID,
    REFUSED_ENCODING,
    WORKFLOW_ID,
    EncryptionCodec,
    PayloadLabels,
    PayloadRefused,
    UnknownEncryptionKey,
    labels_of,
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


ACTIVE = "orchestrator-1"
ONE_BYTE = Payload(metadata={"encoding": ENCODING, KEY_ID: ACTIVE.encode()}, data=b"\x00")


def _sealed_not_a_payload(codec_key: bytes) -> Payload:
    """Content sealed correctly under the party's key, which is not a protobuf payload."""
    nonce = os.urandom(12)
    sealed = AESGCM(codec_key).encrypt(nonce, b"\xff\xff\xff", ACTIVE.encode() + b"\x00")
    return Payload(metadata={"encoding": ENCODING, KEY_ID: ACTIVE.encode()}, data=nonce + sealed)


async def test_a_malformed_encrypted_payload_is_refused_never_raised() -> None:
    own = key()
    codec = EncryptionCodec(KeyRing({ACTIVE: own}, ACTIVE))
    malformed = [
        # One byte of data: too short for a nonce, let alone a sealed payload.
        ONE_BYTE,
        Payload(metadata={"encoding": ENCODING}, data=b"\x00"),
        Payload(metadata={"encoding": ENCODING, KEY_ID: ACTIVE.encode()}, data=b""),
        Payload(metadata={"encoding": ENCODING, KEY_ID: ACTIVE.encode()}, data=os.urandom(27)),
        # A key id, or a label, that is not text.
        Payload(metadata={"encoding": ENCODING, KEY_ID: b"\xff\xfe"}, data=os.urandom(40)),
        Payload(
            metadata={"encoding": ENCODING, KEY_ID: ACTIVE.encode(), WORKFLOW_ID: b"\xc3"},
            data=os.urandom(40),
        ),
        Payload(
            metadata={"encoding": ENCODING, KEY_ID: ACTIVE.encode(), DECLARATION_ID: b"a\x00b"},
            data=os.urandom(40),
        ),
        # Opens, but what was sealed is not a payload.
        _sealed_not_a_payload(own),
    ]
    for payload in malformed:
        with pytest.raises(PayloadRefused):
            codec.decrypt(payload)
    # In a worker, each becomes the refused payload: the activation that carried it decodes.
    decoded = await codec.decode(malformed)
    assert [p.metadata["encoding"] for p in decoded] == [REFUSED_ENCODING] * len(malformed)
    assert all(p.data == b"" for p in decoded)


_label_bytes = st.one_of(st.binary(max_size=24), st.text(max_size=24).map(str.encode))


@given(
    key_id=st.one_of(st.none(), st.just(ACTIVE.encode()), _label_bytes),
    workflow=st.one_of(st.none(), _label_bytes),
    declaration=st.one_of(st.none(), _label_bytes),
    data=st.binary(max_size=80),
)
@hypothesis_settings(max_examples=300, deadline=None, database=None)
def test_decrypt_refuses_whatever_claims_to_be_encrypted(
    key_id: bytes | None, workflow: bytes | None, declaration: bytes | None, data: bytes
) -> None:
    codec = EncryptionCodec(KeyRing({ACTIVE: b"k" * 32}, ACTIVE)).reading_every_ring()
    labels = {KEY_ID: key_id, WORKFLOW_ID: workflow, DECLARATION_ID: declaration}
    metadata = {"encoding": ENCODING, **{k: v for k, v in labels.items() if v is not None}}
    # Random bytes never carry a valid authentication tag: refused, and only ever so.
    with pytest.raises(PayloadRefused):
        codec.decrypt(Payload(metadata=metadata, data=data))


def _json_payload(model: BaseModel) -> Payload:
    return pydantic_data_converter.payload_converter.to_payloads([model])[0]


def _orchestrator_and_justice() -> tuple[EncryptionCodec, EncryptionCodec]:
    justice_keys = {"justice-1": key()}
    orchestrator = EncryptionCodec(
        ring("orchestrator-1"), {"justice": KeyRing(justice_keys, "justice-1")}
    )
    return orchestrator, EncryptionCodec(KeyRing(justice_keys, "justice-1"))


def test_every_request_to_an_agency_names_its_declaration_at_the_top() -> None:
    for service in (*CASE_SERVICES.values(), PostalService):
        definition = nexusrpc.get_service_definition(service)
        assert definition is not None
        for name, operation in definition.operation_definitions.items():
            fields = getattr(operation.input_type, "model_fields", {})
            assert "declaration_id" in fields, f"{definition.name}.{name}"


def test_nexus_payloads_are_labelled_with_their_declaration() -> None:
    orchestrator, justice = _orchestrator_and_justice()
    to_justice = orchestrator.with_context(
        NexusSerializationContext(endpoint="e", service="justice", operation="follow_up_case")
    )
    follow_up = CaseFollowUp(
        declaration_id="LT-20261120-3F9A1C7B2E",
        case_reference="LT-20261120-3F9A1C7B2E:birth_registration:1",
        kind="reminder",
        deadline=datetime(2026, 12, 1, tzinfo=UTC),
    )
    sealed = to_justice.encrypt(_json_payload(follow_up))
    assert sealed.metadata[DECLARATION_ID] == b"LT-20261120-3F9A1C7B2E"
    assert labels_of(sealed) == PayloadLabels(None, "LT-20261120-3F9A1C7B2E")
    assert b"LT-20261120" not in sealed.data
    # The agency opens it as it handles the operation; the orchestrator's operators read it.
    handling = justice.with_context(
        NexusSerializationContext(endpoint="e", service="justice", operation="follow_up_case")
    )
    assert handling.decrypt(sealed).data == _json_payload(follow_up).data
    assert orchestrator.reading_every_ring().decrypt(sealed).data == _json_payload(follow_up).data

    # The label is authenticated: stripped, or moved to another declaration, it does not open.
    stripped, moved = Payload(), Payload()
    stripped.CopyFrom(sealed)
    del stripped.metadata[DECLARATION_ID]
    moved.CopyFrom(sealed)
    moved.metadata[DECLARATION_ID] = b"LT-20261120-0000000000"
    for relabelled in (stripped, moved):
        with pytest.raises(PayloadRefused):
            handling.decrypt(relabelled)

    # A Nexus payload that names no declaration (an agency's answer) carries no label.
    answer = handling.encrypt(Payload(metadata={"encoding": b"json/plain"}, data=b'{"a": 1}'))
    assert DECLARATION_ID not in answer.metadata
    assert to_justice.decrypt(answer).data == b'{"a": 1}'


def test_payloads_in_a_workflow_keep_the_workflow_label_only() -> None:
    orchestrator, _ = _orchestrator_and_justice()
    in_history = orchestrator.with_context(
        WorkflowSerializationContext(namespace="lienthong", workflow_id="declaration-LT-1")
    )
    sealed = in_history.encrypt(
        _json_payload(
            CaseCancellation(declaration_id="LT-1", case_number="KS-1", reason="withdrawn")
        )
    )
    assert labels_of(sealed) == PayloadLabels("declaration-LT-1", None)
    assert in_history.decrypt(sealed).metadata["encoding"] == b"json/plain"


def test_a_scope_is_made_once_and_keeps_its_own_labels() -> None:
    """The SDK asks for a codec (and a converter) in each payload's context: the same context
    gets the same one back, and each keeps its own workflow's label and ring."""
    orchestrator, _ = _orchestrator_and_justice()
    converter = CodecContextDataConverter(
        payload_converter_class=pydantic_data_converter.payload_converter_class,
        payload_codec=orchestrator,
    )
    contexts = {
        n: WorkflowSerializationContext(namespace="lienthong", workflow_id=f"declaration-LT-{n}")
        for n in (1, 2)
    }
    first, again = (converter.with_context(contexts[1]) for _ in range(2))
    second = converter.with_context(contexts[2])
    assert first is again and first is not second
    assert first.payload_converter is converter.payload_converter
    for n, scoped in ((1, first), (2, second)):
        assert isinstance(scoped.payload_codec, EncryptionCodec)
        assert workflow_of(scoped.payload_codec.encrypt(PLAIN)) == f"declaration-LT-{n}"
    to_justice = orchestrator.with_context(
        NexusSerializationContext(endpoint="e", service="justice", operation="register_birth")
    )
    assert to_justice is orchestrator.with_context(
        NexusSerializationContext(endpoint="e", service="justice", operation="register_birth")
    )
    sealed = to_justice.encrypt(PLAIN)
    assert sealed.metadata[KEY_ID] == b"justice-1"
    assert isinstance(first.payload_codec, EncryptionCodec)
    assert first.payload_codec.with_context(contexts[2]) is second.payload_codec


def test_payloads_sealed_before_the_declaration_label_still_open() -> None:
    # Sealed as before the label existed: the associated data is the key id and the workflow.
    old_key = key()
    codec = EncryptionCodec(KeyRing({"2025": old_key}, "2025")).reading_every_ring()
    nonce = os.urandom(12)
    for workflow in (b"", b"declaration-LT-1"):
        sealed = AESGCM(old_key).encrypt(nonce, PLAIN.SerializeToString(), b"2025\x00" + workflow)
        metadata = {"encoding": ENCODING, KEY_ID: b"2025"}
        if workflow:
            metadata[WORKFLOW_ID] = workflow
        assert codec.decrypt(Payload(metadata=metadata, data=nonce + sealed)) == PLAIN

"""The codec server's answers to whatever it is sent, in process (no Temporal server): never a
500; payloads never encrypted come back as they were, encrypted ones that do not open come back
as refusals; `/encode` is refused to operators; each operator's reading of a declaration is one
audit entry per viewing session."""

from __future__ import annotations

import base64
import json
import os
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from sqlalchemy.engine import Engine
from sqlmodel import select
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import NexusSerializationContext, WorkflowSerializationContext

from codec_server.app import create_codec_app
from codec_server.decode_audit import DECLARATION_WORKFLOW_PREFIX
from codec_server.operator_reading import REFUSED
from devstack.issuing import issue_from_settings
from portal_api.declaration_ids import workflow_id_for
from security.key_rings import KeyRing
from settings import AgencyWorkerSettings, Settings
from store.audit import audit_trail
from store.database import engine_for, session_scope
from store.models import AuditEntry
from temporal_connection.data_converter import encryption_codec
from temporal_connection.encryption_codec import (
    DECLARATION_ID,
    ENCODING,
    KEY_ID,
    WORKFLOW_ID,
    EncryptionCodec,
)

PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'{"marker": "local activity"}')


@dataclass
class Codec:
    settings: Settings
    http: httpx.AsyncClient
    engine: Engine

    def operator(self, lifetime_hours: int = 1, party: str = "orchestrator") -> dict[str, str]:
        # Tokens issued within one second differ only by their lifetime.
        token = issue_from_settings(
            self.settings,
            "operator",
            "ops-1",
            audience="codec-server",
            lifetime=timedelta(hours=lifetime_hours),
            party=party,
        )
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def codec(tmp_path: Path) -> AsyncIterator[Codec]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'codec.db'}")
    transport = httpx.ASGITransport(app=create_codec_app(settings), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://codec") as http:
        yield Codec(settings, http, engine_for(settings.database_url))


def _body(*payloads: Payload) -> dict[str, Any]:
    return json_format.MessageToDict(Payloads(payloads=payloads))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _in_workflow(settings: Settings, workflow_id: str, payload: Payload) -> Payload:
    context = WorkflowSerializationContext(namespace="lienthong", workflow_id=workflow_id)
    return encryption_codec(settings).with_context(context).encrypt(payload)


def _to_agency(settings: Settings, agency: str, declaration_id: str) -> Payload:
    context = NexusSerializationContext(endpoint="e", service=agency, operation="follow_up_case")
    request = json.dumps({"declaration_id": declaration_id, "kind": "reminder"}).encode()
    return (
        encryption_codec(settings)
        .with_context(context)
        .encrypt(Payload(metadata={"encoding": b"json/plain"}, data=request))
    )


# --- the fuzz: a few hundred bodies, from not JSON at all to payloads that are nearly right ---


def _json_value(rng: random.Random, depth: int = 0) -> Any:
    kinds = ["null", "bool", "int", "float", "text"] + (["list", "dict"] if depth < 4 else [])
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return rng.choice([0, -1, 2**63, -(2**80), rng.randint(-1000, 1000)])
    if kind == "float":
        return rng.choice([0.5, 1e308, -1e-300, rng.random()])
    if kind == "text":
        return _text(rng)
    if kind == "list":
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_text(rng): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _text(rng: random.Random) -> str:
    return rng.choice(
        [
            "",
            "payloads",
            "metadata",
            "data",
            "encoding",
            "AA==",
            "!!notbase64!!",
            "\x00",
            "\ud7ff\u00e9",
            "x" * rng.randint(1, 300),
        ]
    )


def _metadata_bytes(rng: random.Random, sealed: Payload) -> bytes:
    return rng.choice(
        [
            b"binary/encrypted",
            b"json/plain",
            b"binary/refused",
            rng.randbytes(rng.randint(0, 8)),
            b"\xff\xfe",
            b"a\x00b",
            sealed.metadata[KEY_ID],
            sealed.metadata[WORKFLOW_ID],
        ]
    )


def _well_formed(rng: random.Random, sealed: Payload) -> dict[str, Any]:
    """A payload in protobuf's JSON form whose content is anything: what reaches the codec."""
    names = ["encoding", "encoding", KEY_ID, WORKFLOW_ID, DECLARATION_ID, _text(rng)]
    metadata = {
        rng.choice(names): _b64(_metadata_bytes(rng, sealed)) for _ in range(rng.randint(0, 4))
    }
    data = rng.choice([b"", b"\x00", rng.randbytes(rng.randint(0, 64)), sealed.data])
    return {"metadata": metadata, "data": _b64(data)}


def _payload_json(rng: random.Random, sealed: Payload) -> Any:
    shape = rng.randint(0, 9)
    if shape == 0:
        return _json_value(rng)
    if shape <= 3:
        # A sealed payload, cut short or with a flipped byte, or relabelled.
        tampered = _body(sealed)["payloads"][0]
        data = bytearray(sealed.data[: rng.randint(0, len(sealed.data))])
        if data and rng.random() < 0.5:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        tampered["data"] = _b64(bytes(data))
        if rng.random() < 0.3:
            tampered["metadata"][WORKFLOW_ID] = _b64(_metadata_bytes(rng, sealed))
        return tampered
    item = _well_formed(rng, sealed)
    if shape == 7:
        # One field of the wrong kind, or not base64.
        where = rng.choice(["data", "metadata"])
        item[where] = rng.choice(["!!notbase64!!", "A", None, 3, [], "encoding", {"e": 1}])
    if shape == 8:
        item[_text(rng)] = _json_value(rng)
    return item


def _fuzzed_body(rng: random.Random, sealed: Payload) -> bytes:
    shape = rng.randint(0, 12)
    if shape == 0:
        return rng.randbytes(rng.randint(0, 64))
    if shape == 1:
        return json.dumps(_json_value(rng)).encode()
    if shape == 2:
        return b"[" * rng.randint(1000, 100_000)
    if shape == 3:
        return b'{"payloads": ' + b"[" * rng.randint(1000, 5000)
    if shape == 4:
        return json.dumps({"payloads": _json_value(rng)}).encode()
    payloads = [_payload_json(rng, sealed) for _ in range(rng.randint(0, 4))]
    document: dict[str, Any] = {"payloads": payloads}
    if shape == 5 and rng.random() < 0.3:
        document[_text(rng)] = _json_value(rng)
    return json.dumps(document).encode()


async def test_no_request_body_gets_a_server_error(codec: Codec) -> None:
    rng = random.Random(20261120)
    sealed = _in_workflow(codec.settings, "declaration-LT-FUZZ", PLAIN)
    headers = {**codec.operator(), "Content-Type": "application/json"}
    seen: dict[int, int] = {}
    for _ in range(400):
        body = _fuzzed_body(rng, sealed)
        response = await codec.http.post("/decode", content=body, headers=headers)
        assert response.status_code in (200, 400), (body[:200], response.text)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        if response.status_code == 400:
            assert response.json()["detail"]
        else:
            sent = json.loads(body).get("payloads", [])
            assert len(response.json().get("payloads", [])) == len(sent)
    # Both kinds of answer were exercised.
    assert seen[200] > 100 and seen[400] > 100, seen


async def test_the_reported_malformed_requests_are_refused_with_a_reason(codec: Codec) -> None:
    headers = codec.operator()
    malformed = [
        b"null",
        b"not json",
        b"\xff\xfe",
        b'{"payloads": 3}',
        b'{"payloads": [null]}',
        b'{"payloads": [], "more": 1}',
        b'{"payloads": [{"data": "!!"}]}',
        b'{"payloads": [{"metadata": {"encoding": "%%%"}}]}',
        b'{"payloads": [{"metadata": {"encoding": 7}}]}',
        b"[" * 50_000,
    ]
    for body in malformed:
        response = await codec.http.post("/decode", content=body, headers=headers)
        assert response.status_code == 400, body[:40]
        assert "payloads" in response.json()["detail"] or "JSON" in response.json()["detail"]


async def test_a_batch_passes_plain_payloads_and_refuses_what_does_not_open(codec: Codec) -> None:
    sealed = _in_workflow(codec.settings, "declaration-LT-A", PLAIN)
    active = codec.settings.payload_encryption_active_key.encode()
    one_byte = Payload(metadata={"encoding": ENCODING, KEY_ID: active}, data=b"\x00")
    bad_key_id = Payload(metadata={"encoding": ENCODING, KEY_ID: b"\xff"}, data=b"\x00" * 40)
    elsewhere = EncryptionCodec(KeyRing({"elsewhere-1": os.urandom(32)}, "elsewhere-1"))
    response = await codec.http.post(
        "/decode",
        json=_body(PLAIN, sealed, one_byte, bad_key_id, elsewhere.encrypt(PLAIN)),
        headers=codec.operator(),
    )
    assert response.status_code == 200
    plain, opened, *refused = json_format.ParseDict(response.json(), Payloads()).payloads
    assert plain == PLAIN
    assert opened == PLAIN
    for marker in refused:
        assert marker.metadata[REFUSED] == b"true"
        assert marker.metadata["encoding"] == b"json/plain"
        assert set(json.loads(marker.data)) == {"refused"}
    assert "too short" in json.loads(refused[0].data)["refused"]

    # A justice operator, in the justice namespace: the orchestrator's payloads do not open
    # under the agency's keys, and its own do.
    justice_ring = AgencyWorkerSettings.for_agency("justice").payload_keys.ring()
    justice_own = EncryptionCodec(justice_ring).encrypt(PLAIN)
    response = await codec.http.post(
        "/justice/decode", json=_body(sealed, justice_own), headers=codec.operator(party="justice")
    )
    assert response.status_code == 200
    orchestrators, own = json_format.ParseDict(response.json(), Payloads()).payloads
    assert orchestrators.metadata[REFUSED] == b"true"
    assert own == PLAIN


async def test_encode_is_refused_to_operators_and_recorded(codec: Codec) -> None:
    body = _body(PLAIN)
    assert (await codec.http.post("/encode", json=body)).status_code == 401
    for path, headers in (
        ("/encode", codec.operator()),
        ("/lienthong/encode", codec.operator()),
        ("/justice/encode", codec.operator(party="justice")),
    ):
        response = await codec.http.post(path, json=body, headers=headers)
        assert response.status_code == 403
        assert "payloads" not in response.json()
    with session_scope(codec.engine) as session:
        refusals = list(session.exec(select(AuditEntry).where(AuditEntry.action == "codec_encode")))
    assert len(refusals) == 3
    assert all(e.outcome == "refused" and e.actor == "operator:ops-1" for e in refusals)


def _decodes(engine: Engine, declaration_id: str | None) -> list[AuditEntry]:
    if declaration_id is not None:
        return [e for e in audit_trail(engine, declaration_id) if e.action == "codec_decode"]
    with session_scope(engine) as session:
        statement = select(AuditEntry).where(
            AuditEntry.action == "codec_decode",
            AuditEntry.declaration_id == None,  # noqa: E711
        )
        return list(session.exec(statement))


async def test_one_audit_entry_per_operator_declaration_and_viewing_session(
    codec: Codec,
) -> None:
    assert workflow_id_for("LT-A").removeprefix(DECLARATION_WORKFLOW_PREFIX) == "LT-A"
    settings = codec.settings
    # A's history: its workflow's own payloads, and what it sent the justice agency (labelled
    # with the declaration, not the workflow); B's; and a payload of no declaration.
    a_history = _body(
        _in_workflow(settings, workflow_id_for("LT-A"), PLAIN),
        _to_agency(settings, "justice", "LT-A"),
        PLAIN,
    )
    a_request_only = _body(_to_agency(settings, "police", "LT-A"))
    b_history = _body(_in_workflow(settings, workflow_id_for("LT-B"), PLAIN))
    unlabelled = _body(encryption_codec(settings).encrypt(PLAIN))

    first_token, second_token = codec.operator(1), codec.operator(2)
    for _ in range(3):  # the UI scrolls: many requests, one session
        for body in (a_history, a_request_only, b_history, unlabelled):
            response = await codec.http.post("/decode", json=body, headers=first_token)
            assert response.status_code == 200
    assert len(_decodes(codec.engine, "LT-A")) == 1
    assert len(_decodes(codec.engine, "LT-B")) == 1
    assert len(_decodes(codec.engine, None)) == 1
    entry = _decodes(codec.engine, "LT-A")[0]
    assert entry.actor == "operator:ops-1"
    assert "declaration-LT-A" in (entry.detail or "")
    assert "session token:" in (entry.detail or "")

    # Hours later, or on a new token: another viewing session, another entry.
    await codec.http.post("/decode", json=a_request_only, headers=second_token)
    # Signed in through the browser: the cookie's session is a session of its own.
    token = second_token["Authorization"].removeprefix("Bearer ")
    signed_in = await codec.http.post("/login", data={"token": token})
    cookie = signed_in.headers["set-cookie"].split(";", 1)[0]
    for _ in range(2):
        response = await codec.http.post("/decode", json=a_history, headers={"Cookie": cookie})
        assert response.status_code == 200
    decodes = _decodes(codec.engine, "LT-A")
    assert len(decodes) == 3
    sessions = {(e.detail or "").rsplit("session ", 1)[1] for e in decodes}
    assert len(sessions) == 3
    assert sum(s.startswith("cookie:") for s in sessions) == 1
    # A refused payload opens nothing and is not recorded as read.
    refused = Payload(metadata={"encoding": ENCODING}, data=b"\x00")
    before = len(_decodes(codec.engine, None))
    await codec.http.post("/decode", json=_body(refused), headers=codec.operator(3))
    assert len(_decodes(codec.engine, None)) == before

"""Personal data at rest: the store seals attachments, statuses, results and reasons under keys
that rotate; attachments no declaration references are swept, and a closed declaration's go when
its retention ends, while its record, status and audit trail stay."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from devstack.declaration_factory import DeclarationFactory, attachment
from legal_deadlines.legal_clock import LegalClock
from schemas.common import Delivery, ProcedureGroup
from schemas.progress import ProgressReport
from schemas.status import DeclarationState
from security.key_rings import DEV_STORE_KEY_ID, KeyRing, check_store_keys, dev_store_key
from settings import Settings
from store.at_rest import SealedValueRefused, StoreCipher, UnknownStoreKey, key_id_of
from store.attachment_sweep import RETENTION_ACTOR, SweepPolicy, sweep_attachments
from store.attachments import find_tampered, read_attachment, store_attachment
from store.audit import audit_trail
from store.declaration_status import read_status
from store.declarations import (
    NewDeclaration,
    create_or_get_declaration,
    delete_unstarted_declaration,
    get_declaration,
    mark_workflow_started,
)
from store.progress import save_progress
from store.step_records import list_step_results, read_step_result
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status
from tests.test_payload_encryption import personal_values
from workflows.birth import BIRTH_PROCEDURES
from workflows.initial_view import initial_view


def raw_rows(engine: Engine, table: str) -> list[tuple[Any, ...]]:
    """A table as the database holds it: plain SQL, no ORM, nothing opened."""
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(f"SELECT * FROM {table}")]


def as_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return str(value).encode()


async def test_the_store_holds_no_personal_data_in_clear_text(
    stack: Stack, factory: DeclarationFactory
) -> None:
    birth = factory.birth(next(factory.couples()), delivery="post")
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    death = factory.death(deceased, form="lump_sum")
    secret_values: set[str] = set()
    uploads: list[bytes] = []
    declaration_ids = []
    for kind, body in (("birth", birth), ("death", death)):
        accepted = await submit(stack.api, kind, body)
        view = await wait_for_status(stack.api, accepted["declaration_id"])
        assert view["status"] == "completed"
        declaration_ids.append(accepted["declaration_id"])
        secret_values |= personal_values(body) | personal_values(view["steps"])
        uploads += [base64.b64decode(a["content_base64"]) for a in body["attachments"]]
    # The identifiers the agencies issued are among what is looked for.
    assert any(len(s) == 15 and s.startswith("TE1") for s in secret_values)

    # Every table of the store, as its migrations made it.
    tables = inspect(stack.engine).get_table_names()
    assert {"declarations", "notice_outbox", "audit_trail"} <= set(tables)
    rows = {table: raw_rows(stack.engine, table) for table in tables}
    dump = b"\n".join(as_bytes(v) for table_rows in rows.values() for r in table_rows for v in r)
    assert all(d.encode() in dump for d in declaration_ids)  # the rows were read
    leaked = sorted(s for s in secret_values if s.encode() in dump)
    assert leaked == [], "personal data in clear text in the store"
    # An attachment's bytes appear nowhere, not even a telling part of them.
    assert not [u for u in uploads if u in dump or u[-24:] in dump]

    # What the store sealed, it opens: the status, the results, the attachments.
    opened = ""
    for declaration_id in declaration_ids:
        record = get_declaration(stack.engine, declaration_id)
        assert record is not None
        assert read_status(record, stack.cipher).status == DeclarationState.COMPLETED
        results = list_step_results(stack.engine, declaration_id)
        assert results
        opened += "".join(read_step_result(r, stack.cipher) for r in results)
    # Among them the identifiers the agencies issued, which the raw rows did not show.
    assert any(s in opened for s in secret_values)
    hashes = [hashlib.sha256(u).hexdigest() for u in uploads]
    assert find_tampered(stack.engine, stack.cipher, hashes) == []
    assert [read_attachment(stack.engine, stack.cipher, h) for h in hashes] == uploads


def key() -> bytes:
    return os.urandom(32)


def test_store_key_rotation_keeps_old_rows_readable() -> None:
    old, new = key(), key()
    before = StoreCipher(KeyRing({"2025": old}, "2025"))
    sealed = before.seal(b"079123456789", "declarations.status", "LT-1")
    assert key_id_of(sealed) == "2025"
    assert b"079123456789" not in sealed

    rotated = StoreCipher(KeyRing({"2025": old, "2026": new}, "2026"))
    assert rotated.open(sealed, "declarations.status", "LT-1") == b"079123456789"
    resealed = rotated.seal(b"079123456789", "declarations.status", "LT-1")
    assert key_id_of(resealed) == "2026"

    retired = StoreCipher(KeyRing({"2026": new}, "2026"))
    assert retired.open(resealed, "declarations.status", "LT-1") == b"079123456789"
    with pytest.raises(UnknownStoreKey):
        retired.open(sealed, "declarations.status", "LT-1")


def test_a_sealed_value_opens_only_in_its_own_row_and_column() -> None:
    cipher = StoreCipher(KeyRing({"a": key(), "b": key()}, "a"))
    sealed = cipher.seal(b"Nguyen Van A", "declarations.status", "LT-1")
    with pytest.raises(SealedValueRefused):
        cipher.open(sealed, "declarations.status", "LT-2")
    with pytest.raises(SealedValueRefused):
        cipher.open(sealed, "step_results.result", "LT-1")
    relabelled = sealed[:2] + b"b" + sealed[3:]
    with pytest.raises(SealedValueRefused):
        cipher.open(relabelled, "declarations.status", "LT-1")
    altered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealedValueRefused):
        cipher.open(altered, "declarations.status", "LT-1")
    with pytest.raises(SealedValueRefused):
        cipher.open(b"Nguyen Van A", "declarations.status", "LT-1")


def test_production_refuses_the_development_store_key() -> None:
    settings = Settings(environment="test")
    assert settings.store_encryption_keys[DEV_STORE_KEY_ID].get_secret_value() == dev_store_key()
    configured = {k: v.get_secret_value() for k, v in settings.store_encryption_keys.items()}
    check_store_keys(configured, DEV_STORE_KEY_ID, production=False)
    with pytest.raises(ValueError, match="STORE_ENCRYPTION_KEYS holds the development key"):
        check_store_keys(configured, DEV_STORE_KEY_ID, production=True)
    own = {"2026": base64.b64encode(key()).decode()}
    check_store_keys(own, "2026", production=True)
    with pytest.raises(ValueError, match="STORE_ENCRYPTION"):
        Settings(environment="test", store_encryption_active_key="missing")
    with pytest.raises(ValueError, match="STORE_ENCRYPTION_KEYS"):
        Settings(
            environment="test",
            store_encryption_keys={"short": base64.b64encode(b"too short").decode()},
            store_encryption_active_key="short",
        )


# Long ago: only this module's rows are that old, whatever else the session's store holds.
LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)
POLICY = SweepPolicy(orphan_grace=timedelta(days=1), retention=timedelta(days=30))


def upload(engine: Engine, cipher: StoreCipher) -> str:
    content = base64.b64decode(attachment("birth_certificate")["content_base64"])
    return store_attachment(engine, cipher, content, "application/pdf")


def backdate(engine: Engine, hashes: Sequence[str], closed: Sequence[str] = ()) -> None:
    with engine.begin() as connection:
        for digest in hashes:
            connection.execute(
                text("UPDATE attachments SET stored_at = :at WHERE sha256 = :sha"),
                {"at": LONG_AGO, "sha": digest},
            )
        for declaration_id in closed:
            connection.execute(
                text("UPDATE declarations SET closed_at = :at WHERE declaration_id = :id"),
                {"at": LONG_AGO, "id": declaration_id},
            )


def stored(engine: Engine, cipher: StoreCipher, digest: str) -> bool:
    return read_attachment(engine, cipher, digest) is not None


def declare(engine: Engine, cipher: StoreCipher, hashes: list[str]) -> str:
    now = datetime.now(UTC)
    declaration_id = f"LT-SWEEP-{secrets.token_hex(5).upper()}"
    view = initial_view(
        declaration_id,
        ProcedureGroup.BIRTH,
        now,
        BIRTH_PROCEDURES,
        Delivery(method="electronic"),
        f"declaration-{declaration_id}",
        LegalClock(None),
    )
    new = NewDeclaration(
        declaration_id=declaration_id,
        procedure=ProcedureGroup.BIRTH.value,
        workflow_id=f"declaration-{declaration_id}",
        client_id="portal",
        declarant_ref="",
        idempotency_key=None,
        request_fingerprint="",
        received_at=now,
        province_code=None,
        commune_code=None,
        initial_view=view,
        attachment_hashes=tuple(hashes),
    )
    _, created = create_or_get_declaration(engine, cipher, new)
    assert created
    return declaration_id


def close(
    engine: Engine, cipher: StoreCipher, declaration_id: str, state: DeclarationState
) -> None:
    mark_workflow_started(engine, declaration_id)
    record = get_declaration(engine, declaration_id)
    assert record is not None
    view = read_status(record, cipher)
    view.status = state
    save_progress(engine, cipher, ProgressReport(view=view))


def test_the_sweep_deletes_attachments_no_declaration_references(
    engine: Engine, cipher: StoreCipher
) -> None:
    kept, refused, never_started, fresh = (upload(engine, cipher) for _ in range(4))
    declare(engine, cipher, [kept])
    # Its workflow failed to start, so the intake record was removed.
    delete_unstarted_declaration(engine, declare(engine, cipher, [never_started]))
    backdate(engine, [kept, refused, never_started])
    sweep_attachments(engine, SweepPolicy(orphan_grace=timedelta(days=1)))
    assert stored(engine, cipher, kept)
    assert not stored(engine, cipher, refused)
    assert not stored(engine, cipher, never_started)
    # Within its grace period, an upload may yet be referenced by the declaration being filed.
    assert stored(engine, cipher, fresh)


def test_uploading_the_same_content_again_renews_its_grace(
    engine: Engine, cipher: StoreCipher
) -> None:
    content = base64.b64decode(attachment("birth_certificate")["content_base64"])
    digest = store_attachment(engine, cipher, content, "application/pdf")
    backdate(engine, [digest])
    assert store_attachment(engine, cipher, content, "application/pdf") == digest
    sweep_attachments(engine, SweepPolicy(orphan_grace=timedelta(days=1)))
    assert read_attachment(engine, cipher, digest) == content


async def test_an_idempotency_conflict_leaves_its_uploads_to_the_sweep(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    key = f"portal-{secrets.token_hex(8)}"
    first = factory.birth(next(factory.couples()))
    await submit(intake_stack.api, "birth", first, key=key)
    second = factory.birth(next(factory.couples()))
    response = await intake_stack.api.post(
        "/v1/declarations/birth", json=second, headers={"Idempotency-Key": key}
    )
    assert response.status_code == 409
    filed, conflicting = (
        [
            hashlib.sha256(base64.b64decode(a["content_base64"])).hexdigest()
            for a in b["attachments"]
        ]
        for b in (first, second)
    )
    assert all(stored(intake_stack.engine, intake_stack.cipher, h) for h in filed + conflicting)
    backdate(intake_stack.engine, filed + conflicting)
    sweep_attachments(intake_stack.engine, SweepPolicy(orphan_grace=timedelta(days=1)))
    assert all(stored(intake_stack.engine, intake_stack.cipher, h) for h in filed)
    assert not any(stored(intake_stack.engine, intake_stack.cipher, h) for h in conflicting)


def test_retention_deletes_a_closed_declarations_attachments_and_keeps_its_record(
    engine: Engine, cipher: StoreCipher
) -> None:
    shared, expired_own, recent_own, open_own, failed_own = (
        upload(engine, cipher) for _ in range(5)
    )
    expired = declare(engine, cipher, [shared, expired_own])
    recent = declare(engine, cipher, [recent_own])
    still_open = declare(engine, cipher, [shared, open_own])
    failed = declare(engine, cipher, [failed_own])
    close(engine, cipher, expired, DeclarationState.COMPLETED)
    close(engine, cipher, recent, DeclarationState.REJECTED)
    close(engine, cipher, failed, DeclarationState.FAILED)
    backdate(engine, [shared, expired_own, recent_own, open_own, failed_own], [expired, failed])

    outcome = sweep_attachments(engine, POLICY)

    assert expired in outcome.expired_declarations
    assert not {recent, still_open, failed} & set(outcome.expired_declarations)
    assert not stored(engine, cipher, expired_own)
    # Still referenced by an open declaration, closed too recently, or waiting on an operator.
    assert all(stored(engine, cipher, h) for h in (shared, recent_own, open_own, failed_own))
    # The declaration's record, status and audit trail stay, and the trail says what went.
    record = get_declaration(engine, expired)
    assert record is not None
    assert read_status(record, cipher).status == DeclarationState.COMPLETED
    trail = audit_trail(engine, expired)
    assert [(e.actor, e.action) for e in trail][-1:] == [(RETENTION_ACTOR, "attachments_deleted")]
    assert trail[-1].detail == "2 attachment(s) past retention"
    # Once is enough: a later sweep finds nothing more to release.
    assert expired not in sweep_attachments(engine, POLICY).expired_declarations
    # Without a retention, nothing closed is touched.
    no_retention = SweepPolicy(orphan_grace=timedelta(days=1))
    backdate(engine, [], [recent])
    assert sweep_attachments(engine, no_retention).expired_declarations == []
    assert stored(engine, cipher, recent_own)

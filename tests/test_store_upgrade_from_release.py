"""A store of release e094eee, full of its declarations, upgraded as a process upgrades it on
start, then read back through today's store functions: nothing is lost, every sealed value still
opens, and today's writes work on the rows the release left.

The store is the test's own (`own_store_url`): SQLite in the SQLite run, a PostgreSQL database in
the PostgreSQL run. It is made at the first revision and filled with what the release's own store
functions wrote (tests/store_snapshots), either with that revision recorded or, as the release's
`create_all` left a running store, with none."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from messages import Message
from schemas.results import SurvivorBenefitResult, step_result
from schemas.status import DeclarationState, DeliveryState, StepState
from settings import Settings
from store.attachments import find_tampered, read_attachment
from store.audit import audit_trail, record_audit
from store.database import create_store_engine, open_store_engine
from store.declaration_status import read_status
from store.declarations import (
    NewDeclaration,
    claim_start,
    create_or_get_declaration,
    get_declaration,
)
from store.documents import list_documents, read_document
from store.escalations import list_escalations
from store.migrations.revisions import head_revisions, recorded_revisions
from store.models import DeclarationRecord
from store.sealing import store_cipher
from store.step_records import (
    list_step_events,
    list_step_results,
    read_step_reason,
    read_step_result,
)
from store.trust import agency_keys, held_decisions, list_keys, trusted_public_keys
from tests.harness.release_store import Rows, make_release_store, release_rows

ROWS = release_rows()
BIRTH, DEATH = (
    next(r for r in ROWS["declarations"] if r["procedure"] == group) for group in ("birth", "death")
)
CIPHER = store_cipher(Settings(environment="test"))


@pytest.fixture(params=["revision recorded", "made before migrations"])
def upgraded(request: pytest.FixtureRequest, own_store_url: str) -> Iterator[Engine]:
    """The release's store, upgraded by the product's own start-up path."""
    release = open_store_engine(own_store_url)
    make_release_store(release, ROWS, revision_recorded=request.param == "revision recorded")
    release.dispose()
    engine = create_store_engine(own_store_url)
    yield engine
    engine.dispose()


def _rows(table: str, declaration_id: str) -> list[dict[str, Any]]:
    return [r for r in ROWS[table] if r["declaration_id"] == declaration_id]


def _worded(message: Message) -> str:
    """The message in Vietnamese, every code in it still in the catalogue."""
    words = message.text("vi")
    assert words != message.code, f"{message.code} is no longer in the catalogue"
    for value in message.params.values():
        if isinstance(value, Message):
            _worded(value)
    return words


def test_the_store_is_at_the_head_revision_and_sent_notices_are_gone(upgraded: Engine) -> None:
    with upgraded.connect() as connection:
        assert recorded_revisions(connection) == head_revisions()
        tables = set(inspect(connection).get_table_names())
    assert "sent_notices" not in tables
    assert {"declared_events", "notice_outbox", "notice_admissions", "notice_recipients"} <= tables


def test_declarations_read_back_with_their_status(upgraded: Engine) -> None:
    for row in ROWS["declarations"]:
        record = get_declaration(upgraded, row["declaration_id"])
        assert record is not None
        assert (record.status, record.workflow_id, record.idempotency_key) == (
            row["status"],
            row["workflow_id"],
            row["idempotency_key"],
        )
        assert record.received_at == datetime.fromisoformat(row["received_at"])
        # The columns this version added start empty on the release's declarations.
        assert (record.started_run_id, record.attested_by_key) == (None, None)
        view = read_status(record, CIPHER)
        assert view.status.value == row["status"]
        assert [s.procedure.value for s in view.steps] == [
            s["procedure"] for s in row["status_sealed"]["steps"]
        ]
        assert view.summary is not None and isinstance(view.summary, Message)
        _worded(view.summary)

    birth = read_status(_record(upgraded, BIRTH["declaration_id"]), CIPHER)
    assert birth.status is DeclarationState.AWAITING_SUPPLEMENT
    assert birth.supplement_request is not None
    assert birth.supplement_request.fields == ["father.residence"]
    assert [s.status for s in birth.steps] == [
        StepState.APPROVED,
        StepState.AWAITING_SUPPLEMENT,
        StepState.SUBMITTED,
    ]
    death = read_status(_record(upgraded, DEATH["declaration_id"]), CIPHER)
    assert death.status is DeclarationState.COMPLETED
    assert death.delivery.status is DeliveryState.AVAILABLE


def _record(engine: Engine, declaration_id: str) -> DeclarationRecord:
    record = get_declaration(engine, declaration_id)
    assert record is not None
    return record


def test_a_survivor_benefit_the_release_recorded_reads_as_todays(upgraded: Engine) -> None:
    """The release named the relatives `beneficiaries` and `beneficiaries_not_paid`, and gave
    no code for why one is not paid."""
    recorded = next(
        r["result_sealed"] for r in ROWS["step_results"] if r["procedure"] == "survivor_benefit"
    )
    view = read_status(_record(upgraded, DEATH["declaration_id"]), CIPHER)
    in_status = next(s.result for s in view.steps if s.procedure.value == "survivor_benefit")
    assert isinstance(in_status, SurvivorBenefitResult)
    assert [p.personal_id for p in in_status.paid] == [
        b["personal_id"] for b in recorded["beneficiaries"]
    ]
    assert sum(p.monthly_amount_vnd for p in in_status.paid) == in_status.monthly_amount_vnd
    (left_out,) = in_status.not_paid
    assert left_out.personal_id == recorded["beneficiaries_not_paid"][0]["personal_id"]
    assert left_out.reason_code == "more_than_four_entitled"
    _worded(left_out.reason)
    _worded(in_status.explanation)


def test_step_events_and_results_read_back(upgraded: Engine) -> None:
    for declaration in (BIRTH, DEATH):
        declaration_id = declaration["declaration_id"]
        events = list_step_events(upgraded, declaration_id)
        recorded = sorted(_rows("step_events", declaration_id), key=lambda r: r["sequence"])
        assert [(e.sequence, e.status, e.case_number) for e in events] == [
            (r["sequence"], r["status"], r["case_number"]) for r in recorded
        ]
        assert [read_step_reason(e, CIPHER) for e in events] == [
            r["reason_sealed"] for r in recorded
        ]

        results = {r.procedure: r for r in list_step_results(upgraded, declaration_id)}
        expected = {
            r["procedure"]: r["result_sealed"] for r in _rows("step_results", declaration_id)
        }
        assert set(results) == set(expected)
        for procedure, record in results.items():
            typed = step_result(procedure, _json(read_step_result(record, CIPHER)))
            assert typed is not None, f"{procedure}'s result no longer reads"
            assert typed.kind == procedure


def _json(text: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(text)
    return loaded


def test_attachments_and_documents_read_back_untampered(upgraded: Engine) -> None:
    for row in ROWS["attachments"]:
        assert read_attachment(upgraded, CIPHER, row["sha256"]) == base64.b64decode(
            row["content"]["base64"]
        )
    assert find_tampered(upgraded, CIPHER, [r["sha256"] for r in ROWS["attachments"]]) == []

    documents = list_documents(upgraded, DEATH["declaration_id"])
    assert {(d.kind, d.issuer) for d in documents} == {
        (r["kind"], r["issuer"]) for r in ROWS["issued_documents"]
    }
    for document in documents:
        pdf = read_document(upgraded, CIPHER, DEATH["declaration_id"], document.document_id)
        assert pdf is not None and pdf.startswith(b"%PDF-")


def test_the_audit_trail_reads_back_and_goes_on(upgraded: Engine) -> None:
    for declaration in (BIRTH, DEATH):
        declaration_id = declaration["declaration_id"]
        trail = audit_trail(upgraded, declaration_id)
        assert [(e.actor, e.action, e.detail) for e in trail] == [
            (r["actor"], r["action"], r["detail"])
            for r in sorted(_rows("audit_trail", declaration_id), key=_in_trail_order)
        ]
    # The database numbers new entries after the release's.
    record_audit(upgraded, "operator:upgrade-check", "read_audit", DEATH["declaration_id"])
    trail = audit_trail(upgraded, DEATH["declaration_id"])
    assert trail[-1].action == "read_audit" and trail[-1].actor == "operator:upgrade-check"
    assert len({e.at for e in trail}) >= 2


def _in_trail_order(row: dict[str, Any]) -> tuple[datetime, int]:
    return datetime.fromisoformat(row["at"]), row["id"]


def test_trust_keys_held_decisions_and_escalations_read_back(upgraded: Engine) -> None:
    keys = list_keys(upgraded)
    assert {(k.agency, k.key_id, k.revoked_by) for k in keys} == {
        (r["agency"], r["key_id"], r["revoked_by"]) for r in ROWS["agency_verify_keys"]
    }
    revoked = [r for r in ROWS["agency_verify_keys"] if r["revoked_at"] is not None]
    assert revoked, "the snapshot revokes a key"
    for row in revoked:
        assert agency_keys(upgraded, row["agency"])[row["key_id"]].revoked
        assert row["key_id"] not in trusted_public_keys(upgraded, row["agency"])

    (held,) = held_decisions(upgraded, BIRTH["declaration_id"])
    (held_row,) = ROWS["held_decisions"]
    assert (held.procedure, held.key_id, held.problem) == (
        held_row["procedure"],
        held_row["key_id"],
        held_row["problem"],
    )

    (escalation,) = list_escalations(upgraded, BIRTH["declaration_id"])
    (escalation_row,) = ROWS["escalations"]
    assert (escalation.scope, escalation.reason) == (
        escalation_row["scope"],
        escalation_row["reason"],
    )
    assert escalation.deadline == datetime.fromisoformat(escalation_row["deadline"])


def test_todays_writes_work_on_the_release_declarations(upgraded: Engine) -> None:
    """A repeat of a request filed before the upgrade is still recognised by its idempotency
    key, and a declaration's start is claimed once."""
    record = _record(upgraded, BIRTH["declaration_id"])
    repeat = NewDeclaration(
        declaration_id="LT-20261207-0000000001",
        procedure=BIRTH["procedure"],
        workflow_id="declaration-LT-20261207-0000000001",
        client_id=BIRTH["client_id"],
        declarant_ref=BIRTH["declarant_ref"],
        idempotency_key=BIRTH["idempotency_key"],
        request_fingerprint=BIRTH["request_fingerprint"],
        received_at=datetime.now(UTC),
        province_code=BIRTH["province_code"],
        commune_code=BIRTH["commune_code"],
        initial_view=read_status(record, CIPHER),
    )
    found, created = create_or_get_declaration(upgraded, CIPHER, repeat)
    assert not created and found.declaration_id == BIRTH["declaration_id"]

    workflow_id = BIRTH["workflow_id"]
    assert claim_start(upgraded, BIRTH["declaration_id"], workflow_id, "run-after-upgrade") is None
    assert (
        claim_start(upgraded, BIRTH["declaration_id"], workflow_id, "another-run")
        == "start_already_acted_on"
    )


def test_the_snapshot_fills_every_table_of_the_release() -> None:
    """What `make_release_store` checks against the schema, stated here too: no release table
    is left empty, so every one is carried through the upgrade."""
    rows: Rows = ROWS
    assert all(rows[table] for table in rows)
    assert "sent_notices" in rows

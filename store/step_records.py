"""A declaration's step events and step results: sealed, each bound to its own row, and read
back in order."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from store.at_rest import StoreCipher
from store.database import session_scope
from store.models import StepEventRecord, StepResultRecord
from store.sealing import STEP_REASON, STEP_RESULT


def _step_row(declaration_id: str, part: str | int) -> str:
    return f"{declaration_id}\x00{part}"


def seal_step_reason(cipher: StoreCipher, declaration_id: str, sequence: int, reason: str) -> bytes:
    return cipher.seal_text(reason, STEP_REASON, _step_row(declaration_id, sequence))


def seal_step_result(
    cipher: StoreCipher, declaration_id: str, procedure: str, result_json: str
) -> bytes:
    return cipher.seal_text(result_json, STEP_RESULT, _step_row(declaration_id, procedure))


def read_step_reason(record: StepEventRecord, cipher: StoreCipher) -> str | None:
    if record.reason_sealed is None:
        return None
    row = _step_row(record.declaration_id, record.sequence)
    return cipher.open_text(record.reason_sealed, STEP_REASON, row)


def read_step_result(record: StepResultRecord, cipher: StoreCipher) -> str:
    """The step's result as JSON."""
    row = _step_row(record.declaration_id, record.procedure)
    return cipher.open_text(record.result_sealed, STEP_RESULT, row)


def list_step_events(engine: Engine, declaration_id: str) -> list[StepEventRecord]:
    with session_scope(engine) as session:
        statement = (
            select(StepEventRecord)
            .where(StepEventRecord.declaration_id == declaration_id)
            .order_by(col(StepEventRecord.sequence))
        )
        return list(session.exec(statement))


def list_step_results(engine: Engine, declaration_id: str) -> list[StepResultRecord]:
    with session_scope(engine) as session:
        statement = select(StepResultRecord).where(
            StepResultRecord.declaration_id == declaration_id
        )
        return list(session.exec(statement))

"""The signed electronic results on a declaration: each named by the hash of its content, which
is kept sealed among the attachments (and so kept by the sweep for as long as they are)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from store.at_rest import StoreCipher
from store.attachments import read_attachment, record_attachment_uses, store_attachment
from store.database import session_scope
from store.models import IssuedDocument

PDF = "application/pdf"


def store_document(
    engine: Engine,
    cipher: StoreCipher,
    declaration_id: str,
    pdf: bytes,
    *,
    kind: str,
    issuer: str,
    procedure: str,
) -> str:
    """Keep the signed document on the declaration; its id. The first document of each kind
    stands: an agency that signs the same record again (a retried upload, each signature
    carrying its own time) gets the one already kept."""
    with session_scope(engine) as session:
        statement = select(IssuedDocument).where(
            IssuedDocument.declaration_id == declaration_id, IssuedDocument.kind == kind
        )
        kept = session.exec(statement).first()
        if kept is not None:
            return kept.document_id
    document_id = store_attachment(engine, cipher, pdf, PDF)
    record_attachment_uses(engine, declaration_id, [document_id])
    with session_scope(engine) as session:
        if session.get(IssuedDocument, (declaration_id, document_id)) is not None:
            return document_id
        session.add(
            IssuedDocument(
                declaration_id=declaration_id,
                document_id=document_id,
                kind=kind,
                issuer=issuer,
                procedure=procedure,
                issued_at=datetime.now(UTC),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # Recorded at the same moment by another attempt: it is there.
            session.rollback()
    return document_id


def list_documents(engine: Engine, declaration_id: str) -> list[IssuedDocument]:
    with session_scope(engine) as session:
        statement = (
            select(IssuedDocument)
            .where(IssuedDocument.declaration_id == declaration_id)
            .order_by(col(IssuedDocument.issued_at), col(IssuedDocument.document_id))
        )
        return list(session.exec(statement))


def read_document(
    engine: Engine, cipher: StoreCipher, declaration_id: str, document_id: str
) -> bytes | None:
    """The document's content when it is one of the declaration's; None otherwise."""
    with session_scope(engine) as session:
        if session.get(IssuedDocument, (declaration_id, document_id)) is None:
            return None
    return read_attachment(engine, cipher, document_id)

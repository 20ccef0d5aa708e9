"""Attachments stored by the sha256 of their content, sealed at rest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, update

from store.at_rest import SealedValueRefused, StoreCipher, UnknownStoreKey
from store.database import session_scope
from store.models import AttachmentBlob, AttachmentUse
from store.sealing import ATTACHMENT


def store_attachment(engine: Engine, cipher: StoreCipher, content: bytes, media_type: str) -> str:
    """Store the content once, whoever sends it and however often; return its hash."""
    digest = hashlib.sha256(content).hexdigest()
    with session_scope(engine) as session:
        # Renewing the time of a stored copy, rather than reading it first, leaves no moment in
        # which the sweep could take it away from under this upload.
        renewed = session.exec(
            update(AttachmentBlob)
            .where(col(AttachmentBlob.sha256) == digest)
            .values(stored_at=datetime.now(UTC))
        )
        session.commit()
        if renewed.rowcount:
            return digest
        session.add(
            AttachmentBlob(
                sha256=digest,
                media_type=media_type,
                size_bytes=len(content),
                content=cipher.seal(content, ATTACHMENT, digest),
                stored_at=datetime.now(UTC),
            )
        )
        try:
            session.commit()
        except IntegrityError:
            # Another request stored the same content at the same moment: it is there.
            session.rollback()
    return digest


def read_attachment(engine: Engine, cipher: StoreCipher, digest: str) -> bytes | None:
    """The content, opened; None when it is not stored (or was swept)."""
    with session_scope(engine) as session:
        blob = session.get(AttachmentBlob, digest)
    return None if blob is None else cipher.open(blob.content, ATTACHMENT, digest)


def record_attachment_uses(engine: Engine, declaration_id: str, hashes: Iterable[str]) -> None:
    """That the declaration references these attachments, once each, however often it is
    said: the sweep keeps what a declaration references."""
    for digest in dict.fromkeys(hashes):
        with session_scope(engine) as session:
            if session.get(AttachmentUse, (declaration_id, digest)) is not None:
                continue
            session.add(AttachmentUse(declaration_id=declaration_id, sha256=digest))
            try:
                session.commit()
            except IntegrityError:
                # Recorded at the same moment by another attempt: it is there.
                session.rollback()


def find_tampered(engine: Engine, cipher: StoreCipher, hashes: list[str]) -> list[str]:
    """The hashes whose stored content is missing, no longer opens, or no longer hashes to the
    same value."""
    tampered = []
    with session_scope(engine) as session:
        for digest in hashes:
            blob = session.get(AttachmentBlob, digest)
            try:
                intact = (
                    blob is not None
                    and hashlib.sha256(cipher.open(blob.content, ATTACHMENT, digest)).hexdigest()
                    == digest
                )
            except UnknownStoreKey:
                # A key retired too soon is the operators' to fix, not the citizen's: the
                # activity fails and retries rather than calling the document altered.
                raise
            except SealedValueRefused:
                intact = False
            if not intact:
                tampered.append(digest)
    return tampered

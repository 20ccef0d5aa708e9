"""Attachments stored by the sha256 of their content."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from store.database import session_scope
from store.models import AttachmentBlob


def store_attachment(engine: Engine, content: bytes, media_type: str) -> str:
    """Store the content once, whoever sends it and however often; return its hash."""
    digest = hashlib.sha256(content).hexdigest()
    with session_scope(engine) as session:
        if session.get(AttachmentBlob, digest) is None:
            session.add(
                AttachmentBlob(
                    sha256=digest,
                    media_type=media_type,
                    size_bytes=len(content),
                    content=content,
                    stored_at=datetime.now(UTC),
                )
            )
            try:
                session.commit()
            except IntegrityError:
                # Another request stored the same content at the same moment: it is there.
                session.rollback()
    return digest


def find_tampered(engine: Engine, hashes: list[str]) -> list[str]:
    """The hashes whose stored content is missing or no longer hashes to the same value."""
    tampered = []
    with session_scope(engine) as session:
        for digest in hashes:
            blob = session.get(AttachmentBlob, digest)
            if blob is None or hashlib.sha256(blob.content).hexdigest() != digest:
                tampered.append(digest)
    return tampered

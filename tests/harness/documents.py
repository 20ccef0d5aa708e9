"""A declaration's signed documents as the portal lists them, each downloaded and verified.

An agency issues a record's document after its decision has gone back, so a declaration may be
complete a moment before its documents are listed: each reader here waits for the ones it needs.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Iterable
from typing import Any

import httpx
from pypdf import PdfReader

from agency_contracts.procedures import DOCUMENT_KINDS, PROCEDURE_AGENCY
from schemas.common import Procedure


async def listed_documents(
    api: httpx.AsyncClient, declaration_id: str, procedures: Iterable[str], timeout: float = 30
) -> list[dict[str, Any]]:
    """The portal's listing of the declaration's documents, once it holds one for each of
    `procedures`."""
    awaited, deadline = set(procedures), time.monotonic() + timeout
    while True:
        listing = await api.get(f"/v1/declarations/{declaration_id}/documents")
        assert listing.status_code == 200, listing.text
        documents: list[dict[str, Any]] = listing.json()
        missing = awaited - {d["procedure"] for d in documents}
        if not missing:
            return documents
        assert time.monotonic() < deadline, f"no document of {sorted(missing)} listed"
        await asyncio.sleep(0.25)


async def document_text(api: httpx.AsyncClient, declaration_id: str, procedure: str) -> str:
    """The text of the document `procedure` issued, once it is listed, its spacing made even."""
    listing = await listed_documents(api, declaration_id, [procedure])
    document = next(d for d in listing if d["procedure"] == procedure)
    pdf = (await api.get(document["url"])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


async def verified_documents(
    api: httpx.AsyncClient, declaration_id: str, procedures: Iterable[str] = ()
) -> dict[str, str]:
    """Each listed document's kind and issuer, once it downloads and verifies as the issuer's,
    unchanged, and as the document the listing names; once those of `procedures` are listed."""
    kinds = {}
    for document in await listed_documents(api, declaration_id, procedures):
        assert document["media_type"] == "application/pdf"
        kind, procedure = document["kind"], document["procedure"]
        assert DOCUMENT_KINDS[Procedure(procedure)] == kind
        assert document["issuer"] == PROCEDURE_AGENCY[Procedure(procedure)].value
        downloaded = await api.get(document["url"])
        assert downloaded.headers["content-type"] == "application/pdf"
        check = await api.post(
            "/v1/documents/verify",
            content=downloaded.content,
            headers={"Content-Type": "application/pdf"},
        )
        assert check.json() == {
            "valid": True,
            "issuer": document["issuer"],
            "document_id": document["document_id"],
            "reason": None,
        }
        kinds[kind] = document["issuer"]
    return kinds


def expected_documents(procedures: list[str] | tuple[str, ...]) -> dict[str, str]:
    """The kind and issuer of the document each approved procedure issues."""
    return {DOCUMENT_KINDS[Procedure(p)]: PROCEDURE_AGENCY[Procedure(p)].value for p in procedures}

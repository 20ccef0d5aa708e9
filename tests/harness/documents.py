"""A declaration's signed documents as the portal lists them, each downloaded and verified."""

from __future__ import annotations

import httpx

from agency_contracts.procedures import DOCUMENT_KINDS, PROCEDURE_AGENCY
from schemas.common import Procedure


async def verified_documents(api: httpx.AsyncClient, declaration_id: str) -> dict[str, str]:
    """Each listed document's kind and issuer, once it downloads and verifies as the issuer's,
    unchanged, and as the document the listing names."""
    listing = await api.get(f"/v1/declarations/{declaration_id}/documents")
    assert listing.status_code == 200, listing.text
    kinds = {}
    for document in listing.json():
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

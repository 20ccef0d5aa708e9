"""What an officer asks the citizen for, as the agency's decision endpoint takes it: the body of a
`request_supplement` decision (see `agency_offices.officer_decides`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def supplement_request(
    message: str, *, fields: Sequence[str] = (), documents: Sequence[str] = ()
) -> dict[str, Any]:
    """The fields to correct and the documents to attach, with the officer's words."""
    return {"fields": list(fields), "documents": list(documents), "message": message}


def illegible_birth_certificate() -> dict[str, Any]:
    """The justice officer cannot read the attached birth certificate and asks for a clear copy."""
    return supplement_request(
        "The birth certificate is illegible: attach a clear copy.",
        documents=["birth_certificate"],
    )

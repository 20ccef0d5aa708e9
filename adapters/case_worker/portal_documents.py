"""How an agency's case worker places a signed result on a declaration at the portal: the PDF
goes over HTTPS under a short-lived token the agency signs itself, and never through Temporal.
The portal keeps the first document of each kind on a declaration, so a retried upload answers
with the one already stored."""

from __future__ import annotations

from datetime import timedelta

import httpx

from agency_contracts.documents import IssuedDocumentRef
from schemas.common import DocumentKind
from security.tokens import SigningKey, issue_token

_TOKEN_LIFETIME = timedelta(minutes=5)


class PortalUnavailable(Exception):
    """The portal could not be reached or failed; the upload is tried again later."""


class DocumentRefused(Exception):
    """The portal refused the document (its signature, its kind, the agency's credential):
    sending the same again cannot help."""


class PortalDocumentsClient:
    def __init__(self, base_url: str, key: SigningKey, timeout_seconds: float = 30.0) -> None:
        self.key = key
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds)

    async def store(self, declaration_id: str, kind: DocumentKind, pdf: bytes) -> IssuedDocumentRef:
        token = issue_token(self.key, "agency", lifetime=_TOKEN_LIFETIME)
        try:
            response = await self._http.post(
                f"/v1/declarations/{declaration_id}/documents",
                params={"kind": kind},
                content=pdf,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/pdf"},
            )
        except httpx.TransportError as error:
            raise PortalUnavailable(f"portal unreachable: {type(error).__name__}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise PortalUnavailable(f"portal answered {response.status_code}")
        if response.status_code >= 400:
            raise DocumentRefused(f"portal answered {response.status_code}: {response.text[:300]}")
        return IssuedDocumentRef.model_validate(response.json())

    async def aclose(self) -> None:
        await self._http.aclose()

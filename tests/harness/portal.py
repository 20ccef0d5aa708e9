"""The portal as the tests drive it: it files and reads with its own token, and when a citizen
acts on a declaration (supplement, withdraw) it presents that citizen's token, as the portal does
for the citizen signed in to it."""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from datetime import timedelta
from typing import Any

import httpx

from devstack.issuing import issue_from_settings
from settings import Settings

_FILED = re.compile(r"^/v1/declarations/(birth|death)$")
_CITIZEN_ACTION = re.compile(r"^/v1/declarations/([^/]+)/(supplement|withdraw)$")


class PortalAuth(httpx.Auth):
    requires_response_body = True

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.portal_token = issue_from_settings(
            settings, "portal", "portal", lifetime=timedelta(hours=4)
        )
        self.declarants: dict[str, str] = {}

    def citizen_token(self, personal_id: str) -> str:
        return issue_from_settings(
            self.settings, "citizen", citizen_id=personal_id, lifetime=timedelta(hours=4)
        )

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        acting = _CITIZEN_ACTION.match(request.url.path)
        declarant = self.declarants.get(acting.group(1)) if acting else None
        token = self.citizen_token(declarant) if declarant else self.portal_token
        # A test that presents its own credential keeps it.
        request.headers.setdefault("Authorization", f"Bearer {token}")
        response = yield request
        if _FILED.match(request.url.path) and response.status_code == 202:
            filed = json.loads(request.content)
            self.declarants[response.json()["declaration_id"]] = filed["declarant"]["personal_id"]


async def submit(
    api: httpx.AsyncClient, kind: str, body: dict[str, Any], key: str | None = None
) -> dict[str, Any]:
    headers = {"Idempotency-Key": key} if key else {}
    response = await api.post(f"/v1/declarations/{kind}", json=body, headers=headers)
    assert response.status_code == 202, response.text
    accepted: dict[str, Any] = response.json()
    return accepted


def step(view: dict[str, Any], procedure: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in view["steps"] if s["procedure"] == procedure)
    return found

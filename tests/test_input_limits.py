"""Limits on input: oversized bodies, too many attachments or beneficiaries, and the wrong media
types each get a clear 413 or 422, never a 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from local_stack.declaration_factory import DeclarationFactory, attachment
from tests.conftest import StackFactory


async def test_body_over_the_limit_is_413(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False, max_request_bytes=64 * 1024)
    body = factory.birth(next(factory.couples()))
    body["attachments"] = [attachment("birth_certificate", b"%PDF" + b"0" * 100_000)]
    response = await stack.api.post("/v1/declarations/birth", json=body)
    assert response.status_code == 413
    assert response.json()["detail"][0]["type"] == "request_too_large"

    # Without a declared length, the body is counted as it streams in.
    async def chunks() -> AsyncIterator[bytes]:
        payload = json.dumps(body).encode()
        for start in range(0, len(payload), 8192):
            yield payload[start : start + 8192]

    streamed = await stack.api.post(
        "/v1/declarations/birth", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413


async def test_too_many_attachments_is_422(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    body = factory.birth(next(factory.couples()))
    body["attachments"] = [attachment("birth_certificate") for _ in range(11)]
    response = await stack.api.post("/v1/declarations/birth", json=body)
    assert response.status_code == 422
    problems = {(tuple(p["loc"]), p["type"]) for p in response.json()["detail"]}
    assert (("body", "attachments"), "too_many_attachments") in problems


async def test_too_many_beneficiaries_is_422(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    body = factory.death(deceased)
    body["survivor_benefit"]["beneficiaries"] *= 11
    response = await stack.api.post("/v1/declarations/death", json=body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "survivor_benefit", "beneficiaries"]
    assert problem["type"] == "too_long"


async def test_wrong_media_types_are_422(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    body = factory.birth(next(factory.couples()))
    body["attachments"][0]["media_type"] = "text/html"
    response = await stack.api.post("/v1/declarations/birth", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "attachments", 0, "media_type"]

    as_text = await stack.api.post(
        "/v1/declarations/birth", content=json.dumps(body), headers={"Content-Type": "text/plain"}
    )
    assert as_text.status_code == 422

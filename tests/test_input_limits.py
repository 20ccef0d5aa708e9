"""Limits on input: oversized bodies and the wrong media types each get a clear 413 or 422, never
a 500 (too many attachments or beneficiaries are rules, checked in test_birth_validation and
test_death_validation). Each route takes a body sized to it, JSON nested too deeply or holding
too many tokens is refused before it is parsed, and the API's memory stays flat whatever it is
sent."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator

import httpx
from fastapi.routing import iter_route_contexts

from devstack.declaration_factory import DeclarationFactory, attachment
from portal_api.app import create_app
from portal_api.body_limits import BodyLimits, declaration_body_bytes
from settings import Settings
from tests.harness.api_process import api_process
from tests.harness.stack import StackFactory

MIB = 1024 * 1024
# What the API process may grow by, at its peak, while strangers and the portal send it bodies
# of 30 MB and JSON nested 100,000 deep: the largest declaration it accepts (a few MB here) and
# the refused bodies' first megabytes, never the bodies themselves.
MEMORY_GROWTH_BOUND_MIB = 60


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


async def chunks(payload: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """The body with no declared length, as a client streams it."""
    for start in range(0, len(payload), size):
        yield payload[start : start + size]


def largest_birth(factory: DeclarationFactory, settings: Settings) -> dict[str, object]:
    """A birth declaration with as many attachments as allowed, each as large as allowed."""
    body = factory.birth(next(factory.couples()))
    body["attachments"] = [
        attachment(
            "birth_certificate", b"%PDF" + random.randbytes(settings.attachment_max_bytes - 4)
        )
        for _ in range(settings.max_attachments)
    ]
    return body


def nested_bodies(levels: int = 100_000) -> dict[str, bytes]:
    return {
        "arrays": b"[" * levels + b"]" * levels,
        "objects": b'{"a":' * levels + b"1" + b"}" * levels,
        "changes": b'{"changes":' + b'{"mother":' * levels + b"{}" + b"}" * (levels + 1),
    }


def test_every_route_in_the_limit_table_is_declared() -> None:
    """A renamed route would silently fall back to the small default limit."""
    settings = Settings(environment="test")
    declared = {
        (method, route.path_format)
        for route in iter_route_contexts(create_app(settings).router.routes)
        for method in route.methods or ()
    }
    assert set(BodyLimits.from_settings(settings).by_route) <= declared


def test_a_declaration_limit_fits_its_attachments() -> None:
    settings = Settings(environment="test", attachment_max_bytes=MIB, max_attachments=4)
    # Four attachments of 1 MiB in base64, and the declaration around them.
    assert 4 * (4 * MIB // 3) < declaration_body_bytes(settings) < 4 * (4 * MIB // 3) + 128 * 1024
    # Never above the ceiling on any body.
    assert declaration_body_bytes(settings.model_copy(update={"max_request_bytes": MIB})) == MIB


async def test_each_route_takes_a_body_sized_to_it(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    limits = BodyLimits.from_settings(stack.settings)
    # The largest declaration the attachment limits allow is accepted: its limit is not too tight.
    body = largest_birth(factory, stack.settings)
    payload = json.dumps(body).encode()
    assert len(payload) > stack.settings.max_attachments * stack.settings.attachment_max_bytes
    response = await stack.api.post(
        "/v1/declarations/birth", content=payload, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 202, response.text

    declaration = limits.for_request("POST", "/v1/declarations/birth")
    padded = b'{"pad": "' + b"A" * declaration + b'"}'
    for path, content in [
        ("/v1/declarations/birth", padded),
        ("/v1/declarations/death", padded),
        ("/v1/declarations/some-id/supplement", padded),
        ("/v1/declarations/some-id/withdraw", b'{"reason": "' + b"A" * 9 * 1024 + b'"}'),
    ]:
        response = await stack.api.post(path, content=content)
        assert response.status_code == 413, (path, response.text)
        assert response.json()["detail"][0]["type"] == "request_too_large"
        streamed = await stack.api.post(path, content=chunks(content))
        assert streamed.status_code == 413, (path, streamed.text)
    key = await stack.api.put(
        "/v1/trust/agency-keys/police/k-2",
        content=b'{"public_key": "' + b"A" * 17 * 1024 + b'"}',
    )
    assert key.status_code == 413


async def test_deeply_nested_or_intricate_json_is_refused_before_parsing(
    stack_factory: StackFactory,
) -> None:
    stack = await stack_factory(with_workers=False)
    for name, content in nested_bodies().items():
        for path in ("/v1/declarations/birth", "/v1/declarations/some-id/supplement"):
            response = await stack.api.post(
                path, content=content, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 422, (name, path, response.text)
            assert response.json()["detail"][0]["type"] == "json_too_deep"
    # Within the withdrawal's few KB, nesting is refused the same way.
    shallow = nested_bodies(levels=1000)["arrays"]
    response = await stack.api.post("/v1/declarations/some-id/withdraw", content=shallow)
    assert response.status_code == 422
    # Two bytes of JSON can cost sixty of memory: a body of nothing but tokens is refused too.
    wide = b"[" + b"[]," * 500_000 + b"[]]"
    response = await stack.api.post("/v1/declarations/birth", content=wide)
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_too_complex"


async def test_api_memory_stays_flat_under_oversized_and_nested_bodies(
    stack_factory: StackFactory, factory: DeclarationFactory
) -> None:
    stack = await stack_factory(with_workers=False)
    portal = {"Authorization": f"Bearer {stack.token('portal')}"}
    oversized = b'{"declarant": "' + b"A" * 30 * MIB + b'"}'
    largest = json.dumps(largest_birth(factory, stack.settings)).encode()
    with api_process(stack) as api_proc:
        async with httpx.AsyncClient(base_url=api_proc.url, timeout=120) as api:
            # Once through every path first, so that what is measured is what a request costs,
            # not what the first one loads.
            warm = await api.post(
                "/v1/declarations/birth",
                json=factory.birth(next(factory.couples())),
                headers=portal,
            )
            assert warm.status_code == 202, warm.text
            for content in (b"[" * 100, b"A" * 20 * 1024):
                await api.post("/v1/declarations/birth", content=content, headers=portal)
            api_proc.reset_peak_memory()
            before = api_proc.memory_kib()

            async def send(path: str, content: bytes | AsyncIterator[bytes], **kw: str) -> int:
                headers = {"Content-Type": "application/json", **kw}
                return (await api.post(path, content=content, headers=headers)).status_code

            statuses: list[tuple[str, int]] = []
            for path in (
                "/v1/declarations/birth",
                "/v1/declarations/some-id/supplement",
                "/v1/declarations/some-id/withdraw",
            ):
                # A stranger's and the portal's, with and without a declared length.
                statuses.append(("stranger", await send(path, oversized)))
                statuses.append(("stranger streamed", await send(path, chunks(oversized))))
                statuses.append(("portal", await send(path, oversized, **portal)))
                statuses.append(("portal streamed", await send(path, chunks(oversized), **portal)))
                for name, nested in nested_bodies().items():
                    statuses.append((name, await send(path, nested, **portal)))
            # Several at once.
            together = await asyncio.gather(
                *(send("/v1/declarations/birth", chunks(oversized), **portal) for _ in range(4))
            )
            statuses += [("portal together", status) for status in together]
            refusing = api_proc.memory_kib()
            # And the largest declaration there is, which is read and parsed in full.
            api_proc.reset_peak_memory()
            before_largest = api_proc.memory_kib()
            statuses.append(("largest", await send("/v1/declarations/birth", largest, **portal)))
            accepting = api_proc.memory_kib()

    refused = {name: status for name, status in statuses if name != "largest"}
    assert set(refused.values()) <= {401, 413, 422}, statuses
    assert all(status in (413, 422) for name, status in statuses if name.startswith("portal"))
    assert dict(statuses)["largest"] == 202, statuses
    refusing_mib = (refusing["VmHWM"] - before["VmRSS"]) / 1024
    accepting_mib = (accepting["VmHWM"] - before_largest["VmRSS"]) / 1024
    print(
        f"API process memory: RSS {before['VmRSS'] / 1024:.0f} MiB; peak growth "
        f"{refusing_mib:.1f} MiB over {len(statuses) - 1} oversized or nested bodies, "
        f"{accepting_mib:.1f} MiB for the largest declaration ({len(largest) / MIB:.1f} MiB); "
        f"RSS {accepting['VmRSS'] / 1024:.0f} MiB after; statuses {sorted(set(statuses))}"
    )
    assert refusing_mib < MEMORY_GROWTH_BOUND_MIB
    assert accepting_mib < MEMORY_GROWTH_BOUND_MIB

"""Filing the suite's declarations through the portal API, spread over time, as a portal would:
each with its own Idempotency-Key, retried with the same key while the API cannot reach
Temporal, so a retry never files a second declaration."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import httpx

from devstack.declaration_factory import DeclarationFactory
from devstack.faults.timeline import Timeline

T = TypeVar("T")
Kind = Literal["birth", "death"]
# 503: the API could not start the workflow (Temporal unreachable) and recorded nothing.
RETRYABLE_STATUS = frozenset({503})
ACCEPTED = 202


@dataclass(frozen=True)
class Filing:
    number: int
    kind: Kind
    idempotency_key: str
    body: dict[str, Any] = field(repr=False)


@dataclass
class FilingResult:
    number: int
    kind: Kind
    declaration_id: str | None = None
    attempts: int = 0
    # Why an attempt had to be repeated: an HTTP status or a transport error's name.
    retried_for: list[str] = field(default_factory=list)
    # The final answer when the API refused the declaration for good.
    refused_with: int | None = None


def _birth_delivery(number: int) -> str:
    # Mostly by post, so the postal service gets its share of records; some electronic.
    return "electronic" if number % 6 == 0 else "post"


def _death_delivery(number: int) -> str:
    return "post" if number % 4 == 1 else "pickup"


def _next_or_explain(people: Iterator[T], what: str) -> T:
    try:
        return next(people)
    except StopIteration:
        raise SystemExit(
            f"The sandbox dataset has no more {what}; ask for fewer declarations."
        ) from None


def plan_filings(factory: DeclarationFactory, count: int, run_id: str) -> list[Filing]:
    """Alternate births and deaths; each person appears in one declaration only."""
    couples = factory.couples()
    pensioners = factory.insured_people(lambda insured: insured.status == "pensioner")
    filings = []
    for number in range(count):
        key = f"fault-suite-{run_id}-{number:05d}"
        if number % 2 == 0:
            couple = _next_or_explain(couples, "couples to declare a birth")
            body = factory.birth(couple, delivery=_birth_delivery(number))
            filings.append(Filing(number, "birth", key, body))
        else:
            deceased = _next_or_explain(pensioners, "pensioners to declare a death")
            body = factory.death(deceased, delivery=_death_delivery(number))
            filings.append(Filing(number, "death", key, body))
    return filings


async def _attempt(api: httpx.AsyncClient, filing: Filing) -> tuple[int | None, str]:
    """One POST: the status (None on a transport error) and a short reason for the record."""
    try:
        response = await api.post(
            f"/v1/declarations/{filing.kind}",
            json=filing.body,
            headers={"Idempotency-Key": filing.idempotency_key},
        )
    except httpx.TransportError as error:
        return None, type(error).__name__
    if response.status_code == ACCEPTED:
        return ACCEPTED, str(response.json()["declaration_id"])
    return response.status_code, str(response.status_code)


async def file_one(api: httpx.AsyncClient, filing: Filing, give_up_after: float) -> FilingResult:
    """File until the API gives the declaration an ID, refuses it for good, or time runs out."""
    result = FilingResult(filing.number, filing.kind)
    deadline = time.monotonic() + give_up_after
    backoff = 0.5
    while True:
        result.attempts += 1
        status, detail = await _attempt(api, filing)
        if status == ACCEPTED:
            result.declaration_id = detail
            return result
        if status is not None and status not in RETRYABLE_STATUS:
            result.refused_with = status
            return result
        result.retried_for.append(detail)
        if time.monotonic() + backoff > deadline:
            return result
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, 5.0)


async def file_all(
    api: httpx.AsyncClient,
    filings: list[Filing],
    spread_seconds: float,
    timeline: Timeline,
    give_up_after: float = 300.0,
) -> list[FilingResult]:
    """File the declarations at an even pace over `spread_seconds`, each on its own task so a
    slow or retried one never holds up the next."""
    interval = spread_seconds / max(len(filings), 1)
    started = time.monotonic()
    answered: list[FilingResult] = []

    async def file_at(filing: Filing) -> FilingResult:
        await asyncio.sleep(max(0.0, started + filing.number * interval - time.monotonic()))
        result = await file_one(api, filing, give_up_after)
        answered.append(result)
        if len(answered) % 50 == 0:
            timeline.say(f"filed {len(answered)}/{len(filings)} declarations")
        return result

    timeline.record(
        "filing declarations", f"{len(filings)} over {spread_seconds:.0f}s through the portal API"
    )
    results = await asyncio.gather(*(file_at(f) for f in filings))
    accepted = sum(1 for r in results if r.declaration_id)
    retried = Counter(reason for r in results for reason in r.retried_for)
    timeline.record(
        "all filings answered",
        f"{accepted}/{len(filings)} accepted; retried: "
        + (", ".join(f"{n}× {why}" for why, n in sorted(retried.items())) or "none"),
    )
    return list(results)

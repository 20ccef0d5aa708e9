"""After the faults: wait until every declaration is closed, then check each against the
agencies' books (exactly one live record per step, and the post's shipment when the results
went by post)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from devstack.faults.snapshot import CLOSED
from devstack.faults.timeline import Timeline
from schemas.parties import AGENCY_PARTIES

T = TypeVar("T")
# A record the agency keeps but no longer acts on: replaced by a later round, or withdrawn.
DEAD_CASE_STATES = frozenset({"superseded", "cancelled"})
DELIVERED_BY_POST = frozenset({"posted", "delivered"})
CONCURRENT_READS = 16

View = dict[str, Any]
StepKey = tuple[str, str]  # (agency, procedure)


async def bounded(items: Iterable[str], read: Callable[[str], Awaitable[T]]) -> dict[str, T]:
    """`read` each item, a few at a time, so a few hundred reads do not swamp the services."""
    gate = asyncio.Semaphore(CONCURRENT_READS)

    async def one(item: str) -> tuple[str, T]:
        async with gate:
            return item, await read(item)

    return dict(await asyncio.gather(*(one(i) for i in items)))


# --- waiting for the declarations to close ---------------------------------------------------


async def read_view(api: httpx.AsyncClient, declaration_id: str) -> View | None:
    try:
        response = await api.get(f"/v1/declarations/{declaration_id}")
    except httpx.TransportError:
        return None
    if response.status_code != 200:
        return None
    view: View = response.json()
    return view


async def read_views(api: httpx.AsyncClient, declaration_ids: Iterable[str]) -> dict[str, View]:
    """The declarations' status as the portal serves it now; those it could not read left out."""
    fresh = await bounded(declaration_ids, lambda i: read_view(api, i))
    return {i: v for i, v in fresh.items() if v is not None}


async def wait_until_closed(
    api: httpx.AsyncClient, declaration_ids: list[str], deadline: float, timeline: Timeline
) -> dict[str, View | None]:
    """The last status read of each declaration; open ones are still open at the deadline (a
    `time.monotonic()` reading)."""
    views: dict[str, View | None] = dict.fromkeys(declaration_ids)
    last_said = 0.0
    while True:
        still_open = [i for i, v in views.items() if v is None or v["status"] not in CLOSED]
        if not still_open or time.monotonic() > deadline:
            break
        if time.monotonic() - last_said > 30:
            timeline.say(f"waiting for {len(still_open)}/{len(views)} declarations to close")
            last_said = time.monotonic()
        views.update(await read_views(api, still_open))
        await asyncio.sleep(3)
    closed = sum(1 for v in views.values() if v is not None and v["status"] in CLOSED)
    timeline.record("declarations closed", f"{closed}/{len(views)}")
    return views


# --- one declaration against the agencies' books ----------------------------------------------


async def agency_cases(
    agencies: dict[str, httpx.AsyncClient], declaration_id: str
) -> dict[str, list[dict[str, Any]]]:
    """Every case each agency holds for the declaration (read with the agency's service key)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for agency in AGENCY_PARTIES:
        response = await agencies[agency].get(
            "/v1/cases", params={"declaration_id": declaration_id}
        )
        response.raise_for_status()
        found[agency] = response.json()
    return found


def expected_records(view: View) -> dict[StepKey, str | None]:
    """The record each agency should hold for the declaration, with its case number if known:
    one per step that reached its agency, and a shipment when the results went by post."""
    expected: dict[StepKey, str | None] = {
        (s["agency"], s["procedure"]): s["case_number"] for s in view["steps"] if s["case_number"]
    }
    delivery = view["delivery"]
    if delivery["method"] == "post" and delivery["status"] in DELIVERED_BY_POST:
        expected[("postal", "shipment")] = None
    return expected


def incomplete_view(view: View) -> list[str]:
    """What a completed declaration lacks: a step without its agency's case, an unsent letter."""
    problems = [
        f"{s['agency']} {s['procedure']}: completed without a case number"
        for s in view["steps"]
        if not s["case_number"]
    ]
    delivery = view["delivery"]
    if delivery["method"] == "post" and delivery["status"] not in DELIVERED_BY_POST:
        problems.append(f"postal shipment: delivery is {delivery['status']}")
    return problems


def live_cases(cases: dict[str, list[dict[str, Any]]]) -> dict[StepKey, list[str]]:
    live: dict[StepKey, list[str]] = defaultdict(list)
    for agency, agency_cases_ in cases.items():
        for case in agency_cases_:
            if case["status"] not in DEAD_CASE_STATES:
                live[(agency, case["procedure"])].append(case["case_number"])
    return live


@dataclass
class DeclarationCheck:
    declaration_id: str
    status: str
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        return self.status in CLOSED

    @property
    def lost(self) -> bool:
        return not self.closed or bool(self.missing)


def compare_records(
    check: DeclarationCheck, view: View, cases: dict[str, list[dict[str, Any]]]
) -> None:
    """Exactly one live record per step, and it is the one the declaration names."""
    live = live_cases(cases)
    if view["status"] == "completed":
        check.missing += incomplete_view(view)
    for (agency, procedure), case_number in expected_records(view).items():
        held = live.pop((agency, procedure), [])
        where = f"{agency} {procedure}"
        if not held:
            check.missing.append(f"{where}: no live record")
        elif len(held) > 1:
            check.duplicated.append(f"{where}: {len(held)} live records ({', '.join(held)})")
        elif case_number and held[0] != case_number:
            check.missing.append(f"{where}: holds {held[0]}, the declaration names {case_number}")
    for (agency, procedure), held in live.items():
        check.duplicated.append(
            f"{agency} {procedure}: live record(s) the declaration does not name "
            f"({', '.join(held)})"
        )


async def check_declaration(
    agencies: dict[str, httpx.AsyncClient], declaration_id: str, view: View | None
) -> DeclarationCheck:
    status = "unreadable" if view is None else str(view["status"])
    check = DeclarationCheck(declaration_id, status)
    try:
        cases = await agency_cases(agencies, declaration_id)
    except httpx.HTTPError as error:
        check.missing.append(f"agency records unreadable ({type(error).__name__})")
        return check
    if view is None:
        check.duplicated += [
            f"{a} {c['procedure']}: {c['case_number']}" for a, cs in cases.items() for c in cs
        ]
        return check
    compare_records(check, view, cases)
    return check


async def check_all(
    agencies: dict[str, httpx.AsyncClient], views: dict[str, View | None]
) -> list[DeclarationCheck]:
    checks = await bounded(views, lambda i: check_declaration(agencies, i, views[i]))
    return list(checks.values())

"""The demo: one birth and one death declaration, filed through the portal API and followed to
their answer."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

from local_stack.declaration_factory import DeclarationFactory
from sandbox_agencies.dataset import PersonEntry

CLOSED = {"completed", "partially_completed", "rejected", "withdrawn"}


def alive_in_registry(police_url: str, people: Iterable[PersonEntry]) -> Iterable[PersonEntry]:
    """People the police registry still lists as alive (an earlier demo may have changed that)."""
    with httpx.Client(base_url=police_url, timeout=5) as police:
        for person in people:
            entry = police.get(f"/v1/registry/people/{person.personal_id}")
            if entry.status_code == 200 and entry.json()["status"] == "alive":
                yield person


def wait_until_closed(
    api: httpx.Client, declaration_id: str, timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = api.get(f"/v1/declarations/{declaration_id}").json()
        if status["status"] in CLOSED or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def _print_outcome(title: str, status: dict[str, Any]) -> None:
    print(f"\n{title} {status['declaration_id']}: {status['status']} — {status.get('summary')}")
    for step in status["steps"]:
        result = step.get("result") or {}
        shown = {
            k: v
            for k, v in result.items()
            if k
            in (
                "civil_status_record_number",
                "residence_registration_number",
                "card_code",
                "death_record_number",
                "residence_removal_number",
                "amount_vnd",
                "lump_sum_vnd",
                "monthly_amount_vnd",
                "rule",
            )
        }
        print(
            f"  {step['agency']:<16} {step['procedure']:<24} {step['status']:<10} "
            f"{step.get('case_number') or '':<14} {shown or step.get('reason') or ''}"
        )
    delivery = status["delivery"]
    print(
        f"  delivery: {delivery['method']} → {delivery['status']} "
        f"{delivery.get('tracking_number') or ''}"
    )


def run_demo(api_url: str, dataset_dir: Path, agency_urls: dict[str, str]) -> list[tuple[str, str]]:
    factory = DeclarationFactory.from_directory(dataset_dir)
    couple = next(
        c
        for c in factory.couples()
        if list(alive_in_registry(agency_urls["police"], [c.mother, c.father]))
    )
    pensioner = next(
        iter(
            alive_in_registry(
                agency_urls["police"],
                (
                    p
                    for p in factory.insured_people(lambda i: i.status == "pensioner")
                    if p.spouse_id in factory.people
                ),
            )
        )
    )
    filed: list[tuple[str, str]] = []
    with httpx.Client(base_url=api_url, timeout=30) as api:
        for title, path, body in (
            ("Birth declaration", "/v1/declarations/birth", factory.birth(couple)),
            (
                "Death declaration",
                "/v1/declarations/death",
                factory.death(pensioner, form="monthly"),
            ),
        ):
            accepted = api.post(path, json=body)
            accepted.raise_for_status()
            receipt = accepted.json()
            print(
                f"Filed a {title.lower()}: {receipt['declaration_id']} "
                f"(workflow {receipt['workflow_id']})",
                flush=True,
            )
            filed.append((receipt["declaration_id"], receipt["workflow_id"]))
        for (declaration_id, _), title in zip(
            filed, ("Birth declaration", "Death declaration"), strict=True
        ):
            _print_outcome(title, wait_until_closed(api, declaration_id))
    return filed

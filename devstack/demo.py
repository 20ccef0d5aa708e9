"""The demo: births and a death declared through the portal API and followed to their answer: a
birth in hospital, a home birth on the declarant's undertaking alone, a birth whose mother's name
the population registry does not recognise until the family corrects it, and a death."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import httpx

from devstack.declaration_factory import Couple, DeclarationFactory
from devstack.issuing import issue_from_settings
from sandbox.dataset import PersonEntry
from sandbox.settings import get_sandbox_settings
from settings import Settings

CLOSED = {"completed", "partially_completed", "rejected", "withdrawn"}


def alive_in_registry(
    police_url: str, police_key: str, people: Iterable[PersonEntry]
) -> Iterable[PersonEntry]:
    """People the police registry still lists as alive (an earlier demo may have changed that)."""
    headers = {"Authorization": f"Bearer {police_key}"}
    with httpx.Client(base_url=police_url, timeout=5, headers=headers) as police:
        for person in people:
            entry = police.get(f"/v1/registry/people/{person.personal_id}")
            if entry.status_code == 200 and entry.json()["status"] == "alive":
                yield person


def wait_until(
    api: httpx.Client, declaration_id: str, statuses: set[str], timeout: float = 120
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = api.get(f"/v1/declarations/{declaration_id}").json()
        if status["status"] in statuses or time.monotonic() > deadline:
            return status
        time.sleep(0.5)


def _print_outcome(title: str, status: dict[str, Any]) -> None:
    """The outcome as the portal tells the family: in Vietnamese (the API answers in the
    client's `Accept-Language`), with the codes the portal acts on."""
    print(
        f"\n{title} {status['declaration_id']}: {status['status']} — {status.get('summary')}"
        + (f" [{status['status_reason_code']}]" if status.get("status_reason_code") else "")
    )
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
        reason = step.get("reason") or ""
        if reason and step.get("reason_code"):
            reason = f"{reason} [{step['reason_code']}]"
        print(
            f"  {step['agency']:<16} {step['procedure']:<24} {step['status']:<10} "
            f"{step.get('case_number') or '':<14} {shown or reason}"
        )
        if result.get("explanation"):
            print(f"  {'':<16} {result['explanation']}")
    delivery = status["delivery"]
    print(
        f"  trả kết quả: {delivery['method']} → {delivery['status']} "
        f"{delivery.get('tracking_number') or ''}"
    )


def _file(api: httpx.Client, title: str, path: str, body: dict[str, Any]) -> tuple[str, str]:
    accepted = api.post(path, json=body)
    accepted.raise_for_status()
    receipt = accepted.json()
    print(
        f"Đã nộp {title.lower()}: {receipt['declaration_id']} (workflow {receipt['workflow_id']})",
        flush=True,
    )
    return receipt["declaration_id"], receipt["workflow_id"]


def _told_by_sms_and_email(body: dict[str, Any]) -> dict[str, Any]:
    """A family that asked to hear of each milestone both ways."""
    body["declarant"]["notify"] = ["sms", "email"]
    return body


def _misspelt_mother(factory: DeclarationFactory, couple: Couple) -> dict[str, Any]:
    """A birth whose mother's name is mistyped: the population registry does not recognise her,
    and the declaration goes back to the family before any agency is engaged."""
    body = factory.birth(couple, delivery="electronic")
    # Her middle name left out, as happens when a form is filled in a hurry.
    names = couple.mother.full_name.split()
    body["mother"]["full_name"] = " ".join(names[:1] + names[-1:] if len(names) > 2 else names * 2)
    return body


def _answer_supplement(
    api: httpx.Client, declaration_id: str, citizen_token: str, couple: Couple
) -> None:
    status = wait_until(api, declaration_id, {"awaiting_supplement", *CLOSED})
    if status["status"] != "awaiting_supplement":
        return
    asked = status["supplement_request"]
    print(f"\n{declaration_id} đang chờ gia đình bổ sung: {asked['message']}")
    # The family corrects the name through the portal, signed in as themselves.
    answer = api.post(
        f"/v1/declarations/{declaration_id}/supplement",
        json={"changes": {"mother": {"full_name": couple.mother.full_name}}},
        headers={"Authorization": f"Bearer {citizen_token}"},
    )
    answer.raise_for_status()
    print(f"Gia đình đã sửa họ tên người mẹ ({answer.status_code}).", flush=True)


def run_demo(api_url: str, settings: Settings, police_url: str) -> list[tuple[str, str]]:
    sandbox = get_sandbox_settings()
    factory = DeclarationFactory.from_directory(sandbox.data_dir)
    police_key = sandbox.service_key("police")
    couples = (
        c
        for c in factory.couples()
        if list(alive_in_registry(police_url, police_key, [c.mother, c.father]))
    )
    pensioner = next(
        iter(
            alive_in_registry(
                police_url, police_key, factory.insured_people(lambda i: i.status == "pensioner")
            )
        )
    )
    corrected_couple = next(couples)
    corrected = _misspelt_mother(factory, corrected_couple)
    family = issue_from_settings(
        settings, "citizen", citizen_id=corrected["declarant"]["personal_id"]
    )
    portal = {
        "Authorization": f"Bearer {issue_from_settings(settings, 'portal', 'portal')}",
        # Citizens read the portal in Vietnamese.
        "Accept-Language": "vi",
    }
    with httpx.Client(base_url=api_url, timeout=30, headers=portal) as api:
        filed = [
            (
                "Tờ khai sinh",
                _file(
                    api,
                    "Tờ khai sinh",
                    "/v1/declarations/birth",
                    _told_by_sms_and_email(factory.birth(next(couples))),
                ),
            ),
            (
                "Tờ khai tử",
                _file(
                    api,
                    "Tờ khai tử",
                    "/v1/declarations/death",
                    factory.death(pensioner, form="monthly"),
                ),
            ),
            (
                "Tờ khai sinh (sinh tại nhà, có văn bản cam đoan)",
                _file(
                    api,
                    "Tờ khai sinh (sinh tại nhà, có văn bản cam đoan)",
                    "/v1/declarations/birth",
                    factory.home_birth(next(couples), delivery="electronic"),
                ),
            ),
            (
                "Tờ khai sinh (bổ sung họ tên người mẹ)",
                _file(
                    api,
                    "Tờ khai sinh (bổ sung họ tên người mẹ)",
                    "/v1/declarations/birth",
                    corrected,
                ),
            ),
        ]
        _answer_supplement(api, filed[3][1][0], family, corrected_couple)
        for title, (declaration_id, _) in filed:
            _print_outcome(title, wait_until(api, declaration_id, CLOSED))
    return [ids for _, ids in filed]

"""The demo: births and a death declared through the portal API and followed to their answer: a
birth in hospital, a home birth on the declarant's undertaking alone, a birth whose mother's name
the population registry does not recognise until the family corrects it, and a death.

A step that fails (a filing the API refuses, a service that does not answer, a declaration that
does not close in time) is reported with where to look, and the demo goes on with the others:
it never takes the stack down with it (`demo_report`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

import httpx

from devstack.declaration_factory import Couple, DeclarationFactory
from devstack.demo_report import (
    DemoFailure,
    DemoReport,
    DemoStack,
    DemoStepFailed,
    Filed,
    not_closed,
    refused,
    unreachable,
)
from devstack.issuing import issue_from_settings
from sandbox.dataset import PersonEntry
from sandbox.settings import get_sandbox_settings
from settings import Settings

CLOSED = {"completed", "partially_completed", "rejected", "withdrawn"}
# How long the demo waits for all its declarations to close (they take seconds).
OUTCOME_TIMEOUT_SECONDS = 120.0
ACCEPTED = 202
T = TypeVar("T")
P = ParamSpec("P")


@dataclass(frozen=True)
class DemoFiling:
    title: str
    kind: Literal["birth", "death"]
    body: dict[str, Any]
    # What the family corrects when the portal sends the declaration back to them.
    correction: dict[str, Any] | None = None


def _reach(
    client: httpx.Client, method: str, path: str, *, what: str, log: Path, **request: Any
) -> httpx.Response:
    """A request to a service of the stack; one that does not answer is a failed step, with
    the service's log to look at."""
    try:
        return client.request(method, path, **request)
    except httpx.TransportError as error:
        raise DemoStepFailed(unreachable(what, str(client.base_url), error, log)) from None


def alive_in_registry(
    police: httpx.Client, stack: DemoStack, people: Iterable[PersonEntry]
) -> Iterator[PersonEntry]:
    """People the police registry still lists as alive (an earlier demo may have changed that)."""
    for person in people:
        entry = _reach(
            police,
            "GET",
            f"/v1/registry/people/{person.personal_id}",
            what="the police population registry",
            log=stack.log("sandbox-police"),
        )
        if entry.status_code == 200 and entry.json()["status"] == "alive":
            yield person


def read_status(api: httpx.Client, declaration_id: str, stack: DemoStack) -> dict[str, Any]:
    response = _reach(
        api,
        "GET",
        f"/v1/declarations/{declaration_id}",
        what=f"reading {declaration_id}",
        log=stack.log("portal-api"),
    )
    if response.status_code != 200:
        raise DemoStepFailed(refused(f"reading {declaration_id}", response, stack))
    status: dict[str, Any] = response.json()
    return status


def wait_until(
    api: httpx.Client, declaration_id: str, statuses: set[str], deadline: float, stack: DemoStack
) -> dict[str, Any]:
    """The declaration's status once it is one of `statuses`, or as it stands at `deadline` (a
    `time.monotonic()` reading)."""
    while True:
        status = read_status(api, declaration_id, stack)
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


def plan_demo(factory: DeclarationFactory, stack: DemoStack) -> list[DemoFiling]:
    """The demo's four declarations, of people the police registry lists as alive."""
    police_key = get_sandbox_settings().service_key("police")
    headers = {"Authorization": f"Bearer {police_key}"}
    with httpx.Client(base_url=stack.police_url, timeout=5, headers=headers) as police:
        couples = (
            c
            for c in factory.couples()
            if list(alive_in_registry(police, stack, [c.mother, c.father]))
        )
        pensioners = factory.insured_people(lambda i: i.status == "pensioner")
        try:
            pensioner = next(iter(alive_in_registry(police, stack, pensioners)))
            in_hospital, at_home, corrected_couple = next(couples), next(couples), next(couples)
        except StopIteration:
            # Earlier demos registered their deaths and births in the sandbox's registers.
            raise DemoStepFailed(
                DemoFailure(
                    "the sandbox's registers have no living people left for the demo",
                    ("start the sandbox afresh with `make clean` (it empties var/)",),
                )
            ) from None
    return [
        DemoFiling("Tờ khai sinh", "birth", _told_by_sms_and_email(factory.birth(in_hospital))),
        DemoFiling("Tờ khai tử", "death", factory.death(pensioner, form="monthly")),
        DemoFiling(
            "Tờ khai sinh (sinh tại nhà, có văn bản cam đoan)",
            "birth",
            factory.home_birth(at_home, delivery="electronic"),
        ),
        DemoFiling(
            "Tờ khai sinh (bổ sung họ tên người mẹ)",
            "birth",
            _misspelt_mother(factory, corrected_couple),
            # The family corrects the name through the portal, signed in as themselves.
            correction={"mother": {"full_name": corrected_couple.mother.full_name}},
        ),
    ]


def _file(api: httpx.Client, filing: DemoFiling, stack: DemoStack) -> Filed:
    what = f"filing {filing.title}"
    accepted = _reach(
        api,
        "POST",
        f"/v1/declarations/{filing.kind}",
        what=what,
        log=stack.log("portal-api"),
        json=filing.body,
    )
    if accepted.status_code != ACCEPTED:
        raise DemoStepFailed(refused(what, accepted, stack))
    receipt = accepted.json()
    print(
        f"Đã nộp {filing.title.lower()}: {receipt['declaration_id']} "
        f"(workflow {receipt['workflow_id']})",
        flush=True,
    )
    return Filed(filing.title, receipt["declaration_id"], receipt["workflow_id"])


def _answer_supplement(
    api: httpx.Client,
    filed: Filed,
    filing: DemoFiling,
    settings: Settings,
    deadline: float,
    stack: DemoStack,
) -> None:
    assert filing.correction is not None
    status = wait_until(
        api, filed.declaration_id, {"awaiting_supplement", *CLOSED}, deadline, stack
    )
    if status["status"] != "awaiting_supplement":
        return
    asked = status["supplement_request"]
    print(f"\n{filed.declaration_id} đang chờ gia đình bổ sung: {asked['message']}")
    family = issue_from_settings(
        settings, "citizen", citizen_id=filing.body["declarant"]["personal_id"]
    )
    what = f"answering the supplement request of {filed.declaration_id}"
    answer = _reach(
        api,
        "POST",
        f"/v1/declarations/{filed.declaration_id}/supplement",
        what=what,
        log=stack.log("portal-api"),
        json={"changes": filing.correction},
        headers={"Authorization": f"Bearer {family}"},
    )
    if answer.is_error:
        raise DemoStepFailed(refused(what, answer, stack))
    print(f"Gia đình đã sửa họ tên người mẹ ({answer.status_code}).", flush=True)


def _follow(
    api: httpx.Client,
    report: DemoReport,
    filings: dict[str, DemoFiling],
    settings: Settings,
    stack: DemoStack,
) -> None:
    """Answer what the portal asks the families, then print each declaration's outcome; those
    still open at the deadline are failed steps."""
    started = time.monotonic()
    deadline = started + OUTCOME_TIMEOUT_SECONDS
    for filed in report.filed:
        filing = filings[filed.declaration_id]
        if filing.correction is not None:
            _step(report, _answer_supplement, api, filed, filing, settings, deadline, stack)
    for filed in report.filed:
        status = _step(report, wait_until, api, filed.declaration_id, CLOSED, deadline, stack)
        if status is None:
            continue
        if status["status"] in CLOSED:
            report.outcomes[filed.declaration_id] = status
            _print_outcome(filed.title, status)
        else:
            waited = time.monotonic() - started
            report.failures.append(not_closed(filed.title, filed, status, waited, stack))


def _step(
    report: DemoReport, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T | None:
    """Run a step of the demo; a failure is recorded and the demo goes on."""
    try:
        return action(*args, **kwargs)
    except DemoStepFailed as failed:
        report.failures.append(failed.failure)
        return None


def run_demo(
    stack: DemoStack,
    settings: Settings,
    factory: DeclarationFactory | None = None,
    filings: list[DemoFiling] | None = None,
) -> DemoReport:
    """File the demo's declarations (or `filings`) and follow them to their outcome. Never
    raises for a step that failed: the report says what failed and where to look."""
    report = DemoReport()
    if filings is None:
        factory = factory or DeclarationFactory.from_directory(get_sandbox_settings().data_dir)
        planned = _step(report, plan_demo, factory, stack)
        if planned is None:
            return report
        filings = planned
    portal = {
        "Authorization": f"Bearer {issue_from_settings(settings, 'portal', 'portal')}",
        # Citizens read the portal in Vietnamese.
        "Accept-Language": "vi",
    }
    by_declaration: dict[str, DemoFiling] = {}
    with httpx.Client(base_url=stack.api_url, timeout=30, headers=portal) as api:
        for filing in filings:
            filed = _step(report, _file, api, filing, stack)
            if filed is not None:
                report.filed.append(filed)
                by_declaration[filed.declaration_id] = filing
        _follow(api, report, by_declaration, settings, stack)
    return report

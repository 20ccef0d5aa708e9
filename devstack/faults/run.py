"""A run of the fault suite: start its stack, file declarations while the faults are injected,
wait for them to close and for what follows their decisions, check every record, and gather what
it found into a report."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from temporalio.client import Client

from devstack.declaration_factory import DeclarationFactory
from devstack.faults import report
from devstack.faults import stack as fault_stacks
from devstack.faults.after_decisions import (
    DocumentFindings,
    NoticeFindings,
    PostFindings,
    check_documents,
    check_notices,
    check_posts,
)
from devstack.faults.faults import FaultPlan, FaultRun, inject_faults
from devstack.faults.filings import Filing, FilingResult, file_all, plan_filings
from devstack.faults.portal_records import gateway_messages, notices, stored_documents
from devstack.faults.stack import StackTuning, fault_stack
from devstack.faults.still_due import wait_until_settled
from devstack.faults.sweeps import unknown_at_agencies, unknown_in_store, unknown_workflows
from devstack.faults.timeline import Timeline
from devstack.faults.verification import DeclarationCheck, check_all, wait_until_closed
from devstack.issuing import issue_from_settings
from devstack.launcher import LocalStack
from devstack.stack_layout import StackPorts
from sandbox.settings import SandboxSettings
from schemas.parties import AGENCY_PARTIES
from settings import Settings, get_settings
from store.database import engine_for


@dataclass(frozen=True)
class SuiteOptions:
    declarations: int
    submit_seconds: float
    settle_timeout: float
    seed: int
    var_dir: Path
    report_path: Path
    tuning: StackTuning
    plan: FaultPlan


@dataclass
class Clients:
    api: httpx.AsyncClient
    agencies: dict[str, httpx.AsyncClient]
    temporal: Client


@asynccontextmanager
async def open_clients(settings: Settings, ports: StackPorts) -> AsyncIterator[Clients]:
    """The portal (a portal token), each agency as its case worker sees it (its service key),
    and Temporal in the orchestrator's namespace."""
    token = issue_from_settings(
        settings,
        "portal",
        "portal",
        lifetime=timedelta(hours=6),
    )
    api = httpx.AsyncClient(
        base_url=ports.api_url, timeout=30, headers={"Authorization": f"Bearer {token}"}
    )
    sandbox = SandboxSettings()
    agencies: dict[str, httpx.AsyncClient] = {
        agency: httpx.AsyncClient(
            base_url=ports.agency_url(agency),
            timeout=30,
            headers={"Authorization": f"Bearer {sandbox.service_key(agency)}"},
        )
        for agency in AGENCY_PARTIES
    }
    temporal = await Client.connect(ports.temporal_address, namespace=settings.temporal_namespace)
    try:
        yield Clients(api, agencies, temporal)
    finally:
        await api.aclose()
        for client in agencies.values():
            await client.aclose()


async def watch_processes(stack: LocalStack, timeline: Timeline, exits: list[str]) -> None:
    """A component that dies on its own is a finding: record it, do not restart it."""
    while True:
        for exit_ in stack.unexpected_exits():
            exits.append(exit_)
            timeline.record("UNEXPECTED EXIT", exit_)
        await asyncio.sleep(2)


async def file_under_faults(
    clients: Clients,
    stack: LocalStack,
    filings: list[Filing],
    options: SuiteOptions,
    timeline: Timeline,
) -> tuple[list[FilingResult], FaultRun]:
    fault_run = FaultRun(stack, timeline, clients.temporal, clients.agencies, options.plan)
    async with asyncio.TaskGroup() as group:
        filing = group.create_task(file_all(clients.api, filings, options.submit_seconds, timeline))
        group.create_task(inject_faults(fault_run))
    return filing.result(), fault_run


@dataclass
class Verification:
    checks: list[DeclarationCheck]
    posts: PostFindings
    documents: DocumentFindings
    notices: NoticeFindings
    phantoms: list[str]
    still_running: list[str]


async def verify(
    clients: Clients,
    stack: LocalStack,
    results: list[FilingResult],
    options: SuiteOptions,
    timeline: Timeline,
) -> Verification:
    """Wait for the declarations to close and for what follows their decisions, within the
    settle timeout; then check them at the agencies, at the portal and at the SMS gateway, and
    sweep for what the portal never heard of."""
    deadline = time.monotonic() + options.settle_timeout
    ids = [r.declaration_id for r in results if r.declaration_id]
    views = await wait_until_closed(clients.api, ids, deadline, timeline)
    store = engine_for(stack.env["DATABASE_URL"])
    due = await wait_until_settled(clients.api, store, clients.temporal, views, deadline, timeline)
    checks = await check_all(clients.agencies, views)
    documents = check_documents(views, await asyncio.to_thread(stored_documents, store))
    notice_findings = check_notices(
        await asyncio.to_thread(notices, store),
        await asyncio.to_thread(gateway_messages, stack.layout.sms_outbox_db),
    )
    known = set(ids)
    phantoms = [
        *await asyncio.to_thread(unknown_in_store, store, known),
        *unknown_at_agencies(stack.layout.sandbox_dir, known),
        *await unknown_workflows(clients.temporal, known),
    ]
    timeline.record(
        "records checked",
        f"{len(checks)} declarations at {len(AGENCY_PARTIES)} agencies; "
        f"{documents.stored_once}/{documents.due} documents stored once; "
        f"{notice_findings.notices} notices, {notice_findings.sms_messages} SMS at the gateway",
    )
    return Verification(
        checks,
        check_posts(views),
        documents,
        notice_findings,
        phantoms,
        due.running,
    )


def build_report(
    started_at: datetime,
    timeline: Timeline,
    options: SuiteOptions,
    stack: LocalStack,
    results: list[FilingResult],
    fault_run: FaultRun,
    verification: Verification,
    exits: list[str],
    shutdown: dict[str, int | None],
) -> report.SuiteReport:
    counts = report.count(results, verification.checks, len(verification.phantoms))
    findings = (verification.posts, verification.documents, verification.notices)
    after = report.AfterDecisions.of(*findings)
    failures = report.failures(counts, after, exits, fault_run.failures, verification.still_running)
    return report.SuiteReport(
        passed=not failures,
        failures=failures,
        started_at=started_at,
        duration_seconds=round(timeline.elapsed(), 1),
        run_dir=str(stack.layout.run_dir),
        parameters={
            "declarations": options.declarations,
            "submit_seconds": options.submit_seconds,
            **asdict(options.tuning),
            **{
                name: ", ".join(value) if isinstance(value, tuple) else value
                for name, value in asdict(options.plan).items()
            },
        },
        counts=counts,
        after_decisions=after,
        after_decision_problems=report.after_decision_problems(*findings),
        outcomes=dict(Counter(c.status for c in verification.checks)),
        submission_retries=report.retries(results),
        not_accepted=report.not_accepted(results),
        problems=report.problems_of(verification.checks),
        phantoms=verification.phantoms,
        still_running_in_temporal=verification.still_running,
        unexpected_exits=exits,
        shutdown_exit_codes=shutdown,
        fault_failures=fault_run.failures,
        not_recovered=fault_run.not_recovered,
        timeline=timeline.entries,
    )


def stop_on_sigterm() -> None:
    """`make` (or CI) stopping the suite with SIGTERM unwinds it like Ctrl-C: processes stop."""
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


async def run_suite(options: SuiteOptions) -> report.SuiteReport:
    stop_on_sigterm()
    started_at = datetime.now(UTC)
    timeline = Timeline()
    settings = get_settings()
    factory = DeclarationFactory.from_directory(SandboxSettings().data_dir, seed=options.seed)
    filings = plan_filings(factory, options.declarations, f"{started_at:%Y%m%d%H%M%S}")
    stack = fault_stack(options.var_dir, options.tuning)
    exits: list[str] = []
    try:
        timeline.record("starting the stack", str(stack.layout.run_dir))
        await asyncio.to_thread(fault_stacks.start, stack)
        timeline.record(
            "stack ready",
            "Temporal (5 namespaces, 4 Nexus endpoints), 4 agencies, "
            "5 workers (orchestrator, 4 agency case workers), portal API",
        )
        async with open_clients(settings, stack.ports) as clients:
            watcher = asyncio.create_task(watch_processes(stack, timeline, exits))
            try:
                results, fault_run = await file_under_faults(
                    clients, stack, filings, options, timeline
                )
                verification = await verify(clients, stack, results, options, timeline)
            finally:
                watcher.cancel()
    finally:
        timeline.say("stopping the stack")
        shutdown = stack.close()
    return build_report(
        started_at, timeline, options, stack, results, fault_run, verification, exits, shutdown
    )

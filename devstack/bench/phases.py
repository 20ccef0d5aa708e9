"""The run, phase by phase, on a started stack: the warm-up, the product and the baseline at
their peaks, the product at half its peak rate, and optionally many declarations held open."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from devstack.bench.load import (
    closed_workflows,
    declaration_bodies,
    file_declarations,
    start_baselines,
)
from devstack.bench.profiling import start_profilers, stop_profilers
from devstack.bench.readings import (
    cpu_by_process,
    cpu_seconds,
    cpu_spent,
    document_cpu,
    pid_of,
    rss_mb,
)
from devstack.bench.records import documents_settled, recorded
from devstack.bench.report import PhaseResult, measure, results
from devstack.bench.stack import PRODUCT_AGENCIES, BenchStack
from devstack.declaration_factory import DeclarationFactory
from devstack.processes import ManagedProcess
from sandbox.settings import SandboxSettings
from schemas.parties import case_task_queue, namespace_of
from schemas.workflow_inputs import orchestrator_task_queue
from temporal_connection.client import connect

Start = Callable[[], Awaitable[dict[str, float]]]
# How long no document may have arrived for the phase's declarations before it ends.
DOCUMENTS_QUIET_SECONDS = 3.0


async def run_phase(
    stack: BenchStack,
    client: Client,
    phase: str,
    worker: ManagedProcess,
    prefix: str,
    timeout: float,
    start: Start,
    *,
    product: bool = False,
    **notes: Any,
) -> PhaseResult:
    """Start the phase's workflows, wait until all have closed, and measure them, with the CPU
    each process spent meanwhile; for the product, with what its stores recorded meanwhile."""
    cpu_before = cpu_by_process(stack.processes)
    documents_before = await asyncio.to_thread(document_cpu, stack.agency_metrics_url)
    started = await start()
    closed = await closed_workflows(client, set(started), prefix, timeout)
    spent = cpu_spent(cpu_before, cpu_by_process(stack.processes))
    stored = None
    if product:
        # Each approved record's document follows its decision, and may follow the declaration.
        agencies = pid_of(stack.process(PRODUCT_AGENCIES))
        documents = await documents_settled(
            stack.settings.database_url,
            started,
            lambda: cpu_seconds(agencies),
            DOCUMENTS_QUIET_SECONDS,
            timeout,
        )
        stored = await asyncio.to_thread(
            recorded,
            stack.settings.database_url,
            stack.local.layout.sms_outbox_db,
            started,
            documents,
            cpu_before[PRODUCT_AGENCIES],
            (await asyncio.to_thread(document_cpu, stack.agency_metrics_url)).since(
                documents_before
            ),
        )
    result = measure(phase, started, closed, worker, spent, stored, **notes)
    print(f"  {result}", flush=True)
    return result


async def cases_waiting(justice: Client, prefix: str, at_least: int, timeout: float) -> int:
    """The justice office's cases open on its officers, once there are `at_least` of them: a
    birth is only held once its case is open (filing is faster than the checks before it)."""
    query = (
        f'TaskQueue = "{case_task_queue(prefix, "justice")}" '
        'AND WorkflowType = "AgencyCase" AND ExecutionStatus = "Running"'
    )
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        waiting = (await justice.count_workflows(query)).count
        if waiting >= at_least or asyncio.get_running_loop().time() > deadline:
            return waiting
        await asyncio.sleep(2)


async def hold_open(
    stack: BenchStack, client: Client, count: int, timeout: float
) -> dict[str, Any]:
    """File `count` births that wait on the justice office's officers, and follow the
    orchestrator worker's and the case workers' memory as they pile up, each sample taken once
    every birth filed so far has its case open at the justice office."""
    officer_key = SandboxSettings().officer_key("justice")
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {officer_key}"}) as justice:
        await justice.put(
            f"{stack.agency_url('justice')}/sandbox/policy",
            json={"mode": "manual", "delay_seconds": 0},
        )
    factory = DeclarationFactory.from_directory(stack.dataset_dir, seed=11)
    couples = factory.couples()
    samples: list[dict[str, float]] = []
    pid = pid_of(stack.orchestrator_worker)
    agencies = pid_of(stack.process(PRODUCT_AGENCIES))
    temporal_db = stack.local.layout.temporal_db
    db_before = _database_bytes(temporal_db)
    justice_namespace = await Client.connect(
        stack.settings.temporal_address, namespace=namespace_of("justice")
    )
    batch = 500
    for start in range(0, count, batch):
        couple = next(couples)
        # One couple's children, each born on a day of its own: one birth is declared once.
        bodies = [
            ("birth", factory.birth(couple, born_days_ago=1 + day))
            for day in range(min(batch, count - start))
        ]
        await file_declarations(stack, bodies, concurrency=32)
        held = start + len(bodies)
        cases = await cases_waiting(justice_namespace, stack.prefix, held, timeout)
        samples.append(
            {
                "open_declarations": held,
                "justice_cases_open": cases,
                "worker_rss_mb": round(rss_mb(pid, "VmRSS"), 1),
                "case_workers_rss_mb": round(rss_mb(agencies, "VmRSS"), 1),
                "temporal_db_mb": round(_database_bytes(temporal_db) / 2**20, 1),
            }
        )
        print(f"  {samples[-1]}", flush=True)
    await asyncio.sleep(10)
    waiting = await client.count_workflows(
        f'TaskQueue = "{orchestrator_task_queue(stack.prefix)}" AND ExecutionStatus = "Running"'
    )
    growth = _database_bytes(temporal_db) - db_before
    return {
        "samples": samples,
        "running_workflows": waiting.count,
        "justice_cases_open": await cases_waiting(justice_namespace, stack.prefix, count, 0),
        "worker_rss_mb_after": round(rss_mb(pid, "VmRSS"), 1),
        "worker_peak_rss_mb": round(rss_mb(pid), 1),
        "case_workers_rss_mb_after": round(rss_mb(agencies, "VmRSS"), 1),
        "case_workers_peak_rss_mb": round(rss_mb(agencies), 1),
        # The Temporal server's database (its SQLite file and write-ahead log) per declaration
        # held open: its workflow, its Nexus operation, the agency's case and their histories.
        "temporal_db_kb_per_open_declaration": round(growth / 1024 / count, 1),
        "max_cached_workflows": stack.settings.max_cached_workflows,
    }


def _database_bytes(path: Path) -> int:
    """A SQLite database's size on disk, with its write-ahead log."""
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


async def run(stack: BenchStack, args: argparse.Namespace) -> dict[str, Any]:
    client = await connect(stack.settings)
    factory = DeclarationFactory.from_directory(stack.dataset_dir, seed=5)

    def file(count: int, **pace: Any) -> Start:
        return lambda: file_declarations(stack, declaration_bodies(factory, count), **pace)

    def bare(count: int) -> Start:
        return lambda: start_baselines(client, stack, count, args.concurrency)

    print(f"Warming up with {args.warmup} declarations …", flush=True)
    warm = await file(args.warmup, concurrency=args.concurrency)()
    await closed_workflows(client, set(warm), stack.prefix, args.timeout)
    warm_baseline = await bare(args.warmup)()
    await closed_workflows(client, set(warm_baseline), stack.baseline_prefix, args.timeout)

    print(
        f"Product at peak: {args.declarations} declarations, {args.concurrency} in flight …",
        flush=True,
    )
    profilers = start_profilers(args.py_spy, stack)
    try:
        product = await run_phase(
            stack,
            client,
            "product_peak",
            stack.orchestrator_worker,
            stack.prefix,
            args.timeout,
            file(args.declarations, concurrency=args.concurrency),
            product=True,
        )
    finally:
        stop_profilers(profilers)

    print(f"Baseline at peak: {args.declarations} bare workflows …", flush=True)
    baseline = await run_phase(
        stack,
        client,
        "baseline_peak",
        stack.baseline_orchestrator,
        stack.baseline_prefix,
        args.timeout,
        bare(args.declarations),
    )

    rate = product.throughput_per_second / 2
    count = max(20, int(rate * args.half_rate_seconds))
    print(f"Product at half its peak rate: {count} declarations at {rate:.1f}/s …", flush=True)
    half = await run_phase(
        stack,
        client,
        "product_half_rate",
        stack.orchestrator_worker,
        stack.prefix,
        args.timeout,
        file(count, rate_per_second=rate),
        product=True,
        offered_rate_per_second=round(rate, 2),
    )

    report = results(args, product, baseline, half)
    if args.hold:
        print(f"Holding {args.hold} declarations open on the justice officers …", flush=True)
        report["held_open"] = await hold_open(stack, client, args.hold, args.timeout)
    return report

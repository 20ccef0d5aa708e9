"""The benchmark. `python -m devstack.bench --declarations 400` (see `--help`).

In one run, on one dev server with the same worker settings, it measures:

1. the product at its peak: declarations filed through the portal API as fast as the stack takes
   them (a fixed number in flight), against sandbox agencies that decide at once;
2. the baseline at its peak: bare workflows of the same shape (the same Nexus operations, each
   backed by a bare handler), started directly;
3. the product at half its peak rate, filed at a steady pace, for its latency;
4. optionally (`--hold 10000`), many declarations left open, waiting on officers, and the
   orchestrator worker's memory while they accumulate.

The orchestrator and the agencies run as they are deployed: the orchestrator worker in its own
process and namespace, the agencies' case workers in another process, each in its agency's
namespace behind its Nexus endpoint; the baseline's workers are split the same way. For each peak
phase it records the CPU the orchestrator's own processes spent (its worker and the Temporal
server) and the history events each declaration wrote in the orchestrator's namespace, and sets
both beside the baseline's.

Latency runs from the moment a declaration is submitted to the moment its workflow closes.
Results are printed and written to `var/bench/results.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from devstack.bench.baseline import BaselineDeclarationWorkflow, BaselineShape
from devstack.declaration_factory import DeclarationFactory
from devstack.issuing import issue_from_settings
from devstack.processes import (
    AGENCY_NAMES,
    ManagedProcess,
    dev_server,
    free_port,
    portal_api,
    python_module,
    sandbox_agency,
    worker,
)
from devstack.temporal_server.nexus_endpoints import register_when_ready
from sandbox.dataset_generator import write_dataset
from sandbox.settings import SandboxSettings
from schemas.workflow_inputs import NexusEndpoints, orchestrator_task_queue
from settings import PROJECT_ROOT, Settings
from temporal_connection.client import connect

STATE = PROJECT_ROOT / "var" / "bench"
BASELINE = "baseline"
# The processes, by the names the CPU readings carry. The orchestrator's own are its worker and
# the Temporal server; the agencies' case workers, the sandboxes and the portal API are not.
TEMPORAL = "temporal"
PRODUCT_ORCHESTRATOR = "orchestrator-worker"
PRODUCT_AGENCIES = "agency-workers"
BASELINE_ORCHESTRATOR = "baseline-orchestrator"
BASELINE_AGENCIES = "baseline-agencies"


@dataclass
class PhaseResult:
    phase: str
    declarations: int
    seconds: float
    throughput_per_second: float
    latency_p50: float
    latency_p95: float
    latency_p99: float
    peak_worker_rss_mb: float
    # CPU the orchestrator's own processes (its worker and the Temporal server) spent over the
    # phase, per declaration.
    orchestrator_cpu_ms_per_declaration: float
    # Events each declaration's workflow wrote to its history in the orchestrator's namespace.
    history_events_per_declaration: float
    notes: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_by_process(processes: list[ManagedProcess]) -> dict[str, float]:
    return {
        p.name: cpu_seconds(p.process.pid) for p in processes if p.process is not None and p.running
    }


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds each process spent between two readings, busiest first."""
    spent = {name: after[name] - before.get(name, 0.0) for name in after}
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


def orchestrator_cpu(spent: dict[str, float], worker_name: str) -> float:
    """CPU seconds of the orchestrator's own processes: its worker and the Temporal server."""
    return spent.get(worker_name, 0.0) + spent.get(TEMPORAL, 0.0)


def rss_mb(pid: int, field_name: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- the stack ------------------------------------------------------------------------------


@dataclass
class BenchStack:
    settings: Settings
    env: dict[str, str]
    api_url: str
    agency_urls: dict[str, str]
    processes: list[ManagedProcess]
    orchestrator_worker: ManagedProcess
    baseline_orchestrator: ManagedProcess

    @property
    def prefix(self) -> str:
        return self.settings.task_queue_prefix

    @property
    def baseline_prefix(self) -> str:
        return f"{self.prefix}-{BASELINE}"

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def pid_of(process: ManagedProcess) -> int:
    assert process.process is not None, f"{process.name} was never started"
    return process.process.pid


def prepare_dataset(households: int) -> Path:
    dataset = STATE / f"dataset-{households}"
    if not (dataset / "population.json").exists():
        write_dataset(dataset, seed=2026, households=households)
    return dataset


def baseline_worker(
    name: str, roles: list[str], log_dir: Path, env: dict[str, str]
) -> ManagedProcess:
    return ManagedProcess(
        name, python_module("bench.baseline_worker", *roles), env, log_dir / f"{name}.log"
    ).start()


def start_stack(args: argparse.Namespace) -> BenchStack:
    # A fresh server, store and agencies for every run (the generated dataset is kept). SQLite's
    # -wal and -shm files go with their database.
    for leftover in [*STATE.glob("*.db*"), STATE / "sandbox", STATE / "logs"]:
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink(missing_ok=True)
    STATE.mkdir(parents=True, exist_ok=True)
    dataset = prepare_dataset(args.households)
    log_dir = STATE / "logs"
    ports = {name: free_port() for name in (*AGENCY_NAMES, "temporal", "api")}
    agency_urls = {a: f"http://127.0.0.1:{ports[a]}" for a in AGENCY_NAMES}
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{ports['temporal']}",
        "TASK_QUEUE_PREFIX": f"bench-{secrets.token_hex(3)}",
        "DATABASE_URL": f"sqlite:///{STATE / 'lienthong.db'}",
        "SANDBOX_DATA_DIR": str(dataset),
        "SANDBOX_STATE_DIR": str(STATE / "sandbox"),
        "SANDBOX_DECISION_MODE": "immediate",
        **(
            {"MAX_CACHED_WORKFLOWS": str(args.max_cached_workflows)}
            if args.max_cached_workflows is not None
            else {}
        ),
        "LOG_LEVEL": "WARNING",
        # The orchestrator's settings name each agency's system; each agency's case worker reads
        # its own, under its prefix (its namespace and keys are the development ones).
        **{f"{a.upper()}_URL": url for a, url in agency_urls.items()},
        **{f"{a.upper()}_SYSTEM_URL": url for a, url in agency_urls.items()},
    }
    settings = Settings.model_validate(
        {k.lower(): v for k, v in env.items() if k.lower() in Settings.model_fields}
    )
    baseline_env = {**env, "TASK_QUEUE_PREFIX": f"{settings.task_queue_prefix}-{BASELINE}"}
    processes: list[ManagedProcess] = []
    try:
        processes.append(
            dev_server(
                STATE / "temporal.db", ports["temporal"], free_port(), log_dir, env, headless=True
            )
        )
        processes += [sandbox_agency(a, ports[a], log_dir, env) for a in AGENCY_NAMES]
        # The orchestrator's worker in a process of its own, so its CPU is its own; the
        # agencies' case workers together in another. The baseline's are split the same way.
        orchestrator = worker(["orchestrator"], log_dir, env, name=PRODUCT_ORCHESTRATOR)
        processes.append(orchestrator)
        processes.append(worker(list(AGENCY_NAMES), log_dir, env, name=PRODUCT_AGENCIES))
        baseline_orchestrator = baseline_worker(
            BASELINE_ORCHESTRATOR, ["orchestrator"], log_dir, baseline_env
        )
        processes.append(baseline_orchestrator)
        processes.append(
            baseline_worker(BASELINE_AGENCIES, list(AGENCY_NAMES), log_dir, baseline_env)
        )
        processes.append(portal_api(ports["api"], log_dir, env))
    except BaseException:
        for process in reversed(processes):
            process.stop()
        raise
    return BenchStack(
        settings,
        env,
        f"http://127.0.0.1:{ports['api']}",
        agency_urls,
        processes,
        orchestrator,
        baseline_orchestrator,
    )


def start_profilers(py_spy: str | None, stack: BenchStack) -> list[subprocess.Popen[bytes]]:
    """Sample the product's processes with py-spy while the product runs at its peak."""
    if py_spy is None:
        return []
    profilers = []
    for process in stack.processes:
        if process.process is None or process.name.startswith(BASELINE):
            continue
        output = STATE / "profiles" / f"{process.name}.txt"
        output.parent.mkdir(parents=True, exist_ok=True)
        profilers.append(
            subprocess.Popen(
                [
                    py_spy,
                    "record",
                    "--gil",
                    "--rate",
                    "200",
                    "--format",
                    "raw",
                    "--pid",
                    str(process.process.pid),
                    "--output",
                    str(output),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    return profilers


def stop_profilers(profilers: list[subprocess.Popen[bytes]]) -> None:
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)  # py-spy writes its profile on interrupt
    for profiler in profilers:
        profiler.wait(timeout=60)


# --- load -------------------------------------------------------------------------------------


def declaration_bodies(factory: DeclarationFactory, count: int) -> list[tuple[str, dict[str, Any]]]:
    births = factory.couples()
    deaths = factory.insured_people(lambda i: i.status in ("pensioner", "contributing"))
    bodies: list[tuple[str, dict[str, Any]]] = []
    for index in range(count):
        if index % 2 == 0:
            bodies.append(("birth", factory.birth(next(births), delivery="post")))
        else:
            bodies.append(("death", factory.death(next(deaths), form="lump_sum")))
    return bodies


async def file_declarations(
    stack: BenchStack,
    bodies: list[tuple[str, dict[str, Any]]],
    *,
    concurrency: int | None = None,
    rate_per_second: float | None = None,
) -> dict[str, float]:
    """File the declarations, as many at a time as `concurrency` allows, or at a steady rate.
    Returns the submission time of each workflow."""
    token = issue_from_settings(stack.settings, "portal", "bench")
    submitted: dict[str, float] = {}
    limits = httpx.Limits(max_connections=concurrency or 64)
    async with httpx.AsyncClient(
        base_url=stack.api_url,
        timeout=60,
        limits=limits,
        headers={"Authorization": f"Bearer {token}"},
    ) as api:
        slots = asyncio.Semaphore(concurrency or len(bodies))

        async def file_one(kind: str, body: dict[str, Any]) -> None:
            async with slots:
                started = time.time()
                response = await api.post(f"/v1/declarations/{kind}", json=body)
                response.raise_for_status()
                submitted[response.json()["workflow_id"]] = started

        tasks = []
        begin = time.monotonic()
        for index, (kind, body) in enumerate(bodies):
            if rate_per_second is not None:
                await asyncio.sleep(max(0.0, begin + index / rate_per_second - time.monotonic()))
            tasks.append(asyncio.create_task(file_one(kind, body)))
        await asyncio.gather(*tasks)
    return submitted


def baseline_shape(index: int, endpoints: NexusEndpoints) -> BaselineShape:
    """The bare twin of `declaration_bodies`' declaration at `index`: a birth (2 cases after the
    justice office's, results by post) or a death (3 cases, results picked up)."""
    birth = index % 2 == 0
    return BaselineShape(parallel_steps=2 if birth else 3, post_results=birth, endpoints=endpoints)


async def start_baselines(
    client: Client, stack: BenchStack, count: int, concurrency: int
) -> dict[str, float]:
    endpoints = NexusEndpoints.with_prefix(stack.baseline_prefix)
    task_queue = orchestrator_task_queue(stack.baseline_prefix)
    started: dict[str, float] = {}
    slots = asyncio.Semaphore(concurrency)

    async def start_one(index: int) -> None:
        async with slots:
            workflow_id = f"{BASELINE}-{secrets.token_hex(6)}"
            started[workflow_id] = time.time()
            await client.start_workflow(
                BaselineDeclarationWorkflow.run,
                baseline_shape(index, endpoints),
                id=workflow_id,
                task_queue=task_queue,
            )

    await asyncio.gather(*(start_one(i) for i in range(count)))
    return started


@dataclass
class Closed:
    """When each workflow closed, and how many events its history holds."""

    times: dict[str, float]
    history_events: dict[str, int]


async def closed_workflows(
    client: Client, workflow_ids: set[str], prefix: str, timeout: float
) -> Closed:
    """The workflows (in the orchestrator's namespace), once all of them have closed."""
    deadline = time.monotonic() + timeout
    query = f'TaskQueue = "{orchestrator_task_queue(prefix)}" AND ExecutionStatus != "Running"'
    while True:
        closed = {
            w.id: w
            async for w in client.list_workflows(query)
            if w.id in workflow_ids and w.close_time is not None
        }
        if len(closed) == len(workflow_ids) or time.monotonic() > deadline:
            break
        await asyncio.sleep(1)
    events = {w.id: w.history_length for w in closed.values()}
    # Visibility records the history length as a workflow closes; ask the server directly for
    # any it does not have.
    unknown = [workflow_id for workflow_id, length in events.items() if not length]
    slots = asyncio.Semaphore(16)

    async def describe(workflow_id: str) -> None:
        async with slots:
            events[workflow_id] = (
                await client.get_workflow_handle(workflow_id).describe()
            ).history_length

    await asyncio.gather(*(describe(w) for w in unknown))
    return Closed(
        {w.id: w.close_time.timestamp() for w in closed.values() if w.close_time is not None},
        events,
    )


def measure(
    phase: str,
    submitted: dict[str, float],
    closed: Closed,
    worker: ManagedProcess,
    cpu_seconds: dict[str, float],
    **notes: Any,
) -> PhaseResult:
    latencies = [closed.times[w] - submitted[w] for w in submitted if w in closed.times]
    span = max(closed.times.values()) - min(submitted.values())
    count = len(latencies)
    events = [closed.history_events[w] for w in submitted if w in closed.history_events]
    return PhaseResult(
        phase=phase,
        declarations=count,
        seconds=round(span, 2),
        throughput_per_second=round(count / span, 2),
        latency_p50=round(statistics.median(latencies), 3),
        latency_p95=round(percentile(latencies, 0.95), 3),
        latency_p99=round(percentile(latencies, 0.99), 3),
        peak_worker_rss_mb=round(rss_mb(pid_of(worker)), 1),
        orchestrator_cpu_ms_per_declaration=round(
            1000 * orchestrator_cpu(cpu_seconds, worker.name) / count, 1
        ),
        history_events_per_declaration=round(statistics.mean(events), 1),
        notes={
            "not_closed": len(submitted) - count,
            "history_events_min_max": [min(events), max(events)],
            "orchestrator_processes": [worker.name, TEMPORAL],
            "cpu_seconds": {name: round(seconds, 1) for name, seconds in cpu_seconds.items()},
            **notes,
        },
    )


def ratio(product: float, baseline: float) -> float:
    return round(product / baseline, 3)


async def hold_open(stack: BenchStack, client: Client, count: int) -> dict[str, Any]:
    """File `count` births that wait on the justice office's officers, and follow the
    orchestrator worker's memory as they pile up."""
    officer_key = SandboxSettings().officer_key("justice")
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {officer_key}"}) as justice:
        await justice.put(
            f"{stack.agency_urls['justice']}/sandbox/policy",
            json={"mode": "manual", "delay_seconds": 0},
        )
    factory = DeclarationFactory.from_directory(Path(stack.env["SANDBOX_DATA_DIR"]), seed=11)
    couples = factory.couples()
    samples: list[dict[str, float]] = []
    pid = pid_of(stack.orchestrator_worker)
    batch = 500
    for start in range(0, count, batch):
        couple = next(couples)
        bodies = [("birth", factory.birth(couple)) for _ in range(min(batch, count - start))]
        await file_declarations(stack, bodies, concurrency=32)
        samples.append(
            {
                "open_declarations": start + len(bodies),
                "worker_rss_mb": round(rss_mb(pid, "VmRSS"), 1),
            }
        )
        print(f"  {samples[-1]}", flush=True)
    await asyncio.sleep(10)
    waiting = await client.count_workflows(
        f'TaskQueue = "{orchestrator_task_queue(stack.prefix)}" AND ExecutionStatus = "Running"'
    )
    return {
        "samples": samples,
        "running_workflows": waiting.count,
        "worker_rss_mb_after": round(rss_mb(pid, "VmRSS"), 1),
        "worker_peak_rss_mb": round(rss_mb(pid), 1),
        "max_cached_workflows": stack.settings.max_cached_workflows,
    }


# --- the run ----------------------------------------------------------------------------------


async def run_phase(
    stack: BenchStack,
    client: Client,
    phase: str,
    worker: ManagedProcess,
    prefix: str,
    timeout: float,
    start: Callable[[], Awaitable[dict[str, float]]],
    **notes: Any,
) -> PhaseResult:
    """Start the phase's workflows, wait until all have closed, and measure them, with the CPU
    each process spent meanwhile."""
    cpu_before = cpu_by_process(stack.processes)
    started = await start()
    closed = await closed_workflows(client, set(started), prefix, timeout)
    spent = cpu_spent(cpu_before, cpu_by_process(stack.processes))
    result = measure(phase, started, closed, worker, spent, **notes)
    print(f"  {result}", flush=True)
    return result


def summary(product: PhaseResult, baseline: PhaseResult, half: PhaseResult) -> dict[str, Any]:
    """The figures the benchmark is read by, per declaration, product beside baseline."""
    return {
        "throughput_per_second": {
            "product": product.throughput_per_second,
            BASELINE: baseline.throughput_per_second,
        },
        "latency_at_half_peak_rate_seconds": {
            "offered_rate_per_second": half.notes["offered_rate_per_second"],
            "p50": half.latency_p50,
            "p95": half.latency_p95,
            "p99": half.latency_p99,
        },
        "orchestrator_cpu_ms_per_declaration": {
            "product": product.orchestrator_cpu_ms_per_declaration,
            BASELINE: baseline.orchestrator_cpu_ms_per_declaration,
        },
        "history_events_per_declaration": {
            "product": product.history_events_per_declaration,
            BASELINE: baseline.history_events_per_declaration,
        },
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    stack = start_stack(args)
    try:
        for prefix in (stack.prefix, stack.baseline_prefix):
            await register_when_ready(stack.settings.temporal_address, prefix)
        client = await connect(stack.settings)
        factory = DeclarationFactory.from_directory(Path(stack.env["SANDBOX_DATA_DIR"]), seed=5)

        def file(count: int, **pace: Any) -> Callable[[], Awaitable[dict[str, float]]]:
            return lambda: file_declarations(stack, declaration_bodies(factory, count), **pace)

        def bare(count: int) -> Callable[[], Awaitable[dict[str, float]]]:
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
        product = await run_phase(
            stack,
            client,
            "product_peak",
            stack.orchestrator_worker,
            stack.prefix,
            args.timeout,
            file(args.declarations, concurrency=args.concurrency),
        )
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
            offered_rate_per_second=round(rate, 2),
        )

        results: dict[str, Any] = {
            "command": "python -m devstack.bench "
            + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()),
            "machine": {"cpus": os.cpu_count()},
            "processes": {
                "orchestrator": [PRODUCT_ORCHESTRATOR, TEMPORAL],
                "agencies": [PRODUCT_AGENCIES],
                BASELINE: [BASELINE_ORCHESTRATOR, BASELINE_AGENCIES],
            },
            "phases": [asdict(product), asdict(baseline), asdict(half)],
            "throughput_ratio_to_baseline": ratio(
                product.throughput_per_second, baseline.throughput_per_second
            ),
            "orchestrator_cpu_ratio_to_baseline": ratio(
                product.orchestrator_cpu_ms_per_declaration,
                baseline.orchestrator_cpu_ms_per_declaration,
            ),
            "history_events_ratio_to_baseline": ratio(
                product.history_events_per_declaration, baseline.history_events_per_declaration
            ),
            "per_declaration": summary(product, baseline, half),
        }
        if args.hold:
            print(f"Holding {args.hold} declarations open on the justice officers …", flush=True)
            results["held_open"] = await hold_open(stack, client, args.hold)
        return results
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--half-rate-seconds", type=float, default=30)
    parser.add_argument("--hold", type=int, default=0, help="declarations to hold open")
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument(
        "--max-cached-workflows", type=int, default=None, help="default: the workers' setting"
    )
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--output", type=Path, default=STATE / "results.json")
    parser.add_argument(
        "--py-spy", default=None, help="path to py-spy: profile the product's processes at its peak"
    )
    args = parser.parse_args()
    results = asyncio.run(run(args))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""The benchmark. `python -m bench --declarations 400` (see `--help`).

In one run, on one dev server with the same worker settings, it measures:

1. the product at its peak: declarations filed through the portal API as fast as the stack takes
   them (a fixed number in flight), against sandbox agencies that decide at once;
2. the baseline at its peak: bare workflows of the same shape, started directly;
3. the product at half its peak rate, filed at a steady pace, for its latency;
4. optionally (`--hold 10000`), many declarations left open, waiting on officers, and the
   orchestrator worker's memory while they accumulate.

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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
from temporalio.client import Client

from bench.baseline import BaselineDeclarationWorkflow, BaselineShape
from local_stack.declaration_factory import DeclarationFactory
from local_stack.processes import (
    AGENCY_NAMES,
    ManagedProcess,
    dev_server,
    free_port,
    portal_api,
    python_module,
    sandbox_agency,
    worker,
)
from sandbox_agencies.dataset_generator import write_dataset
from schemas.workflow_inputs import TaskQueues
from security.tokens import issue_token
from settings import PROJECT_ROOT, Settings
from temporal_connection.client import connect

STATE = PROJECT_ROOT / "var" / "bench"


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
    spent = {name: round(after[name] - before.get(name, 0.0), 1) for name in after}
    return dict(sorted(spent.items(), key=lambda item: -item[1]))


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
    product_worker: ManagedProcess
    baseline_worker: ManagedProcess

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()


def prepare_dataset(households: int) -> Path:
    dataset = STATE / f"dataset-{households}"
    if not (dataset / "population.json").exists():
        write_dataset(dataset, seed=2026, households=households)
    return dataset


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
        **{f"{a.upper()}_URL": url for a, url in agency_urls.items()},
    }
    settings = Settings.model_validate(
        {k.lower(): v for k, v in env.items() if k.lower() in Settings.model_fields}
    )
    processes = [
        dev_server(
            STATE / "temporal.db", ports["temporal"], free_port(), log_dir, env, headless=True
        )
    ]
    processes += [sandbox_agency(a, ports[a], log_dir, env) for a in AGENCY_NAMES]
    product_worker = worker(["all"], log_dir, env, name="product-worker")
    baseline_env = {**env, "TASK_QUEUE_PREFIX": env["TASK_QUEUE_PREFIX"] + "-baseline"}
    baseline_worker = ManagedProcess(
        "baseline-worker",
        python_module("bench.baseline_worker"),
        baseline_env,
        log_dir / "baseline-worker.log",
    ).start()
    processes += [product_worker, baseline_worker]
    processes.append(portal_api(ports["api"], log_dir, env))
    return BenchStack(
        settings,
        env,
        f"http://127.0.0.1:{ports['api']}",
        agency_urls,
        processes,
        product_worker,
        baseline_worker,
    )


def start_profilers(py_spy: str | None, stack: BenchStack) -> list[subprocess.Popen[bytes]]:
    """Sample the product's processes with py-spy while the product runs at its peak."""
    if py_spy is None:
        return []
    profilers = []
    for process in stack.processes:
        if process.process is None or process.name == "baseline-worker":
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
    token = issue_token(stack.settings.auth_token_secret.get_secret_value(), "bench", "portal")
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


async def start_baselines(
    client: Client, stack: BenchStack, count: int, concurrency: int
) -> dict[str, float]:
    queues = TaskQueues.with_prefix(stack.env["TASK_QUEUE_PREFIX"] + "-baseline")
    started: dict[str, float] = {}
    slots = asyncio.Semaphore(concurrency)

    async def start_one(index: int) -> None:
        async with slots:
            shape = BaselineShape(parallel_steps=2 if index % 2 == 0 else 3, queues=queues)
            workflow_id = f"baseline-{secrets.token_hex(6)}"
            started[workflow_id] = time.time()
            await client.start_workflow(
                BaselineDeclarationWorkflow.run,
                shape,
                id=workflow_id,
                task_queue=queues.orchestrator,
            )

    await asyncio.gather(*(start_one(i) for i in range(count)))
    return started


async def closed_times(
    client: Client, workflow_ids: set[str], prefix: str, timeout: float
) -> dict[str, float]:
    """When each workflow closed, once all of them have."""
    deadline = time.monotonic() + timeout
    query = f'TaskQueue = "{prefix}-orchestrator" AND ExecutionStatus != "Running"'
    while True:
        closed = {
            w.id: w.close_time.timestamp()
            async for w in client.list_workflows(query)
            if w.id in workflow_ids and w.close_time is not None
        }
        if len(closed) == len(workflow_ids) or time.monotonic() > deadline:
            return closed
        await asyncio.sleep(1)


def measure(
    phase: str, submitted: dict[str, float], closed: dict[str, float], worker_pid: int, **notes: Any
) -> PhaseResult:
    latencies = [closed[w] - submitted[w] for w in submitted if w in closed]
    span = max(closed.values()) - min(submitted.values())
    return PhaseResult(
        phase=phase,
        declarations=len(latencies),
        seconds=round(span, 2),
        throughput_per_second=round(len(latencies) / span, 2),
        latency_p50=round(statistics.median(latencies), 3),
        latency_p95=round(percentile(latencies, 0.95), 3),
        latency_p99=round(percentile(latencies, 0.99), 3),
        peak_worker_rss_mb=round(rss_mb(worker_pid), 1),
        notes={"not_closed": len(submitted) - len(latencies), **notes},
    )


async def hold_open(stack: BenchStack, client: Client, count: int) -> dict[str, Any]:
    """File `count` births that wait on the justice office's officers, and follow the
    orchestrator worker's memory as they pile up."""
    officer_key = stack.settings.agency_officer_keys["justice"].get_secret_value()
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {officer_key}"}) as justice:
        await justice.put(
            f"{stack.agency_urls['justice']}/sandbox/policy",
            json={"mode": "manual", "delay_seconds": 0},
        )
    factory = DeclarationFactory.from_directory(Path(stack.env["SANDBOX_DATA_DIR"]), seed=11)
    couples = factory.couples()
    samples: list[dict[str, float]] = []
    pid = stack.product_worker.process.pid if stack.product_worker.process else 0
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
        f'TaskQueue = "{stack.env["TASK_QUEUE_PREFIX"]}-orchestrator" AND '
        'ExecutionStatus = "Running"'
    )
    return {
        "samples": samples,
        "running_workflows": waiting.count,
        "worker_rss_mb_after": round(rss_mb(pid, "VmRSS"), 1),
        "worker_peak_rss_mb": round(rss_mb(pid), 1),
        "max_cached_workflows": stack.settings.max_cached_workflows,
    }


# --- the run ----------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict[str, Any]:
    stack = start_stack(args)
    try:
        client = await connect(stack.settings)
        factory = DeclarationFactory.from_directory(Path(stack.env["SANDBOX_DATA_DIR"]), seed=5)
        prefix = stack.env["TASK_QUEUE_PREFIX"]
        product_pid = stack.product_worker.process.pid if stack.product_worker.process else 0
        baseline_pid = stack.baseline_worker.process.pid if stack.baseline_worker.process else 0

        print(f"Warming up with {args.warmup} declarations …", flush=True)
        warm = await file_declarations(
            stack, declaration_bodies(factory, args.warmup), concurrency=args.concurrency
        )
        await closed_times(client, set(warm), prefix, args.timeout)
        warm_baseline = await start_baselines(client, stack, args.warmup, args.concurrency)
        await closed_times(client, set(warm_baseline), prefix + "-baseline", args.timeout)

        print(
            f"Product at peak: {args.declarations} declarations, {args.concurrency} in flight …",
            flush=True,
        )
        cpu_before = cpu_by_process(stack.processes)
        profilers = start_profilers(args.py_spy, stack)
        submitted = await file_declarations(
            stack, declaration_bodies(factory, args.declarations), concurrency=args.concurrency
        )
        product = measure(
            "product_peak",
            submitted,
            await closed_times(client, set(submitted), prefix, args.timeout),
            product_pid,
            cpu_seconds=cpu_spent(cpu_before, cpu_by_process(stack.processes)),
        )
        stop_profilers(profilers)
        print(f"  {product}", flush=True)

        print(f"Baseline at peak: {args.declarations} bare workflows …", flush=True)
        cpu_before = cpu_by_process(stack.processes)
        started = await start_baselines(client, stack, args.declarations, args.concurrency)
        baseline = measure(
            "baseline_peak",
            started,
            await closed_times(client, set(started), prefix + "-baseline", args.timeout),
            baseline_pid,
            cpu_seconds=cpu_spent(cpu_before, cpu_by_process(stack.processes)),
        )
        print(f"  {baseline}", flush=True)

        rate = product.throughput_per_second / 2
        count = max(20, int(rate * args.half_rate_seconds))
        print(f"Product at half its peak rate: {count} declarations at {rate:.1f}/s …", flush=True)
        paced = await file_declarations(
            stack, declaration_bodies(factory, count), rate_per_second=rate
        )
        half = measure(
            "product_half_rate",
            paced,
            await closed_times(client, set(paced), prefix, args.timeout),
            product_pid,
            offered_rate_per_second=round(rate, 2),
        )
        print(f"  {half}", flush=True)

        results: dict[str, Any] = {
            "command": "python -m bench "
            + " ".join(f"--{k.replace('_', '-')} {v}" for k, v in vars(args).items()),
            "machine": {"cpus": os.cpu_count()},
            "phases": [asdict(product), asdict(baseline), asdict(half)],
            "throughput_ratio_to_baseline": round(
                product.throughput_per_second / baseline.throughput_per_second, 3
            ),
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

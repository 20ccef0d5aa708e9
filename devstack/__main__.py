"""Start the whole stack on this machine and file a demo declaration of each kind.

python -m devstack            # runs until Ctrl-C (or SIGTERM, SIGHUP)
python -m devstack --once     # stops after the demo (a smoke test of the stack)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import httpx

from devstack.demo import run_demo
from devstack.demo_report import DemoFailure, DemoReport, DemoStack
from devstack.demo_results import print_notices, save_signed_document
from devstack.issuing import issue_from_settings
from devstack.launcher import LocalStack
from devstack.operator_queries import operator_queries, query_link
from devstack.stack_layout import StackLayout, StackOptions, StackPorts
from devstack.temporal_server.build import binary_path
from settings import PROJECT_ROOT, Settings, get_settings

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# The log of `make run`'s one worker process, which runs every role.
DEMO_WORKER_LOG = "worker-all"


def _stop_once(signum: int, frame: FrameType | None) -> None:
    """The first stop signal unwinds like Ctrl-C; every later one is ignored, so that the
    shutdown it starts runs to the end. A terminal's Ctrl-C reaches the whole process group
    (`uv run` and this launcher), and `uv run` forwards what it gets: two signals for one."""
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)
    raise KeyboardInterrupt


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--once", action="store_true", help="stop after the demo")
    parser.add_argument("--no-demo", action="store_true", help="start the stack, file nothing")
    parser.add_argument(
        "--free-ports",
        action="store_true",
        help="listen on free ports instead of the well-known ones (written to stack.json)",
    )
    parser.add_argument("--run-dir", type=Path, default=PROJECT_ROOT / "var")
    return parser.parse_args()


def main() -> None:
    # A supervisor's SIGTERM, a closed terminal's SIGHUP and a SIGINT (which a shell leaves
    # ignored for a background job) all unwind like Ctrl-C, so the stack never outlives us.
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, _stop_once)
    args = _parse()
    settings = get_settings()
    ports = (
        StackPorts.pick(ui=True, codec=True, metrics=True)
        if args.free_ports
        else StackPorts.fixed()
    )
    options = StackOptions(
        task_queue_prefix=settings.task_queue_prefix,
        # The sandbox officers take a couple of seconds per case, as real ones take days.
        decision_mode=os.environ.get("SANDBOX_DECISION_MODE", "delayed"),
        decision_delay_seconds=float(os.environ.get("SANDBOX_DECISION_DELAY_SECONDS", "2")),
        database_url=os.environ.get("DATABASE_URL"),
    )
    stack = LocalStack(StackLayout(args.run_dir), ports, options)
    demo: DemoReport | None = None
    try:
        _start(stack)
        if not args.no_demo:
            demo = _demo(stack)
        _print_operator_queries(stack)
        if demo is not None and demo.failed:
            print(demo.render_failures(), flush=True)
        if not args.once:
            _stay_up(stack, demo)
    except KeyboardInterrupt:
        print("\nStopping …", flush=True)
    finally:
        # Ignored from here on: a second Ctrl-C must not cut the shutdown short.
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        stack.close()
        (stack.layout.run_dir / "stack.json").unlink(missing_ok=True)
        print("Stopped.", flush=True)
    # A smoke test of the stack (`--once`) fails with its demo.
    if args.once and demo is not None and demo.failed:
        sys.exit(1)


def _stay_up(stack: LocalStack, demo: DemoReport | None) -> None:
    """Until Ctrl-C, or until a process of the stack stops on its own. A demo that failed
    leaves the stack up too, to look at what failed."""
    if demo is not None and demo.failed:
        print("\nThe stack stays up, for a look at what failed. Press Ctrl-C to stop it.")
    else:
        print("\nThe stack is running. Press Ctrl-C to stop it.", flush=True)
    while not (exited := stack.unexpected_exits()):
        time.sleep(1)
    print(f"Stopping: {', '.join(exited)}.")


def _start(stack: LocalStack) -> None:
    ports, layout = stack.ports, stack.layout
    print(f"Starting the Temporal dev server (SQLite at {layout.temporal_db}) …", flush=True)
    endpoints = stack.start_temporal()
    print(f"Registered the agencies' Nexus endpoints: {', '.join(endpoints)}", flush=True)
    print(
        "Starting the codec server, the sandbox agencies, the orchestrator and each agency's "
        "case worker, and the portal API …",
        flush=True,
    )
    stack.start(worker_groups=[["all"]])
    (layout.run_dir / "stack.json").write_text(
        json.dumps(
            {
                "launcher": os.getpid(),
                "ports": ports.all(),
                "api": ports.api_url,
                "children": [p.process.pid for p in stack.processes if p.process],
            }
        )
    )
    print(f"The stack is up; logs in {layout.log_dir}.", flush=True)
    print(
        f"Prometheus metrics: the workers at http://127.0.0.1:{ports.worker_metrics}/metrics, "
        f"the portal API at http://127.0.0.1:{ports.api_metrics}/metrics (a scrape config and a "
        f"Grafana dashboard for them in {PROJECT_ROOT / 'monitoring'}).",
        flush=True,
    )


def _workflows_url(stack: LocalStack) -> str:
    namespace = get_settings().temporal_namespace
    return f"http://127.0.0.1:{stack.ports.ui}/namespaces/{namespace}/workflows"


def _portal_headers(settings: Settings) -> dict[str, str]:
    token = issue_from_settings(settings, "portal", "portal")
    return {"Authorization": f"Bearer {token}", "Accept-Language": "vi"}


def _print_operator_queries(stack: LocalStack) -> None:
    ui = _workflows_url(stack)
    print("\nDeclarations in the Temporal UI, by what an operator looks for:")
    for found, query in operator_queries(datetime.now(UTC).date()).items():
        print(f"  {found + ':':<22}{query_link(ui, query)}")


def demo_stack(stack: LocalStack) -> DemoStack:
    """The stack as the demo files into it, and as its reader looks into it when a step fails."""
    return DemoStack(
        api_url=stack.ports.api_url,
        police_url=stack.ports.agency_url("police"),
        workflows_url=_workflows_url(stack),
        log_dir=stack.layout.log_dir,
        worker_log=DEMO_WORKER_LOG,
    )


def _show_results(stack: LocalStack, report: DemoReport, settings: Settings) -> None:
    """A signed document of the demo's, and the notices sent so far; a service that does not
    answer is one more failed step."""
    where = demo_stack(stack)
    closed = [filed for filed in report.filed if filed.declaration_id in report.outcomes]
    try:
        with httpx.Client(
            base_url=where.api_url, timeout=30, headers=_portal_headers(settings)
        ) as portal:
            for filed in closed:
                into = stack.layout.run_dir / "demo-documents"
                if save_signed_document(portal, filed.declaration_id, into):
                    break
    except httpx.HTTPError as error:
        report.failures.append(
            DemoFailure(
                f"saving a signed document from the portal: {type(error).__name__}",
                (f"the portal API's log: {where.log('portal-api')}",),
            )
        )
    try:
        print_notices(stack.ports, stack.layout)
    except httpx.HTTPError as error:
        report.failures.append(
            DemoFailure(
                f"reading the SMS gateway's outbox at {stack.ports.sms_gateway_url}: "
                f"{type(error).__name__}",
                (f"its log: {where.log('sandbox-sms-gateway')}",),
            )
        )


def _demo(stack: LocalStack) -> DemoReport:
    settings = get_settings()
    ports = stack.ports
    api = ports.api_url
    codec_url = f"http://127.0.0.1:{ports.codec}"
    where = demo_stack(stack)
    report = run_demo(where, settings)
    ui = where.workflows_url
    print("\nWhere to look:")
    print(f"  Temporal Web UI:   {ui}")
    for filed in report.filed:
        found = query_link(ui, f'DeclarationId="{filed.declaration_id}"')
        print(f"  {filed.declaration_id}: {where.workflow_url(filed.workflow_id)}  (or {found})")
        print(f"      status: {where.status_url(filed.declaration_id)}")
    _show_results(stack, report, settings)
    print(f"  Portal API docs:   {api}/docs (a portal token: `make token ROLE=portal`)")
    print(f"  Logs:              {stack.layout.log_dir}")
    operator = issue_from_settings(
        settings, "operator", "demo-operator", audience="codec-server", lifetime=timedelta(hours=8)
    )
    print("\nThe Temporal UI shows the payloads encrypted. To see them decoded, as an operator:")
    print(f"  1. sign in at {codec_url}/login with this operator token:\n     {operator}")
    print(
        "  2. in the UI, open the codec server settings (the data encoder icon), enter the "
        f"endpoint {codec_url}\n     and switch on 'Include cross-origin credentials'."
    )
    workflow_id = report.filed[0].workflow_id if report.filed else "<a workflow ID>"
    print(
        f"  Or from the CLI: {binary_path()} workflow show \\\n"
        f"     --address 127.0.0.1:{ports.temporal} --namespace {settings.temporal_namespace} "
        f"--workflow-id {workflow_id} \\\n"
        f"     --codec-endpoint {codec_url} --codec-auth 'Bearer <the token above>'"
    )
    print("  Each declaration an operator reads is recorded in the audit trail, once a session.")
    return report


if __name__ == "__main__":
    main()

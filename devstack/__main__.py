"""Start the whole stack on this machine and file a demo declaration of each kind.

python -m devstack            # runs until Ctrl-C (or SIGTERM, SIGHUP)
python -m devstack --once     # stops after the demo (a smoke test of the stack)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import httpx

from devstack.demo import run_demo
from devstack.demo_results import print_notices, save_signed_document
from devstack.issuing import issue_from_settings
from devstack.launcher import LocalStack
from devstack.operator_queries import operator_queries, query_link
from devstack.stack_layout import StackLayout, StackOptions, StackPorts
from devstack.temporal_server.build import binary_path
from settings import PROJECT_ROOT, Settings, get_settings

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
    try:
        _start(stack)
        if not args.no_demo:
            _demo(stack)
        _print_operator_queries(stack)
        if args.once:
            return
        print("\nThe stack is running. Press Ctrl-C to stop it.", flush=True)
        while not (exited := stack.unexpected_exits()):
            time.sleep(1)
        print(f"Stopping: {', '.join(exited)}.")
    except KeyboardInterrupt:
        print("\nStopping …", flush=True)
    finally:
        # Ignored from here on: a second Ctrl-C must not cut the shutdown short.
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        stack.close()
        (stack.layout.run_dir / "stack.json").unlink(missing_ok=True)
        print("Stopped.", flush=True)


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


def _demo(stack: LocalStack) -> None:
    settings = get_settings()
    ports = stack.ports
    api = ports.api_url
    codec_url = f"http://127.0.0.1:{ports.codec}"
    outcomes = run_demo(api, settings, ports.agency_url("police"))
    ui = _workflows_url(stack)
    print("\nWhere to look:")
    print(f"  Temporal Web UI:   {ui}")
    for declaration_id, workflow_id in outcomes:
        found = query_link(ui, f'DeclarationId="{declaration_id}"')
        print(f"  {declaration_id}: {ui}/{workflow_id}  (or {found})")
        print(f"      status: {api}/v1/declarations/{declaration_id}")
    with httpx.Client(base_url=api, timeout=30, headers=_portal_headers(settings)) as portal:
        save_signed_document(portal, outcomes[0][0], stack.layout.run_dir / "demo-documents")
    print_notices(ports, stack.layout)
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
    print(
        f"  Or from the CLI: {binary_path()} workflow show \\\n"
        f"     --address 127.0.0.1:{ports.temporal} --namespace {settings.temporal_namespace} "
        f"--workflow-id {outcomes[0][1]} \\\n"
        f"     --codec-endpoint {codec_url} --codec-auth 'Bearer <the token above>'"
    )
    print("  Each declaration an operator reads is recorded in the audit trail, once a session.")


if __name__ == "__main__":
    main()

"""Start the whole stack on this machine and file a demo declaration of each kind.

python -m devstack            # runs until Ctrl-C
python -m devstack --once     # stops after the demo (a smoke test of the stack)
"""

from __future__ import annotations

import argparse
import os
import signal
import time
from datetime import timedelta
from urllib.parse import quote

from devstack.demo import run_demo
from devstack.issuing import issue_from_settings
from devstack.processes import (
    AGENCY_NAMES,
    ManagedProcess,
    codec_server,
    dev_server,
    portal_api,
    sandbox_agency,
    wait_http_ok,
    worker,
)
from devstack.temporal_server.nexus_endpoints import register_on_dev_server
from settings import PROJECT_ROOT, get_settings

AGENCY_PORTS = {"justice": 8101, "police": 8102, "social_security": 8103, "postal": 8104}
API_PORT, TEMPORAL_PORT, UI_PORT, CODEC_PORT = 8000, 7233, 8233, 8091


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    # A supervisor's SIGTERM, a closed terminal's SIGHUP and a SIGINT (which a shell leaves
    # ignored for a background job) all unwind like Ctrl-C, so the stack never outlives us.
    for stop_signal in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _stop_like_ctrl_c)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--once", action="store_true", help="stop after the demo")
    args = parser.parse_args()
    settings = get_settings()
    var = PROJECT_ROOT / "var"
    log_dir = var / "logs"
    env = {
        **os.environ,
        "TEMPORAL_ADDRESS": f"127.0.0.1:{TEMPORAL_PORT}",
        "SANDBOX_STATE_DIR": str(var / "sandbox"),
        # The sandbox officers take a couple of seconds per case, as real ones take days.
        "SANDBOX_DECISION_MODE": os.environ.get("SANDBOX_DECISION_MODE", "delayed"),
        "SANDBOX_DECISION_DELAY_SECONDS": os.environ.get("SANDBOX_DECISION_DELAY_SECONDS", "2"),
        **{
            f"{name.upper()}_SYSTEM_URL": f"http://127.0.0.1:{port}"
            for name, port in AGENCY_PORTS.items()
        },
    }
    processes: list[ManagedProcess] = []
    try:
        codec_url = f"http://127.0.0.1:{CODEC_PORT}"
        print(f"Starting the Temporal dev server (SQLite at {var / 'temporal.db'}) …", flush=True)
        processes.append(dev_server(var / "temporal.db", TEMPORAL_PORT, UI_PORT, log_dir, env))
        endpoints = register_on_dev_server(f"127.0.0.1:{TEMPORAL_PORT}", settings.task_queue_prefix)
        print(f"Registered the agencies' Nexus endpoints: {', '.join(endpoints)}", flush=True)
        print(f"Starting the codec server on {codec_url} …", flush=True)
        processes.append(codec_server(CODEC_PORT, log_dir, env))
        for agency in AGENCY_NAMES:
            print(f"Starting the sandbox {agency} service on :{AGENCY_PORTS[agency]} …", flush=True)
            processes.append(sandbox_agency(agency, AGENCY_PORTS[agency], log_dir, env))
        print("Starting the orchestrator and each agency's case worker …", flush=True)
        processes.append(worker(["all"], log_dir, env))
        print(f"Starting the portal API on http://127.0.0.1:{API_PORT} …", flush=True)
        processes.append(portal_api(API_PORT, log_dir, env))
        wait_http_ok(f"http://127.0.0.1:{API_PORT}/healthz")

        outcomes = run_demo(
            f"http://127.0.0.1:{API_PORT}", settings, f"http://127.0.0.1:{AGENCY_PORTS['police']}"
        )
        ui = f"http://127.0.0.1:{UI_PORT}/namespaces/{settings.temporal_namespace}/workflows"
        print("\nWhere to look:")
        print(f"  Temporal Web UI:   {ui}")
        for declaration_id, workflow_id in outcomes:
            query = quote(f'DeclarationId="{declaration_id}"')
            print(f"  {declaration_id}: {ui}/{workflow_id}  (or {ui}?query={query})")
            print(f"      status: http://127.0.0.1:{API_PORT}/v1/declarations/{declaration_id}")
        print(
            f"  Portal API docs:   http://127.0.0.1:{API_PORT}/docs "
            "(a portal token: `uv run python -m devstack.tokens portal`)"
        )
        print(f"  Logs:              {log_dir}")
        operator = issue_from_settings(
            settings,
            "operator",
            "demo-operator",
            audience="codec-server",
            lifetime=timedelta(hours=8),
        )
        print(
            "\nThe Temporal UI shows the payloads encrypted. To see them decoded, as an operator:"
        )
        print(f"  1. sign in at {codec_url}/login with this operator token:\n     {operator}")
        print(
            "  2. in the UI, open the codec server settings (the data encoder icon), enter the "
            f"endpoint {codec_url}\n     and switch on 'Include cross-origin credentials'."
        )
        print("  Every decode is recorded in the audit trail.")
        if args.once:
            return
        print("\nThe stack is running. Press Ctrl-C to stop it.", flush=True)
        while all(p.running for p in processes):
            time.sleep(1)
        stopped = [p.name for p in processes if not p.running]
        print(f"Stopping: {', '.join(stopped)} exited; see {log_dir}.")
    except KeyboardInterrupt:
        print("\nStopping …")
    finally:
        for process in reversed(processes):
            process.stop()


if __name__ == "__main__":
    main()

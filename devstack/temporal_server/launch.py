"""Start the dev server: on-disk SQLite, the Web UI, a namespace for each party, and the project's
search attributes (registered in every namespace)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import IO

from devstack.temporal_server.build import ensure_built
from schemas.parties import AGENCY_PARTIES, namespace_of
from temporal_connection.search_attributes import dev_server_flags


def dev_server_command(
    db_path: Path,
    *,
    port: int = 7233,
    ui_port: int = 8233,
    headless: bool = False,
) -> list[str]:
    command = [
        str(ensure_built()),
        "server",
        "start-dev",
        "--ip",
        "127.0.0.1",
        "--port",
        str(port),
        "--db-filename",
        str(db_path),
        "--log-level",
        "warn",
        *dev_server_flags(),
        *(
            flag
            for party in ("orchestrator", *AGENCY_PARTIES)
            for flag in ("--namespace", namespace_of(party))
        ),
        # Write-ahead logging, synced at checkpoints: the server's history survives its own
        # crash or restart (the fault suite restarts it) without waiting on the disk for every
        # event it appends, which otherwise bounds the whole stack's throughput.
        "--sqlite-pragma",
        "journal_mode=wal",
        "--sqlite-pragma",
        "synchronous=normal",
    ]
    command += ["--headless"] if headless else ["--ui-port", str(ui_port)]
    # No codec endpoint at the cluster level: the UI would then call it without credentials,
    # and the operator's session cookie would not reach it. Each operator sets it in the
    # browser, with cross-origin credentials on (the README's steps).
    return command


def wait_for_port(port: int, timeout: float = 60.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((host, port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout:.0f}s")


def start_dev_server(
    db_path: Path,
    *,
    port: int = 7233,
    ui_port: int = 8233,
    headless: bool = False,
    log: IO[str] | None = None,
) -> subprocess.Popen[str]:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        dev_server_command(db_path, port=port, ui_port=ui_port, headless=headless),
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_for_port(port)
    return process

"""Start the dev server: on-disk SQLite, the Web UI, a namespace for each party, and the project's
search attributes (registered in every namespace)."""

from __future__ import annotations

from pathlib import Path

from devstack.temporal_server.build import ensure_built
from schemas.parties import AGENCY_PARTIES, namespace_of
from temporal_connection.search_attributes import dev_server_flags

# The history service learns of a new Nexus endpoint at its next poll, by default at least a
# second after the last change. The dev stack and every test register their endpoints just
# before a declaration calls them; a call to one not yet seen fails its workflow task, which
# the server retries only 10 s later (22 times in one test run).
NEXUS_ENDPOINT_REFRESH = (
    "--dynamic-config-value",
    'system.refreshNexusEndpointsMinWait="10ms"',
)
# An execution deleted (by an operator, or as retention would) is removed only once its close
# is acknowledged on the transfer queue, whose progress is saved every 30 s by default: a
# deletion then took half a minute on the dev server, and takes about four seconds.
TRANSFER_ACK_INTERVAL = (
    "--dynamic-config-value",
    'history.transferProcessorUpdateAckInterval="1s"',
)


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
        *NEXUS_ENDPOINT_REFRESH,
        *TRANSFER_ACK_INTERVAL,
    ]
    command += ["--headless"] if headless else ["--ui-port", str(ui_port)]
    # No codec endpoint at the cluster level: the UI would then call it without credentials,
    # and the operator's session cookie would not reach it. Each operator sets it in the
    # browser, with cross-origin credentials on (the README's steps).
    return command

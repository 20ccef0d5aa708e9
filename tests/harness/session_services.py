"""The services a test session shares: a real Temporal dev server (with its Web UI), the four
sandbox agency systems and the sandbox SMS gateway and mail server, each on a free port, started
by the dev stack's launcher; and the store's database. Started once, stopped in reverse order
when the session ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from devstack.launcher import LocalStack
from devstack.stack_layout import StackLayout, StackOptions, StackPorts
from sandbox.settings import DEFAULT_DATASET_DIR
from schemas.parties import AGENCY_PARTIES
from tests.harness.postgres_server import postgres_server
from tests.harness.scenario_people import write_test_dataset
from tests.harness.store_mode import POSTGRESQL_MODE


@dataclass(frozen=True)
class SessionServices:
    temporal_address: str
    ui_url: str
    agency_urls: dict[str, str]
    # The notification channels, and the mail server's Maildir (read with
    # `sandbox.mail_server.mailbox_reader.read_mailbox`).
    sms_gateway_url: str
    smtp_port: int
    mailbox_dir: Path
    dataset_dir: Path
    database_url: str
    log_dir: Path
    env: dict[str, str]
    # What started them, and starts the session's other processes (workers, a second API).
    launcher: LocalStack


@contextmanager
def session_services(session_dir: Path) -> Iterator[SessionServices]:
    dataset_dir = write_test_dataset(DEFAULT_DATASET_DIR, session_dir / "dataset")
    with ExitStack() as exits:
        if POSTGRESQL_MODE:
            database_url = exits.enter_context(postgres_server()).url
        else:
            database_url = f"sqlite:///{session_dir / 'lienthong.db'}"
        # With its Web UI: an operator's view of decoded payloads is tested in a browser.
        ports = StackPorts.pick(ui=True)
        options = StackOptions(
            task_queue_prefix="test-session",
            dataset_dir=dataset_dir,
            database_url=database_url,
            # Posted results arrive soon after the declaration completes, as a test can wait.
            postal_delivery_seconds=0.5,
        )
        # Entered after the database, so closed before it: the processes stop first.
        launcher = exits.enter_context(LocalStack(StackLayout(session_dir), ports, options))
        launcher.start_temporal()
        launcher.await_all(launcher.spawn_outside_systems())
        yield SessionServices(
            temporal_address=ports.temporal_address,
            ui_url=f"http://127.0.0.1:{ports.ui}",
            agency_urls={agency: ports.agency_url(agency) for agency in AGENCY_PARTIES},
            sms_gateway_url=ports.sms_gateway_url,
            smtp_port=ports.smtp,
            mailbox_dir=launcher.layout.mailbox_dir,
            dataset_dir=dataset_dir,
            database_url=database_url,
            log_dir=launcher.layout.log_dir,
            env=launcher.env,
            launcher=launcher,
        )

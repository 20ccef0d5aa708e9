"""The relay of an agency's decision feed never stops: a feed the agency refuses is polled again
after a backoff, and an entry the relay cannot carry (malformed, or an outcome it does not know)
is dead-lettered at the agency, logged and counted, while the decisions after it reach their
cases.

The justice office's own service runs in process on a database of the test's own (its officers
decide), the relay reads it through the adapter's client, and signals cases on a Temporal dev
server of the test's own; its counters are read from a Prometheus endpoint of its own."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session, create_engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.testing import WorkflowEnvironment

from adapters.case_worker.agency_case import case_workflow_id
from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.decision_feed import DecisionRelay
from adapters.case_worker.feed_metrics import FeedMetrics
from agency_contracts.decisions import OfficerDecision
from devstack.declaration_factory import DeclarationFactory
from devstack.processes import free_port
from devstack.temporal_server.build import binary_path
from observability.logging import json_formatter
from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.switches import DecisionPolicy
from sandbox.casebook.tables import DecisionEvent
from sandbox.justice.agency import JUSTICE
from sandbox.settings import DEFAULT_DATASET_DIR
from security.dev_credentials import dev_signing_key_id, dev_signing_seed
from temporal_connection.runtime import prometheus_config
from tests.harness.filed_declarations import birth, with_child
from workflows.agency_steps import Submission
from workflows.birth_steps import birth_registration

T = TypeVar("T")
SERVICE_KEY = "justice service key of the test"
OFFICER_KEY = "justice officer key of the test"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(json_formatter())
        self.events: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.events.append(json.loads(self.format(record)))


@pytest.fixture
def logs() -> Iterator[_Capture]:
    capture = _Capture()
    logging.getLogger().addHandler(capture)
    try:
        yield capture
    finally:
        logging.getLogger().removeHandler(capture)


class CorruptedFeed(httpx.AsyncBaseTransport):
    """The agency's service, but its feed loses the case number of the cases named: a feed
    entry that is not one."""

    def __init__(self, agency: httpx.AsyncBaseTransport, corrupted: set[str]) -> None:
        self.agency = agency
        self.corrupted = corrupted

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.agency.handle_async_request(request)
        if request.method != "GET" or request.url.path != "/v1/decisions":
            return response
        await response.aread()
        if response.status_code != 200:
            return response
        entries = response.json()
        for entry in entries:
            if entry["case"]["case_number"] in self.corrupted:
                del entry["case"]["case_number"]
        return httpx.Response(200, json=entries)


async def eventually(look: Callable[[], Awaitable[T]], ready: Callable[[T], bool]) -> T:
    deadline = time.monotonic() + 20
    while True:
        seen = await look()
        if ready(seen) or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.1)


@pytest.fixture
async def temporal() -> AsyncIterator[Client]:
    async with await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter, dev_server_existing_path=str(binary_path())
    ) as env:
        yield env.client


async def record_decision_signals(client: Client, workflow_id: str) -> list[OfficerDecision]:
    signals = []
    async for event in client.get_workflow_handle(workflow_id).fetch_history_events():
        if event.event_type != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            continue
        attributes = event.workflow_execution_signaled_event_attributes
        assert attributes.signal_name == "record_decision"
        (payload,) = attributes.input.payloads
        signals.append(
            pydantic_data_converter.payload_converter.from_payload(payload, OfficerDecision)
        )
    return signals


async def test_the_relay_outlives_a_refused_feed_and_dead_letters_what_it_cannot_read(
    tmp_path: Path, temporal: Client, bundled_factory: DeclarationFactory, logs: _Capture
) -> None:
    credentials = AgencyCredentials(
        service_key=SERVICE_KEY,
        officer_key=OFFICER_KEY,
        signing_seed=dev_signing_seed("justice"),
        signing_key_id=dev_signing_key_id("justice"),
    )
    app = JUSTICE.create_app(
        tmp_path / "justice", DEFAULT_DATASET_DIR, credentials, DecisionPolicy(mode="manual")
    )
    agency = httpx.ASGITransport(app=app)
    officers = httpx.AsyncClient(
        transport=agency,
        base_url="http://justice",
        headers={"Authorization": f"Bearer {OFFICER_KEY}"},
    )
    service = httpx.AsyncClient(
        transport=agency,
        base_url="http://justice",
        headers={"Authorization": f"Bearer {SERVICE_KEY}"},
    )

    # Three births before the office, each with a case waiting for its decision.
    couple = next(bundled_factory.couples())
    body = bundled_factory.birth(couple)
    cases: dict[str, str] = {}  # case number: the case's workflow
    queue = f"no-worker-{secrets.token_hex(4)}"
    for order in (1, 2, 3):
        declaration_id = f"LT-RELAY-{secrets.token_hex(4)}"
        request = birth_registration(
            Submission(declaration_id, birth(with_child(body, birth_order=order)), False, 1, None)
        )
        key = f"{declaration_id}/birth_registration/1"
        opened = await service.post(
            "/v1/birth-registrations",
            json=request.model_dump(mode="json"),
            headers={"Idempotency-Key": key},
        )
        assert opened.status_code == 201, opened.text
        assert opened.json()["status"] == "pending"
        await temporal.start_workflow("AgencyCase", id=case_workflow_id(key), task_queue=queue)
        cases[opened.json()["case_number"]] = case_workflow_id(key)
    malformed, unknown, good = cases

    # The officers decide all three; the feed will lose the first one's case number, and the
    # second one's outcome is one the relay does not know.
    for case_number in cases:
        decided = await officers.post(
            f"/v1/officer/cases/{case_number}/decision", json={"outcome": "approve"}
        )
        assert decided.status_code == 200, decided.text
    with Session(create_engine(f"sqlite:///{tmp_path / 'justice' / 'justice.db'}")) as session:
        event = session.get(DecisionEvent, 2)
        assert event is not None and event.case_number == unknown
        event.outcome = "archived"
        session.add(event)
        session.commit()
    # The office refuses the relay's first poll of its feed as a whole.
    staged = await officers.put("/sandbox/faults", json={"fail_next": 1, "status_code": 400})
    assert staged.status_code == 200

    metrics_address = f"127.0.0.1:{free_port()}"
    meter = Runtime(telemetry=TelemetryConfig(metrics=prometheus_config(metrics_address)))
    http = AgencyHttpClient(
        "justice",
        "http://justice",
        timeout_seconds=5,
        transport_attempts=1,
        api_key=SERVICE_KEY,
        transport=CorruptedFeed(agency, {malformed}),
    )
    relay = DecisionRelay(
        "justice", http, temporal, 0.05, FeedMetrics(meter.metric_meter, "justice")
    )
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop))
    try:
        relayed = await eventually(
            lambda: record_decision_signals(temporal, cases[good]), lambda seen: bool(seen)
        )
        feed = await eventually(
            lambda: service.get("/v1/decisions"), lambda answer: answer.json() == []
        )
        assert not running.done()
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=10)
        await http.aclose()

    # The good decision reached its case, once, and left the feed.
    assert [(d.case_number, d.outcome) for d in relayed] == [(good, "approved")]
    assert feed.json() == []
    # The two it could not carry reached no case, and wait among the office's dead letters.
    assert await record_decision_signals(temporal, cases[malformed]) == []
    assert await record_decision_signals(temporal, cases[unknown]) == []
    letters = (await officers.get("/v1/officer/dead-letters")).json()
    assert {letter["case_number"]: letter["reason"] for letter in letters} == {
        malformed: "malformed_entry: case.case_number missing",
        unknown: "unknown_outcome: case.status archived",
    }
    # They are the operators' to look at: the relay's own key does not list them.
    assert (await service.get("/v1/officer/dead-letters")).status_code == 403

    # Logged as errors, each with its reason, and the refused poll with its status.
    dead_lettered = [e for e in logs.events if e.get("event") == "decision_dead_lettered"]
    assert sorted((e["level"], e["reason_code"]) for e in dead_lettered) == [
        ("error", "malformed_entry"),
        ("error", "unknown_outcome"),
    ]
    refused = [e for e in logs.events if e.get("event") == "decision_feed_refused"]
    assert [(e["level"], e["status_code"]) for e in refused] == [("error", 400)]

    # And counted on the worker's metrics.
    async with httpx.AsyncClient() as scraper:
        page = (
            await eventually(
                lambda: scraper.get(f"http://{metrics_address}/metrics"),
                lambda answer: "lienthong_decision_feed_refusals" in answer.text,
            )
        ).text
    counted = {
        (sample.name, sample.labels["agency"], sample.labels.get("status")): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name.startswith("lienthong_")
    }
    assert counted == {
        ("lienthong_decisions_dead_lettered_total", "justice", None): 2,
        ("lienthong_decision_feed_refusals_total", "justice", "400"): 1,
    }

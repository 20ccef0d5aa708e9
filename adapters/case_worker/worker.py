"""An agency's case worker, in the agency's own namespace, with the agency's own settings, built
from the agency's desk: its Nexus handler, its cases' workflows and activities, and the relay of
its officers' decisions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from adapters.case_worker.agency_desk import AgencyDesk
from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_activities import AgencyCaseActivities, submissions
from adapters.case_worker.case_follow_ups import AgencyCaseClient
from adapters.case_worker.document_issuing import DocumentIssuing
from adapters.case_worker.document_metrics import DocumentMetrics
from adapters.case_worker.feed_metrics import FeedMetrics
from adapters.case_worker.portal_documents import PortalDocumentsClient
from schemas.common import Agency
from schemas.parties import case_task_queue, settings_prefix
from settings import AgencyWorkerSettings
from temporal_connection.role_worker import RoleWorker
from temporal_connection.runtime import process_runtime
from temporal_connection.workflow_runner import workflow_runner


def agency_http(settings: AgencyWorkerSettings) -> AgencyHttpClient:
    return AgencyHttpClient(
        settings.agency,
        settings.system_url,
        timeout_seconds=settings.agency_http_timeout_seconds,
        transport_attempts=settings.agency_transport_attempts,
        api_key=settings.service_key.get_secret_value() or None,
    )


def desk_worker(desk: AgencyDesk, client: Client, settings: AgencyWorkerSettings) -> RoleWorker:
    """An agency's case worker: its desk's handler and workflows on its case queue, the
    activities its cases run, and the relay of its feed to the workflows waiting for it."""
    http = agency_http(settings)
    relay = desk.relay(
        settings.agency,
        http,
        client,
        settings.decision_poll_interval_seconds,
        FeedMetrics(process_runtime().metric_meter, settings.agency),
    )
    activities: list[Callable[..., Any]] = []
    closers: list[Callable[[], Awaitable[None]]] = [http.aclose]
    if desk.printed is not None:
        # An agency that keeps cases: each is submitted to its system and followed up, and its
        # approved record becomes a signed electronic result, with the agency's own key.
        follow_ups = AgencyCaseActivities(Agency(desk.agency), AgencyCaseClient(http))
        portal = PortalDocumentsClient(settings.portal_url, settings.portal_signing_key)
        issuing = DocumentIssuing(
            settings.document_signer,
            portal,
            desk.printed,
            DocumentMetrics(process_runtime().metric_meter, settings.agency),
        )
        activities += [
            *submissions(desk.agency, http),
            follow_ups.cancel_case,
            follow_ups.follow_up_case,
            issuing.issue_document,
        ]
        closers.append(portal.aclose)
    handler = desk.handler(http, settings.agency_call_timeout_seconds)
    worker = case_worker(client, settings, desk.workflows, activities, handler)

    async def close() -> None:
        for closer in closers:
            await closer()

    return RoleWorker(worker, close, relay.run)


def case_worker(
    client: Client,
    settings: AgencyWorkerSettings,
    workflows: Sequence[type],
    activities: Sequence[Callable[..., Any]],
    handler: object,
    runner: SandboxedWorkflowRunner | None = None,
) -> Worker:
    """An agency's worker on its case queue, in its namespace (the benchmark's baseline runs on
    the same)."""
    return Worker(
        client,
        task_queue=case_task_queue(settings.task_queue_prefix, settings.agency),
        workflows=workflows,
        activities=activities,
        nexus_service_handlers=[handler],
        workflow_runner=runner or workflow_runner(),
        max_concurrent_activities=settings.max_concurrent_activities,
    )


def agency_settings(agency: str, environ: Mapping[str, str]) -> AgencyWorkerSettings:
    """The agency's own settings from its prefixed environment (`JUSTICE_…`). Outside
    production, where the agency sets no server or prefix of its own, it joins the stack's
    (`TEMPORAL_ADDRESS`, `TASK_QUEUE_PREFIX` in `environ`), as on one development machine."""
    own = AgencyWorkerSettings.for_agency(agency)
    if own.environment == "production":
        return own
    prefix = settings_prefix(agency)
    shared = {
        name: environ[name.upper()]
        for name in ("temporal_address", "task_queue_prefix")
        if f"{prefix}{name.upper()}" not in environ and name.upper() in environ
    }
    return AgencyWorkerSettings.for_agency(agency, **shared) if shared else own

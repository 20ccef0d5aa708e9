"""Sweeps for anything the portal was never told about (declarations, documents, notices in the
store; cases at the agencies; workflows in any party's namespace), and for workflows still
running in Temporal.

Every workflow in the stack is named after the declaration it serves: the declaration's own in
the orchestrator's namespace, and in the agencies' namespaces each case, each approved record's
signed document and each posted shipment, by a reference that opens with the declaration's ID
(`<declaration>:<procedure>:<round>`, `<declaration>:delivery:1`)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import Engine
from temporalio.client import Client

from adapters.case_worker.agency_case import case_workflow_id
from adapters.case_worker.result_document import document_workflow_id
from adapters.postal.shipment_delivery import delivery_workflow_id
from devstack.faults.portal_records import notices, store_declarations, stored_documents
from schemas.parties import AGENCY_PARTIES, namespace_of

DECLARATION_PREFIX = "declaration-"
# The workflows of the agencies' namespaces, by the prefix the product names them with.
AGENCY_WORKFLOW_PREFIXES = {
    case_workflow_id(""): "case",
    document_workflow_id(""): "document",
    delivery_workflow_id(""): "shipment",
}
RUNNING = 'ExecutionStatus="Running"'


def declaration_of_workflow(namespace: str, workflow_id: str) -> str | None:
    """The declaration a workflow serves, or None for a workflow the stack does not start."""
    if namespace == namespace_of("orchestrator"):
        if workflow_id.startswith(DECLARATION_PREFIX):
            return workflow_id.removeprefix(DECLARATION_PREFIX)
        return None
    for prefix in AGENCY_WORKFLOW_PREFIXES:
        if workflow_id.startswith(prefix):
            return workflow_id.removeprefix(prefix).split(":", 1)[0]
    return None


def unknown_in_store(engine: Engine, known: set[str]) -> list[str]:
    """Declarations, signed documents and notices the store keeps for a declaration ID the
    portal never returned."""
    found = [f"store: declaration {d}" for d in store_declarations(engine) if d not in known]
    found += [
        f"store: {d.kind} document for {d.declaration_id}"
        for d in stored_documents(engine)
        if d.declaration_id not in known
    ]
    found += [
        f"store: {n.channel} notice for {n.declaration_id}"
        for n in notices(engine)
        if n.declaration_id not in known
    ]
    return sorted(found)


def _sqlite_rows(path: Path, query: str) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    with closing(sqlite3.connect(path, timeout=10)) as connection:
        return connection.execute(query).fetchall()


def unknown_at_agencies(sandbox_dir: Path, known: set[str]) -> list[str]:
    """Cases opened for a declaration ID the portal never returned (read from each agency's
    own database, which belongs to this run)."""
    found = []
    for agency in AGENCY_PARTIES:
        rows = _sqlite_rows(
            sandbox_dir / f"{agency}.db", "SELECT case_number, declaration_id FROM cases"
        )
        found += [f"{agency}: case {r[0]} for {r[1]}" for r in rows if r[1] not in known]
    return sorted(found)


def _namespaces(client: Client) -> list[tuple[str, Client]]:
    parties = ("orchestrator", *AGENCY_PARTIES)
    return [
        (namespace_of(p), Client(client.service_client, namespace=namespace_of(p))) for p in parties
    ]


async def _workflow_ids(client: Client, query: str | None = None) -> AsyncIterator[tuple[str, str]]:
    for namespace, in_namespace in _namespaces(client):
        async for execution in in_namespace.list_workflows(query):
            yield namespace, execution.id


async def unknown_workflows(client: Client, known: set[str]) -> list[str]:
    """Workflows, in any party's namespace, the stack does not start or that serve a
    declaration the portal never returned."""
    unknown = []
    async for namespace, workflow_id in _workflow_ids(client):
        declaration_id = declaration_of_workflow(namespace, workflow_id)
        if declaration_id is None:
            unknown.append(f"temporal {namespace}: workflow {workflow_id} (not the stack's)")
        elif declaration_id not in known:
            unknown.append(f"temporal {namespace}: workflow {workflow_id}")
    return sorted(unknown)


async def running_workflows(client: Client) -> list[str]:
    """The workflows still running, in every party's namespace."""
    return sorted(
        [f"{ns}: {workflow_id}" async for ns, workflow_id in _workflow_ids(client, RUNNING)]
    )

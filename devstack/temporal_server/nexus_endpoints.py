"""Register one Nexus endpoint per agency, each routing to the agency's case workers in the
agency's own namespace. On the dev server the stack does it at start-up (and the tests once per
task-queue prefix); on a real cluster the cluster's administrators do, with the same names."""

from __future__ import annotations

import asyncio
import time

from temporalio.api.nexus.v1 import EndpointSpec, EndpointTarget
from temporalio.api.operatorservice.v1 import CreateNexusEndpointRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from devstack.temporal_server.search_attribute_types import retype_search_attributes
from schemas.parties import AGENCY_PARTIES, case_task_queue, endpoint_name, namespace_of


async def register_nexus_endpoints(client: Client, prefix: str) -> list[str]:
    """Create each agency's endpoint unless it exists; the names, in the agencies' order."""
    names = []
    for agency in AGENCY_PARTIES:
        name = endpoint_name(prefix, agency)
        spec = EndpointSpec(
            name=name,
            target=EndpointTarget(
                worker=EndpointTarget.Worker(
                    namespace=namespace_of(agency), task_queue=case_task_queue(prefix, agency)
                )
            ),
        )
        try:
            await client.operator_service.create_nexus_endpoint(
                CreateNexusEndpointRequest(spec=spec)
            )
        except RPCError as error:
            if error.status != RPCStatusCode.ALREADY_EXISTS:
                raise
        names.append(name)
    return names


async def register_when_ready(address: str, prefix: str, timeout: float = 60.0) -> list[str]:
    """The same, retried while a server that has just opened its port settles; first, any
    search attribute its database holds with another type gets the declared one."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            client = await Client.connect(address)
            await retype_search_attributes(client)
            return await register_nexus_endpoints(client, prefix)
        except (RPCError, RuntimeError):  # refused, or not connected yet
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


def register_on_dev_server(address: str, prefix: str, timeout: float = 60.0) -> list[str]:
    """The same, from a process that is not async (the stack launchers)."""
    return asyncio.run(register_when_ready(address, prefix, timeout))

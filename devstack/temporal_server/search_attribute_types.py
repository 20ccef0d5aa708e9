"""Bring a dev server's search attributes to the types the project declares.

The dev server registers its `--search-attribute` flags only when it creates a namespace, so a
database an older checkout created with another type for an attribute keeps that type, and every
upsert of the declared one would fail the workflow task. On SQLite an attribute is an alias of a
typed column: removing it and adding it again points the name at a column of the declared type
(values written under the other type are left behind in the old column).
"""

from __future__ import annotations

import asyncio

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
    RemoveSearchAttributesRequest,
)
from temporalio.client import Client

from schemas.parties import AGENCY_PARTIES, namespace_of
from temporal_connection.search_attributes import ALL_KEYS

# How long the server takes to see a namespace's new aliases (its namespace cache refreshes
# every two seconds by default); an upsert before then is checked against the old ones.
_NAMESPACE_CACHE_REFRESH_SECONDS = 3.0


async def retype_search_attributes(client: Client) -> list[str]:
    """Re-register, in each party's namespace, every attribute missing or of another type.
    Returns `namespace:name` of each one changed; nothing on a database created with the
    current types."""
    wanted = {key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in ALL_KEYS}
    changed: list[str] = []
    for party in ("orchestrator", *AGENCY_PARTIES):
        namespace = namespace_of(party)
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=namespace)
        )
        registered = dict(listed.custom_attributes)
        stale = [name for name, kind in wanted.items() if registered.get(name) != kind]
        if not stale:
            continue
        outdated = [name for name in stale if name in registered]
        if outdated:
            await client.operator_service.remove_search_attributes(
                RemoveSearchAttributesRequest(namespace=namespace, search_attributes=outdated)
            )
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace, search_attributes={name: wanted[name] for name in stale}
            )
        )
        changed += [f"{namespace}:{name}" for name in stale]
    if changed:
        await asyncio.sleep(_NAMESPACE_CACHE_REFRESH_SECONDS)
    return changed

"""The Temporal UI links `make run` prints: each query is one the server accepts, and finds the
declarations it names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

from devstack.declaration_factory import DeclarationFactory
from devstack.operator_queries import operator_queries, query_link
from tests.harness.portal import submit
from tests.harness.stack import Stack
from tests.harness.waiting import eventually_listed, wait_for_status
from tests.harness.withdrawals import registered_then_withdrawn


def test_a_link_carries_its_query_encoded() -> None:
    queries = operator_queries(date(2026, 11, 20), province_code="79")
    assert queries["rejected today"] == (
        'DeclarationStatus = "rejected" AND CloseTime >= "2026-11-20T00:00:00Z"'
    )
    for query in queries.values():
        link = query_link("http://127.0.0.1:8233/namespaces/lienthong/workflows", query)
        assert " " not in link and '"' not in link
        assert parse_qs(urlsplit(link).query)["query"] == [query]


async def test_each_operator_query_runs_and_finds_its_declarations(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # Before anything is filed, so the rejection closes on or after this date whatever the hour.
    today = datetime.now(UTC).date()
    body = factory.birth(next(factory.couples()))
    province = factory.dataset.commune_province[body["residence"]["commune_code"]]
    withdrawn = await registered_then_withdrawn(stack, body)
    # The same child again: the justice office registered it before the withdrawal, and refuses.
    rejected = await submit(stack.api, "birth", body)
    assert (await wait_for_status(stack.api, rejected["declaration_id"]))["status"] == "rejected"

    queries = operator_queries(today, province_code=province)
    for query in queries.values():
        [w async for w in stack.client.list_workflows(query)]  # refused queries raise

    def ours(query: str) -> str:
        ids = f'"{withdrawn["declaration_id"]}", "{rejected["declaration_id"]}"'
        return f"({query}) AND DeclarationId IN ({ids})"

    assert await eventually_listed(stack.client, ours(queries["rejected today"])) == [
        rejected["workflow_id"]
    ]
    in_province = await eventually_listed(stack.client, ours(queries[f"in province {province}"]))
    assert sorted(in_province) == sorted([withdrawn["workflow_id"], rejected["workflow_id"]])

"""schemathesis against the portal API's own OpenAPI document: whatever it generates, the API
never answers with a 500. The API runs as its own process on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from devstack.issuing import issue_from_settings
from devstack.processes import free_port
from tests.harness.configuration import settings_env, stack_settings
from tests.harness.session_services import SessionServices


@pytest.fixture(scope="session")
def fuzzed_api(services: SessionServices) -> Iterator[tuple[str, dict[str, str]]]:
    api_settings = stack_settings(services)
    port, launcher = free_port(), services.launcher
    key = f"api:{port}"
    starting = launcher.spawn_api(
        port, settings_env(api_settings, dict(os.environ)), key, "portal-api-fuzzed"
    )
    token = issue_from_settings(api_settings, "portal", "fuzzer")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        launcher.await_ready(*starting)
        yield f"http://127.0.0.1:{port}", headers
    finally:
        launcher.stop(key)


def test_no_generated_request_gets_a_server_error(
    fuzzed_api: tuple[str, dict[str, str]],
) -> None:
    url, headers = fuzzed_api
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert {op.path for op in operations} >= {
        "/v1/declarations/birth",
        "/v1/declarations/death",
        "/v1/declarations/{declaration_id}",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def check(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(base_url=url, headers=headers, checks=[not_a_server_error])
            # The same request without credentials is refused, never a server error either.
            case.call_and_validate(base_url=url, checks=[not_a_server_error])

        check()

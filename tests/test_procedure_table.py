"""Each procedure is one row of the procedure table, and each agency one entry in the list of
agencies: every part of a row is there and fits, and every table, service, handler, activity,
desk and sandbox route that differs by procedure or by agency is read from them and covers
every one."""

from __future__ import annotations

import typing
from collections.abc import AsyncIterator
from typing import Any

import nexusrpc
import pytest
from pydantic import TypeAdapter
from temporalio import activity

from adapters.case_worker.agency_http import AgencyHttpClient
from adapters.case_worker.case_activities import submissions
from adapters.desks import AGENCY_DESKS, PRINTERS
from agency_contracts.decisions import OfficerDecision
from agency_contracts.procedures import (
    DOCUMENT_KINDS,
    PROCEDURE_AGENCY,
    PROCEDURE_OF_KIND,
    PROCEDURES,
    AgencyProcedure,
    issuer_of_kind,
    procedures_at,
)
from agency_contracts.requests import CaseRequest
from agency_contracts.services import CASE_SERVICES, POSTAL_AGENCY, PostalService
from legal_deadlines.procedure_limits import COUNTED_FROM_DOSSIER_RECEIPT, STEP_WORKING_DAYS
from messages.catalogue import known_codes
from sandbox.__main__ import AGENCIES as SANDBOX_AGENCIES
from schemas.common import Agency, DocumentKind, Procedure
from schemas.parties import AGENCY_PARTIES, AGENCY_TITLES, CASE_AGENCIES
from schemas.results import StepResult
from schemas.workflow_inputs import NexusEndpoints
from security.document_certificates import ISSUING_AGENCIES
from security.principals import AGENCY_ISSUERS
from workflows.procedure_groups import PROCEDURE_GROUPS

ROWS = list(PROCEDURES.values())


def _members(union: Any) -> set[type]:
    """The models of a discriminated union (`Annotated[A | B, Field(...)]`)."""
    return set(typing.get_args(typing.get_args(union)[0]))


def test_every_procedure_has_its_row() -> None:
    assert list(PROCEDURES) == list(Procedure)
    assert all(row.procedure == procedure for procedure, row in PROCEDURES.items())


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.procedure.value)
def test_each_row_is_whole(row: AgencyProcedure[Any, Any]) -> None:
    # The agency that decides it keeps cases.
    assert row.agency.value in CASE_AGENCIES
    # What it is asked names the procedure, and the record it keeps is the procedure's.
    assert row.request.model_fields["procedure"].default == row.procedure.value
    assert row.request in _members(CaseRequest)
    assert row.result.model_fields["kind"].default == row.procedure.value
    assert row.result in _members(StepResult)
    # Its operation, and where the agency's system takes it.
    assert row.operation.name == row.operation_name
    assert row.operation.input_type is row.request
    assert row.operation.output_type is OfficerDecision
    assert row.route.startswith("/v1/")
    # Its time limit, its document and what the family reads.
    assert row.working_days > 0
    assert row.document_kind in typing.get_args(DocumentKind)
    assert row.title.strip() == row.title and row.title.isupper()
    assert row.name.code == f"procedure.{row.procedure.value}"
    assert row.name.code in known_codes()


def test_what_must_be_one_of_a_kind_is() -> None:
    for part in ("operation_name", "route", "document_kind", "title"):
        values = [getattr(row, part) for row in ROWS]
        assert len(set(values)) == len(values), part
    submissions_named = [row.submission for row in ROWS]
    assert len(set(submissions_named)) == len(submissions_named)
    assert set(typing.get_args(DocumentKind)) == {row.document_kind for row in ROWS}


def test_every_table_derived_from_the_rows_covers_every_procedure() -> None:
    for derived in (PROCEDURE_AGENCY, DOCUMENT_KINDS, STEP_WORKING_DAYS):
        assert set(derived) == set(Procedure)
    assert set(PROCEDURE_OF_KIND.values()) == set(Procedure)
    for procedure, row in PROCEDURES.items():
        assert PROCEDURE_AGENCY[procedure] == row.agency
        assert PROCEDURE_OF_KIND[DOCUMENT_KINDS[procedure]] == procedure
        assert issuer_of_kind(row.document_kind) == row.agency
        assert STEP_WORKING_DAYS[procedure] == row.working_days
        assert (procedure in COUNTED_FROM_DOSSIER_RECEIPT) == row.counted_from_receipt
    assert {
        Procedure.BIRTH_REGISTRATION,
        Procedure.DEATH_REGISTRATION,
    } == COUNTED_FROM_DOSSIER_RECEIPT


def test_each_procedure_runs_in_exactly_one_group() -> None:
    groups = [p for steps in PROCEDURE_GROUPS.values() for p in steps.all_procedures()]
    assert sorted(groups) == sorted(Procedure)


def test_each_agency_offers_the_operation_of_each_of_its_procedures() -> None:
    assert set(CASE_SERVICES) == set(CASE_AGENCIES)
    for agency, service in CASE_SERVICES.items():
        definition = nexusrpc.get_service_definition(service)
        assert definition is not None
        assert definition.name == agency
        offered = definition.operation_definitions
        for row in procedures_at(agency):
            assert offered[row.operation_name].input_type is row.request
            assert offered[row.operation_name].output_type is OfficerDecision
        assert "follow_up_case" in offered
    postal = nexusrpc.get_service_definition(PostalService)
    assert postal is not None and postal.name == POSTAL_AGENCY


@pytest.fixture
async def http() -> AsyncIterator[AgencyHttpClient]:
    client = AgencyHttpClient("test", "http://127.0.0.1:9", timeout_seconds=1, transport_attempts=1)
    yield client
    await client.aclose()


def test_each_agencys_handler_serves_its_whole_service(http: AgencyHttpClient) -> None:
    for agency, desk in AGENCY_DESKS.items():
        handler = desk.handler(http, 1.0)
        served = nexusrpc.get_service_definition(type(handler))
        offered = nexusrpc.get_service_definition(CASE_SERVICES.get(agency, PostalService))
        assert served is not None and served == offered, agency


def test_each_agencys_case_worker_submits_each_of_its_procedures(http: AgencyHttpClient) -> None:
    for agency in AGENCY_PARTIES:
        named = {activity._Definition.must_from_callable(a).name for a in submissions(agency, http)}
        assert named == {row.submission for row in procedures_at(agency)}
    # The names the agencies' cases have always run their submissions under.
    assert {row.submission for row in ROWS} == {
        "justice.register_birth",
        "justice.register_death",
        "police.register_residence",
        "police.remove_residence",
        "social_security.issue_health_insurance_card",
        "social_security.settle_funeral_allowance",
        "social_security.settle_survivor_benefit",
    }


def test_every_list_of_the_agencies_is_the_one_list() -> None:
    assert list(Agency) == [Agency(name) for name in CASE_AGENCIES]
    assert {row.agency.value for row in ROWS} == set(CASE_AGENCIES)
    assert set(AGENCY_DESKS) == set(AGENCY_PARTIES)
    assert set(PRINTERS) == set(CASE_AGENCIES)
    assert set(ISSUING_AGENCIES) == set(CASE_AGENCIES)
    assert set(AGENCY_ISSUERS.values()) == set(CASE_AGENCIES)
    assert set(AGENCY_TITLES) == set(AGENCY_PARTIES)
    assert set(SANDBOX_AGENCIES) == set(AGENCY_PARTIES)
    assert set(NexusEndpoints.with_prefix("test").root) == set(AGENCY_PARTIES)
    assert all(f"agency.{name}" in known_codes() for name in CASE_AGENCIES)


def test_a_start_without_an_agencys_endpoint_is_refused() -> None:
    endpoints = NexusEndpoints.with_prefix("test").root
    del endpoints[AGENCY_PARTIES[0]]
    with pytest.raises(ValueError, match=AGENCY_PARTIES[0]):
        TypeAdapter(NexusEndpoints).validate_python(endpoints)


def test_each_sandbox_agency_serves_its_procedures_at_the_tables_routes() -> None:
    for agency in CASE_AGENCIES:
        desks = {desk.procedure: desk for desk in SANDBOX_AGENCIES[agency].desks}
        assert set(desks) == {row.procedure.value for row in procedures_at(agency)}
        for row in procedures_at(agency):
            assert desks[row.procedure.value].path == row.route

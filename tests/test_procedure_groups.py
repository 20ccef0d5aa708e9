"""Every procedure group is known by its own entry: its steps, its filing and its name are looked
up, never inferred from its not being another group."""

from __future__ import annotations

from datetime import UTC, datetime

from legal_deadlines.legal_clock import LegalClock
from portal_api.filings import FILINGS
from schemas.common import Delivery, ProcedureGroup
from workflows.initial_view import initial_view
from workflows.operator_details import operator_details
from workflows.procedure_groups import PROCEDURE_GROUPS


def test_each_group_has_its_own_steps_and_filing() -> None:
    assert set(PROCEDURE_GROUPS) == set(ProcedureGroup)
    assert set(FILINGS) == set(ProcedureGroup)
    for group in ProcedureGroup:
        assert PROCEDURE_GROUPS[group].group == group
        assert FILINGS[group].group == group
        assert PROCEDURE_GROUPS[group].name.code == f"group.{group.value}"


def test_the_operators_title_names_the_declarations_own_group() -> None:
    titles = {}
    for group in ProcedureGroup:
        steps = PROCEDURE_GROUPS[group].all_procedures()
        view = initial_view(
            "LT-20261126-0000000001",
            group,
            datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
            list(steps),
            Delivery.model_validate({"method": "electronic"}),
            f"{group.value}-LT-20261126-0000000001",
            LegalClock(),
        )
        titles[group] = operator_details(view).splitlines()[0]
    assert titles == {
        ProcedureGroup.BIRTH: "**Hồ sơ khai sinh LT-20261126-0000000001**: received",
        ProcedureGroup.DEATH: "**Hồ sơ khai tử LT-20261126-0000000001**: received",
    }

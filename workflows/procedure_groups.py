"""The procedure groups, by name: what reads a declaration of any group looks its group up here
rather than telling the groups apart itself. Each group's steps, and what each asks its agency,
are in the group's own module (`birth_steps.py`, `death_steps.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.common import ProcedureGroup

from workflows.birth_steps import BIRTH_STEPS
from workflows.death_steps import DEATH_STEPS
from workflows.group_steps import ProcedureSteps

PROCEDURE_GROUPS: Mapping[ProcedureGroup, ProcedureSteps[Any]] = MappingProxyType(
    {steps.group: steps for steps in (BIRTH_STEPS, DEATH_STEPS)}
)

"""What a supplement may change: only the parts of the declaration that the open requests name.

The procedures chosen never change, nor does who the declarant is. A person's identity (personal
ID or passport) changes only where a request names it, and only before any agency has relied on
it: once a case is open, replacing the person would make the agency act on someone else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from messages import Message
from schemas.rules.findings import RuleViolation
from schemas.status import DeclarationStatusView, StepState
from schemas.supplements import SupplementRequest

NOT_REQUESTED = "field_not_requested"
IDENTITY_FIELDS = ("personal_id", "passport_number")
NEVER_CHANGED = frozenset({"procedures"})


def open_requests(view: DeclarationStatusView) -> list[SupplementRequest]:
    """The supplement requests waiting for the citizen: the registry cross-check's, and each
    step's that asked."""
    requests = [view.supplement_request] + [
        s.supplement_request for s in view.steps if s.status == StepState.AWAITING_SUPPLEMENT
    ]
    return [request for request in requests if request is not None]


def open_request_ids(view: DeclarationStatusView) -> list[str]:
    """What an answer answers: the open requests, by ID."""
    return [request.request_id for request in open_requests(view)]


def requested_fields(view: DeclarationStatusView) -> list[str]:
    """The fields the open requests name (`mother.full_name`, `deceased.place_of_death`, …)."""
    return [field for request in open_requests(view) for field in request.fields]


def agencies_engaged(view: DeclarationStatusView) -> bool:
    """Whether any agency has opened a case on the declaration's people."""
    return any(s.status != StepState.PENDING for s in view.steps)


def _violation(path: Iterable[str], message: Message) -> RuleViolation:
    return RuleViolation(("body", "changes", *path), NOT_REQUESTED, message)


def out_of_scope(
    changes: Mapping[str, Any],
    current: Mapping[str, Any],
    requested: list[str],
    engaged: bool,
) -> list[RuleViolation]:
    """A violation for each change the open requests do not allow."""
    parts = {field.split(".", 1)[0] for field in requested}
    violations = []
    for part, value in changes.items():
        if part in NEVER_CHANGED:
            violations.append(_violation([part], Message.of("supplement.procedures_unchanged")))
            continue
        if part not in parts:
            violations.append(
                _violation([part], Message.of("supplement.part_not_requested", part=part))
            )
            continue
        before = current.get(part)
        if not isinstance(value, Mapping) or not isinstance(before, Mapping):
            continue
        for field in IDENTITY_FIELDS:
            if field not in value or value[field] == before.get(field):
                continue
            if part == "declarant":
                message = Message.of("supplement.declarant_id_unchanged")
            elif f"{part}.{field}" not in requested or engaged:
                message = Message.of("supplement.identity_not_replaceable", part=part)
            else:
                continue
            violations.append(_violation([part, field], message))
    return violations

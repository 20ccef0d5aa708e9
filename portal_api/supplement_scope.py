"""What a supplement may change: exactly the fields the open requests name, or the parts they
name whole, and nothing beside them. A request for `survivor_benefit.form` lets the form change
and not the beneficiaries; one for `payment.bank_account.account_holder` the holder and not the
account number. A value sent as it was filed is not a change.

The procedures chosen never change, nor does who the declarant is. A person's identity (personal
ID or passport) changes only where a request names it, and only before any agency has relied on
it: once a case is open, replacing the person would make the agency act on someone else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


def _changed_leaves(
    changes: Mapping[str, Any], current: Mapping[str, Any] | None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], bool]]:
    """The path of every value the changes set to something other than what is filed, and
    whether it is a list. An object is compared field by field; a list (the beneficiaries, say)
    or a plain value is one leaf."""
    for key, value in changes.items():
        here = (*path, key)
        before = current.get(key) if current is not None else None
        if isinstance(value, Mapping) and (before is None or isinstance(before, Mapping)):
            yield from _changed_leaves(value, before, here)
        elif value != before:
            yield here, isinstance(value, list)


def _allowed(path: tuple[str, ...], is_list: bool, requested: list[str]) -> bool:
    """A request names a field (`payment.bank_account.account_holder`) or, explicitly, a whole
    part (`mother`): a change is allowed at that field or under that part, and nowhere else. A
    list is sent whole, so a request for one of its entries (`survivor_benefit.beneficiaries.0.
    full_name`) lets the list be sent again."""
    dotted = ".".join(path)
    return any(
        dotted == field
        or dotted.startswith(f"{field}.")
        or (is_list and field.startswith(f"{dotted}."))
        for field in requested
    )


def out_of_scope(
    changes: Mapping[str, Any],
    current: Mapping[str, Any],
    requested: list[str],
    engaged: bool,
) -> list[RuleViolation]:
    """A violation for each change the open requests do not allow."""
    violations = []
    for path, is_list in _changed_leaves(changes, current):
        part, field = path[0], path[-1]
        if part in NEVER_CHANGED:
            message = Message.of("supplement.procedures_unchanged")
        elif part == "declarant" and field in IDENTITY_FIELDS and len(path) == 2:
            message = Message.of("supplement.declarant_id_unchanged")
        elif not _allowed(path, is_list, requested):
            message = Message.of("supplement.field_not_requested", field=".".join(path))
        elif field in IDENTITY_FIELDS and len(path) == 2 and engaged:
            # Replacing a person an agency has relied on would make it act on someone else.
            message = Message.of("supplement.identity_not_replaceable", part=part)
        else:
            continue
        violations.append(_violation(path[:1] if part in NEVER_CHANGED else path, message))
    return violations

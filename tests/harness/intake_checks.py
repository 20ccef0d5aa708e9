"""What the portal answers to a declaration body, computed as the portal computes it but without
a server: the submission model's validation, then the intake rules, each failure translated into
the contract's `{"loc", "msg", "type"}` by the portal's own error translation."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from devstack.declaration_factory import today_in_viet_nam
from messages import DEFAULT_LANGUAGE, Language
from portal_api.errors import contract_errors, violations_response
from reference_data.admin_units import official_admin_units
from schemas.birth import BirthDeclarationSubmission
from schemas.death import DeathDeclarationSubmission
from schemas.rules.birth import check_birth_declaration
from schemas.rules.death import check_death_declaration
from schemas.rules.findings import RuleContext, RuleViolation
from settings import Settings
from tests.harness.configuration import TEST_ATTACHMENT_MAX_BYTES

Body = dict[str, Any]
Problem = dict[str, Any]

ADMIN_UNITS = official_admin_units()

_SUBMISSIONS: dict[str, tuple[type[BaseModel], Callable[..., Sequence[RuleViolation]]]] = {
    "birth": (BirthDeclarationSubmission, check_birth_declaration),
    "death": (DeathDeclarationSubmission, check_death_declaration),
}


def rule_context(today: date | None = None) -> RuleContext:
    """The limits a test stack's portal applies (see `stack_settings`), on today's date in Viet
    Nam unless told otherwise."""
    return RuleContext(
        today=today or today_in_viet_nam(),
        admin_units=ADMIN_UNITS,
        attachment_max_bytes=TEST_ATTACHMENT_MAX_BYTES,
        max_attachments=Settings.model_fields["max_attachments"].default,
    )


def refusal_detail(
    kind: str,
    body: Body,
    context: RuleContext | None = None,
    language: Language = DEFAULT_LANGUAGE,
) -> list[Problem]:
    """The `detail` of the 422 the portal answers when `body` is filed as a `kind` declaration
    (in `language`), or [] when it would accept it."""
    model, check = _SUBMISSIONS[kind]
    try:
        submission = model.model_validate(body)
    except ValidationError as error:
        # FastAPI locates a request body's errors under "body".
        return contract_errors(
            ({**problem, "loc": ("body", *problem["loc"])} for problem in error.errors()),
            language,
        )
    violations = check(submission, submission.attachments, context or rule_context())  # type: ignore[attr-defined]
    if not violations:
        return []
    response = violations_response(violations, language)
    detail: list[Problem] = json.loads(bytes(response.body))["detail"]
    return detail

"""What the Temporal UI shows operators of a declaration, in Vietnamese: its title, a table of
its steps, what it awaits and how its results travel. States and codes stay as the search
attributes name them, so an operator can filter by what they read."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from messages import Language, Message, in_words
    from schemas.status import DeclarationStatusView

from workflows.procedure_groups import PROCEDURE_GROUPS

# The operators who read the Temporal UI work in Vietnamese.
OPERATOR_LANGUAGE: Language = "vi"


def operator_details(view: DeclarationStatusView) -> str:
    """The details, as Markdown."""
    title = Message.of(
        "operator.declaration_title",
        group=PROCEDURE_GROUPS[view.procedure].name,
        declaration_id=view.declaration_id,
        status=view.status.value,
    ).text(OPERATOR_LANGUAGE)
    overdue = Message.of("operator.overdue").text(OPERATOR_LANGUAGE)
    columns = Message.of("operator.table_header").text(OPERATOR_LANGUAGE).split("; ")
    lines = [
        f"{title}{' ' + overdue if view.overdue else ''}",
        "",
        f"| {' | '.join(columns)} |",
        "|---|---|---|---|---|",
    ]
    step_overdue = Message.of("operator.step_overdue").text(OPERATOR_LANGUAGE)
    for step in view.steps:
        deadline = step.deadline.isoformat(timespec="minutes") if step.deadline else ""
        lines.append(
            f"| {step.agency.value} | {step.procedure.value} | {step.status.value}"
            f"{' ' + step_overdue if step.overdue else ''} | {step.case_number or ''} "
            f"| {deadline} |"
        )
    if view.supplement_request is not None:
        request = in_words(view.supplement_request.message, OPERATOR_LANGUAGE) or ""
        awaiting = Message.of("operator.awaiting_supplement", request=request)
        lines.append(f"\n{awaiting.text(OPERATOR_LANGUAGE)}")
    delivery = Message.of(
        "operator.delivery", method=view.delivery.method, status=view.delivery.status.value
    )
    lines.append(f"\n{delivery.text(OPERATOR_LANGUAGE)}")
    return "\n".join(lines)

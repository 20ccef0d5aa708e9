"""The procedures a family chooses after a death, and the benefit details each choice needs."""

from __future__ import annotations

from collections.abc import Sequence

from messages import Message
from schemas.common import AttachmentBase, Procedure
from schemas.death import MANDATORY_DEATH_PROCEDURES, DeathDeclarationFields
from schemas.rules.dates import check_past_date
from schemas.rules.findings import Findings, Loc, RuleContext
from schemas.rules.identity import check_personal_id_prefix


def check_chosen_procedures(found: Findings, declaration: DeathDeclarationFields) -> None:
    """The mandatory procedures are chosen, each once; benefit and payment details are given
    exactly when a benefit is chosen."""
    chosen = set(declaration.procedures)
    for mandatory in MANDATORY_DEATH_PROCEDURES:
        if mandatory.value not in chosen:
            found.report(
                ("body", "procedures"),
                "procedure_missing",
                procedure=Message.of(f"procedure.{mandatory.value}"),
            )
    if len(chosen) != len(declaration.procedures):
        found.report(("body", "procedures"), "procedure_repeated")

    wants_survivor = Procedure.SURVIVOR_BENEFIT.value in chosen
    wants_benefit = wants_survivor or Procedure.FUNERAL_ALLOWANCE.value in chosen
    if wants_survivor and declaration.survivor_benefit is None:
        found.report(("body", "survivor_benefit"), "survivor_benefit_missing")
    if not wants_survivor and declaration.survivor_benefit is not None:
        found.report(("body", "survivor_benefit"), "survivor_benefit_unexpected")
    if wants_benefit and declaration.payment is None:
        found.report(("body", "payment"), "payment_missing")
    if not wants_benefit and declaration.payment is not None:
        found.report(("body", "payment"), "payment_unexpected")
    if (
        declaration.payment is not None
        and declaration.payment.method == "bank"
        and declaration.payment.bank_account is None
    ):
        found.report(("body", "payment", "bank_account"), "bank_account_missing")


def check_beneficiaries(
    found: Findings, declaration: DeathDeclarationFields, ctx: RuleContext
) -> None:
    """Each survivor-benefit beneficiary is listed once, is not the deceased, and has a
    plausible ID and date of birth."""
    if declaration.survivor_benefit is None:
        return
    seen: set[str] = set()
    for index, person in enumerate(declaration.survivor_benefit.beneficiaries):
        loc: Loc = ("body", "survivor_benefit", "beneficiaries", index)
        if person.personal_id == declaration.deceased.personal_id:
            found.report((*loc, "personal_id"), "beneficiary_is_deceased")
        if person.personal_id in seen:
            found.report((*loc, "personal_id"), "beneficiary_repeated")
        seen.add(person.personal_id)
        check_past_date(
            found,
            (*loc, "date_of_birth"),
            person.date_of_birth,
            ctx,
            Message.of("what.beneficiary_date_of_birth"),
        )
        check_personal_id_prefix(found, (*loc, "personal_id"), person.personal_id, ctx)


WORKING_CAPACITY_ASSESSMENT = "working_capacity_assessment"


def check_working_capacity_assessments(
    found: Findings, declaration: DeathDeclarationFields, attachments: Sequence[AttachmentBase]
) -> None:
    """A reduced working capacity declared for a beneficiary rests on the medical assessment
    council's record, attached and naming that beneficiary; an assessment names whom it is of."""
    assessed: set[str] = set()
    for index, attachment in enumerate(attachments):
        if attachment.kind != WORKING_CAPACITY_ASSESSMENT:
            continue
        if attachment.personal_id is None:
            found.report(("body", "attachments", index, "personal_id"), "assessment_names_no_one")
        else:
            assessed.add(attachment.personal_id)
    if declaration.survivor_benefit is None:
        return
    for index, person in enumerate(declaration.survivor_benefit.beneficiaries):
        if (
            person.working_capacity_reduction_percent is not None
            and person.personal_id not in assessed
        ):
            found.report(
                (
                    "body",
                    "survivor_benefit",
                    "beneficiaries",
                    index,
                    "working_capacity_reduction_percent",
                ),
                "working_capacity_assessment_missing",
                percent=person.working_capacity_reduction_percent,
            )

"""The rules of a death declaration: the procedures chosen, the deceased, the declarant, the
beneficiaries and the proof of death."""

from __future__ import annotations

from collections.abc import Sequence

from messages import Message
from schemas.common import AttachmentBase
from schemas.death import CLOSE_RELATIVES, OCCUPATIONAL_CAUSES, DeathDeclarationFields
from schemas.names import same_name
from schemas.rules.attachments import attachment_kinds, check_attachment_content
from schemas.rules.benefits import (
    check_beneficiaries,
    check_chosen_procedures,
    check_working_capacity_assessments,
)
from schemas.rules.dates import check_past_date
from schemas.rules.delivery import check_contact, check_delivery
from schemas.rules.findings import Findings, RuleContext, RuleViolation
from schemas.rules.identity import check_personal_id_agrees, check_personal_id_prefix
from schemas.rules.places import check_commune


def check_death_declaration(
    declaration: DeathDeclarationFields, attachments: Sequence[AttachmentBase], ctx: RuleContext
) -> list[RuleViolation]:
    found = Findings()
    deceased, declarant = declaration.deceased, declaration.declarant

    check_chosen_procedures(found, declaration)

    check_past_date(
        found,
        ("body", "deceased", "date_of_death"),
        deceased.date_of_death,
        ctx,
        Message.of("what.date_of_death"),
    )
    if deceased.date_of_birth >= deceased.date_of_death:
        found.report(("body", "deceased", "date_of_birth"), "born_after_death")
    check_personal_id_agrees(
        found,
        ("body", "deceased", "personal_id"),
        deceased.personal_id,
        deceased.sex,
        deceased.date_of_birth,
        ctx,
    )
    check_commune(
        found,
        ("body", "deceased", "place_of_death", "commune_code"),
        deceased.place_of_death.commune_code,
        ctx,
    )

    check_personal_id_prefix(
        found, ("body", "declarant", "personal_id"), declarant.personal_id, ctx
    )
    if declarant.personal_id == deceased.personal_id:
        found.report(("body", "declarant", "personal_id"), "declarant_is_deceased")
    check_contact(found, declarant)
    check_delivery(found, declaration.delivery, ctx)

    check_beneficiaries(found, declaration, ctx)

    kinds = attachment_kinds(attachments)
    if not kinds & {"death_notice", "death_notice_replacement"}:
        found.report(("body", "attachments"), "death_notice_missing")
    if declarant.relationship not in CLOSE_RELATIVES and "authorization" not in kinds:
        found.report(
            ("body", "attachments"),
            "authorization_missing",
            declarant=Message.of("declarant.not_close_relative"),
        )
    if (
        deceased.cause_category in OCCUPATIONAL_CAUSES
        and "occupational_accident_record" not in kinds
    ):
        # The record is what lets social security pay the monthly benefit on this ground.
        found.report(
            ("body", "attachments"),
            "occupational_accident_record_missing",
            cause=Message.of(f"benefit.cause.{deceased.cause_category}"),
        )
    check_working_capacity_assessments(found, declaration, attachments)
    check_attachment_content(found, attachments, ctx)
    return found.items


def account_holder_violation(declaration: DeathDeclarationFields) -> RuleViolation | None:
    """When a supplement changes who is paid: the account holder must be one of the people the
    registry confirms on this declaration, the declarant or a beneficiary."""
    account = declaration.payment.bank_account if declaration.payment else None
    if account is None:
        return None
    beneficiaries = (
        declaration.survivor_benefit.beneficiaries if declaration.survivor_benefit else []
    )
    known = [declaration.declarant.full_name, *(b.full_name for b in beneficiaries)]
    if any(same_name(account.account_holder, name) for name in known):
        return None
    return RuleViolation(
        ("body", "payment", "bank_account", "account_holder"),
        "account_holder_unknown",
        Message.of("supplement.account_holder_unknown"),
    )

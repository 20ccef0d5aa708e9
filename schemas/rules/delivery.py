"""How the agencies reach the declarant, and how the results reach them."""

from __future__ import annotations

from schemas.common import Delivery
from schemas.rules.findings import Findings, Loc, RuleContext
from schemas.rules.places import check_commune


def check_contact(found: Findings, phone: str | None, email: str | None) -> None:
    if phone is None and email is None:
        found.report(("body", "declarant", "phone"), "contact_missing")


def check_delivery(
    found: Findings, delivery: Delivery, declarant_email: str | None, ctx: RuleContext
) -> None:
    loc: Loc = ("body", "delivery")
    if delivery.method == "pickup" and delivery.pickup_agency is None:
        found.report((*loc, "pickup_agency"), "pickup_agency_missing")
    if delivery.method == "post":
        if delivery.postal_address is None:
            found.report((*loc, "postal_address"), "postal_address_missing")
        else:
            check_commune(
                found,
                (*loc, "postal_address", "commune_code"),
                delivery.postal_address.commune_code,
                ctx,
            )
    if delivery.method == "electronic" and declarant_email is None:
        found.report(("body", "declarant", "email"), "email_missing")

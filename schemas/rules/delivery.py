"""How the agencies reach the declarant, and how the results reach them."""

from __future__ import annotations

from schemas.common import Contact, Delivery
from schemas.rules.findings import Findings, Loc, RuleContext
from schemas.rules.places import check_commune


def check_contact(found: Findings, contact: Contact) -> None:
    """Someone must be reachable, and each chosen channel needs its address."""
    if contact.phone is None and contact.email is None:
        found.report(("body", "declarant", "phone"), "contact_missing")
        return
    notify = contact.notify or []
    if "sms" in notify and contact.phone is None:
        found.report(("body", "declarant", "phone"), "notify_phone_missing")
    if "email" in notify and contact.email is None:
        found.report(("body", "declarant", "email"), "notify_email_missing")


def check_delivery(found: Findings, delivery: Delivery, ctx: RuleContext) -> None:
    """Electronic results need no e-mail address: they go to the citizen's account on the
    portal, and to the address too when one is given."""
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

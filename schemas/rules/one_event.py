"""One event, one declaration: what identifies the birth or the death a declaration reports, so
that a second declaration of it is refused while the first is open or has registered it.

A child is its mother's child born on its date, in its place among the children she bore that
day (its birth order; a child declared without one is the first, so twins differ by it). Its
name is no part of it: a name may be spelt many ways, and a family may change its mind about
it. A death is the person's, by personal ID. An abandoned child has no mother: the record of
its discovery, which is the one document that stands for that child alone, names it instead.

The identity is plain text meant to be hashed with a secret key before it is kept
(`security.pseudonyms`): it holds personal IDs.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.birth import BirthDeclarationFields, Parent
from schemas.common import AttachmentBase
from schemas.death import DeathDeclarationFields
from schemas.status import DeclarationState

# The first child of the day, when the declaration gives no birth order.
FIRST_BIRTH = 1

# A declaration that ended in one of these leaves its event free to be declared again: a
# refused one registered nothing, the family corrects it and files anew; a withdrawn one is the
# family's own "not this one" (what an agency registered before the withdrawal stays, and that
# agency refuses to register it twice); a failed one broke down for no fault of the family's.
# An open declaration holds its event, and so does a completed or partially completed one,
# whose birth or death registration was granted.
RELEASING_STATES = frozenset(
    {DeclarationState.REJECTED, DeclarationState.WITHDRAWN, DeclarationState.FAILED}
)

# Keeps the fields of an identity apart whatever they hold.
_SEPARATOR = "\x1f"


def holds_event(state: DeclarationState) -> bool:
    """Whether a declaration in `state` still stands for its event."""
    return state not in RELEASING_STATES


def _parent_identity(parent: Parent) -> str:
    if parent.personal_id is not None:
        return f"personal_id:{parent.personal_id}"
    return f"passport:{parent.nationality}:{parent.passport_number}"


def birth_event(
    declaration: BirthDeclarationFields, attachments: Sequence[AttachmentBase]
) -> str | None:
    """The birth's identity; None for an abandoned child filed without its discovery record
    (a declaration the rules refuse anyway)."""
    child = declaration.child
    order = child.birth_order or FIRST_BIRTH
    if declaration.mother is not None:
        mother = _parent_identity(declaration.mother)
        fields = ("birth", mother, child.date_of_birth.isoformat(), str(order))
        return _SEPARATOR.join(fields)
    records = sorted({a.sha256 for a in attachments if a.kind == "abandonment_record"})
    if not records:
        return None
    return _SEPARATOR.join(("abandoned_child", *records))


def death_event(declaration: DeathDeclarationFields) -> str:
    """The death's identity: the deceased's."""
    return _SEPARATOR.join(("death", declaration.deceased.personal_id))

"""The time limit of each procedure and procedure group, in working days; each procedure's is in
its row of the procedure table (agency_contracts.procedures).

Birth: Decree 63/2024 gives the whole group 3 working days (5 when verification is needed), and
registers the birth the same working day. Death: registered the same day (the next working day
after 15:00); the per-step limits are not set by a confirmed text and are configuration, with
social security's 10 working days for survivor and funeral claims (SI Law 2024, Art. 91).

The group's limit, and the same-day registration that opens it, count from the moment the portal
received the dossier (or the supplement that completed it): "the same working day" is the day the
family filed, not the day the request happened to reach the justice office. The steps that
follow a registration cannot start before it, so their own limits count from when their agency
has the case, and never run past the group's.
"""

from __future__ import annotations

from datetime import datetime

from agency_contracts.procedures import PROCEDURES
from schemas.common import Procedure, ProcedureGroup

STEP_WORKING_DAYS: dict[Procedure, int] = {p: row.working_days for p, row in PROCEDURES.items()}

# The registrations made "the same working day": their limit counts from the dossier's receipt.
COUNTED_FROM_DOSSIER_RECEIPT: frozenset[Procedure] = frozenset(
    p for p, row in PROCEDURES.items() if row.counted_from_receipt
)

GROUP_WORKING_DAYS: dict[ProcedureGroup, int] = {
    ProcedureGroup.BIRTH: 3,
    ProcedureGroup.DEATH: 10,
}
GROUP_WORKING_DAYS_WITH_VERIFICATION: dict[ProcedureGroup, int] = {
    ProcedureGroup.BIRTH: 5,
    ProcedureGroup.DEATH: 10,
}

SUPPLEMENT_WAIT_WORKING_DAYS = 7
# How long posted results are awaited before an operator is asked to look: well past the
# post's own delivery standards, even to remote communes.
POSTAL_DELIVERY_WAIT_WORKING_DAYS = 30


def step_counting_from(
    procedure: Procedure, dossier_received_at: datetime, reached_agency_at: datetime
) -> datetime:
    """The moment a step's own limit counts from."""
    if procedure in COUNTED_FROM_DOSSIER_RECEIPT:
        return dossier_received_at
    return reached_agency_at


def group_working_days(group: ProcedureGroup, verification: bool) -> int:
    """The whole group's limit, longer for a declaration that needs verification."""
    return (GROUP_WORKING_DAYS_WITH_VERIFICATION if verification else GROUP_WORKING_DAYS)[group]

"""The time limit of each procedure and procedure group, in working days.

Birth: Decree 63/2024 gives the whole group 3 working days (5 when verification is needed), and
registers the birth the same working day. Death: registered the same day (the next working day
after 15:00); the per-step limits below are not set by a confirmed text and are configuration,
with social security's 10 working days for survivor and funeral claims (SI Law 2024, Art. 91).
"""

from __future__ import annotations

from schemas.common import Procedure, ProcedureGroup

STEP_WORKING_DAYS: dict[Procedure, int] = {
    Procedure.BIRTH_REGISTRATION: 1,
    Procedure.RESIDENCE_REGISTRATION: 3,
    Procedure.HEALTH_INSURANCE_CARD: 3,
    Procedure.DEATH_REGISTRATION: 1,
    Procedure.RESIDENCE_REMOVAL: 3,
    Procedure.FUNERAL_ALLOWANCE: 10,
    Procedure.SURVIVOR_BENEFIT: 10,
}

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


def group_working_days(group: ProcedureGroup, verification: bool) -> int:
    """The whole group's limit, longer for a declaration that needs verification."""
    return (GROUP_WORKING_DAYS_WITH_VERIFICATION if verification else GROUP_WORKING_DAYS)[group]

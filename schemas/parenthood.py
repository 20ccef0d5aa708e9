"""A parent who died before the birth is registered was still the child's parent.

A mother who died in childbirth, or any time after the birth, is the woman who gave birth. A
father who died during the pregnancy is presumed the father of a child born within 300 days of
his death (Law on Marriage and Family 2014, Art. 88(1): a child born within 300 days of the end
of a marriage, which a death ends, is the spouses' common child). A parent who died after the
birth, before it was declared, is the child's parent all the more. The population registry's
"deceased" is therefore no reason to refuse a birth; only a death too early to fit the birth is.

Pure rules on dates, shared by the orchestrator's registry cross-check and the agencies.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

ParentRole = Literal["mother", "father"]

# Law on Marriage and Family 2014, Art. 88(1).
PATERNITY_AFTER_DEATH_DAYS = 300

# Why a parent's recorded death does not fit the birth, as a stable code.
DEATH_TOO_EARLY: dict[ParentRole, str] = {
    "mother": "mother_died_before_birth",
    "father": "father_died_before_conception",
}


def earliest_death_of_parent(role: ParentRole, child_born: date) -> date:
    """The earliest date a parent may have died and still be the child's parent: for the
    mother, the day of the birth; for the father, 300 days before it (day 300 after his death
    is still within the limit)."""
    if role == "mother":
        return child_born
    return child_born - timedelta(days=PATERNITY_AFTER_DEATH_DAYS)


def parent_death_conflict(role: ParentRole, date_of_death: date, child_born: date) -> str | None:
    """None when a parent who died on `date_of_death` is still the parent of a child born on
    `child_born`; otherwise the code of the reason they cannot be (`DEATH_TOO_EARLY`)."""
    if date_of_death >= earliest_death_of_parent(role, child_born):
        return None
    return DEATH_TOO_EARLY[role]

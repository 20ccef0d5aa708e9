"""The names a new declaration is known by: its ID, its workflow's ID, and the fingerprint that
tells a repeated submission from a different one under the same idempotency key."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from legal_deadlines.working_calendar import VIET_NAM_TIME
from portal_api.filings import Submission


def new_declaration_id(received_at: datetime) -> str:
    return f"LT-{received_at.astimezone(VIET_NAM_TIME):%Y%m%d}-{secrets.token_hex(5).upper()}"


def workflow_id_for(declaration_id: str) -> str:
    return f"declaration-{declaration_id}"


def request_fingerprint(submission: Submission) -> str:
    return hashlib.sha256(submission.model_dump_json().encode()).hexdigest()

"""Idempotency keys sent to the agencies with every step."""

from __future__ import annotations

from schemas.common import Procedure


def idempotency_key(declaration_id: str, procedure: Procedure, round_number: int = 1) -> str:
    """The key an agency uses to recognise a repeat of the same step for the same declaration.

    A step that is submitted again with new data (after a supplement) gets the next round."""
    return f"{declaration_id}:{procedure.value}:{round_number}"

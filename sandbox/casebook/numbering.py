"""Case numbers and register numbers, counted in the agency's own database."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from sandbox.casebook.tables import Counter


def next_number(session: Session, series: str) -> int:
    counter = session.get(Counter, series) or Counter(series=series, value=0)
    counter.value += 1
    session.add(counter)
    return counter.value


def register_number(session: Session, prefix: str, counter: str, commune: str, on: date) -> str:
    """A civil-status or residence register's number, counted per commune and year:
    PREFIX-YEAR-COMMUNE-NNNNNN."""
    sequence = next_number(session, f"{counter}:{on.year}:{commune}")
    return f"{prefix}-{on.year}-{commune}-{sequence:06d}"

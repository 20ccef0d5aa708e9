"""How an agency's record prints on its signed document: a line per figure, a label and its
value, written in Vietnamese as the document is."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from messages import Text, in_words
from messages.formats import day, vnd
from schemas.results import StepResult

Line = tuple[str, str]
# The lines a record prints, below the document's heading.
Printer = Callable[[StepResult], Iterable[Line]]


def day_vi(value: date) -> str:
    return day(value, "vi")


def vnd_vi(amount: int | None) -> str:
    return "—" if amount is None else vnd(amount, "vi")


def yes_no(value: bool) -> str:
    return "Có" if value else "Không"


def in_vietnamese(lines: Iterable[tuple[Text, Text]]) -> Iterator[Line]:
    """Lines written as language-free messages, put into Vietnamese."""
    for label, value in lines:
        yield in_words(label, "vi") or "", in_words(value, "vi") or ""

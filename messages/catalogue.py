"""The message catalogue: codes to texts, per language, from gettext `.po` files.

The `msgid` of each entry is the message's code (`date_in_future`), not an English sentence: the
code is what the portal acts on, and it stays the same whatever the wording. Its `msgstr` is the
text in that language, with `{name}` placeholders filled from the message's parameters. A
parameter that is itself a `Message` is put into words first, in the same language. A placeholder
may name how its figure is written (`{amount:vnd}`, `{months:n}`, `{effective_from:day}`,
`{first_month:month}`: see `messages.formats`), so each language writes it its own way.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from messages.formats import FORMATS
from messages.languages import DEFAULT_LANGUAGE, LANGUAGES, Language

LOCALES = Path(__file__).resolve().parent / "locales"


class Message(BaseModel):
    """A text to be said, without its words: its code and what fills it."""

    model_config = ConfigDict(frozen=True)

    code: str
    params: dict[str, Message | str | int | float] = Field(default_factory=dict)

    @classmethod
    def of(cls, code: str, **params: str | int | float | Message) -> Message:
        return cls(code=code, params=params)

    def text(self, language: Language = DEFAULT_LANGUAGE) -> str:
        return render(self, language)

    @model_serializer(mode="wrap")
    def _in_words(
        self, handler: SerializerFunctionWrapHandler, info: SerializationInfo
    ) -> dict[str, object] | str:
        """Dumped with a `language` in the serialization context (what the API answers), the
        message is its text in that language; otherwise (histories, the store) its code and
        parameters."""
        language = (info.context or {}).get("language") if isinstance(info.context, dict) else None
        if language in LANGUAGES:
            return render(self, language)
        dumped: dict[str, object] = handler(self)
        return dumped


# What a citizen or a family reads: the product's own words, or a text an agency wrote as it
# wrote it (agencies write Vietnamese).
Text = str | Message


def in_words(text: Text | None, language: Language = DEFAULT_LANGUAGE) -> str | None:
    return text.text(language) if isinstance(text, Message) else text


def in_language(language: Language) -> dict[str, Language]:
    """The serialization context that dumps every `Message` as its text in `language`."""
    return {"language": language}


def listing(items: list[Message]) -> Message:
    """Several messages as one enumeration ("a, b and c"), in whichever language."""
    if not items:
        return Message.of("list.none")
    if len(items) == 1:
        return items[0]
    if len(items) == 2:
        return Message.of("list.last", first=items[0], rest=items[1])
    return Message.of("list.more", first=items[0], rest=listing(items[1:]))


def sentences(items: Sequence[Text]) -> Text:
    """Several sentences as one text, each in whichever language it can be."""
    if len(items) == 1:
        return items[0]
    return Message.of("list.sentences", first=items[0], rest=sentences(items[1:]))


@cache
def _texts(language: Language) -> Mapping[str, str]:
    texts: dict[str, str] = {}
    for po in sorted((LOCALES / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as file:
            catalog = read_po(file, locale=language)
        for entry in catalog:
            if entry.id and isinstance(entry.id, str) and isinstance(entry.string, str):
                if entry.id in texts:
                    raise ValueError(f"message {entry.id!r} is defined twice ({po.name})")
                texts[entry.id] = entry.string
    return texts


def render(message: Message, language: Language = DEFAULT_LANGUAGE) -> str:
    """The message in words. An unknown code is a bug the catalogue test catches; at run time
    the code itself is shown rather than failing the citizen's request."""
    template = _texts(language).get(message.code) or _texts(DEFAULT_LANGUAGE).get(message.code)
    if not template:
        return message.code
    values = {
        name: render(value, language) if isinstance(value, Message) else value
        for name, value in message.params.items()
    }
    try:
        return _Formatter(language).vformat(template, (), values)
    except (KeyError, IndexError, ValueError):
        return template


class _Formatter(string.Formatter):
    """Fills a template in one language: a placeholder naming one of `messages.formats` writes
    its figure in that language's conventions."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        write = FORMATS.get(format_spec)
        if write is None:
            return str(super().format_field(value, format_spec))
        try:
            return write(value, self.language)
        except (TypeError, ValueError, ArithmeticError):
            # A figure already in words (a `Message` put into words first) stays as it is.
            return str(value)


def negotiate_language(accept_language: str | None) -> Language:
    """The language of an `Accept-Language` header: the most preferred one we speak, Vietnamese
    when none is."""
    best: tuple[float, Language] | None = None
    for part in (accept_language or "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        primary = tag.split("-")[0].strip().lower()
        if primary not in LANGUAGES:
            continue
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if best is None or weight > best[0]:
            best = (weight, primary)
    return best[1] if best is not None else DEFAULT_LANGUAGE


def _placeholders(template: str) -> set[tuple[str, str]]:
    """Each placeholder's name and the format it names (the same in every language, so a
    figure is written in each language's conventions in all of them)."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name}


def catalogue_problems() -> list[str]:
    """Every code that lacks a text in a language, and every text whose placeholders (or their
    formats) differ from the other language's."""
    problems = []
    texts = {language: _texts(language) for language in LANGUAGES}
    codes = set().union(*(set(t) for t in texts.values()))
    for code in sorted(codes):
        missing = [language for language in LANGUAGES if not texts[language].get(code)]
        if missing:
            problems.append(f"{code}: no text in {', '.join(missing)}")
            continue
        shapes = {language: _placeholders(texts[language][code]) for language in LANGUAGES}
        if len({frozenset(s) for s in shapes.values()}) > 1:
            problems.append(f"{code}: placeholders differ between languages {shapes}")
    return problems


@cache
def known_codes() -> frozenset[str]:
    return frozenset().union(*(set(_texts(language)) for language in LANGUAGES))

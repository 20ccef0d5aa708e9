"""Text as people type it, taken in one Unicode form and holding only characters that are text.

Every text field of a declaration passes through `plain_text` (or `multiline_text`) before its
own format check. It puts the text in the precomposed form (NFC): keyboards and systems send
Vietnamese letters precomposed ("ễ") or decomposed ("e" and two combining marks), and both are
the same letters, so they are stored, compared, measured and sent in one form.

It then refuses what is not text a person means to write, and would travel unseen onto a signed
record: control characters (NUL, a line break in a one-line field), format characters (the
bidirectional overrides and isolates that reorder what a record shows, zero-width characters,
the byte-order mark), surrogates, private-use and unassigned code points, line and paragraph
separators, and the few letters of other categories that draw nothing (fillers, the combining
grapheme joiner). The error names the character's position, so the citizen knows where to look.

Text printed on a record in Vietnamese (an address, a facility's name, a document's number) is
also held to the Latin script (`latin_script`): a Cyrillic "Р" or an Arabic-Indic "١" looks like
a Latin letter or digit and is another one to every machine that reads it. People's names are
held to a narrower alphabet still (`schemas.names`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, StringConstraints
from pydantic_core import PydanticCustomError

TEXT_INVALID_CHARACTER = "text_invalid_character"

# Why a character is refused, each with its own words (`text_invalid_character.<kind>`).
RefusedKind = Literal["line_break", "control", "invisible", "not_a_character", "other_script"]

# Each character that breaks a line (in Unicode's sense, which is wider than a keyboard's).
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")
_KIND_OF_CATEGORY: dict[str, RefusedKind] = {
    "Cc": "control",
    "Cf": "invisible",
    "Cs": "not_a_character",
    "Co": "not_a_character",
    "Cn": "not_a_character",
}
# Default-ignorable code points whose category text may otherwise hold: they draw nothing.
# (Variation selectors, also default-ignorable, stay: they choose how a visible character looks.)
_INVISIBLE_LETTERS = frozenset(
    {
        "\u034f",  # combining grapheme joiner
        "\u115f",  # Hangul choseong filler
        "\u1160",  # Hangul jungseong filler
        "\u17b4",  # Khmer vowel inherent aq
        "\u17b5",  # Khmer vowel inherent aa
        "\u3164",  # Hangul filler
        "\uffa0",  # halfwidth Hangul filler
    }
)
_LINE_FEED = "\n"
# A line ended as any device ends it: CR LF, CR, or one of Unicode's line breaks.
_LINE_ENDINGS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


def refused_kind(character: str, line_breaks: bool = False) -> RefusedKind | None:
    """Why `character` may not be typed into a text field, or None when it may. A line feed is
    allowed only where `line_breaks` are."""
    if line_breaks and character == _LINE_FEED:
        return None
    if character in _LINE_BREAKS:
        return "line_break"
    if character in _INVISIBLE_LETTERS:
        return "invisible"
    return _KIND_OF_CATEGORY.get(unicodedata.category(character))


def _refuse_invisible(text: str, line_breaks: bool) -> None:
    # Each distinct character is looked at once, so a long attachment costs one pass in C.
    refused = {ch for ch in set(text) if refused_kind(ch, line_breaks) is not None}
    if not refused:
        return
    position = next(i for i, ch in enumerate(text) if ch in refused)
    kind = refused_kind(text[position], line_breaks)
    raise PydanticCustomError(
        TEXT_INVALID_CHARACTER,
        "The text holds a character that is not text (position {position}).",
        {"message_code": f"{TEXT_INVALID_CHARACTER}.{kind}", "position": position + 1},
    )


def plain_text(value: object) -> object:
    """A one-line text in the precomposed form, refused if it holds a character that is not
    text; the position it names is counted in that form."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value)
    _refuse_invisible(text, line_breaks=False)
    return text


def multiline_text(value: object) -> object:
    """Like `plain_text`, for a text typed in a box of several lines: its line breaks stay, as
    line feeds whatever the device ended its lines with."""
    if not isinstance(value, str):
        return value
    text = _LINE_ENDINGS.sub(_LINE_FEED, unicodedata.normalize("NFC", value))
    _refuse_invisible(text, line_breaks=True)
    return text


def _other_script(character: str) -> bool:
    """A letter of a script other than Latin ("Р" Cyrillic, "ρ" Greek, "ر" Arabic, a full-width
    "Ａ"), or a digit other than 0 to 9 ("١" Arabic-Indic): it may look like a Latin letter or
    digit, and is another character to every machine that reads the record."""
    category = unicodedata.category(character)
    if category.startswith("L"):
        return not unicodedata.name(character, "").startswith("LATIN ")
    return category == "Nd" and not character.isascii()


def latin_script(value: str) -> str:
    """Text written in the Latin script, as Vietnamese is: a letter or digit of another script
    in an address, a facility's name or a document's number is refused, with its position."""
    position = next((i for i, ch in enumerate(value) if _other_script(ch)), None)
    if position is None:
        return value
    raise PydanticCustomError(
        TEXT_INVALID_CHARACTER,
        "The text holds a letter or digit of a script other than Latin (position {position}).",
        {"message_code": f"{TEXT_INVALID_CHARACTER}.other_script", "position": position + 1},
    )


# The check every text field of a body the portal takes carries (tests walk the models for it).
TEXT_CHECK = BeforeValidator(plain_text)
MULTILINE_TEXT_CHECK = BeforeValidator(multiline_text)
# Text printed on a record in Vietnamese holds no letter of another script.
LATIN_SCRIPT_CHECK = AfterValidator(latin_script)

# A one-line text of any format: the base of identifiers, codes and names.
Text = Annotated[str, TEXT_CHECK]
# Several lines a person writes in their own words (a reason).
MultilineText = Annotated[str, MULTILINE_TEXT_CHECK]
# Text a person types (an address, a place, a facility's name, a cause of death), measured in
# the precomposed form, in the Latin script.
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    TEXT_CHECK,
    LATIN_SCRIPT_CHECK,
]

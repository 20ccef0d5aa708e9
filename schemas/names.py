"""People's names: what letters a name is written with, and when two spellings are one name.

A name is written in the Latin letters of Vietnamese: the 29 letters of the Vietnamese alphabet
(ă â đ ê ô ơ ư among them), f j w z, which names of minority and foreign origin use, and the five
tone marks on any vowel. To those are added the letters of the Latin orthographies of the Central
Highlands languages (Ê Đê, Jarai, Bahnar, M'Nông): the short vowels ĕ ĭ ŏ ŭ ê̆ ô̆ ơ̆ ư̆ and ƀ č ñ,
since names such as "Y-Ƀlŭl Niê Blô" are written with them, and each is a Latin letter of its
own, not a look-alike from another script. Between the letters: spaces, hyphens and apostrophes
("H'Hen Niê"); the typographic apostrophe (’) phones type is taken as the apostrophe it stands
for, so one name has one spelling.

Everything else is refused: digits, symbols, letters of other scripts (Cyrillic "Нгуен", Greek,
Arabic; a single Cyrillic "а" in a Latin name looks the same and is another name to a machine),
Latin letters outside that list (ɑ, ı, full-width Ａ), a tone mark on a consonant, two tone marks
on one vowel. Which letter is which is decided on the decomposed form, so a letter typed
decomposed is the same letter as typed precomposed.

Names are compared under `name_key`: one Unicode form, one case, one spacing, and one placement
of the tone in the syllables oa, oe and uy ("Hòa" and "Hoà", "Thủy" and "Thuỷ" are one name,
written in the old style and the new). The name kept and printed is the one the citizen wrote.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from schemas.text import TEXT_CHECK

NAME_INVALID_CHARACTER = "name_invalid_character"

# huyền, sắc, ngã, hỏi, nặng
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
VIETNAMESE_VOWELS = "aăâeêioôơuưy"
VIETNAMESE_CONSONANTS = "bcdđfghjklmnpqrstvwxz"
# The Central Highlands orthographies' own letters; ê̆ ô̆ ơ̆ ư̆ have no precomposed form.
HIGHLANDS_LETTERS = ("ĕ", "ĭ", "ŏ", "ŭ", "ê\u0306", "ô\u0306", "ơ\u0306", "ư\u0306", "ƀ", "č", "ñ")
APOSTROPHE = "'"
TYPOGRAPHIC_APOSTROPHE = "\u2019"
NAME_SEPARATORS = frozenset({"-", APOSTROPHE})

# Why a character is refused in a name, each with its own words (`name_invalid_character.<kind>`).
NameProblem = Literal["digit", "other_script", "mark", "symbol"]


def _name_letters() -> frozenset[str]:
    lower = [
        *VIETNAMESE_CONSONANTS,
        *HIGHLANDS_LETTERS,
        *(vowel + tone for vowel in VIETNAMESE_VOWELS for tone in ("", *TONE_MARKS)),
    ]
    return frozenset(
        unicodedata.normalize("NFD", letter)
        for lowercase in lower
        for letter in (lowercase, lowercase.upper())
    )


# Each letter a name may hold, decomposed: its base letter and its marks in canonical order.
NAME_LETTERS = _name_letters()
_NAME_BASES = frozenset(letter[0] for letter in NAME_LETTERS)


def _is_mark(character: str) -> bool:
    return unicodedata.category(character).startswith("M")


def _clusters(text: str) -> list[str]:
    """The text as the letters a reader sees: each base character with the marks on it (a mark
    with nothing before it stands alone)."""
    clusters: list[str] = []
    for character in text:
        if clusters and _is_mark(character) and not clusters[-1].isspace():
            clusters[-1] += character
        else:
            clusters.append(character)
    return clusters


def _problem(cluster: str) -> NameProblem | None:
    if cluster.isspace() or cluster in NAME_SEPARATORS:
        return None
    decomposed = unicodedata.normalize("NFD", cluster)
    if decomposed in NAME_LETTERS:
        return None
    base = decomposed[0]
    category = unicodedata.category(base)
    if category.startswith("N"):
        return "digit"
    if _is_mark(base) or base in _NAME_BASES or base.isspace() or base in NAME_SEPARATORS:
        # An allowed letter (or a separator) carrying marks Vietnamese does not put there.
        return "mark"
    if category.startswith("L"):
        return "other_script"
    return "symbol"


def name_problem(name: str) -> tuple[int, NameProblem] | None:
    """The first character (counted as a reader counts letters, from 1) a name may not hold,
    and why; None for a name written only in its alphabet."""
    for position, cluster in enumerate(_clusters(name), start=1):
        problem = _problem(cluster)
        if problem is not None:
            return position, problem
    return None


def _check_full_name(value: str) -> str:
    name = unicodedata.normalize("NFC", value).replace(TYPOGRAPHIC_APOSTROPHE, APOSTROPHE).strip()
    found = name_problem(name)
    if found is not None:
        position, problem = found
        raise PydanticCustomError(
            NAME_INVALID_CHARACTER,
            "A name is written with Vietnamese letters, spaces, hyphens and apostrophes "
            "(position {position}).",
            {"message_code": f"{NAME_INVALID_CHARACTER}.{problem}", "position": position},
        )
    name = " ".join(name.split())
    if len(name) < 2 or len(name) > 100:
        raise PydanticCustomError("full_name_length", "A full name has between 2 and 100 letters.")
    return name


# A person's full name, as on their papers: every person a declaration names.
FullName = Annotated[str, TEXT_CHECK, AfterValidator(_check_full_name)]


# --- one name, several spellings ------------------------------------------------------------

# The syllables whose tone the old style puts on the first vowel and the new style on the
# second, when nothing follows them: hòa/hoà, khỏe/khoẻ, thủy/thuỷ.
_TONE_MOVES = {("o", "a"), ("o", "e"), ("u", "y")}


def _is_letter(cluster: str) -> bool:
    return cluster[0].isalpha()


def new_style_tones(text: str) -> str:
    """The text with the tone of each syllable ending in oa, oe or uy on the vowel the new style
    puts it on ("Hòa" → "Hoà", "Thủy" → "Thuỷ"), in the precomposed form; every other letter as
    it was."""
    letters = _clusters(unicodedata.normalize("NFD", text))
    for i in range(len(letters) - 1):
        first, last = letters[i], letters[i + 1]
        word_ends = i + 2 == len(letters) or not _is_letter(letters[i + 2])
        if (
            word_ends
            and len(first) == 2
            and first[1] in TONE_MARKS
            and len(last) == 1
            and (first[0].casefold(), last.casefold()) in _TONE_MOVES
        ):
            letters[i], letters[i + 1] = first[0], last + first[1]
    return unicodedata.normalize("NFC", "".join(letters))


def name_key(name: str) -> str:
    """What two spellings of one name have in common: compared under this, "NGUYỄN THỊ THỦY",
    "Nguyễn  Thị Thuỷ" and its decomposed form are one name."""
    folded = unicodedata.normalize("NFC", name).replace(TYPOGRAPHIC_APOSTROPHE, APOSTROPHE)
    return new_style_tones(" ".join(folded.casefold().split()))


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)

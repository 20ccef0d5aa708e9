"""Every text field of every body the portal takes holds text only: control and invisible
characters are refused (`text_invalid_character`), names are written in the Vietnamese Latin
alphabet (`name_invalid_character`), each refusal naming the character's position.

The models are walked, so a text field added later without the check fails here."""

from __future__ import annotations

import copy
import types
import typing
import unicodedata
from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Any, Literal, Union

import pytest
from pydantic import BaseModel, EmailStr, TypeAdapter, ValidationError

from devstack.declaration_factory import DeclarationFactory, attachment
from portal_api.citizen_actions import SupplementSubmission, WithdrawalSubmission
from portal_api.errors import contract_errors
from schemas.birth import BirthDeclarationSubmission
from schemas.death import DeathDeclarationSubmission
from schemas.identifiers import DocumentNumber
from schemas.names import FullName
from schemas.text import MULTILINE_TEXT_CHECK, TEXT_CHECK, MultilineText, ShortText, Text
from tests.harness.intake_checks import refusal_detail

Body = dict[str, Any]
Path = tuple[str | int, ...]

RLO = "\u202e"

# --- the characters a text field refuses ----------------------------------------------------

REFUSED: list[tuple[str, str, str]] = [
    ("NUL", "\x00", "control"),
    ("tab", "\t", "control"),
    ("escape", "\x1b", "control"),
    ("delete", "\x7f", "control"),
    ("C1 control", "\x9b", "control"),
    ("line feed", "\n", "line_break"),
    ("carriage return", "\r", "line_break"),
    ("next line", "\x85", "line_break"),
    ("line separator", "\u2028", "line_break"),
    ("paragraph separator", "\u2029", "line_break"),
    ("left-to-right embedding", "\u202a", "invisible"),
    ("right-to-left embedding", "\u202b", "invisible"),
    ("pop directional formatting", "\u202c", "invisible"),
    ("left-to-right override", "\u202d", "invisible"),
    ("right-to-left override", "\u202e", "invisible"),
    ("left-to-right isolate", "\u2066", "invisible"),
    ("right-to-left isolate", "\u2067", "invisible"),
    ("first strong isolate", "\u2068", "invisible"),
    ("pop directional isolate", "\u2069", "invisible"),
    ("right-to-left mark", "\u200f", "invisible"),
    ("Arabic letter mark", "\u061c", "invisible"),
    ("zero-width space", "\u200b", "invisible"),
    ("zero-width non-joiner", "\u200c", "invisible"),
    ("zero-width joiner", "\u200d", "invisible"),
    ("word joiner", "\u2060", "invisible"),
    ("byte-order mark", "\ufeff", "invisible"),
    ("soft hyphen", "\u00ad", "invisible"),
    ("tag letter", "\U000e0041", "invisible"),
    ("combining grapheme joiner", "\u034f", "invisible"),
    ("Hangul filler", "\u3164", "invisible"),
    ("lone surrogate", "\ud800", "not_a_character"),
    ("private use", "\ue000", "not_a_character"),
    ("unassigned", "\u0378", "not_a_character"),
    ("noncharacter", "\uffff", "not_a_character"),
]


def _refusal(adapter: TypeAdapter[Any], value: str) -> dict[str, Any]:
    with pytest.raises(ValidationError) as error:
        adapter.validate_python(value)
    problems = error.value.errors()
    assert len(problems) == 1, problems
    return dict(problems[0])


@pytest.mark.parametrize(("character", "kind"), [pytest.param(c, k, id=n) for n, c, k in REFUSED])
@pytest.mark.parametrize("kind_of_text", [Text, ShortText, DocumentNumber, FullName])
def test_a_text_field_refuses_a_character_that_is_not_text(
    character: str, kind: str, kind_of_text: Any
) -> None:
    # Where the character is, as the citizen counts: "Số 1" is four characters.
    problem = _refusal(TypeAdapter(kind_of_text), f"Số 1{character}2 Lê Lợi")
    assert problem["type"] == "text_invalid_character"
    assert problem["ctx"] == {"message_code": f"text_invalid_character.{kind}", "position": 5}


def test_the_position_is_counted_in_the_precomposed_form() -> None:
    # "ễ" typed decomposed is three code points, and one character to the citizen.
    problem = _refusal(TypeAdapter(ShortText), "Nguye\u0302\u0303n" + RLO)
    assert problem["ctx"]["position"] == 7


@pytest.mark.parametrize(
    "text",
    [
        "Số 12, ngõ 34 phố Đội Cấn",
        "Thôn Plei Ơi, xã Ia Ko",
        "Buôn Ƀuôn Rĭt – Km 7 (Quốc lộ 14)",
        "Bệnh viện Đa khoa tỉnh Đắk Lắk",
        "Suy tim; tăng huyết áp 15/10 mmHg",
        "P.203, số 5 Rue Catinat",
        "12/2025/GCS-HN #7 & 8 \u00a0(bản sao)",
    ],
)
def test_ordinary_vietnamese_text_passes(text: str) -> None:
    assert TypeAdapter(ShortText).validate_python(text) == text.strip()


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Bệnh viện Рhụ sản", 11),  # a Cyrillic Р
        ("Số 12 phố Đội Cấn, Ηà Nội", 20),  # a Greek Eta
        ("Số 12 شارع", 7),  # Arabic
        ("Số ١٢ ngõ 4", 4),  # Arabic-Indic digits
        ("Bệnh viện Ａn Bình", 11),  # a full-width A
    ],
)
def test_printed_text_refuses_letters_and_digits_of_other_scripts(text: str, position: int) -> None:
    problem = _refusal(TypeAdapter(ShortText), text)
    assert problem["type"] == "text_invalid_character"
    assert problem["ctx"] == {
        "message_code": "text_invalid_character.other_script",
        "position": position,
    }


def test_a_document_number_in_look_alike_letters_is_another_number() -> None:
    number = TypeAdapter(DocumentNumber)
    assert number.validate_python("GCS-2026-001234") == "GCS-2026-001234"
    problem = _refusal(number, "G\u0421S-2026-001234")  # a Cyrillic Es
    assert problem["type"] == "text_invalid_character"
    assert problem["ctx"]["position"] == 2


def test_a_reason_keeps_its_lines_and_nothing_else() -> None:
    reason = TypeAdapter(MultilineText)
    # However the device ended its lines, they are line feeds.
    assert reason.validate_python("Gia đình khai nhầm.\r\nSẽ khai lại.\rCảm ơn.") == (
        "Gia đình khai nhầm.\nSẽ khai lại.\nCảm ơn."
    )
    assert reason.validate_python("Một dòng\u2028dòng hai") == "Một dòng\ndòng hai"
    for character in ("\t", "\x00", RLO, "\u200b"):
        assert _refusal(reason, f"Dòng một\n{character}")["type"] == "text_invalid_character"


# --- names ----------------------------------------------------------------------------------

NAMES_THAT_PASS = [
    "Nguyễn Thị Ánh Tuyết",
    "H'Hen Niê",
    "Ksor Y Blang",
    "Nông Thị Ngọc",
    "Y-Ƀlŭl Niê Blô",  # Ê Đê letters
    "Y Ngông Niê Kdăm",
    "Rơ Châm Ơ̆t",
    "Đinh Thị Ñuh",
    "Lò Văn Páo",
    "Vàng A Dính",
    "NGUYEN VAN AN",  # a bank account holder as the bank writes it
    "Thị Hoà",
    "Thị Hòa",
    "Trần Thị Thuỷ",
    "Trần Thị Thủy",
    "Smith John",  # a foreign parent, as in the passport's machine-readable zone
]


@pytest.mark.parametrize("name", NAMES_THAT_PASS)
def test_names_in_the_vietnamese_alphabet_pass(name: str) -> None:
    assert TypeAdapter(FullName).validate_python(name) == name


def test_a_typographic_apostrophe_is_the_apostrophe() -> None:
    # Phones type ’ for '; one name has one spelling.
    assert TypeAdapter(FullName).validate_python("H\u2019Hen Niê") == "H'Hen Niê"
    assert TypeAdapter(FullName).validate_python("  Ksor   Y Blang ") == "Ksor Y Blang"


@pytest.mark.parametrize(
    ("name", "problem", "position"),
    [
        ("Нгуен", "other_script", 1),  # Cyrillic
        ("Nguyễn Vаn An", "other_script", 9),  # one Cyrillic a among Latin letters
        ("Νguyễn Văn An", "other_script", 1),  # a Greek Nu
        ("محمد", "other_script", 1),
        ("Lê Vɑn", "other_script", 5),  # Latin alpha, another letter
        ("Lê Văn Ａn", "other_script", 8),  # full width
        ("Lı Văn", "other_script", 2),  # dotless i
        ("Nguyễn Văn 3", "digit", 12),
        ("Lê Văn ٣", "digit", 8),
        ("Lê Văn Ⅻ", "digit", 8),
        ("Nguyễn_Văn", "symbol", 7),
        ("Lê V. An", "symbol", 5),
        ("Lê @An", "symbol", 4),
        ("\u0301Nguyễn", "mark", 1),  # a tone mark on nothing
        ("Ńguyễn", "mark", 1),  # a tone mark on a consonant
        ("Hoa\u0301\u0300", "mark", 3),  # two tone marks on one vowel
        ("François", "mark", 5),  # a cedilla is not a Vietnamese mark
        ("Müller", "mark", 2),
    ],
)
def test_a_name_refuses_what_is_not_a_letter_of_its_alphabet(
    name: str, problem: str, position: int
) -> None:
    refusal = _refusal(TypeAdapter(FullName), name)
    assert refusal["type"] == "name_invalid_character"
    assert refusal["ctx"] == {
        "message_code": f"name_invalid_character.{problem}",
        "position": position,
    }


def test_a_character_that_is_not_text_in_a_name_is_named_as_such() -> None:
    refusal = _refusal(TypeAdapter(FullName), "Trần Minh" + RLO + "Khang")
    assert refusal["type"] == "text_invalid_character"


def test_a_name_typed_decomposed_is_the_same_name() -> None:
    for name in NAMES_THAT_PASS:
        decomposed = unicodedata.normalize("NFD", name)
        assert TypeAdapter(FullName).validate_python(decomposed) == unicodedata.normalize(
            "NFC", name
        )


# --- the words a citizen reads --------------------------------------------------------------


def _problem_of(model: type[BaseModel], body: Body, language: Literal["vi", "en"]) -> list[Any]:
    try:
        model.model_validate(body)
    except ValidationError as error:
        return contract_errors(error.errors(), language)
    return []


def test_each_refusal_is_put_in_the_citizens_words() -> None:
    reason = {"reason": "Khai nhầm" + RLO}
    [vi] = _problem_of(WithdrawalSubmission, reason, "vi")
    [en] = _problem_of(WithdrawalSubmission, reason, "en")
    assert vi["type"] == en["type"] == "text_invalid_character"
    assert vi["loc"] == en["loc"] == ["reason"]
    assert "ký tự ẩn" in vi["msg"] and "vị trí thứ 10" in vi["msg"]
    assert "invisible character" in en["msg"] and "position 10" in en["msg"]
    # The text typed is not echoed back.
    assert "Khai nhầm" not in vi["msg"]


# --- every text field of every body carries the check ---------------------------------------

CHECKS = (TEXT_CHECK, MULTILINE_TEXT_CHECK)
TEXT_TYPES: tuple[type, ...] = (str, EmailStr)


def _leaves(annotation: Any, path: Path, metadata: tuple[Any, ...]) -> Iterator[tuple[Path, str]]:
    """Each field a body can hold below `path`, as `text` (a check is on it), `unchecked` (a
    text without it) or `closed` (one of a fixed list of codes)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *more = typing.get_args(annotation)
        yield from _leaves(base, path, (*metadata, *more))
    elif origin in (Union, types.UnionType):
        for member in typing.get_args(annotation):
            if member is not type(None):
                yield from _leaves(member, path, metadata)
    elif origin is list:
        yield from _leaves(typing.get_args(annotation)[0], (*path, 0), metadata)
    elif origin is Literal or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        yield path, "closed"
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, field in annotation.model_fields.items():
            yield from _leaves(field.annotation, (*path, name), tuple(field.metadata))
    elif annotation in TEXT_TYPES:
        checked = any(m in CHECKS for m in metadata)
        yield path, "text" if checked else "unchecked"


def leaves(model: type[BaseModel]) -> list[tuple[Path, str]]:
    return list(_leaves(model, (), ()))


BODIES: list[type[BaseModel]] = [
    BirthDeclarationSubmission,
    DeathDeclarationSubmission,
    SupplementSubmission,
    WithdrawalSubmission,
]


@pytest.mark.parametrize("model", BODIES, ids=lambda m: m.__name__)
def test_every_text_field_carries_the_text_check(model: type[BaseModel]) -> None:
    found = leaves(model)
    assert found, "the walk reached no field"
    assert [path for path, kind in found if kind == "unchecked"] == []


def test_the_walk_reaches_the_names_and_the_nested_fields() -> None:
    birth = dict(leaves(BirthDeclarationSubmission))
    death = dict(leaves(DeathDeclarationSubmission))
    assert birth[("declarant", "full_name")] == "text"
    assert birth[("delivery", "postal_address", "recipient")] == "text"
    assert birth[("attachments", 0, "content_base64")] == "text"
    assert birth[("declarant", "notify", 0)] == "closed"
    assert death[("survivor_benefit", "beneficiaries", 0, "full_name")] == "text"
    assert death[("payment", "bank_account", "account_holder")] == "text"
    assert dict(leaves(WithdrawalSubmission)) == {("reason",): "text"}


def complete_birth(factory: DeclarationFactory) -> Body:
    """A birth with every optional part present: a foreign father known by passport, a
    poor-household certificate, results by post, told by SMS and e-mail, declared with the
    parents' authorisation by the guardian acting for the institution caring for the child."""
    body = factory.surrogacy_birth(next(factory.couples()))
    guardian = next(factory.caretakers())
    institution = {
        "name": "Trung tâm Bảo trợ xã hội số 1",
        "commune_code": body["residence"]["commune_code"],
        "address_line": "Số 5 đường Phú Kiều",
    }
    body["declarant"].update(
        personal_id=guardian.personal_id,
        full_name=guardian.full_name,
        relationship="guardian",
        institution=institution,
    )
    body["residence"]["address_line"] = institution["address_line"]
    body["attachments"].append(attachment("authorization"))
    body["declarant"]["notify"] = ["sms", "email"]
    body["father"] = {
        "passport_number": "C1234567",
        "full_name": "Smith John",
        "date_of_birth": "1988-04-02",
        "nationality": "GB",
    }
    body["child"]["birth_order"] = 1
    body["poor_household_certificate"] = "HN-2026-000123"
    body["delivery"]["pickup_agency"] = "justice"
    return body


def complete_death(factory: DeclarationFactory) -> Body:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    body = factory.death(deceased, form="monthly", delivery="post")
    body["declarant"]["notify"] = ["sms"]
    body["delivery"]["pickup_agency"] = "police"
    return body


def _at(body: Any, path: Path) -> Any:
    for part in path[:-1]:
        body = body[part]
    return body


def _inject(body: Body, path: Path, character: str) -> Body:
    """The body with `character` typed after the first character of the field at `path` (of a
    placeholder where the body leaves the field out, as a father known by passport leaves out
    his personal ID)."""
    changed = copy.deepcopy(body)
    holder: Any = _at(changed, path)
    key = path[-1]
    value = holder.get(key) if isinstance(holder, dict) else holder[key]
    value = value if isinstance(value, str) else "AB"
    holder[key] = value[:1] + character + value[1:]
    return changed


def test_the_complete_bodies_are_accepted(bundled_factory: DeclarationFactory) -> None:
    # So that each refusal below comes from the one character put into it.
    assert refusal_detail("birth", complete_birth(bundled_factory)) == []
    assert refusal_detail("death", complete_death(bundled_factory)) == []


@pytest.mark.parametrize("character", [RLO, "\x00", "\u2066", "\u200b"], ids=ascii)
@pytest.mark.parametrize("kind", ["birth", "death"])
def test_every_field_of_a_declaration_refuses_a_character_that_is_not_text(
    bundled_factory: DeclarationFactory, kind: str, character: str
) -> None:
    body = complete_birth(bundled_factory) if kind == "birth" else complete_death(bundled_factory)
    model = BirthDeclarationSubmission if kind == "birth" else DeathDeclarationSubmission
    for path, leaf in leaves(model):
        detail = refusal_detail(kind, _inject(body, path, character))
        at_field = [p for p in detail if p["loc"] == ["body", *path]]
        assert at_field, (path, detail)
        if leaf != "closed":
            assert [p["type"] for p in at_field] == ["text_invalid_character"], path
            assert "vị trí thứ 2" in at_field[0]["msg"], at_field


def test_a_supplement_and_a_withdrawal_refuse_it_too(bundled_factory: DeclarationFactory) -> None:
    upload = attachment("birth_certificate")
    for path, _ in leaves(SupplementSubmission):
        body = _inject({"attachments": [upload]}, path, RLO)
        problems = _problem_of(SupplementSubmission, body, "vi")
        assert any(p["loc"] == list(path) for p in problems), (path, problems)
    [problem] = _problem_of(WithdrawalSubmission, {"reason": "Khai\u2067 nhầm"}, "vi")
    assert problem["type"] == "text_invalid_character"

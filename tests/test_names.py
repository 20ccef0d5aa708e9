"""Names and numbers as people type them: a Vietnamese name in either Unicode form is one name,
and only the digits 0 to 9 make an identifier."""

from __future__ import annotations

import copy
import secrets
import unicodedata
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from devstack.declaration_factory import DeclarationFactory
from portal_api.declaration_ids import request_fingerprint
from portal_api.filings import BIRTH_FILING
from schemas.birth import BirthDeclarationSubmission
from schemas.common import AttachmentRef
from schemas.death import BankAccount
from schemas.identifiers import (
    CommuneCode,
    DocumentNumber,
    PersonalId,
    PhoneNumber,
    is_health_insurance_card_code,
    is_social_insurance_number,
)
from schemas.names import FullName
from schemas.text import ShortText
from tests.harness.portal import submit
from tests.harness.stack import Stack
from workflows.agency_steps import Submission
from workflows.birth_steps import birth_registration

NAME = "Nguyễn Thị Ánh Tuyết"
ADDRESS = "Số 12 ngõ 34 phố Huỳnh Thúc Kháng, phường Láng Hạ"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def decomposed(value: Any) -> Any:
    """The same JSON value with every text in the decomposed form, as some keyboards send it."""
    if isinstance(value, str):
        return nfd(value)
    if isinstance(value, dict):
        return {key: decomposed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decomposed(item) for item in value]
    return value


def named_birth(factory: DeclarationFactory) -> dict[str, Any]:
    body = factory.birth(next(factory.couples()))
    body["child"]["full_name"] = NAME
    body["child"]["place_of_birth"]["facility_name"] = "Bệnh viện Phụ sản Hà Nội"
    body["residence"]["address_line"] = ADDRESS
    return body


def test_the_two_forms_differ_as_text() -> None:
    # What the tests below rely on: without normalising, these would be different names.
    assert nfd(NAME) != NAME and nfc(nfd(NAME)) == NAME


@pytest.mark.parametrize(
    "name", [NAME, "Đặng Văn Lưỡng", "Hoàng Thị Ngọc Diễm", "Ông Ích Khiêm", "Lê Ngọc Hân"]
)
def test_a_decomposed_name_is_accepted_as_the_precomposed_one(name: str) -> None:
    full_name = TypeAdapter(FullName)
    assert full_name.validate_python(nfd(name)) == name
    assert full_name.validate_python(name) == name


def test_free_text_is_kept_precomposed_and_measured_so() -> None:
    short_text = TypeAdapter(ShortText)
    assert short_text.validate_python(nfd(ADDRESS)) == ADDRESS
    # 200 letters with two marks each: 600 code points decomposed, 200 once composed.
    long_text = "ễ" * 200
    assert short_text.validate_python(nfd(long_text)) == long_text


def test_a_name_is_still_made_of_letters() -> None:
    full_name = TypeAdapter(FullName)
    for refused in ("Nguyễn Văn 3", "Nguyễn_Văn", "\u0301Nguyễn", "Lê Văn ٣"):
        with pytest.raises(ValidationError) as error:
            full_name.validate_python(refused)
        assert error.value.errors()[0]["type"] == "name_invalid_character"


def test_a_decomposed_declaration_is_stored_and_sent_precomposed(
    bundled_factory: DeclarationFactory,
) -> None:
    body = named_birth(bundled_factory)
    submission = BirthDeclarationSubmission.model_validate(decomposed(body))
    assert submission.child.full_name == NAME
    assert submission.residence.address_line == ADDRESS
    assert submission.child.place_of_birth.facility_name == "Bệnh viện Phụ sản Hà Nội"
    assert submission.mother is not None
    assert submission.mother.full_name == body["mother"]["full_name"]
    assert submission.attachments[0].filename == nfc(body["attachments"][0]["filename"])

    refs = [
        AttachmentRef(**a.model_dump(exclude={"content_base64"}), size_bytes=1)
        for a in submission.attachments
    ]
    declaration = BIRTH_FILING.declaration(submission, refs)
    request = birth_registration(Submission("LT-NAMES", declaration, False, 1, None))
    assert request.child_full_name == NAME
    assert request.birth_facility_name == "Bệnh viện Phụ sản Hà Nội"
    assert request.mother is not None
    assert request.mother.full_name == body["mother"]["full_name"]


def test_both_forms_of_one_declaration_are_the_same_declaration(
    bundled_factory: DeclarationFactory,
) -> None:
    body = named_birth(bundled_factory)
    precomposed = BirthDeclarationSubmission.model_validate(copy.deepcopy(body))
    as_typed = BirthDeclarationSubmission.model_validate(decomposed(body))
    assert as_typed == precomposed
    assert request_fingerprint(as_typed) == request_fingerprint(precomposed)


async def test_a_retry_in_the_other_form_is_the_same_declaration(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    key = f"portal-{secrets.token_hex(8)}"
    body = named_birth(factory)
    first = await submit(intake_stack.api, "birth", decomposed(body), key=key)
    # The portal retries after a time-out, this time sending the precomposed form.
    again = await submit(intake_stack.api, "birth", body, key=key)
    assert again["declaration_id"] == first["declaration_id"]


# --- identifiers: the digits 0 to 9 only ----------------------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
OTHER_DIGITS = [ARABIC_INDIC, FULL_WIDTH, DEVANAGARI]


def test_other_unicode_digits_look_like_digits_to_python() -> None:
    # Why a check written with `str.isdigit()` or `\d` would let them through.
    for digits in OTHER_DIGITS:
        assert "001090012345".translate(digits).isdigit()


@pytest.mark.parametrize(
    ("kind", "valid"),
    [
        (PersonalId, "001090012345"),
        (CommuneCode, "00004"),
        (PhoneNumber, "0912345678"),
    ],
)
@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_identifiers_refuse_other_digits(kind: Any, valid: str, digits: dict[int, int]) -> None:
    adapter = TypeAdapter(kind)
    assert adapter.validate_python(valid)
    with pytest.raises(ValidationError):
        adapter.validate_python(valid.translate(digits))
    # One foreign digit among ASCII ones is enough to refuse it.
    with pytest.raises(ValidationError):
        adapter.validate_python(valid[:-1] + valid[-1].translate(digits))


def test_a_trailing_newline_does_not_pass_as_part_of_an_identifier() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(PersonalId).validate_python("001090012345\n")


@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_social_insurance_numbers_and_card_codes_are_ascii_digits(digits: dict[int, int]) -> None:
    assert is_social_insurance_number("0112345678")
    assert not is_social_insurance_number("0112345678".translate(digits))
    assert not is_social_insurance_number("0112345678\n")
    assert is_health_insurance_card_code("TE1010112345678")
    assert not is_health_insurance_card_code("TE1" + "010112345678".translate(digits))


@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_certificate_numbers_refuse_other_digits(digits: dict[int, int]) -> None:
    number = TypeAdapter(DocumentNumber)
    assert number.validate_python(" GCS-012345 ") == "GCS-012345"
    assert number.validate_python("12/2025/GCS") == "12/2025/GCS"
    with pytest.raises(ValidationError) as error:
        number.validate_python("GCS-012345".translate(digits))
    assert error.value.errors()[0]["type"] == "document_number_digits"


@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_a_declaration_with_other_digits_is_refused(
    bundled_factory: DeclarationFactory, digits: dict[int, int]
) -> None:
    fields: list[tuple[str, ...]] = [
        ("mother", "personal_id"),
        ("residence", "commune_code"),
        ("birth_certificate_number",),
    ]
    for field in fields:
        body = bundled_factory.birth(next(bundled_factory.couples()))
        holder = body
        for name in field[:-1]:
            holder = holder[name]
        holder[field[-1]] = holder[field[-1]].translate(digits)
        with pytest.raises(ValidationError) as error:
            BirthDeclarationSubmission.model_validate(body)
        assert [e["loc"][: len(field)] for e in error.value.errors()] == [field]


@pytest.mark.parametrize("digits", OTHER_DIGITS)
def test_bank_account_numbers_are_ascii_digits(digits: dict[int, int]) -> None:
    account = {"bank_code": "VCB", "account_number": "0011004455667", "account_holder": NAME}
    assert BankAccount.model_validate(account).account_number == "0011004455667"
    with pytest.raises(ValidationError):
        BankAccount.model_validate(
            {**account, "account_number": account["account_number"].translate(digits)}
        )
    assert BankAccount.model_validate({**account, "account_holder": nfd(NAME)}).account_holder == (
        NAME
    )

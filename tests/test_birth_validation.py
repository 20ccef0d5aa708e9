"""Bad birth declarations get a 422 naming the field, with a sentence the citizen can act on.

Checked as the portal checks them, without a server: its submission model, its intake rules and
its translation of their failures into the 422's body (test_intake_refusals shows the API answers
with that body)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment, today_in_viet_nam
from schemas.common import Contact
from tests.harness.intake_checks import refusal_detail

Body = dict[str, Any]


def _set(path: str, value: Any) -> Callable[[Body], None]:
    def mutate(body: Body) -> None:
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _future(days: int) -> str:
    return (today_in_viet_nam() + timedelta(days=days)).isoformat()


def _wrong_century_digit(body: Body) -> None:
    pid = body["mother"]["personal_id"]
    body["mother"]["personal_id"] = pid[:3] + str((int(pid[3]) + 2) % 10) + pid[4:]


def _unknown_province(body: Body) -> None:
    body["declarant"]["personal_id"] = "999" + body["declarant"]["personal_id"][3:]


def _mother_as_male(body: Body) -> None:
    # A father's ID in the mother's place: the sex digit cannot match.
    body["mother"] = copy.deepcopy(body["father"])


def _attachments(*kinds: str) -> Callable[[Body], None]:
    return _set("attachments", [attachment(kind) for kind in kinds])


def _sha_mismatch(body: Body) -> None:
    body["attachments"][0]["sha256"] = "0" * 64


def _too_large(body: Body) -> None:
    content = b"%PDF-1.4\n" + b"0" * (300 * 1024)
    body["attachments"] = [attachment("birth_certificate", content)]


def _not_base64(body: Body) -> None:
    body["attachments"][0]["content_base64"] = "***not base64***"


def _outside_facility_without_proof(body: Body) -> None:
    body["child"]["place_of_birth"]["facility_name"] = None
    body["attachments"] = [attachment("abandonment_record")]


def _sms_without_phone(body: Body) -> None:
    body["declarant"]["notify"] = ["sms", "email"]
    del body["declarant"]["phone"]


def _email_without_address(body: Body) -> None:
    body["declarant"]["notify"] = ["email"]
    del body["declarant"]["email"]


def _no_contact(body: Body) -> None:
    del body["declarant"]["email"]
    del body["declarant"]["phone"]


def _grandparent_without_authorization(body: Body) -> None:
    body["declarant"]["relationship"] = "grandparent"


CASES: list[tuple[str, Callable[[Body], None], list[Any], str]] = [
    (
        "id not 12 digits",
        _set("mother.personal_id", "12345"),
        ["body", "mother", "personal_id"],
        "personal_id_format",
    ),
    (
        "id unknown province",
        _unknown_province,
        ["body", "declarant", "personal_id"],
        "personal_id_province",
    ),
    (
        "id century digit disagrees",
        _wrong_century_digit,
        ["body", "mother", "personal_id"],
        "personal_id_mismatch",
    ),
    (
        "id sex disagrees",
        _mother_as_male,
        ["body", "mother", "personal_id"],
        "personal_id_mismatch",
    ),
    (
        "declarant says mother but is not",
        _set("declarant.relationship", "father"),
        ["body", "declarant", "personal_id"],
        "declarant_not_parent",
    ),
    (
        "child born in the future",
        _set("child.date_of_birth", _future(2)),
        ["body", "child", "date_of_birth"],
        "date_in_future",
    ),
    (
        "child 6 or older",
        _set("child.date_of_birth", (today_in_viet_nam() - timedelta(days=6 * 366)).isoformat()),
        ["body", "child", "date_of_birth"],
        "child_too_old",
    ),
    (
        "unknown birth commune",
        _set("child.place_of_birth.commune_code", "99999"),
        ["body", "child", "place_of_birth", "commune_code"],
        "commune_unknown",
    ),
    (
        "unknown residence commune",
        _set("residence.commune_code", "99998"),
        ["body", "residence", "commune_code"],
        "commune_unknown",
    ),
    (
        "commune code malformed",
        _set("residence.commune_code", "12AB"),
        ["body", "residence", "commune_code"],
        "commune_code_format",
    ),
    (
        "pickup without agency",
        _set("delivery", {"method": "pickup"}),
        ["body", "delivery", "pickup_agency"],
        "pickup_agency_missing",
    ),
    (
        "post without address",
        _set("delivery", {"method": "post"}),
        ["body", "delivery", "postal_address"],
        "postal_address_missing",
    ),
    (
        "SMS chosen without a phone",
        _sms_without_phone,
        ["body", "declarant", "phone"],
        "notify_phone_missing",
    ),
    (
        "e-mail chosen without an address",
        _email_without_address,
        ["body", "declarant", "email"],
        "notify_email_missing",
    ),
    (
        "an unknown channel",
        _set("declarant.notify", ["fax"]),
        ["body", "declarant", "notify", 0],
        "literal_error",
    ),
    (
        "facility birth without certificate",
        _attachments("witness_statement"),
        ["body", "attachments"],
        "birth_certificate_missing",
    ),
    (
        "outside facility without proof",
        _outside_facility_without_proof,
        ["body", "attachments"],
        "birth_proof_missing",
    ),
    (
        "non-parent without authorisation",
        _grandparent_without_authorization,
        ["body", "attachments"],
        "authorization_missing",
    ),
    (
        "sha256 does not match content",
        _sha_mismatch,
        ["body", "attachments", 0, "sha256"],
        "sha256_mismatch",
    ),
    (
        "attachment too large",
        _too_large,
        ["body", "attachments", 0, "content_base64"],
        "attachment_too_large",
    ),
    (
        "content not base64",
        _not_base64,
        ["body", "attachments", 0, "content_base64"],
        "content_not_base64",
    ),
    (
        "unknown media type",
        lambda b: b["attachments"][0].update(media_type="application/x-msdownload"),
        ["body", "attachments", 0, "media_type"],
        "literal_error",
    ),
    (
        "unknown relationship",
        _set("declarant.relationship", "neighbour"),
        ["body", "declarant", "relationship"],
        "literal_error",
    ),
    ("missing child", lambda b: b.pop("child"), ["body", "child"], "missing"),
    ("misspelt field", _set("chlid", {}), ["body", "chlid"], "extra_forbidden"),
    (
        "date not a date",
        _set("mother.date_of_birth", "01/02/1990"),
        ["body", "mother", "date_of_birth"],
        "date_from_datetime_parsing",
    ),
    (
        "facility birth without certificate number",
        _set("birth_certificate_number", None),
        ["body", "birth_certificate_number"],
        "birth_certificate_number_missing",
    ),
    (
        "no contact",
        _no_contact,
        ["body", "declarant", "phone"],
        "contact_missing",
    ),
    (
        "phone malformed",
        _set("declarant.phone", "12345"),
        ["body", "declarant", "phone"],
        "phone_format",
    ),
    (
        "right-to-left override in the child's name",
        _set("child.full_name", "Trần Minh\u202e Khang"),
        ["body", "child", "full_name"],
        "text_invalid_character",
    ),
    (
        "NUL in the address",
        _set("residence.address_line", "Số 12\x00 phố Lê Lợi"),
        ["body", "residence", "address_line"],
        "text_invalid_character",
    ),
    (
        "isolate in the facility's name",
        _set("child.place_of_birth.facility_name", "Bệnh viện\u2067 Phụ sản"),
        ["body", "child", "place_of_birth", "facility_name"],
        "text_invalid_character",
    ),
    (
        "Arabic in the facility's name",
        _set("child.place_of_birth.facility_name", "Bệnh viện مستشفى"),
        ["body", "child", "place_of_birth", "facility_name"],
        "text_invalid_character",
    ),
    (
        "line break in the ethnicity",
        _set("child.ethnicity", "Kinh\nTày"),
        ["body", "child", "ethnicity"],
        "text_invalid_character",
    ),
    (
        "zero-width space in the certificate number",
        _set("birth_certificate_number", "GCS-\u200b001234"),
        ["body", "birth_certificate_number"],
        "text_invalid_character",
    ),
    (
        "Cyrillic letter in the certificate number",
        _set("birth_certificate_number", "G\u0421S-001234"),
        ["body", "birth_certificate_number"],
        "text_invalid_character",
    ),
    (
        "mother's name in Cyrillic",
        _set("mother.full_name", "Нгуен Тхи Лан"),
        ["body", "mother", "full_name"],
        "name_invalid_character",
    ),
    (
        "Greek letter in the declarant's name",
        _set("declarant.full_name", "Νguyễn Thị Lan"),
        ["body", "declarant", "full_name"],
        "name_invalid_character",
    ),
    (
        "digit in the child's name",
        _set("child.full_name", "Trần Minh 2"),
        ["body", "child", "full_name"],
        "name_invalid_character",
    ),
    (
        "look-alike letter in the postal recipient",
        _set("delivery.postal_address.recipient", "Nguyễn V\u0430n An"),
        ["body", "delivery", "postal_address", "recipient"],
        "name_invalid_character",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "loc", "error_type"), [pytest.param(m, loc, t, id=name) for name, m, loc, t in CASES]
)
def test_bad_birth_declaration_is_refused_naming_the_field(
    bundled_factory: DeclarationFactory,
    mutate: Callable[[Body], None],
    loc: list[Any],
    error_type: str,
) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    mutate(body)
    problems = refusal_detail("birth", body)
    matching = [p for p in problems if p["loc"] == loc and p["type"] == error_type]
    assert matching, problems
    message = matching[0]["msg"]
    assert message[0].isupper() and message.endswith("."), message
    # Personal data is not echoed back in the error.
    assert all("input" not in p for p in problems)


def test_a_good_birth_declaration_passes_every_rule(bundled_factory: DeclarationFactory) -> None:
    assert refusal_detail("birth", bundled_factory.birth(next(bundled_factory.couples()))) == []


def test_electronic_results_need_no_email_address(bundled_factory: DeclarationFactory) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    body["delivery"] = {"method": "electronic"}
    del body["declarant"]["email"]
    assert refusal_detail("birth", body) == []


@pytest.mark.parametrize(
    ("contact", "channels"),
    [
        ({"phone": "0912345678", "email": "a@example.vn"}, ("sms",)),
        ({"email": "a@example.vn"}, ("email",)),
        ({"phone": "0912345678", "notify": ["email", "sms", "email"]}, ("email", "sms")),
        ({"phone": "0912345678", "notify": []}, ()),
    ],
)
def test_the_channels_a_declarant_is_told_through(
    contact: dict[str, Any], channels: tuple[str, ...]
) -> None:
    assert Contact.model_validate(contact).channels == channels


def test_too_many_attachments_is_refused(bundled_factory: DeclarationFactory) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    body["attachments"] = [attachment("birth_certificate") for _ in range(11)]
    problems = {(tuple(p["loc"]), p["type"]) for p in refusal_detail("birth", body)}
    assert (("body", "attachments"), "too_many_attachments") in problems


def test_each_character_problem_is_its_own_entry_in_the_citizens_language(
    bundled_factory: DeclarationFactory,
) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    body["child"]["full_name"] = "Trần Minh\u202e Khang"
    body["mother"]["full_name"] = "Нгуен Тхи Лан"
    body["residence"]["address_line"] = "Số 12\x00 phố Lê Lợi"
    english = refusal_detail("birth", body, language="en")
    vietnamese = refusal_detail("birth", body)
    assert [(p["loc"], p["type"]) for p in english] == [
        (["body", "child", "full_name"], "text_invalid_character"),
        (["body", "mother", "full_name"], "name_invalid_character"),
        (["body", "residence", "address_line"], "text_invalid_character"),
    ]
    assert [(p["loc"], p["type"]) for p in vietnamese] == [(p["loc"], p["type"]) for p in english]
    invisible, other_script, control = (p["msg"] for p in english)
    assert "invisible character" in invisible and "at position 10" in invisible
    assert other_script.startswith("Character 1 of the name is not a Vietnamese letter")
    assert "control character" in control and "at position 6" in control
    assert vietnamese[1]["msg"].startswith(
        "Ký tự thứ 1 của họ và tên không phải chữ cái tiếng Việt"
    )

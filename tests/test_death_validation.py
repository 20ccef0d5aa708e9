"""Bad death declarations get a 422 naming the field.

Checked as the portal checks them, without a server (see test_birth_validation)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment, today_in_viet_nam
from tests.harness.intake_checks import refusal_detail

Body = dict[str, Any]


def _procedures(*names: str) -> Callable[[Body], None]:
    def mutate(body: Body) -> None:
        body["procedures"] = list(names)

    return mutate


def _drop(key: str) -> Callable[[Body], None]:
    def mutate(body: Body) -> None:
        body[key] = None

    return mutate


def _died_in_future(body: Body) -> None:
    body["deceased"]["date_of_death"] = (today_in_viet_nam() + timedelta(days=3)).isoformat()


def _born_after_death(body: Body) -> None:
    body["deceased"]["date_of_birth"] = body["deceased"]["date_of_death"]


def _wrong_sex(body: Body) -> None:
    body["deceased"]["sex"] = "female" if body["deceased"]["sex"] == "male" else "male"


def _unknown_place(body: Body) -> None:
    body["deceased"]["place_of_death"]["commune_code"] = "99999"


def _declarant_is_deceased(body: Body) -> None:
    body["declarant"]["personal_id"] = body["deceased"]["personal_id"]


def _no_death_notice(body: Body) -> None:
    body["attachments"] = [attachment("authorization")]


def _relative_without_authorization(body: Body) -> None:
    body["declarant"]["relationship"] = "relative"
    body["attachments"] = [attachment("death_notice")]


def _bank_without_account(body: Body) -> None:
    body["payment"] = {"method": "bank", "bank_account": None}


def _beneficiary_is_deceased(body: Body) -> None:
    body["survivor_benefit"]["beneficiaries"][0]["personal_id"] = body["deceased"]["personal_id"]


def _survivor_without_choice(body: Body) -> None:
    body["survivor_benefit"] = None


def _benefit_details_without_choice(body: Body) -> None:
    body["procedures"] = ["death_registration", "residence_removal"]


def _reduced_capacity_without_assessment(body: Body) -> None:
    body["survivor_benefit"]["beneficiaries"][0]["working_capacity_reduction_percent"] = 85


def _assessment_naming_no_one(body: Body) -> None:
    # Second after the death notice.
    body["attachments"].insert(1, attachment("working_capacity_assessment"))


def _assessment_of_someone_else(body: Body) -> None:
    body["survivor_benefit"]["beneficiaries"][0]["working_capacity_reduction_percent"] = 85
    assessment = attachment("working_capacity_assessment")
    body["attachments"].append({**assessment, "personal_id": body["deceased"]["personal_id"]})


CASES: list[tuple[str, Callable[[Body], None], list[Any], str]] = [
    (
        "death registration missing",
        _procedures("residence_removal", "funeral_allowance"),
        ["body", "procedures"],
        "procedure_missing",
    ),
    (
        "procedure repeated",
        _procedures("death_registration", "residence_removal", "residence_removal"),
        ["body", "procedures"],
        "procedure_repeated",
    ),
    (
        "unknown procedure",
        _procedures("death_registration", "residence_removal", "pension"),
        ["body", "procedures", 2],
        "literal_error",
    ),
    (
        "survivor chosen without details",
        _survivor_without_choice,
        ["body", "survivor_benefit"],
        "survivor_benefit_missing",
    ),
    (
        "survivor details without the choice",
        _benefit_details_without_choice,
        ["body", "survivor_benefit"],
        "survivor_benefit_unexpected",
    ),
    ("payment missing for a benefit", _drop("payment"), ["body", "payment"], "payment_missing"),
    (
        "payment without a benefit",
        _benefit_details_without_choice,
        ["body", "payment"],
        "payment_unexpected",
    ),
    (
        "bank payment without account",
        _bank_without_account,
        ["body", "payment", "bank_account"],
        "bank_account_missing",
    ),
    (
        "death in the future",
        _died_in_future,
        ["body", "deceased", "date_of_death"],
        "date_in_future",
    ),
    (
        "born after death",
        _born_after_death,
        ["body", "deceased", "date_of_birth"],
        "born_after_death",
    ),
    (
        "id disagrees with sex",
        _wrong_sex,
        ["body", "deceased", "personal_id"],
        "personal_id_mismatch",
    ),
    (
        "unknown place of death",
        _unknown_place,
        ["body", "deceased", "place_of_death", "commune_code"],
        "commune_unknown",
    ),
    (
        "declarant is the deceased",
        _declarant_is_deceased,
        ["body", "declarant", "personal_id"],
        "declarant_is_deceased",
    ),
    (
        "unknown relationship",
        lambda b: b["declarant"].update(relationship="friend"),
        ["body", "declarant", "relationship"],
        "literal_error",
    ),
    ("no death notice", _no_death_notice, ["body", "attachments"], "death_notice_missing"),
    (
        "relative without authorisation",
        _relative_without_authorization,
        ["body", "attachments"],
        "authorization_missing",
    ),
    (
        "beneficiary is the deceased",
        _beneficiary_is_deceased,
        ["body", "survivor_benefit", "beneficiaries", 0, "personal_id"],
        "beneficiary_is_deceased",
    ),
    (
        "reduced working capacity without its assessment",
        _reduced_capacity_without_assessment,
        ["body", "survivor_benefit", "beneficiaries", 0, "working_capacity_reduction_percent"],
        "working_capacity_assessment_missing",
    ),
    (
        "assessment of another person",
        _assessment_of_someone_else,
        ["body", "survivor_benefit", "beneficiaries", 0, "working_capacity_reduction_percent"],
        "working_capacity_assessment_missing",
    ),
    (
        "assessment naming no one",
        _assessment_naming_no_one,
        ["body", "attachments", 1, "personal_id"],
        "assessment_names_no_one",
    ),
    (
        "reduction over 100 percent",
        lambda b: b["survivor_benefit"]["beneficiaries"][0].update(
            working_capacity_reduction_percent=120
        ),
        ["body", "survivor_benefit", "beneficiaries", 0, "working_capacity_reduction_percent"],
        "less_than_equal",
    ),
    (
        "unknown beneficiary relationship",
        lambda b: b["survivor_benefit"]["beneficiaries"][0].update(relationship="cousin"),
        ["body", "survivor_benefit", "beneficiaries", 0, "relationship"],
        "literal_error",
    ),
    (
        "account number malformed",
        lambda b: b["payment"]["bank_account"].update(account_number="12-34"),
        ["body", "payment", "bank_account", "account_number"],
        "string_pattern_mismatch",
    ),
    (
        "right-to-left override in the deceased's name",
        lambda b: b["deceased"].update(full_name="Lê Văn\u202e Bình"),
        ["body", "deceased", "full_name"],
        "text_invalid_character",
    ),
    (
        "NUL in the cause of death",
        lambda b: b["deceased"].update(cause_of_death="Suy tim\x00"),
        ["body", "deceased", "cause_of_death"],
        "text_invalid_character",
    ),
    (
        "zero-width joiner in the place of death",
        lambda b: b["deceased"]["place_of_death"].update(address_line="Số 5\u200d Lê Lợi"),
        ["body", "deceased", "place_of_death", "address_line"],
        "text_invalid_character",
    ),
    (
        "byte-order mark in the death notice number",
        lambda b: b.update(death_notice_number="\ufeffGBT-000567"),
        ["body", "death_notice_number"],
        "text_invalid_character",
    ),
    (
        "beneficiary's name in Cyrillic",
        lambda b: b["survivor_benefit"]["beneficiaries"][0].update(full_name="Нгуен Ван Ан"),
        ["body", "survivor_benefit", "beneficiaries", 0, "full_name"],
        "name_invalid_character",
    ),
    (
        "account holder in Arabic",
        lambda b: b["payment"]["bank_account"].update(account_holder="محمد علي"),
        ["body", "payment", "bank_account", "account_holder"],
        "name_invalid_character",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "loc", "error_type"), [pytest.param(m, loc, t, id=name) for name, m, loc, t in CASES]
)
def test_bad_death_declaration_is_refused_naming_the_field(
    bundled_factory: DeclarationFactory,
    mutate: Callable[[Body], None],
    loc: list[Any],
    error_type: str,
) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    body = bundled_factory.death(deceased)
    mutate(body)
    problems = refusal_detail("death", body)
    matching = [p for p in problems if p["loc"] == loc and p["type"] == error_type]
    assert matching, problems
    assert matching[0]["msg"].endswith(".")


def test_a_good_death_declaration_passes_every_rule(bundled_factory: DeclarationFactory) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    assert refusal_detail("death", bundled_factory.death(deceased)) == []


def test_too_many_beneficiaries_is_refused(bundled_factory: DeclarationFactory) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    body = bundled_factory.death(deceased)
    body["survivor_benefit"]["beneficiaries"] *= 11
    problem = refusal_detail("death", body)[0]
    assert problem["loc"] == ["body", "survivor_benefit", "beneficiaries"]
    assert problem["type"] == "too_long"


def test_each_character_problem_is_its_own_entry_in_the_citizens_language(
    bundled_factory: DeclarationFactory,
) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    body = bundled_factory.death(deceased)
    body["deceased"]["full_name"] = "Lê Văn\u2066 Bình"
    body["survivor_benefit"]["beneficiaries"][0]["full_name"] = "Lê Thị 2"
    english = refusal_detail("death", body, language="en")
    assert [(p["loc"], p["type"]) for p in english] == [
        (["body", "deceased", "full_name"], "text_invalid_character"),
        (["body", "survivor_benefit", "beneficiaries", 0, "full_name"], "name_invalid_character"),
    ]
    assert "invisible character" in english[0]["msg"] and "position 7" in english[0]["msg"]
    assert english[1]["msg"].startswith("A name holds no digits, but character 8 is a digit.")
    vietnamese = refusal_detail("death", body)
    assert "vị trí thứ 7" in vietnamese[0]["msg"]
    assert vietnamese[1]["msg"].startswith("Họ và tên không được có chữ số")


def test_a_reduced_working_capacity_rests_on_the_assessment_naming_the_relative(
    bundled_factory: DeclarationFactory,
) -> None:
    deceased = next(bundled_factory.insured_people(lambda i: i.status == "pensioner"))
    body = bundled_factory.death(deceased)
    beneficiary = body["survivor_benefit"]["beneficiaries"][0]
    beneficiary.update(working_capacity_reduction_percent=85, income_below_reference_level=False)
    assessment = attachment("working_capacity_assessment")
    body["attachments"].append({**assessment, "personal_id": beneficiary["personal_id"]})
    assert refusal_detail("death", body) == []
    beneficiary["relationship"] = "parent_in_law"
    assert refusal_detail("death", body) == []

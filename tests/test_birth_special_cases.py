"""The birth group's special cases end to end, through the portal API on the real server and
sandbox agencies: a home birth on the declarant's undertaking alone, an abandoned child, one an
institution cares for, a birth through surrogacy, twins, parents known by passport, an absent
father, and a parent who died before the birth. Each is registered by justice, its residence by
the police, its health-insurance card by social security.

The rules the portal applies to them at intake are checked first, without a server."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment
from sandbox.dataset import PersonEntry
from schemas.birth import BirthDeclarationSubmission
from schemas.identifiers import parse_personal_id
from schemas.parenthood import ParentRole, parent_death_conflict
from schemas.rules.birth import check_birth_declaration
from tests.harness.agency_offices import agency_cases
from tests.harness.intake_checks import refusal_detail, rule_context
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

Body = dict[str, Any]

# --- at intake ------------------------------------------------------------------------------


def _abandoned(factory: DeclarationFactory) -> Body:
    return factory.abandoned_child_birth(next(factory.caretakers()))


def _institution(factory: DeclarationFactory) -> Body:
    return factory.institution_birth(next(factory.caretakers()))


def _at_the_representatives_commune(body: Body) -> None:
    # An abandoned child's place of birth is, in these declarations, its caretaker's commune.
    body["residence"]["commune_code"] = body["child"]["place_of_birth"]["commune_code"]


def _without_institution_name(body: Body) -> None:
    del body["declarant"]["institution"]["name"]


def _surrogacy(factory: DeclarationFactory) -> Body:
    return factory.surrogacy_birth(next(factory.couples()))


def _ordinary(factory: DeclarationFactory) -> Body:
    return factory.birth(next(factory.couples()))


def _without_kind(kind: str) -> Callable[[Body], None]:
    def mutate(body: Body) -> None:
        body["attachments"] = [a for a in body["attachments"] if a["kind"] != kind]

    return mutate


def _set(path: str, value: Any) -> Callable[[Body], None]:
    def mutate(body: Body) -> None:
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


def _surrogacy_at_home(body: Body) -> None:
    body["child"]["place_of_birth"]["facility_name"] = None
    body["birth_certificate_number"] = None
    body["attachments"] = [attachment("surrogacy_proof"), attachment("declarant_undertaking")]


REFUSALS: list[tuple[str, Callable[[DeclarationFactory], Body], Callable[[Body], None], Any]] = [
    (
        "abandoned child without the record",
        _abandoned,
        _without_kind("abandonment_record"),
        (["body", "attachments"], "abandonment_record_missing"),
    ),
    (
        "abandoned child declared by a relative",
        _abandoned,
        _set("declarant.relationship", "relative"),
        (["body", "declarant", "relationship"], "abandoned_child_declarant_not_guardian"),
    ),
    (
        "mother missing outside the abandoned-child case",
        _ordinary,
        _set("mother", None),
        (["body", "mother"], "mother_missing"),
    ),
    (
        "surrogacy without its proof",
        _surrogacy,
        _without_kind("surrogacy_proof"),
        (["body", "attachments"], "surrogacy_proof_missing"),
    ),
    (
        "surrogacy outside a facility without the birth certificate",
        _surrogacy,
        _surrogacy_at_home,
        (["body", "attachments"], "surrogacy_birth_certificate_missing"),
    ),
    (
        "surrogacy without the intended father",
        _surrogacy,
        _set("father", None),
        (["body", "father"], "surrogacy_father_missing"),
    ),
    (
        "institution declared by its representative as a relative",
        _institution,
        _set("declarant.relationship", "relative"),
        (["body", "declarant", "institution"], "institution_declarant_not_guardian"),
    ),
    (
        "institution's child registered in the representative's own commune",
        _institution,
        _at_the_representatives_commune,
        (["body", "residence", "commune_code"], "residence_not_institution_commune"),
    ),
    (
        "institution's child registered on another street of its commune",
        _institution,
        _set("residence.address_line", "Số 1 Phố Khác"),
        (["body", "residence", "address_line"], "residence_not_institution_address"),
    ),
    (
        "institution in an unknown commune",
        _institution,
        _set("declarant.institution.commune_code", "99999"),
        (["body", "declarant", "institution", "commune_code"], "commune_unknown"),
    ),
    (
        "institution without its name",
        _institution,
        _without_institution_name,
        (["body", "declarant", "institution", "name"], "missing"),
    ),
    (
        "unknown special case",
        _ordinary,
        _set("special_case", "adoption"),
        (["body", "special_case"], "literal_error"),
    ),
    (
        "birth order out of range",
        _ordinary,
        _set("child.birth_order", 0),
        (["body", "child", "birth_order"], "greater_than_equal"),
    ),
]


@pytest.mark.parametrize(
    ("build", "mutate", "expected"),
    [pytest.param(b, m, e, id=name) for name, b, m, e in REFUSALS],
)
def test_special_case_rules_refuse_naming_the_field(
    bundled_factory: DeclarationFactory,
    build: Callable[[DeclarationFactory], Body],
    mutate: Callable[[Body], None],
    expected: tuple[list[Any], str],
) -> None:
    body = build(bundled_factory)
    mutate(body)
    loc, error_type = expected
    problems = refusal_detail("birth", body)
    matching = [p for p in problems if p["loc"] == loc and p["type"] == error_type]
    assert matching, problems
    if error_type.endswith("_missing") or error_type.startswith("abandoned_child"):
        message = matching[0]["msg"]
        assert message[0].isupper() and message.endswith("."), message


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda f: f.home_birth(next(f.couples())), id="home birth, undertaking"),
        pytest.param(_abandoned, id="abandoned child"),
        pytest.param(_surrogacy, id="surrogacy"),
        pytest.param(lambda f: f.twins(next(f.couples()))[1], id="twin"),
        pytest.param(_institution, id="institution caring for an abandoned child"),
        pytest.param(
            lambda f: f.birth(next(f.couples()), declarant="father"),
            id="declared by the father, as when the mother died in childbirth",
        ),
    ],
)
def test_special_cases_pass_every_rule(
    bundled_factory: DeclarationFactory, build: Callable[[DeclarationFactory], Body]
) -> None:
    assert refusal_detail("birth", build(bundled_factory)) == []


def test_guardian_of_a_child_with_parents_brings_their_authorisation(
    bundled_factory: DeclarationFactory,
) -> None:
    body = bundled_factory.birth(next(bundled_factory.couples()))
    guardian = next(bundled_factory.caretakers())
    body["declarant"].update(
        personal_id=guardian.personal_id, full_name=guardian.full_name, relationship="guardian"
    )
    problems = {(tuple(p["loc"]), p["type"]) for p in refusal_detail("birth", body)}
    assert problems == {(("body", "attachments"), "authorization_missing")}
    body["attachments"].append(attachment("authorization"))
    assert refusal_detail("birth", body) == []


def test_an_institutions_address_is_compared_as_the_place_it_names(
    bundled_factory: DeclarationFactory,
) -> None:
    body = _institution(bundled_factory)
    address = body["declarant"]["institution"]["address_line"]
    body["residence"]["address_line"] = "  " + unicodedata.normalize("NFD", address.upper()) + " "
    assert refusal_detail("birth", body) == []
    # Old-style and new-style tone placement name one street.
    body["declarant"]["institution"]["address_line"] = "Số 5 đường Hòa Bình"
    body["residence"]["address_line"] = "số 5 đường Hoà Bình"
    assert refusal_detail("birth", body) == []


def test_institution_refusals_name_the_institutions_address_in_both_languages(
    bundled_factory: DeclarationFactory,
) -> None:
    body = _institution(bundled_factory)
    institution = body["declarant"]["institution"]
    body["residence"] = {"commune_code": "99999", "address_line": "Số 1 Phố Khác"}
    body["declarant"]["relationship"] = "relative"
    body["attachments"].append(attachment("authorization"))
    submission = BirthDeclarationSubmission.model_validate(body)
    found = {
        (v.loc, v.type): v
        for v in check_birth_declaration(submission, submission.attachments, rule_context())
    }
    assert set(found) >= {
        (("body", "declarant", "institution"), "institution_declarant_not_guardian"),
        (("body", "residence", "commune_code"), "residence_not_institution_commune"),
        (("body", "residence", "address_line"), "residence_not_institution_address"),
    }
    commune = found[(("body", "residence", "commune_code"), "residence_not_institution_commune")]
    assert commune.text("vi") == (
        "Trẻ do Trung tâm Bảo trợ xã hội số 1 nuôi dưỡng được đăng ký thường trú tại địa chỉ "
        f"của cơ sở; hãy khai nơi thường trú thuộc xã, phường {institution['commune_code']} như "
        "địa chỉ của cơ sở."
    )
    address = found[(("body", "residence", "address_line"), "residence_not_institution_address")]
    assert address.text("en") == (
        "A child cared for by Trung tâm Bảo trợ xã hội số 1 is registered at the institution's "
        f'address; give "{institution["address_line"]}" as the residence address.'
    )
    guardian = found[(("body", "declarant", "institution"), "institution_declarant_not_guardian")]
    assert guardian.text("en").startswith("The representative of an institution")
    assert guardian.text("vi").startswith("Người đại diện cho cơ sở")


# A parent's recorded death against the birth: Law on Marriage and Family, Art. 88(1).
@pytest.mark.parametrize(
    ("role", "died", "born", "conflict"),
    [
        # Died during the pregnancy: 120 days before the birth.
        ("father", date(2026, 3, 1), date(2026, 6, 29), None),
        # Day 300 after his death is still within the limit; day 301 is not.
        ("father", date(2025, 12, 1), date(2026, 9, 27), None),
        ("father", date(2025, 12, 1), date(2026, 9, 28), "father_died_before_conception"),
        # Died after the birth, before it was declared.
        ("father", date(2026, 7, 2), date(2026, 6, 29), None),
        # Died in childbirth, or after it; not the day before.
        ("mother", date(2026, 6, 29), date(2026, 6, 29), None),
        ("mother", date(2026, 7, 3), date(2026, 6, 29), None),
        ("mother", date(2026, 6, 28), date(2026, 6, 29), "mother_died_before_birth"),
    ],
)
def test_a_parent_who_died_is_the_childs_parent_while_the_death_fits_the_birth(
    role: ParentRole, died: date, born: date, conflict: str | None
) -> None:
    assert parent_death_conflict(role, died, born) == conflict


# --- end to end -----------------------------------------------------------------------------


async def _completed(stack: Stack, body: Body) -> dict[str, Any]:
    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed", view
    assert [s["status"] for s in view["steps"]] == ["approved"] * 3, view["steps"]
    return view


def _child_id(view: dict[str, Any]) -> str:
    child_id: str = step(view, "birth_registration")["result"]["child_personal_id"]
    return child_id


async def test_home_birth_on_the_undertaking_alone_completes_without_a_supplement(
    stack: Stack, factory: DeclarationFactory
) -> None:
    view = await _completed(stack, factory.home_birth(next(factory.couples())))
    birth = step(view, "birth_registration")
    assert birth["round"] == 1 and birth["supplement_request"] is None
    cases = await agency_cases(stack.agencies["justice"], view["declaration_id"])
    assert [c["status"] for c in cases] == ["approved"]


async def test_abandoned_child_is_registered_at_its_caretakers_residence(
    stack: Stack, factory: DeclarationFactory
) -> None:
    caretaker = next(factory.caretakers())
    body = factory.abandoned_child_birth(caretaker)
    view = await _completed(stack, body)

    parts = parse_personal_id(_child_id(view))
    assert parts.sex == body["child"]["sex"]
    assert parts.birth_year == int(body["child"]["date_of_birth"][:4])
    residence = step(view, "residence_registration")["result"]
    assert residence["commune_code"] == caretaker.residence.commune_code
    card = step(view, "health_insurance_card")["result"]
    province = factory.dataset.commune_province[caretaker.residence.commune_code]
    assert card["card_code"] == f"TE1{province}{card['social_insurance_number']}"


async def test_abandoned_child_elsewhere_than_with_its_caretaker_goes_back_to_the_family(
    stack: Stack, factory: DeclarationFactory
) -> None:
    caretaker = next(factory.caretakers())
    body = factory.abandoned_child_birth(caretaker)
    elsewhere = next(
        c for c in factory.dataset.commune_province if c != caretaker.residence.commune_code
    )
    body["residence"] = {"commune_code": elsewhere, "address_line": "Số 9 Phố Khác"}
    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(
        stack.api, accepted["declaration_id"], frozenset({"awaiting_supplement"})
    )
    request = step(view, "residence_registration")["supplement_request"]
    assert request["fields"] == ["residence.commune_code", "residence.address_line"]

    answer = await stack.api.post(
        f"/v1/declarations/{accepted['declaration_id']}/supplement",
        json={"changes": {"residence": _caretakers_address(caretaker)}},
    )
    assert answer.status_code == 202, answer.text
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed", view
    residence = step(view, "residence_registration")["result"]
    assert residence["commune_code"] == caretaker.residence.commune_code


def _caretakers_address(caretaker: PersonEntry) -> dict[str, str]:
    return {
        "commune_code": caretaker.residence.commune_code,
        "address_line": caretaker.residence.address_line,
    }


async def test_surrogacy_registers_the_intended_parents(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.surrogacy_birth(couple)
    view = await _completed(stack, body)
    residence = step(view, "residence_registration")["result"]
    assert residence["commune_code"] == couple.mother.residence.commune_code
    # The police registered the child as the intended couple's.
    registered = await stack.agencies["police"].get(f"/v1/registry/people/{_child_id(view)}")
    assert registered.status_code == 200
    assert registered.json()["full_name"] == body["child"]["full_name"]


async def test_twins_are_two_children_never_duplicates(
    stack: Stack, factory: DeclarationFactory
) -> None:
    first, second = factory.twins(next(factory.couples()))
    views = await asyncio.gather(_completed(stack, first), _completed(stack, second))
    assert len({_child_id(v) for v in views}) == 2

    # Twins sharing one name are told apart by their birth order.
    same_name = factory.twins(next(factory.couples()))
    same_name[1]["child"]["full_name"] = same_name[0]["child"]["full_name"]
    for body in same_name:
        await _completed(stack, body)

    # Filing one twin again is still a duplicate, refused at once, naming the first.
    again = await stack.api.post("/v1/declarations/birth", json=first)
    assert again.status_code == 409, again.text
    assert again.json()["type"] == "duplicate_declaration"
    assert again.json()["declaration_id"] == views[0]["declaration_id"]


async def test_parents_by_passport_and_an_absent_father_complete(
    stack: Stack, factory: DeclarationFactory
) -> None:
    foreign_father = factory.birth(next(factory.couples()), declarant="mother")
    foreign_father["father"] = {
        "passport_number": "M1234567",
        "full_name": "Kim Min Jun",
        "date_of_birth": "1990-04-12",
        "nationality": "KR",
    }
    foreign_mother = factory.birth(next(factory.couples()), declarant="father")
    foreign_mother["mother"] = {
        "passport_number": "C9876543",
        "full_name": "Maria Santos",
        "date_of_birth": "1993-08-30",
        "nationality": "PH",
    }
    no_father = factory.birth(next(factory.couples()), declarant="mother")
    no_father["father"] = None

    views = await asyncio.gather(
        *(_completed(stack, body) for body in (foreign_father, foreign_mother, no_father))
    )
    assert len({_child_id(v) for v in views}) == 3


# --- a parent who died before the birth, end to end -----------------------------------------


async def _death_declared(
    stack: Stack,
    factory: DeclarationFactory,
    deceased: PersonEntry,
    declarant: PersonEntry,
    died: date,
) -> None:
    """The death registered and the person's residence removed, as the family would declare it."""
    body = factory.death(
        deceased,
        procedures=("death_registration", "residence_removal"),
        date_of_death=died,
        declarant=declarant,
    )
    accepted = await submit(stack.api, "death", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "completed", view


async def _in_registry(stack: Stack, personal_id: str) -> dict[str, Any]:
    response = await stack.agencies["police"].get(f"/v1/registry/people/{personal_id}")
    assert response.status_code == 200, response.text
    person: dict[str, Any] = response.json()
    return person


async def _justice_record(stack: Stack, declaration_id: str) -> dict[str, Any]:
    cases = await agency_cases(stack.agencies["justice"], declaration_id)
    assert [c["status"] for c in cases] == ["approved"], cases
    record: dict[str, Any] = cases[0]["record"]
    return record


async def test_a_child_whose_father_died_during_the_pregnancy_is_registered_with_both_parents(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.birth(couple, born_days_ago=3, declarant="mother")
    born = date.fromisoformat(body["child"]["date_of_birth"])
    # He died 120 days before the birth, well within the 300 days of Art. 88.
    await _death_declared(stack, factory, couple.father, couple.mother, born - timedelta(days=120))
    father = await _in_registry(stack, couple.father.personal_id)
    assert father["status"] == "deceased"

    view = await _completed(stack, body)
    record = await _justice_record(stack, view["declaration_id"])
    assert record["mother_full_name"] == couple.mother.full_name
    assert record["father_full_name"] == couple.father.full_name
    # The police register the child with both parents, at the home the living mother declared.
    child = await _in_registry(stack, _child_id(view))
    assert (child["mother_id"], child["father_id"]) == (
        couple.mother.personal_id,
        couple.father.personal_id,
    )
    assert child["commune_code"] == couple.mother.residence.commune_code
    assert step(view, "health_insurance_card")["result"]["card_code"].startswith("TE1")


async def test_a_child_whose_mother_died_in_childbirth_is_registered_by_the_father(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.birth(couple, born_days_ago=4, declarant="father")
    born = date.fromisoformat(body["child"]["date_of_birth"])
    await _death_declared(stack, factory, couple.mother, couple.father, born)

    view = await _completed(stack, body)
    record = await _justice_record(stack, view["declaration_id"])
    assert record["mother_full_name"] == couple.mother.full_name
    assert record["father_full_name"] == couple.father.full_name
    child = await _in_registry(stack, _child_id(view))
    assert child["mother_id"] == couple.mother.personal_id
    assert child["father_id"] == couple.father.personal_id


async def test_a_father_dead_more_than_300_days_before_the_birth_is_refused_with_the_reason(
    stack: Stack, factory: DeclarationFactory
) -> None:
    couple = next(factory.couples())
    body = factory.birth(couple, born_days_ago=3, declarant="mother")
    born = date.fromisoformat(body["child"]["date_of_birth"])
    # 301 days: one day past the limit.
    await _death_declared(stack, factory, couple.father, couple.mother, born - timedelta(days=301))

    accepted = await submit(stack.api, "birth", body)
    view = await wait_for_status(stack.api, accepted["declaration_id"])
    assert view["status"] == "rejected", view
    assert view["status_reason_code"] == "father_died_before_conception"
    # Refused before any agency: no birth registered, no case opened.
    assert all(s["status"] == "cancelled" for s in view["steps"]), view["steps"]
    assert await agency_cases(stack.agencies["justice"], accepted["declaration_id"]) == []
    assert "300 ngày" in step(view, "birth_registration")["reason"]
    english = await stack.api.get(
        f"/v1/declarations/{accepted['declaration_id']}", headers={"Accept-Language": "en"}
    )
    assert "300 days" in step(english.json(), "birth_registration")["reason"]


# --- an institution caring for the child, end to end ----------------------------------------


async def test_an_institution_caring_for_an_abandoned_child_registers_it_at_its_address(
    stack: Stack, factory: DeclarationFactory
) -> None:
    representative = next(factory.caretakers())
    body = factory.institution_birth(representative)
    institution = body["declarant"]["institution"]
    assert institution["commune_code"] != representative.residence.commune_code

    view = await _completed(stack, body)
    residence = step(view, "residence_registration")["result"]
    assert residence["commune_code"] == institution["commune_code"]
    child = await _in_registry(stack, _child_id(view))
    assert (child["commune_code"], child["address_line"]) == (
        institution["commune_code"],
        institution["address_line"],
    )
    card = step(view, "health_insurance_card")["result"]
    province = factory.dataset.commune_province[institution["commune_code"]]
    assert card["card_code"] == f"TE1{province}{card['social_insurance_number']}"


async def test_an_institutions_child_declared_at_another_address_is_refused_at_intake(
    stack: Stack, factory: DeclarationFactory
) -> None:
    representative = next(factory.caretakers())
    body = factory.institution_birth(representative)
    body["residence"] = _caretakers_address(representative)
    response = await stack.api.post(
        "/v1/declarations/birth", json=body, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422, response.text
    problems = {(tuple(p["loc"]), p["type"]) for p in response.json()["detail"]}
    assert (("body", "residence", "commune_code"), "residence_not_institution_commune") in problems
    assert (("body", "residence", "address_line"), "residence_not_institution_address") in problems

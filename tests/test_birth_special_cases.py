"""The birth group's special cases end to end, through the portal API on the real server and
sandbox agencies: a home birth on the declarant's undertaking alone, an abandoned child, a birth
through surrogacy, twins, parents known by passport and an absent father. Each is registered by
justice, its residence by the police, its health-insurance card by social security.

The rules the portal applies to them at intake are checked first, without a server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from devstack.declaration_factory import DeclarationFactory, attachment
from sandbox.dataset import PersonEntry
from schemas.identifiers import parse_personal_id
from tests.harness.agency_offices import agency_cases
from tests.harness.intake_checks import refusal_detail
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status

Body = dict[str, Any]

# --- at intake ------------------------------------------------------------------------------


def _abandoned(factory: DeclarationFactory) -> Body:
    return factory.abandoned_child_birth(next(factory.caretakers()))


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

    # Filing one twin again is still a duplicate.
    again = await submit(stack.api, "birth", first)
    view = await wait_for_status(stack.api, again["declaration_id"])
    assert view["status"] == "rejected"
    assert step(view, "birth_registration")["status"] == "rejected"
    assert step(view, "residence_registration")["status"] == "cancelled"


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

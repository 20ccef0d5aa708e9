"""The portal API really refuses a bad declaration: a 422 whose body is the one its validation
and rules give (checked case by case, without a server, in test_birth_validation and
test_death_validation), bad JSON a client error, and nothing recorded or started."""

from __future__ import annotations

from sqlmodel import Session, select

from devstack.declaration_factory import DeclarationFactory
from store.models import DeclarationRecord
from tests.harness.intake_checks import refusal_detail
from tests.harness.stack import Stack


async def test_a_malformed_field_is_answered_with_the_models_refusal(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    body["mother"]["personal_id"] = "12345"
    body["chlid"] = {}
    response = await intake_stack.api.post("/v1/declarations/birth", json=body)
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": refusal_detail("birth", body)}
    assert {p["type"] for p in response.json()["detail"]} >= {"extra_forbidden"}


async def test_a_broken_rule_is_answered_with_the_rules_refusal(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    body = factory.death(deceased)
    body["declarant"]["personal_id"] = body["deceased"]["personal_id"]
    body["deceased"]["place_of_death"]["commune_code"] = "99999"
    response = await intake_stack.api.post("/v1/declarations/death", json=body)
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": refusal_detail("death", body)}
    assert {p["type"] for p in response.json()["detail"]} >= {
        "declarant_is_deceased",
        "commune_unknown",
    }


async def test_malformed_json_is_a_client_error(intake_stack: Stack) -> None:
    response = await intake_stack.api.post(
        "/v1/declarations/birth",
        content=b'{"declarant": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_body_that_is_not_an_object_is_a_client_error(intake_stack: Stack) -> None:
    response = await intake_stack.api.post("/v1/declarations/birth", json=[1, 2, 3])
    assert response.status_code == 422


async def test_refused_declaration_records_and_starts_nothing(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    def declarations_on_record() -> int:
        with Session(intake_stack.engine) as session:
            return len(session.exec(select(DeclarationRecord)).all())

    before = declarations_on_record()
    body = factory.birth(next(factory.couples()))
    body["residence"]["commune_code"] = "99997"
    response = await intake_stack.api.post("/v1/declarations/birth", json=body)
    assert response.status_code == 422
    assert declarations_on_record() == before
    running = [
        w
        async for w in intake_stack.client.list_workflows(
            f'TaskQueue = "{intake_stack.settings.task_queue_prefix}-orchestrator"'
        )
    ]
    assert running == []


async def test_characters_that_are_not_text_are_refused_field_by_field(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    body["child"]["full_name"] = "Trần Minh\u202e Khang"
    body["mother"]["full_name"] = "Нгуен Тхи Лан"
    body["child"]["place_of_birth"]["facility_name"] = "Bệnh viện\x00 Phụ sản"
    response = await intake_stack.api.post(
        "/v1/declarations/birth", json=body, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": refusal_detail("birth", body, language="en")}
    assert [(p["loc"], p["type"]) for p in response.json()["detail"]] == [
        (["body", "child", "full_name"], "text_invalid_character"),
        (["body", "child", "place_of_birth", "facility_name"], "text_invalid_character"),
        (["body", "mother", "full_name"], "name_invalid_character"),
    ]

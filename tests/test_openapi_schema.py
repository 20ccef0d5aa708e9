"""The OpenAPI schema the portal's developers build against: the main fields described, with
examples, and every refusal a route may answer documented with its body."""

from __future__ import annotations

from typing import Any

import httpx

from portal_api.app import create_app
from settings import Settings

SUBMISSIONS = ("/v1/declarations/birth", "/v1/declarations/death")


async def _openapi() -> dict[str, Any]:
    # The schema is public and needs nothing the application starts, Temporal included.
    transport = httpx.ASGITransport(app=create_app(Settings(environment="test")))
    async with httpx.AsyncClient(transport=transport, base_url="http://portal") as api:
        response = await api.get("/openapi.json")
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def _schema_of(content: dict[str, Any]) -> str:
    ref: str = content["application/json"]["schema"]["$ref"]
    return ref.rsplit("/", 1)[-1]


async def test_submissions_document_each_refusal_with_its_body() -> None:
    openapi = await _openapi()
    for path in SUBMISSIONS:
        responses = openapi["paths"][path]["post"]["responses"]
        assert {"202", "401", "403", "413", "422"} <= set(responses), path
        for code in ("401", "403"):
            assert _schema_of(responses[code]["content"]) == "Refusal", (path, code)
        for code in ("413", "422"):
            assert _schema_of(responses[code]["content"]) == "Problems", (path, code)
        assert all(responses[code]["description"] for code in responses)
    problem = openapi["components"]["schemas"]["Problem"]["properties"]
    assert set(problem) == {"loc", "msg", "type"}
    assert all(field.get("description") for field in problem.values())

    status = openapi["paths"]["/v1/declarations/{declaration_id}"]["get"]["responses"]
    assert {"200", "401", "403", "404"} <= set(status)


async def test_main_fields_have_descriptions_and_examples() -> None:
    schemas = (await _openapi())["components"]["schemas"]
    described = {
        "BirthDeclarationSubmission": (
            "declarant",
            "mother",
            "residence",
            "delivery",
            "attachments",
        ),
        "DeathDeclarationSubmission": (
            "declarant",
            "procedures",
            "survivor_benefit",
            "payment",
            "delivery",
        ),
        "BirthDeclarant": ("personal_id", "full_name", "relationship", "phone", "email"),
        "Deceased": ("personal_id", "cause_of_death", "cause_category"),
        "Place": ("commune_code", "address_line"),
        "Delivery": ("method", "pickup_agency"),
        "AttachmentUpload": ("kind", "sha256", "content_base64"),
        "DeclarationStatusView": ("procedure", "status", "deadline", "steps", "delivery"),
        "StepView": ("agency", "deadline", "reason", "reason_code", "result"),
        "DeclarationAccepted": ("declaration_id", "workflow_id", "status", "status_url"),
    }
    for model, fields in described.items():
        properties = schemas[model]["properties"]
        for field in fields:
            assert properties[field].get("description"), (model, field)
    exemplified = {
        "BirthDeclarant": ("personal_id", "full_name", "relationship", "phone"),
        "Child": ("full_name", "sex", "date_of_birth"),
        "DeathDeclarationSubmission": ("procedures", "death_notice_number"),
        "Place": ("commune_code", "address_line"),
        "DeclarationStatusView": ("declaration_id", "status", "received_at"),
        "DeclarationAccepted": ("declaration_id", "status_url"),
    }
    for model, fields in exemplified.items():
        properties = schemas[model]["properties"]
        for field in fields:
            assert properties[field].get("examples"), (model, field)


async def test_the_v1_2_benefit_fields_are_described() -> None:
    schemas = (await _openapi())["components"]["schemas"]
    beneficiary = schemas["Beneficiary"]["properties"]
    for field in ("working_capacity_reduction_percent", "income_below_reference_level"):
        assert beneficiary[field].get("description"), field
    assert (
        "working_capacity_assessment" in schemas["AttachmentUpload"]["properties"]["kind"]["enum"]
    )
    survivor = schemas["SurvivorBenefitResult"]["properties"]
    # The v1 names stay beside the v1.2 ones.
    for field in ("first_month", "monthly_amount_vnd", "arrears", "paid", "not_paid"):
        assert survivor[field].get("description"), field
    assert {"beneficiaries", "beneficiaries_not_paid"} <= set(survivor)
    assert set(schemas["ArrearsPeriod"]["properties"]) == {
        "from",
        "to",
        "monthly_amount_vnd",
        "months",
        "amount_vnd",
    }
    assert "reason_code" in schemas["BeneficiaryNotPaid"]["properties"]

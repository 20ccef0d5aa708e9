"""Citizens are answered in Vietnamese, and in English when they ask for it: every refusal's
`msg`, every step's reason and every supplement request. Codes (`type`, `reason_code`,
`status_reason_code`) are the same whatever the language."""

from __future__ import annotations

from typing import Any

from devstack.declaration_factory import DeclarationFactory
from tests.harness.portal import step, submit
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status
from tests.harness.withdrawals import registered_then_withdrawn

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def by_field(detail: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(problem["loc"]): problem for problem in detail}


async def test_a_broken_rule_is_refused_in_vietnamese_and_in_english_on_request(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
    body = factory.death(deceased)
    body["deceased"]["place_of_death"]["commune_code"] = "99999"
    commune = ("body", "deceased", "place_of_death", "commune_code")

    vietnamese = await intake_stack.api.post("/v1/declarations/death", json=body)
    english = await intake_stack.api.post("/v1/declarations/death", json=body, headers=ENGLISH)

    assert vietnamese.status_code == english.status_code == 422
    assert vietnamese.headers["content-language"] == "vi"
    assert english.headers["content-language"] == "en"
    vi, en = (
        by_field(vietnamese.json()["detail"])[commune],
        by_field(english.json()["detail"])[commune],
    )
    assert vi["type"] == en["type"] == "commune_unknown"
    assert vi["msg"] == (
        "Không có xã, phường, đặc khu nào mang mã 99999; vui lòng chọn theo danh mục đơn vị "
        "hành chính chính thức."
    )
    assert en["msg"] == (
        "There is no commune with code 99999; choose the commune from the official list."
    )


async def test_a_malformed_field_is_refused_in_vietnamese_and_in_english_on_request(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    body = factory.birth(next(factory.couples()))
    body["declarant"]["personal_id"] = "12345"
    body["child"]["sex"] = "unknown"
    del body["child"]["date_of_birth"]
    body["chlid"] = {}

    vietnamese = await intake_stack.api.post(
        "/v1/declarations/birth", json=body, headers={"Accept-Language": "vi-VN"}
    )
    english = await intake_stack.api.post("/v1/declarations/birth", json=body, headers=ENGLISH)

    assert vietnamese.status_code == english.status_code == 422
    vi, en = by_field(vietnamese.json()["detail"]), by_field(english.json()["detail"])
    # The same problems, at the same fields, of the same types: only their words differ.
    assert {k: p["type"] for k, p in vi.items()} == {k: p["type"] for k, p in en.items()}
    personal_id = ("body", "declarant", "personal_id")
    assert vi[personal_id]["type"] == "personal_id_format"
    assert vi[personal_id]["msg"] == "Số định danh cá nhân gồm đúng 12 chữ số."
    assert en[personal_id]["msg"] == "A personal identification number is exactly 12 digits."
    missing = ("body", "child", "date_of_birth")
    assert vi[missing]["type"] == "missing"
    assert vi[missing]["msg"] == "Trường child.date_of_birth là bắt buộc."
    assert en[missing]["msg"] == "The field child.date_of_birth is required."
    sex = ("body", "child", "sex")
    assert vi[sex]["msg"].startswith("Vui lòng chọn một trong các giá trị: ")
    assert en[sex]["msg"].startswith("Choose one of: ")
    assert vi[("body", "chlid")]["type"] == "extra_forbidden"
    assert vi[("body", "chlid")]["msg"].startswith("Trường này không thuộc tờ khai")


async def test_supplement_requests_and_step_reasons_in_vietnamese_and_in_english(
    stack: Stack, factory: DeclarationFactory
) -> None:
    # The population registry does not know the mother by this name: the family is asked.
    couple = next(factory.couples())
    misnamed = factory.birth(couple)
    misnamed["mother"]["full_name"] = "Nguyễn Thị Khác Tên"
    asked = await submit(stack.api, "birth", misnamed)
    await wait_for_status(stack.api, asked["declaration_id"], frozenset({"awaiting_supplement"}))
    url = f"/v1/declarations/{asked['declaration_id']}"
    vi = (await stack.api.get(url)).json()["supplement_request"]
    en = (await stack.api.get(url, headers=ENGLISH)).json()["supplement_request"]
    assert vi["fields"] == en["fields"]
    assert vi["message"].startswith("Thông tin của người mẹ không khớp với Cơ sở dữ liệu quốc gia")
    assert en["message"].startswith("The mother's details do not match the national population")

    # A birth registered before its first declaration was withdrawn, filed again: the justice
    # office refuses the second in its own words.
    body = factory.birth(next(factory.couples()))
    await registered_then_withdrawn(stack, body)
    second = await submit(stack.api, "birth", body)
    vi_view = await wait_for_status(stack.api, second["declaration_id"])
    url = f"/v1/declarations/{second['declaration_id']}"
    en_view = (await stack.api.get(url, headers=ENGLISH)).json()
    registration = step(vi_view, "birth_registration")
    assert registration["reason"] == step(en_view, "birth_registration")["reason"]
    assert registration["reason_code"] == "birth_already_registered"
    assert (
        vi_view["status_reason_code"]
        == en_view["status_reason_code"]
        == ("birth_already_registered")
    )
    residence_vi = step(vi_view, "residence_registration")
    residence_en = step(en_view, "residence_registration")
    assert residence_vi["reason_code"] == residence_en["reason_code"] == "registration_missing"
    assert residence_vi["reason"] == (
        "Chưa thực hiện: thủ tục này cần trích lục khai sinh, nhưng trích lục khai sinh chưa "
        "được đăng ký."
    )
    assert (
        residence_en["reason"]
        == "Not started: it needs the birth record, which was not registered."
    )

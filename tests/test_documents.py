"""Signed electronic results: each kind of record printed in Vietnamese and signed by its agency,
verified by anyone, refused once changed; who may read a declaration's documents, and which
agency may store them."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime

import httpx
import pytest
from pypdf import PdfReader

from adapters.case_worker.result_documents import issue_result
from adapters.desks import PRINTERS
from devstack.declaration_factory import DeclarationFactory
from messages import Message
from schemas.results import (
    BeneficiaryShare,
    BirthRegistrationResult,
    DeathRegistrationResult,
    FuneralAllowanceResult,
    HealthInsuranceCardResult,
    ResidenceRegistrationResult,
    ResidenceRemovalResult,
    StepResult,
    SurvivorBenefitResult,
)
from security.decision_signatures import public_key_b64
from security.document_certificates import (
    ISSUING_AGENCIES,
    dev_document_certificate,
    dev_document_key,
)
from security.principals import Scope, agency_issuer
from security.signed_pdfs import DocumentSigner, document_id, verify_pdf
from security.tokens import SigningKey, issue_token, read_token
from settings.keys import TokenSigningKey
from store.audit import audit_trail
from store.documents import list_documents, store_document
from tests.harness.agency_offices import agency_policy, open_case
from tests.harness.portal import submit
from tests.harness.stack import Stack

ISSUED_AT = datetime(2025, 3, 4, 9, 30, tzinfo=UTC)
TRUSTED = {a: dev_document_certificate(a) for a in ISSUING_AGENCIES}
EXPLANATION = Message.of("procedure.funeral_allowance")

RESULTS: list[tuple[str, StepResult, list[str]]] = [
    (
        "justice",
        BirthRegistrationResult(
            civil_status_record_number="KS-0001",
            child_personal_id="001225000001",
            registered_on=date(2025, 3, 4),
        ),
        ["TRÍCH LỤC KHAI SINH", "Bộ Tư pháp", "KS-0001", "001225000001", "04/03/2025"],
    ),
    (
        "justice",
        DeathRegistrationResult(
            death_record_number="KT-0002", registered_on=date(2025, 3, 4), late_registration=True
        ),
        ["TRÍCH LỤC KHAI TỬ", "KT-0002", "Đăng ký quá hạn", "Có"],
    ),
    (
        "police",
        ResidenceRegistrationResult(
            residence_registration_number="CT-3",
            commune_code="00004",
            registered_on=date(2025, 3, 4),
        ),
        [
            "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
            "Bộ Công an",
            "CT-3",
            "Nơi thường trú: Phường Ba Đình, Thành phố Hà Nội",
            "Mã đơn vị hành chính cấp xã: 00004",
        ],
    ),
    (
        "police",
        ResidenceRemovalResult(
            residence_removal_number="XT-4", commune_code="26740", removed_on=date(2025, 3, 4)
        ),
        [
            "XÓA ĐĂNG KÝ THƯỜNG TRÚ",
            "XT-4",
            "Nơi thường trú: Phường Sài Gòn, Thành phố Hồ Chí Minh",
            "26740",
        ],
    ),
    (
        "social_security",
        HealthInsuranceCardResult(
            social_insurance_number="0125000001",
            card_code="TE1010125000001",
            benefit_level=1,
            valid_from=date(2025, 3, 4),
            valid_to=date(2031, 3, 3),
        ),
        ["THẺ BẢO HIỂM Y TẾ ĐIỆN TỬ", "Bảo hiểm xã hội Việt Nam", "TE1010125000001", "03/03/2031"],
    ),
    (
        "social_security",
        FuneralAllowanceResult(
            covered=True,
            rule="funeral_allowance.10x_base_salary",
            explanation=EXPLANATION,
            figures={"base_salary_vnd": 2_340_000, "multiple": 10},
            amount_vnd=23_400_000,
        ),
        ["TRỢ CẤP MAI TÁNG", "23.400.000 đồng", "10 lần mức lương cơ sở", "2.340.000 đồng"],
    ),
    (
        "social_security",
        SurvivorBenefitResult(
            covered=True,
            rule="survivor_benefit.monthly",
            explanation=EXPLANATION,
            figures={"base_salary_vnd": 2_340_000},
            form="monthly",
            monthly_amount_vnd=1_170_000,
            paid=[
                BeneficiaryShare(
                    personal_id="001090000001",
                    full_name="Nguyễn Thị Ánh",
                    relationship="spouse",
                    share_percent_of_reference=50,
                    monthly_amount_vnd=1_170_000,
                )
            ],
        ),
        ["TRỢ CẤP TUẤT", "hằng tháng", "Nguyễn Thị Ánh", "vợ/chồng", "1.170.000 đồng"],
    ),
]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _signer(agency: str) -> DocumentSigner:
    return DocumentSigner(agency, dev_document_key(agency), dev_document_certificate(agency))


def _issue(agency: str, result: StepResult) -> bytes:
    return issue_result(
        _signer(agency), "birth-test-1", "CASE-1", result, ISSUED_AT, PRINTERS[agency]
    )


@pytest.mark.parametrize(("agency", "result", "expected"), RESULTS, ids=lambda v: str(v)[:20])
def test_each_record_is_a_signed_vietnamese_document(
    agency: str, result: StepResult, expected: list[str]
) -> None:
    pdf = _issue(agency, result)
    text = " ".join(_text(pdf).split())
    for words in expected:
        assert words in text
    check = verify_pdf(pdf, TRUSTED)
    assert check.valid and check.issuer == agency and check.reason is None


def test_a_record_naming_no_official_commune_prints_its_code_alone() -> None:
    """The police records a removal under commune 00000 for a person it held no address for."""
    result = ResidenceRemovalResult(
        residence_removal_number="XT-5", commune_code="00000", removed_on=date(2025, 3, 4)
    )
    text = " ".join(_text(_issue("police", result)).split())
    assert "Mã đơn vị hành chính cấp xã: 00000" in text
    assert "Nơi thường trú" not in text


def test_a_document_changed_after_signing_is_refused() -> None:
    pdf = _issue("justice", RESULTS[0][1])
    edited = pdf.replace(b"/Title", b"/Titlf", 1)
    assert edited != pdf
    assert verify_pdf(edited, TRUSTED).valid is False
    appended = pdf + b"\n1 0 obj\n<< >>\nendobj\n"
    assert verify_pdf(appended, TRUSTED).valid is False


def test_only_the_agencies_certificates_are_trusted() -> None:
    pdf = _issue("justice", RESULTS[0][1])
    others = {a: c for a, c in TRUSTED.items() if a != "justice"}
    check = verify_pdf(pdf, others)
    assert (check.valid, check.reason) == (False, "unknown_issuer")
    assert verify_pdf(b"not a pdf", TRUSTED).reason == "not_a_pdf"


async def test_documents_are_for_those_who_may_read_the_status(
    intake_stack: Stack, factory: DeclarationFactory
) -> None:
    stack = intake_stack
    body = factory.birth(next(factory.couples()))
    accepted = await submit(stack.api, "birth", body)
    declaration_id = accepted["declaration_id"]
    # Signing runs its own event loop: off the test's, as an agency's activity runs it.
    pdf = await asyncio.to_thread(_issue, "justice", RESULTS[0][1])
    document_id = store_document(
        stack.engine,
        stack.cipher,
        declaration_id,
        pdf,
        kind="birth_extract",
        issuer="justice",
        procedure="birth_registration",
    )
    listing = f"/v1/declarations/{declaration_id}/documents"
    citizen = stack.token("citizen", citizen_id=body["declarant"]["personal_id"])
    stranger = stack.token("citizen", citizen_id="001090000009")
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as raw:
        for token in (citizen, stack.token("portal", subject="portal")):
            headers = {"Authorization": f"Bearer {token}"}
            documents = (await raw.get(listing, headers=headers)).json()
            assert documents == [
                {
                    "document_id": document_id,
                    "kind": "birth_extract",
                    "issuer": "justice",
                    "procedure": "birth_registration",
                    "media_type": "application/pdf",
                    "url": f"{listing}/{document_id}",
                }
            ]
            served = await raw.get(documents[0]["url"], headers=headers)
            assert served.headers["content-type"] == "application/pdf"
            assert served.content == pdf
        assert (await raw.get(listing)).status_code == 401
        for token in (stranger, stack.token("portal", subject="other-portal")):
            headers = {"Authorization": f"Bearer {token}"}
            assert (await raw.get(listing, headers=headers)).status_code in (403, 404)
            assert (await raw.get(f"{listing}/{document_id}", headers=headers)).status_code in (
                403,
                404,
            )
        missing = await raw.get(
            f"{listing}/{'0' * 64}", headers={"Authorization": f"Bearer {citizen}"}
        )
        assert missing.status_code == 404

        verify = "/v1/documents/verify"
        pdf_type = {"Content-Type": "application/pdf"}
        assert (await raw.post(verify, content=pdf, headers=pdf_type)).json() == {
            "valid": True,
            "issuer": "justice",
            "document_id": document_id,
            "reason": None,
        }
        tampered = pdf.replace(b"/Title", b"/Titlf", 1)
        check = (await raw.post(verify, content=tampered, headers=pdf_type)).json()
        assert check["valid"] is False
        oversized = b"%PDF-" + b"0" * stack.settings.max_document_verify_bytes
        assert (await raw.post(verify, content=oversized, headers=pdf_type)).status_code == 413
        assert (await raw.post(verify, content=pdf)).status_code == 415


def _agency_key(agency: str) -> SigningKey:
    key = TokenSigningKey.development(agency_issuer(agency))
    return SigningKey(agency_issuer(agency), key.key_id, key.seed.get_secret_value())


def test_an_agency_token_speaks_for_its_issuer_alone() -> None:
    key = _agency_key("justice")
    token = issue_token(key, "agency", party="police")
    verify_keys = {key.issuer: {key.key_id: public_key_b64(key.seed)}}
    principal = read_token(verify_keys, token)
    assert (principal.role, principal.party) == ("agency", "justice")
    assert principal.scopes == {Scope.ISSUE}


async def test_an_agency_stores_only_the_documents_it_signed(
    stack: Stack, factory: DeclarationFactory
) -> None:
    async with agency_policy(stack, "justice", "manual"):
        body = factory.birth(next(factory.couples()))
        declaration_id = (await submit(stack.api, "birth", body))["declaration_id"]
        await open_case(stack, declaration_id, "birth_registration")
        deceased = next(factory.insured_people(lambda i: i.status == "pensioner"))
        death_id = (await submit(stack.api, "death", factory.death(deceased)))["declaration_id"]
        await open_case(stack, death_id, "death_registration")
        await _stores_only_what_it_signed_where_it_holds_the_case(stack, declaration_id, death_id)


async def _stores_only_what_it_signed_where_it_holds_the_case(
    stack: Stack, declaration_id: str, death_id: str
) -> None:
    extract = await asyncio.to_thread(_issue, "justice", RESULTS[0][1])
    card = await asyncio.to_thread(_issue, "social_security", RESULTS[4][1])
    again = await asyncio.to_thread(_issue, "justice", RESULTS[0][1])
    path = f"/v1/declarations/{declaration_id}/documents"

    async def put(token: str, kind: str, pdf: bytes, target: str = path) -> httpx.Response:
        async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as raw:
            return await raw.post(
                target,
                params={"kind": kind},
                content=pdf,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/pdf"},
            )

    justice = issue_token(_agency_key("justice"), "agency")
    social_security = issue_token(_agency_key("social_security"), "agency")
    # Another agency's kind, or its own kind signed by another agency's certificate: refused.
    assert (await put(justice, "health_insurance_card", card)).status_code == 403
    assert (await put(justice, "birth_extract", card)).status_code == 422
    assert (await put(justice, "birth_extract", extract[:-40])).status_code == 422
    # The portal and citizens read documents; they do not issue them.
    portal = stack.token("portal", subject="portal")
    assert (await put(portal, "birth_extract", extract)).status_code == 403
    assert (
        await put(justice, "birth_extract", extract, "/v1/declarations/x/documents")
    ).status_code == 404
    # A birth extract on a death declaration, where justice holds a case but no birth's: it
    # does not belong there, and the death's declarant never sees it.
    death_path = f"/v1/declarations/{death_id}/documents"
    assert (await put(justice, "birth_extract", extract, death_path)).status_code == 403
    assert list_documents(stack.engine, death_id) == []
    assert any(
        e.action == "store_document" and e.outcome == "denied"
        for e in audit_trail(stack.engine, death_id)
    )
    # Social security's card where its step has not reached it yet: refused too.
    assert (await put(social_security, "health_insurance_card", card)).status_code == 403

    stored = await put(justice, "birth_extract", extract)
    assert stored.status_code == 201, stored.text
    assert stored.json()["document_id"] == document_id(extract)
    # Signed again (a retried issue): the document already kept answers.
    repeated = await put(justice, "birth_extract", again)
    assert again != extract and repeated.json()["document_id"] == document_id(extract)
    # An agency's credential reads nothing.
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=30) as raw:
        listing = await raw.get(path, headers={"Authorization": f"Bearer {justice}"})
    assert listing.status_code == 403

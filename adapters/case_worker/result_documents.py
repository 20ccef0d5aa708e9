"""The electronic copy of an agency's result (Decree 63/2024), as the issuing agency prints it:
the birth or death extract, the residence confirmation or removal, the health-insurance card,
the benefit decision with its rule and figures. In Vietnamese, in a font that carries its
diacritics (Debian's fonts-dejavu-core), and signed by the agency with its certificate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

from fpdf import FPDF

from adapters.case_worker.document_typefaces import FAMILY, TypesetPdf
from adapters.social_security.benefit_wording import decision_lines, survivor_lines
from messages import Message, Text, in_words
from messages.formats import day, vnd
from reference_data.admin_units import official_admin_units
from schemas.results import (
    BenefitDecision,
    BirthRegistrationResult,
    DeathRegistrationResult,
    FuneralAllowanceResult,
    HealthInsuranceCardResult,
    ResidenceRegistrationResult,
    ResidenceRemovalResult,
    StepResult,
    SurvivorBenefitResult,
)
from security.document_certificates import AGENCY_NAMES
from security.signed_pdfs import DocumentSigner, sign_pdf

# What each result is called on paper.
TITLES = {
    "birth_registration": "TRÍCH LỤC KHAI SINH",
    "death_registration": "TRÍCH LỤC KHAI TỬ",
    "residence_registration": "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
    "residence_removal": "XÁC NHẬN XÓA ĐĂNG KÝ THƯỜNG TRÚ",
    "health_insurance_card": "THẺ BẢO HIỂM Y TẾ ĐIỆN TỬ",
    "funeral_allowance": "QUYẾT ĐỊNH HƯỞNG TRỢ CẤP MAI TÁNG",
    "survivor_benefit": "QUYẾT ĐỊNH HƯỞNG TRỢ CẤP TUẤT",
}

Line = tuple[str, str]


def _day(value: date) -> str:
    return day(value, "vi")


def _vnd(amount: int | None) -> str:
    return "—" if amount is None else vnd(amount, "vi")


def _yes_no(value: bool) -> str:
    return "Có" if value else "Không"


def _in_vietnamese(lines: Iterator[tuple[Text, Text]]) -> Iterator[Line]:
    for label, value in lines:
        yield in_words(label, "vi") or "", in_words(value, "vi") or ""


def _place(commune_code: str) -> Iterator[Line]:
    """Where the residence is, by the official names of its commune and province, then the
    commune's code; the code alone when the record names no official commune."""
    admin_units = official_admin_units()
    if admin_units.has_commune(commune_code):
        yield "Nơi thường trú", admin_units.place_name(commune_code)
    yield "Mã đơn vị hành chính cấp xã", commune_code


def _benefit_lines(result: BenefitDecision) -> Iterator[Line]:
    yield "Được hưởng", _yes_no(result.covered)
    yield from _in_vietnamese(decision_lines(result))


def _lines(result: StepResult) -> Iterator[Line]:
    match result:
        case BirthRegistrationResult():
            yield "Số đăng ký khai sinh", result.civil_status_record_number
            yield "Số định danh cá nhân của trẻ", result.child_personal_id
            yield "Ngày đăng ký", _day(result.registered_on)
        case DeathRegistrationResult():
            yield "Số đăng ký khai tử", result.death_record_number
            yield "Ngày đăng ký", _day(result.registered_on)
            yield "Đăng ký quá hạn", _yes_no(result.late_registration)
        case ResidenceRegistrationResult():
            yield "Số đăng ký cư trú", result.residence_registration_number
            yield from _place(result.commune_code)
            yield "Ngày đăng ký", _day(result.registered_on)
        case ResidenceRemovalResult():
            yield "Số xóa đăng ký thường trú", result.residence_removal_number
            yield from _place(result.commune_code)
            yield "Ngày xóa đăng ký", _day(result.removed_on)
        case HealthInsuranceCardResult():
            yield "Mã số bảo hiểm xã hội", result.social_insurance_number
            yield "Mã thẻ", result.card_code
            yield "Mức hưởng", f"{result.benefit_level}"
            yield "Giá trị sử dụng", f"từ {_day(result.valid_from)} đến {_day(result.valid_to)}"
        case FuneralAllowanceResult():
            yield "Số tiền trợ cấp mai táng", _vnd(result.amount_vnd)
            yield from _benefit_lines(result)
        case SurvivorBenefitResult():
            form = "một lần" if result.form == "lump_sum" else "hằng tháng"
            yield "Hình thức hưởng", f"Trợ cấp tuất {form}"
            yield "Trợ cấp tuất một lần", _vnd(result.lump_sum_vnd)
            yield "Trợ cấp tuất hằng tháng", _vnd(result.monthly_amount_vnd)
            yield from _benefit_lines(result)
            yield from _in_vietnamese(survivor_lines(result))


def _paragraph(pdf: FPDF, height: float, text: str, align: str = "J") -> None:
    """A paragraph across the page, then the next line at the left margin. One that fits on a
    line is printed as one cell, as `multi_cell` prints a single line (its last line is never
    justified): `multi_cell` finds where lines break by measuring the line anew at each of its
    characters, which took most of the time a document's printing took."""
    width = pdf.epw
    if "\n" not in text and pdf.get_string_width(text) < width - 2 * pdf.c_margin:
        one_line = "L" if align == "J" else align
        pdf.cell(width, height, text, align=one_line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(width, height, text, align=align, new_x="LMARGIN", new_y="NEXT")


def render_result(
    agency: str, declaration_id: str, case_number: str, result: StepResult, issued_at: datetime
) -> bytes:
    """The unsigned document. Its dates are the issue's, so the same result prints the same."""
    pdf = TypesetPdf()
    pdf.set_creation_date(issued_at)
    pdf.set_title(TITLES[result.kind])
    pdf.set_author(AGENCY_NAMES[agency])
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 11)
    _paragraph(pdf, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    _paragraph(pdf, 6, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 11)
    _paragraph(pdf, 6, f"Cơ quan cấp: {AGENCY_NAMES[agency]}", align="C")
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 16)
    _paragraph(pdf, 9, TITLES[result.kind], align="C")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 11)
    procedure = Message.of(f"procedure.{result.kind}").text("vi")
    header: list[Line] = [
        ("Thủ tục", procedure),
        ("Mã hồ sơ liên thông", declaration_id),
        ("Số hồ sơ tại cơ quan", case_number),
        ("Ngày cấp", _day(issued_at.date())),
    ]
    for label, value in [*header, *_lines(result)]:
        pdf.set_font(FAMILY, "B", 11)
        _paragraph(pdf, 6, f"{label}:")
        pdf.set_font(FAMILY, "", 11)
        _paragraph(pdf, 6, value)
    pdf.ln(6)
    _paragraph(
        pdf,
        6,
        "Bản điện tử này được ký số bởi cơ quan cấp và có giá trị như bản giấy "
        "(Nghị định 63/2024/NĐ-CP).",
    )
    return pdf.typeset()


def issue_result(
    signer: DocumentSigner,
    declaration_id: str,
    case_number: str,
    result: StepResult,
    issued_at: datetime,
) -> bytes:
    """The signed electronic copy of the result."""
    unsigned = render_result(signer.agency, declaration_id, case_number, result, issued_at)
    return sign_pdf(unsigned, signer)

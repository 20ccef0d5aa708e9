"""The electronic copy of an agency's result (Decree 63/2024), as the issuing agency prints it:
the heading every document has, with the title the procedure table gives it, then the lines the
agency prints of its record (its desk's printer). In Vietnamese, in a font that carries its
diacritics (Debian's fonts-dejavu-core), and signed by the agency with its certificate."""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from adapters.case_worker.document_typefaces import FAMILY, TypesetPdf
from adapters.case_worker.printing import Line, Printer, day_vi
from agency_contracts.procedures import PROCEDURES
from schemas.common import Procedure
from schemas.parties import AGENCY_TITLES
from schemas.results import StepResult
from security.signed_pdfs import DocumentSigner, sign_pdf


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
    agency: str,
    declaration_id: str,
    case_number: str,
    result: StepResult,
    issued_at: datetime,
    printed: Printer,
) -> bytes:
    """The unsigned document. Its dates are the issue's, so the same result prints the same."""
    procedure = PROCEDURES[Procedure(result.kind)]
    pdf = TypesetPdf()
    pdf.set_creation_date(issued_at)
    pdf.set_title(procedure.title)
    pdf.set_author(AGENCY_TITLES[agency])
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 11)
    _paragraph(pdf, 6, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C")
    _paragraph(pdf, 6, "Độc lập - Tự do - Hạnh phúc", align="C")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 11)
    _paragraph(pdf, 6, f"Cơ quan cấp: {AGENCY_TITLES[agency]}", align="C")
    pdf.ln(6)
    pdf.set_font(FAMILY, "B", 16)
    _paragraph(pdf, 9, procedure.title, align="C")
    pdf.ln(4)
    pdf.set_font(FAMILY, "", 11)
    header: list[Line] = [
        ("Thủ tục", procedure.name.text("vi")),
        ("Mã hồ sơ liên thông", declaration_id),
        ("Số hồ sơ tại cơ quan", case_number),
        ("Ngày cấp", day_vi(issued_at.date())),
    ]
    for label, value in [*header, *printed(result)]:
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
    printed: Printer,
) -> bytes:
    """The signed electronic copy of the result."""
    unsigned = render_result(signer.agency, declaration_id, case_number, result, issued_at, printed)
    return sign_pdf(unsigned, signer)

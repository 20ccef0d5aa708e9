"""Documents issued one after another, and at once from several threads, by one agency's signer:
the faces, font programs and signer they share carry nothing from one document into the next.
Each verifies, each differs from another only by its own values, and each embeds a font program
that draws the characters its text says it prints."""

from __future__ import annotations

import io
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from prometheus_client.parser import text_string_to_metric_families
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader as PyHankoReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, PdfObject, StreamObject
from temporalio.runtime import Runtime, TelemetryConfig

from adapters.case_worker.document_metrics import DocumentMetrics
from adapters.case_worker.result_documents import issue_result, render_result
from adapters.desks import PRINTERS
from devstack.processes import free_port
from messages import Message
from schemas.results import (
    BeneficiaryShare,
    BirthRegistrationResult,
    StepResult,
    SurvivorBenefitResult,
)
from security.document_certificates import dev_document_certificate, dev_document_key
from security.signed_pdfs import DocumentSigner, sign_pdf, verify_pdf
from temporal_connection.runtime import prometheus_config
from tests.test_documents import ISSUED_AT, RESULTS, TRUSTED

# How the justice office prints its records.
JUSTICE = PRINTERS["justice"]

NEXT_DAY = ISSUED_AT + timedelta(days=1)
FIRST = BirthRegistrationResult(
    civil_status_record_number="KS-0001",
    child_personal_id="001225000001",
    registered_on=date(2025, 3, 4),
)
SECOND = BirthRegistrationResult(
    civil_status_record_number="KS-7789",
    child_personal_id="079225456789",
    registered_on=date(2025, 3, 5),
)
# Printed between them: other glyphs (a name in a Central Highlands orthography, the dash of an
# amount not paid), and so another font program.
BETWEEN = SurvivorBenefitResult(
    covered=True,
    rule="survivor_benefit.monthly",
    explanation=Message.of("procedure.survivor_benefit"),
    figures={"base_salary_vnd": 2_340_000},
    form="monthly",
    monthly_amount_vnd=1_170_000,
    paid=[
        BeneficiaryShare(
            personal_id="066190000001",
            full_name="Y-Ƀlŭl Niê Blô",
            relationship="child",
            share_percent_of_reference=50,
            monthly_amount_vnd=1_170_000,
        )
    ],
)


def _justice() -> DocumentSigner:
    return DocumentSigner(
        "justice", dev_document_key("justice"), dev_document_certificate("justice")
    )


def _lines(pdf: bytes) -> list[str]:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_two_documents_in_a_row_differ_only_by_their_own_values() -> None:
    signer = _justice()
    first = issue_result(signer, "LT-FIRST", "HT-000001", FIRST, ISSUED_AT, JUSTICE)
    social_security = DocumentSigner(
        "social_security",
        dev_document_key("social_security"),
        dev_document_certificate("social_security"),
    )
    between = issue_result(
        social_security, "LT-BETWEEN", "SS-000009", BETWEEN, ISSUED_AT, PRINTERS["social_security"]
    )
    second = issue_result(signer, "LT-SECOND", "HT-000002", SECOND, NEXT_DAY, JUSTICE)

    for pdf in (first, second):
        check = verify_pdf(pdf, TRUSTED)
        assert (check.valid, check.issuer, check.reason) == (True, "justice", None)
    assert verify_pdf(between, TRUSTED).issuer == "social_security"
    assert "Y-Ƀlŭl Niê Blô" in " ".join(_lines(between))

    # The second document's text is the first's with the first's values put in its own place.
    values = {
        "LT-FIRST": "LT-SECOND",
        "HT-000001": "HT-000002",
        "KS-0001": "KS-7789",
        "001225000001": "079225456789",
        "04/03/2025": "05/03/2025",
    }
    expected = []
    for line in _lines(first):
        for mine, theirs in values.items():
            line = line.replace(mine, theirs)
        expected.append(line)
    assert _lines(second) == expected
    # The lines that differ: the declaration, the case, the record, the child's ID, the day of
    # registration and the day of issue.
    assert sum(a != b for a, b in zip(_lines(first), _lines(second), strict=True)) == 6

    # Printed again after the others, the first document is the same, byte for byte; signing
    # appended the signature to it and changed nothing of it.
    again = render_result("justice", "LT-FIRST", "HT-000001", FIRST, ISSUED_AT, JUSTICE)
    assert first.startswith(again)
    assert len(first) > len(again)


def test_documents_issued_at_once_are_those_issued_one_by_one() -> None:
    signer = _justice()
    issues: list[tuple[str, str, StepResult]] = [
        (agency, f"LT-{n:04d}", result) for n, (agency, result, _) in enumerate(RESULTS * 3)
    ]

    def render(issue: tuple[str, str, StepResult]) -> bytes:
        agency, declaration_id, result = issue
        return render_result(agency, declaration_id, "CASE-1", result, ISSUED_AT, PRINTERS[agency])

    one_by_one = [render(issue) for issue in issues]
    with ThreadPoolExecutor(max_workers=4) as pool:
        at_once = list(pool.map(render, issues))
        signed = list(
            pool.map(
                lambda n: issue_result(signer, f"LT-{n}", "CASE-1", FIRST, ISSUED_AT, JUSTICE),
                range(8),
            )
        )
    assert at_once == one_by_one
    for n, pdf in enumerate(signed):
        assert verify_pdf(pdf, TRUSTED).valid
        assert f"LT-{n}" in " ".join(_lines(pdf))


def _dictionary(value: object) -> DictionaryObject:
    found = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(found, DictionaryObject)
    return found


def _stream(value: object) -> bytes:
    found = value.get_object() if isinstance(value, PdfObject) else value
    assert isinstance(found, StreamObject)
    return found.get_data()


def _fonts(pdf: bytes) -> list[DictionaryObject]:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = _dictionary(_dictionary(page["/Resources"])["/Font"])
    return [_dictionary(fonts[name]) for name in fonts]


def _descendant(font: DictionaryObject) -> DictionaryObject:
    descendants = font["/DescendantFonts"]
    assert isinstance(descendants, ArrayObject)
    return _dictionary(descendants[0])


def _program(font: DictionaryObject) -> bytes:
    return _stream(_dictionary(_descendant(font)["/FontDescriptor"])["/FontFile2"])


def _to_unicode(font: DictionaryObject) -> dict[int, str]:
    cmap = _stream(font["/ToUnicode"]).decode("latin-1")
    return {
        int(code, 16): bytes.fromhex(text).decode("utf-16-be")
        for code, text in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap)
    }


def test_each_code_draws_the_glyph_of_the_character_it_stands_for() -> None:
    for agency, result, _ in [*RESULTS, ("social_security", BETWEEN, [])]:
        pdf = render_result(agency, "LT-GLYPHS", "CASE-1", result, ISSUED_AT, PRINTERS[agency])
        for font in _fonts(pdf):
            face = TTFont(io.BytesIO(_program(font)))
            cid_to_gid = _stream(_descendant(font)["/CIDToGIDMap"])
            characters = face.getBestCmap()
            printed = _to_unicode(font)
            assert printed
            for code, character in printed.items():
                glyph = int.from_bytes(cid_to_gid[2 * code : 2 * code + 2], "big")
                # Code 0 is fpdf2's, for the face's empty box.
                expected = characters[ord(character)] if code else ".notdef"
                assert face.getGlyphName(glyph) == expected, character


def test_one_regular_program_serves_documents_of_different_values() -> None:
    first = render_result("justice", "LT-FIRST", "HT-000001", FIRST, ISSUED_AT, JUSTICE)
    second = render_result("justice", "LT-SECOND", "HT-000002", SECOND, NEXT_DAY, JUSTICE)

    def programs(pdf: bytes) -> dict[str, bytes]:
        return {str(font["/BaseFont"]): _program(font) for font in _fonts(pdf)}

    assert programs(first) == programs(second)


def test_every_line_is_printed_on_the_page() -> None:
    for agency, result, _ in RESULTS:
        pdf = render_result(agency, "LT-PAGE", "CASE-1", result, ISSUED_AT, PRINTERS[agency])
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        width = float(page.mediabox.width)
        contents = page.get_contents()
        assert contents is not None
        content = contents.get_data().decode("latin-1")
        starts = [float(x) for x in re.findall(r"BT ([\d.]+) [\d.]+ Td", content)]
        assert starts
        assert all(0 < x < width for x in starts), starts


def _plain_pyhanko(pdf: bytes, signer: DocumentSigner) -> bytes:
    """The document signed as pyHanko signs by default, with a signer made for it alone."""
    key = load_pem_private_key(signer.private_key_pem.encode(), password=None)
    der_key = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    certificate = x509.load_pem_x509_certificate(signer.certificate_pem.encode())
    cms_signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore(),  # type: ignore[no-untyped-call]
    )
    metadata = signers.PdfSignatureMetadata(
        field_name="AgencySignature", name=signer.agency, subfilter=SigSeedSubFilter.PADES
    )
    output = io.BytesIO()
    signers.PdfSigner(metadata, signer=cms_signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output
    )
    return output.getvalue()


def _signed_attributes(pdf: bytes) -> dict[str, bytes]:
    signature = PyHankoReader(io.BytesIO(pdf)).embedded_signatures[0]
    return {
        attribute["type"].native: attribute["values"].dump()
        for attribute in signature.signer_info["signed_attrs"]
    }


def test_the_shared_signer_signs_as_pyhanko_signs_by_default() -> None:
    signer = _justice()
    pdf = render_result("justice", "LT-FIRST", "HT-000001", FIRST, ISSUED_AT, JUSTICE)
    shared = [sign_pdf(pdf, signer) for _ in range(2)]
    plain = _plain_pyhanko(pdf, signer)
    ours, theirs = _signed_attributes(shared[1]), _signed_attributes(plain)
    assert (
        ours.keys() == theirs.keys() == {"content_type", "message_digest", "signing_certificate_v2"}
    )
    assert ours["signing_certificate_v2"] == theirs["signing_certificate_v2"]
    assert ours["content_type"] == theirs["content_type"]
    # The same room for the signature as pyHanko reserves when it estimates it each time.
    assert len(shared[0]) == len(shared[1]) == len(plain)
    assert all(verify_pdf(signed, TRUSTED).valid for signed in [*shared, plain])


def test_each_document_s_printing_cpu_is_counted_by_agency_and_kind() -> None:
    address = f"127.0.0.1:{free_port()}"
    runtime = Runtime(telemetry=TelemetryConfig(metrics=prometheus_config(address)))
    metrics = DocumentMetrics(runtime.metric_meter, "justice")
    signer = _justice()
    for result in (FIRST, SECOND):
        pdf = metrics.timed(
            "birth_extract",
            lambda r=result: issue_result(signer, "LT-1", "JB-1", r, ISSUED_AT, JUSTICE),  # type: ignore[misc]
        )
        assert pdf.startswith(b"%PDF")
    page = httpx.get(f"http://{address}/metrics", timeout=10).text
    samples = {
        sample.name: sample
        for family in text_string_to_metric_families(page)
        for sample in family.samples
        if sample.name.startswith("lienthong_document_issue_cpu_seconds")
    }
    count = samples["lienthong_document_issue_cpu_seconds_count"]
    assert count.value == 2
    assert {k: count.labels[k] for k in ("agency", "kind")} == {
        "agency": "justice",
        "kind": "birth_extract",
    }
    # Printing and signing take CPU; well under a second each, not nothing.
    assert 0 < samples["lienthong_document_issue_cpu_seconds_sum"].value < 2

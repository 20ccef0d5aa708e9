"""PDFs made to break a verifier, and a real signed one to break: each made here, by the tests'
own signer, from a seeded random where random."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import cache

from adapters.case_worker.result_documents import issue_result
from adapters.desks import PRINTERS
from schemas.results import BirthRegistrationResult
from security.document_certificates import dev_document_certificate, dev_document_key
from security.signed_pdfs import DocumentSigner

_RESULT = BirthRegistrationResult(
    civil_status_record_number="KS-0001",
    child_personal_id="001225000001",
    registered_on=date(2025, 3, 4),
)


@cache
def signed_extract() -> bytes:
    """A birth extract the justice office signed, as its case worker issues it. pyHanko signs in
    an event loop of its own: call this from a thread when a loop runs."""
    signer = DocumentSigner(
        "justice", dev_document_key("justice"), dev_document_certificate("justice")
    )
    return issue_result(
        signer,
        "birth-test-1",
        "CASE-1",
        _RESULT,
        datetime(2025, 3, 4, 9, 30, tzinfo=UTC),
        PRINTERS["justice"],
    )


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF of these object bodies, numbered from 1, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref,
    )
    return bytes(out)


def many_form_fields(fields: int) -> bytes:
    """One page and `fields` text fields: 13,000 of them come to 0.94 MB, and parsing them all
    costs about thirty times that."""
    refs = b" ".join(b"%d 0 R" % (4 + i) for i in range(fields))
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm 3 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Fields [" + refs + b"] >>",
            *(b"<</FT/Tx/T(f%d)/V(v)>>" % i for i in range(fields)),
        ]
    )


def _startxref(pdf: bytes) -> int:
    found = re.findall(rb"startxref\s+(\d+)", pdf)
    return int(found[-1]) if found else 0


def _size(pdf: bytes) -> int:
    return max((int(size) for size in re.findall(rb"/Size (\d+)", pdf)), default=2)


def appended_object(pdf: bytes, number: int, body: bytes) -> bytes:
    """The document with an incremental update that redefines object `number` as `body`: what
    a signer's software would append, well formed down to its cross-reference table."""
    root = (re.findall(rb"/Root (\d+) 0 R", pdf) or [b"1"])[-1]
    offset = len(pdf) + 1
    update = b"\n%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = offset - 1 + len(update)
    update += b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s 0 R /Prev %d >>\n" % (
        number,
        offset,
        max(_size(pdf), number + 1),
        root,
        _startxref(pdf),
    )
    update += b"startxref\n%d\n%%%%EOF\n" % xref
    return pdf + update


def _signature_object(pdf: bytes) -> int:
    """The number of the signature dictionary the signature field's `/V` names."""
    return int(re.findall(rb"/FT /Sig.*?/V (\d+) 0 R", pdf, re.DOTALL)[-1])


def deeply_nested(pdf: bytes, depth: int = 50_000) -> bytes:
    """The signature dictionary replaced by one whose `/ByteRange` opens `depth` arrays."""
    body = b"<< /Type /Sig /Contents <00> /ByteRange " + b"[" * depth + b" >>"
    return appended_object(pdf, _signature_object(pdf), body)


def integer_signature_value(pdf: bytes) -> bytes:
    """The signature field's `/V` an integer where a dictionary belongs, in place."""
    number = _signature_object(pdf)
    old = b"/V %d 0 R" % number
    return pdf.replace(old, (b"/V %d" % number).ljust(len(old)))


# What a hostile update puts where an object was.
_HOSTILE_BODIES = (
    b"7",
    b"null",
    b"(a string)",
    b"[ 1 2 3 ]",
    b"<< >>",
    b"<< /Type /Sig >>",
    b"<< /Type /Sig /Contents 5 /ByteRange (x) >>",
    b"<< /Type /Sig /Contents <3082> /ByteRange [ 0 -1 99999999999 2 ] >>",
    b"<< /FT /Sig /V 7 >>",
    b"<< /Fields 7 >>",
    b"<< /Fields [ 9999 0 R ] >>",
    b"<< /Type /Catalog /AcroForm [ ] >>",
    b"<< /Type /Catalog /Pages 5 >>",
    b"<< /A " * 5000 + b">>" * 5000,
    b"[" * 5000,
)
_TOKENS = (
    b" 0 R",
    b"obj",
    b"endobj",
    b"<<",
    b">>",
    b"[",
    b"]",
    b"/V ",
    b"/ByteRange",
    b"/Contents",
    b"/Fields",
    b"/Type",
    b"/Sig",
    b"stream",
    b"xref",
    b"trailer",
    b"startxref",
    b"/Prev",
    b"/Root",
    b"/Size",
    b"/Length",
    b"/Filter",
    b"/SubFilter",
)
_REPLACEMENTS = (b"", b"-1", b"99999999999999999999", b"0", b"null", b"(x)", b"<>", b"[", b"<<")


def _flip_bytes(rng: random.Random, pdf: bytes) -> bytes:
    data = bytearray(pdf)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _truncate(rng: random.Random, pdf: bytes) -> bytes:
    return pdf[: rng.randrange(len(pdf))]


def _replace_token(rng: random.Random, pdf: bytes) -> bytes:
    token = rng.choice(_TOKENS)
    found = [m.start() for m in re.finditer(re.escape(token), pdf)]
    if not found:
        return pdf
    at = rng.choice(found)
    return pdf[:at] + rng.choice(_REPLACEMENTS) + pdf[at + len(token) :]


def _cut_span(rng: random.Random, pdf: bytes) -> bytes:
    at = rng.randrange(len(pdf))
    return pdf[:at] + pdf[at + rng.randint(1, 2000) :]


def _repeat_span(rng: random.Random, pdf: bytes) -> bytes:
    at = rng.randrange(len(pdf))
    end = at + rng.randint(1, 2000)
    return pdf[:end] + pdf[at:end] + pdf[end:]


def _change_numbers(rng: random.Random, pdf: bytes) -> bytes:
    """Offsets, lengths and object numbers changed, each kept to its width where it fits."""
    data = bytearray(pdf)
    numbers = list(re.finditer(rb"\d+", pdf))
    picked = rng.sample(numbers, min(len(numbers), rng.randint(1, 5)))
    for found in sorted(picked, key=lambda m: -m.start()):
        value = rng.choice([0, 1, -1, int(found.group()) + 1, int(found.group()) * 1000, 2**63])
        data[found.start() : found.end()] = str(value).encode().ljust(len(found.group()))
    return bytes(data)


def _hostile_update(rng: random.Random, pdf: bytes) -> bytes:
    return appended_object(pdf, rng.randint(1, max(_size(pdf) - 1, 1)), rng.choice(_HOSTILE_BODIES))


_MUTATIONS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    _flip_bytes,
    _truncate,
    _replace_token,
    _cut_span,
    _repeat_span,
    _change_numbers,
    _hostile_update,
)


def mutations(pdf: bytes, count: int, seed: int) -> Iterator[bytes]:
    """`count` damaged copies of `pdf`, one to three mutations each, none left unchanged."""
    rng = random.Random(seed)
    made = 0
    while made < count:
        damaged = pdf
        for _ in range(rng.randint(1, 3)):
            damaged = rng.choice(_MUTATIONS)(rng, damaged) or b"%"
        if damaged != pdf:
            made += 1
            yield damaged

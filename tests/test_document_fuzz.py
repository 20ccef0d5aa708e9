"""A malformed PDF is not valid, with the reason, and never an error: hundreds of damaged copies
of a real signed document (bytes flipped, cut, repeated; tokens and numbers changed; objects
redefined by hostile updates), and the two that used to answer 500 (a signature dictionary
nesting 50,000 arrays, a signature field whose `/V` is an integer)."""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain

import pytest

from security.document_certificates import ISSUING_AGENCIES, dev_document_certificate
from security.signed_pdfs import Unverified, document_id, verify_pdf
from tests.harness.hostile_pdfs import (
    deeply_nested,
    integer_signature_value,
    mutations,
    signed_extract,
)

pytestmark = pytest.mark.store_free

TRUSTED = {a: dev_document_certificate(a) for a in ISSUING_AGENCIES}
SEED = 20261207
COUNT = 400
REASONS = {reason.value for reason in Unverified}


def _signature_hole(pdf: bytes) -> tuple[int, int]:
    """Where the signature's own bytes sit: the one span its `/ByteRange` leaves out."""
    found = re.search(rb"/ByteRange \[(\d+) (\d+) (\d+) (\d+)\]", pdf)
    assert found is not None
    start, length, resumes, _ = (int(n) for n in found.groups())
    return start + length, resumes


@pytest.fixture(scope="module")
def extract() -> bytes:
    return signed_extract()


def test_the_two_files_that_answered_500_are_not_valid(extract: bytes) -> None:
    for damaged in (deeply_nested(extract), integer_signature_value(extract)):
        answer = verify_pdf(damaged, TRUSTED)
        assert (answer.valid, answer.reason) == (False, Unverified.SIGNATURE_UNREADABLE.value)
        assert answer.document_id == document_id(damaged)


def test_damaged_documents_are_not_valid_and_never_raise(extract: bytes) -> None:
    assert verify_pdf(extract, TRUSTED).valid
    hole_start, hole_end = _signature_hole(extract)
    reasons: Counter[str] = Counter()
    damaged_copies = chain(
        [deeply_nested(extract, depth) for depth in (900, 1100, 50_000)],
        [integer_signature_value(extract)],
        mutations(extract, COUNT, SEED),
    )
    for damaged in damaged_copies:
        answer = verify_pdf(damaged, TRUSTED)
        signed_bytes_unchanged = (
            len(damaged) == len(extract)
            and damaged[:hole_start] == extract[:hole_start]
            and damaged[hole_end:] == extract[hole_end:]
        )
        assert answer.document_id == document_id(damaged)
        if answer.valid:
            # Only what the signature itself holds was touched (its padding, say).
            assert signed_bytes_unchanged and answer.reason is None
            reasons["valid"] += 1
            continue
        assert answer.reason is not None
        code = answer.reason.split(":", 1)[0]
        assert code in REASONS, answer.reason
        reasons[code] += 1
    print(dict(reasons))
    assert sum(reasons.values()) == COUNT + 4
    # The damage reaches each stage: the parser, the signature, and the signed bytes' hash.
    for stage in (
        Unverified.NOT_A_PDF,
        Unverified.SIGNATURE_UNREADABLE,
        Unverified.ALTERED_AFTER_SIGNING,
    ):
        assert reasons[stage.value] > 0, reasons

"""Signed documents are checked in processes of their own, never the caller's: a check that needs
more memory or time than it may have is not valid, and the processes are replaced after their
share of checks, when stopped, and when they die. Driven without a server."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from portal_api.document_checks import CheckLimits, DocumentChecks
from security.document_certificates import ISSUING_AGENCIES, dev_document_certificate
from security.signed_pdfs import Unverified, document_id, verify_pdf
from tests.harness.hostile_pdfs import (
    deeply_nested,
    integer_signature_value,
    many_form_fields,
    signed_extract,
)

TRUSTED = {a: dev_document_certificate(a) for a in ISSUING_AGENCIES}
MIB = 1024 * 1024
LIMITS = CheckLimits(workers=2, memory_bytes=160 * MIB, seconds=60.0, checks_per_worker=50)


def _parent(process: Path) -> int | None:
    try:
        stat = (process / "stat").read_text()
    except OSError:
        return None
    # The command name, in parentheses, may hold spaces: the fields after it are plain.
    return int(stat.rpartition(")")[2].split()[1])


def _command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def check_processes() -> set[int]:
    """The checking processes: the children of this process's fork server."""
    parents = {int(p.name): _parent(p) for p in Path("/proc").iterdir() if p.name.isdigit()}
    servers = {
        pid
        for pid, parent in parents.items()
        if parent == os.getpid() and b"multiprocessing.forkserver" in _command(pid)
    }
    return {pid for pid, parent in parents.items() if parent in servers}


async def settled(expected: int) -> set[int]:
    """The checking processes once there are `expected` of them (replacements start within a
    fraction of a second)."""
    for _ in range(300):
        if len(found := check_processes()) == expected:
            return found
        await asyncio.sleep(0.1)
    return found


@pytest.fixture(scope="module")
async def extract() -> bytes:
    return await asyncio.to_thread(signed_extract)


@pytest.fixture
async def checks() -> AsyncIterator[DocumentChecks]:
    pool = DocumentChecks(LIMITS)
    yield pool
    await asyncio.to_thread(pool.close)


async def test_a_check_answers_from_another_process_as_it_would_here(
    checks: DocumentChecks, extract: bytes
) -> None:
    answer = await checks.verify(extract, TRUSTED)
    assert answer == await asyncio.to_thread(verify_pdf, extract, TRUSTED)
    assert answer.valid and answer.issuer == "justice"
    assert os.getpid() not in check_processes() and len(await settled(2)) == 2
    # The two files that made the API answer 500: not valid, with the reason.
    for damaged in (deeply_nested(extract), integer_signature_value(extract)):
        answer = await checks.verify(damaged, TRUSTED)
        assert (answer.valid, answer.reason) == (False, Unverified.SIGNATURE_UNREADABLE.value)
    # Only the agency's own certificate, when an agency stores what it issued.
    answer = await checks.verify(extract, {"police": TRUSTED["police"]})
    assert (answer.valid, answer.reason) == (False, Unverified.UNKNOWN_ISSUER.value)


async def test_a_check_past_its_memory_limit_is_not_valid(
    checks: DocumentChecks, extract: bytes
) -> None:
    heavy = many_form_fields(26_000)
    # With room to read it, the document is read to its end: it holds no signature.
    roomy = await checks.verify(heavy, TRUSTED)
    assert (roomy.valid, roomy.reason) == (False, Unverified.NOT_SIGNED.value)
    # 26,000 form fields (1.9 MB) take about 95 MiB to parse; a check allowed 48 MiB cannot.
    tight = DocumentChecks(replace(LIMITS, memory_bytes=48 * MIB))
    try:
        answer = await tight.verify(heavy, TRUSTED)
        # Not valid, and answered by the process rather than lost with it. The reason is
        # `exceeds_memory_limit` whenever the MemoryError reaches the check, raised or wrapped;
        # pyHanko turns a few into errors of its own, which read as a signature it could not
        # read.
        assert not answer.valid and answer.reason in {
            Unverified.EXCEEDS_MEMORY_LIMIT.value,
            Unverified.SIGNATURE_UNREADABLE.value,
        }, answer
        assert answer.document_id == document_id(heavy)
        assert (await tight.verify(extract, TRUSTED)).valid
    finally:
        await asyncio.to_thread(tight.close)


async def test_a_check_past_its_time_limit_is_stopped_with_its_process(extract: bytes) -> None:
    # The same 26,000 fields take seconds to read; the process is stopped at 0.3 s.
    checks = DocumentChecks(replace(LIMITS, seconds=0.3, workers=1))
    try:
        assert (await checks.verify(b"%PDF-1.7", TRUSTED)).reason == Unverified.NOT_A_PDF.value
        before = await settled(1)
        started = time.monotonic()
        answer = await checks.verify(many_form_fields(26_000), TRUSTED)
        assert (answer.valid, answer.reason) == (False, Unverified.EXCEEDS_TIME_LIMIT.value)
        assert time.monotonic() - started < 10
        # Its process is gone, and another checks the next document.
        after = await settled(1)
        assert after and not after & before
        checks.limits = LIMITS
        assert (await checks.verify(extract, TRUSTED)).valid
    finally:
        await asyncio.to_thread(checks.close)


async def test_processes_are_replaced_after_their_checks_and_when_they_die(
    extract: bytes,
) -> None:
    checks = DocumentChecks(replace(LIMITS, checks_per_worker=2))
    try:
        assert (await checks.verify(extract, TRUSTED)).valid
        first = await settled(2)
        for _ in range(4):
            assert (await checks.verify(extract, TRUSTED)).valid
        # Four checks on two processes of two checks each: none of the first is left.
        replaced = await settled(2)
        assert len(replaced) == 2 and not replaced & first
        # Killed between checks, all of them: the next check still has an answer.
        for pid in replaced:
            os.kill(pid, signal.SIGKILL)
        answers = await asyncio.gather(*(checks.verify(extract, TRUSTED) for _ in range(3)))
        assert all(answer.valid for answer in answers), answers
        assert not await settled(2) & replaced
    finally:
        await asyncio.to_thread(checks.close)

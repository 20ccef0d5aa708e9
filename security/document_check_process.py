"""What a process that checks signed documents runs: its limits, set before its first check, and
each check, for which running out of memory is an answer ("not valid") rather than the process's
end."""

from __future__ import annotations

import contextlib
import gc
import mmap
import resource
from collections.abc import Mapping
from pathlib import Path

from security.signed_pdfs import DocumentVerification, Unverified, document_id, verify_pdf

# Address space held back from the checks, given up once one has run out so that the answer can
# still be made: mapped, never touched, so it costs no memory.
_RESERVE_BYTES = 16 * 1024 * 1024


class _Reserve:
    held: mmap.mmap | None = None

    @classmethod
    def take(cls) -> None:
        try:
            cls.held = mmap.mmap(-1, _RESERVE_BYTES)
        except (MemoryError, OSError):
            cls.held = None

    @classmethod
    def give_up(cls) -> None:
        if cls.held is not None:
            cls.held.close()
            cls.held = None


def mapped_bytes() -> int:
    """The address space this process maps now."""
    pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
    return int(pages) * resource.getpagesize()


def limit_check_process(memory_bytes: int) -> None:
    """The memory a check may map beyond what the process holds once loaded, and no core file
    when it dies of running out (a crash dump would hold whatever the sender sent). The limit is
    counted from what the process already maps, which differs from machine to machine (libraries,
    allocator arenas): an absolute limit near it would leave the process no room to receive the
    document, and it would die rather than answer."""
    limit = mapped_bytes() + memory_bytes + _RESERVE_BYTES
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _Reserve.take()


def check_document(pdf: bytes, certificates: Mapping[str, str]) -> DocumentVerification:
    """`verify_pdf` within the process's memory limit."""
    if _Reserve.held is None:
        # Given up by the check before this one.
        _Reserve.take()
    answer: DocumentVerification | None = None
    # Nothing more is done while the exception is held: its frames hold what the check took.
    with contextlib.suppress(MemoryError):
        answer = verify_pdf(pdf, certificates)
    if answer is None or not answer.valid:
        # What the check held is garbage now (a document refused may have been refused near the
        # limit), some of it in reference cycles: collected, and the reserve given up, there is
        # room to make and send the answer (pickling it takes memory). The next check takes the
        # reserve again, not this one: taking it back now could leave the answer no room, and
        # the process would die instead of answering.
        _Reserve.give_up()
        gc.collect()
    if answer is None:
        answer = DocumentVerification.refused(document_id(pdf), Unverified.EXCEEDS_MEMORY_LIMIT)
    return answer

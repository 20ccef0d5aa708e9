"""Signed documents are checked in a few processes of their own, never in the API's.

Anyone may send a PDF to be verified, and parsing one made to be heavy costs many times its size:
memory the API took for it would stay taken long after. Each checking process runs under an
address-space limit (a check that needs more answers "not valid"), is stopped when a check
outlasts its time, and is replaced after a number of checks; one that dies is replaced too, and
only the check it was running is lost. Processes start from a fork server that has loaded pyHanko
once, so that replacing one costs milliseconds, and never fork the API itself, whose threads
(Temporal's, the server's) a fork would copy mid-flight."""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Mapping
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pebble import ProcessExpired, ProcessPool

from observability.logging import get_logger
from security.document_check_process import check_document, limit_check_process
from security.signed_pdfs import DocumentVerification, Unverified, document_id
from settings import Settings

log = get_logger(__name__)

# What the fork server loads before it forks a checking process: what a check runs, and
# nothing of the API's.
_PRELOAD = ["security.document_check_process", "pebble.pool.process"]
# How often a check waiting for its answer looks whether its pool still runs.
POOL_WATCH_SECONDS = 0.5


@dataclass(frozen=True)
class CheckLimits:
    workers: int
    memory_bytes: int
    seconds: float
    checks_per_worker: int

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckLimits:
        return cls(
            workers=settings.document_check_workers,
            memory_bytes=settings.document_check_memory_mib * 1024 * 1024,
            seconds=settings.document_check_seconds,
            checks_per_worker=settings.document_checks_per_worker,
        )


class DocumentChecks:
    """The checking processes, started with the first check."""

    def __init__(self, limits: CheckLimits) -> None:
        self.limits = limits
        self._pool: ProcessPool | None = None

    def _running_pool(self) -> ProcessPool:
        """The pool, a new one if none runs: pebble gives up on a pool whose processes all
        died between two checks, and such a pool is replaced here."""
        if self._pool is not None and not self._pool.active:
            log.warning("document_check_pool_replaced")
            # Stopping it may wait seconds on its processes: not on the event loop.
            threading.Thread(target=self._dispose, args=(self._pool,), daemon=True).start()
            self._pool = None
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(_PRELOAD)
            self._pool = ProcessPool(
                max_workers=self.limits.workers,
                max_tasks=self.limits.checks_per_worker,
                initializer=limit_check_process,
                initargs=(self.limits.memory_bytes,),
                context=context,
            )
        return self._pool

    async def verify(self, pdf: bytes, certificates: Mapping[str, str]) -> DocumentVerification:
        """`security.signed_pdfs.verify_pdf` in a checking process; a check that outran its
        limits, or whose process died under it, is not valid."""
        reason = Unverified.VERIFICATION_FAILED
        # Twice at most: a pool that died around this check, not under it (a process dying
        # mid-check is `ProcessExpired`), is replaced and the check runs again.
        for _ in range(2):
            try:
                return await self._check(pdf, certificates)
            except BrokenProcessPool:
                continue
            except TimeoutError:
                reason = Unverified.EXCEEDS_TIME_LIMIT
            except ProcessExpired:
                # Out of memory outside Python's reach, or a crash: the process is replaced.
                log.warning("document_check_process_died")
            break
        return DocumentVerification.refused(document_id(pdf), reason)

    async def _check(self, pdf: bytes, certificates: Mapping[str, str]) -> DocumentVerification:
        pool = self._running_pool()
        future = pool.schedule(
            check_document, args=(pdf, dict(certificates)), timeout=self.limits.seconds
        )
        # Cancelled (the sender went away), the future is cancelled too, and pebble stops the
        # process checking it.
        answer = asyncio.wrap_future(future)
        while True:
            done, _ = await asyncio.wait({answer}, timeout=POOL_WATCH_SECONDS)
            if done:
                return answer.result()
            # A pool whose processes all died just as this check was scheduled stops without
            # answering the checks it still held: they go to the next pool.
            if not pool.active:
                future.cancel()  # type: ignore[no-untyped-call]
                raise BrokenProcessPool("the checking processes stopped under this check")

    def close(self) -> None:
        """Stops the processes, and any check still running (blocks up to a few seconds)."""
        if self._pool is not None:
            self._dispose(self._pool)
            self._pool = None

    @staticmethod
    def _dispose(pool: ProcessPool) -> None:
        pool.stop()  # type: ignore[no-untyped-call]
        pool.join()

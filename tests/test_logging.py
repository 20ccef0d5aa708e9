"""Logs are JSON with the declaration's context, and personal data never appears in them."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
import structlog

from devstack.declaration_factory import DeclarationFactory
from observability.logging import MASK, get_logger, json_formatter, mask_text
from tests.harness.portal import submit
from tests.harness.session_services import SessionServices
from tests.harness.stack import Stack
from tests.harness.waiting import wait_for_status


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(json_formatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured_logs() -> Iterator[_Capture]:
    capture = _Capture()
    root = logging.getLogger()
    root.addHandler(capture)
    try:
        yield capture
    finally:
        root.removeHandler(capture)


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("rejected 001090012345 twice", "001090012345"),
        ("card TE1010112345678 issued", "TE1010112345678"),
        ("si 0112345678 known", "0112345678"),
        ("call 0912345678 or +84912345678", "912345678"),
        ("account 19031234567890 at VCB", "19031234567890"),
        ("mail an@example.vn", "an@example.vn"),
    ],
)
def test_identifier_shaped_text_is_masked(text: str, hidden: str) -> None:
    masked = mask_text(text)
    assert hidden not in masked and MASK in masked


def test_case_numbers_and_declaration_ids_stay_readable() -> None:
    text = "case JB-00000001 of LT-20261125-C6B06B4AE7 record KS-2026-01303-000001"
    assert mask_text(text) == text


def test_personal_fields_and_exception_text_are_masked(captured_logs: _Capture) -> None:
    log = get_logger("tests.masking")
    try:
        raise ValueError("no person 079303123456 in registry")
    except ValueError:
        log.exception(
            "lookup_failed",
            full_name="Nguyễn Văn An",
            phone="0912345678",
            nested={"account_number": "123456789012"},
        )
    line = captured_logs.lines[-1]
    entry = json.loads(line)
    assert entry["full_name"] == MASK and entry["phone"] == MASK
    assert entry["nested"]["account_number"] == MASK
    for secret in ("079303123456", "Nguyễn Văn An", "0912345678", "123456789012"):
        assert secret not in line


def _personal_values(body: dict[str, Any]) -> set[str]:
    keys = {
        "personal_id",
        "full_name",
        "address_line",
        "phone",
        "email",
        "account_number",
        "recipient",
        "account_holder",
    }
    found: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif key in keys and isinstance(value, str):
            found.add(value)

    walk(body)
    return found


def _json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON log lines in a process's output (which may hold other lines too)."""
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


async def _until_logged(
    stack: Stack, captured: _Capture, ids: list[str], timeout: float = 15.0
) -> tuple[str, list[dict[str, Any]]]:
    """Every log line of the run: this process's and, when workers run in processes of their own,
    their log files'. A worker writes a workflow's last line just after the workflow's final
    report to the store, so wait for that line to reach the files."""
    workflow_ids = {f"declaration-{i}" for i in ids}
    deadline = time.monotonic() + timeout
    while True:
        raw = "\n".join(
            [*captured.lines, *(p.read_text(errors="replace") for p in stack.worker_logs)]
        )
        entries = _json_lines(raw)
        closed = {e.get("workflow_id") for e in entries if e.get("event") == "declaration_closed"}
        if workflow_ids <= closed or time.monotonic() > deadline:
            return raw, entries
        await asyncio.sleep(0.2)


async def test_a_full_run_logs_no_personal_data(
    stack: Stack,
    factory: DeclarationFactory,
    captured_logs: _Capture,
    services: SessionServices,
) -> None:
    structlog.contextvars.clear_contextvars()
    birth = factory.birth(next(factory.couples()), delivery="post")
    deceased = next(factory.insured_people(lambda i: i.status == "contributing"))
    death = factory.death(deceased, form="lump_sum")
    ids = []
    for kind, body in (("birth", birth), ("death", death)):
        accepted = await submit(stack.api, kind, body)
        ids.append(accepted["declaration_id"])
        await wait_for_status(stack.api, accepted["declaration_id"])

    everything, contexts = await _until_logged(stack, captured_logs, ids)
    for path in services.log_dir.glob("sandbox-*.log"):
        everything += path.read_text(errors="replace")
    secrets = _personal_values(birth) | _personal_values(death)
    assert secrets
    leaked = sorted(s for s in secrets if s in everything)
    assert leaked == []

    # The lines that matter carry the declaration's context. Shared worker processes also log
    # other tests' declarations: this run's must be among them.
    agency_lines = [c for c in contexts if c.get("event") == "agency_case"]
    # A case's submission logs from its activity; the post answers in a Nexus handler.
    assert all(
        (c.get("workflow_id") and c.get("activity_type")) or c.get("operation")
        for c in agency_lines
    )
    assert {c.get("declaration_id") for c in agency_lines} >= set(ids)
    # Printing a document logs nothing of it: fontTools' subsetter would name each glyph used.
    assert not [c for c in contexts if str(c.get("logger", "")).startswith("fontTools")]
    closed = [c for c in contexts if c.get("event") == "declaration_closed"]
    assert all(c.get("workflow_id") for c in closed)
    assert {c["workflow_id"] for c in closed} >= {f"declaration-{i}" for i in ids}
    if not stack.worker_logs:
        # Workers in this process log only while this test runs: nothing else may appear.
        assert {c.get("declaration_id") for c in agency_lines} == set(ids)
        assert {c["workflow_id"] for c in closed} == {f"declaration-{i}" for i in ids}

"""The fault suite's report: the counts that matter (submitted, completed, lost, duplicated),
what followed the decisions (posts delivered, documents stored, notices sent), what else
happened, and the timeline of faults. Declaration IDs, case numbers, document kinds and message
keys only; no personal data."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from devstack.faults.after_decisions import DocumentFindings, NoticeFindings, PostFindings
from devstack.faults.filings import FilingResult
from devstack.faults.timeline import TimelineEntry
from devstack.faults.verification import DeclarationCheck
from store.notice_outbox import SETTLED

CLEAN_STOP = frozenset({0, -15})


class Counts(BaseModel):
    submitted: int
    completed: int
    lost: int
    duplicated: int
    # Filings the API never gave an ID (refused, or unreachable until the suite gave up).
    not_accepted: int
    # Declarations in the store, in Temporal or at an agency that the portal was never told of.
    phantom: int


class AfterDecisions(BaseModel):
    """What followed the decisions, once all of it had arrived or the wait for it ran out."""

    # Results by post: reported delivered by the post, and never reported delivered.
    posts_delivered: int
    posts_not_delivered: int
    # Signed documents: one due for each approved record.
    documents_due: int
    documents_stored_once: int
    documents_missing: int
    documents_duplicated: int
    documents_unexpected: int
    # The declarants' notices, by what became of them, and the SMS gateway's messages.
    notices: int
    notices_by_state: dict[str, int]
    notices_unsettled: int
    sms_messages: int
    sms_sent_twice: int
    sms_without_key: int
    sms_not_at_gateway: int
    sms_unknown_at_gateway: int

    @classmethod
    def of(
        cls, posts: PostFindings, documents: DocumentFindings, notices: NoticeFindings
    ) -> AfterDecisions:
        return cls(
            posts_delivered=posts.delivered,
            posts_not_delivered=len(posts.not_delivered),
            documents_due=documents.due,
            documents_stored_once=documents.stored_once,
            documents_missing=len(documents.missing),
            documents_duplicated=len(documents.duplicated),
            documents_unexpected=len(documents.unexpected),
            notices=notices.notices,
            notices_by_state=notices.states,
            notices_unsettled=sum(n for state, n in notices.states.items() if state not in SETTLED),
            sms_messages=notices.sms_messages,
            sms_sent_twice=len(notices.sent_twice),
            sms_without_key=len(notices.without_key),
            sms_not_at_gateway=len(notices.not_at_gateway),
            sms_unknown_at_gateway=len(notices.unknown_at_gateway),
        )


def after_decision_problems(
    posts: PostFindings, documents: DocumentFindings, notices: NoticeFindings
) -> list[str]:
    """Each finding about what followed the decisions, for the report's reader."""
    return [
        *(f"{d}: posted, never reported delivered" for d in posts.not_delivered),
        *(f"document missing: {p}" for p in documents.missing),
        *(f"document stored more than once: {p}" for p in documents.duplicated),
        *(f"document for a record not approved: {p}" for p in documents.unexpected),
        *notices.unsettled,
        *(f"SMS sent twice under one key: {p}" for p in notices.sent_twice),
        *(f"SMS without an idempotency key: {p}" for p in notices.without_key),
        *(f"SMS recorded as sent, not at the gateway: {p}" for p in notices.not_at_gateway),
        *(f"SMS at the gateway under a key never given: {p}" for p in notices.unknown_at_gateway),
    ]


class Problem(BaseModel):
    declaration_id: str
    kind: Literal["lost", "duplicated", "not completed"]
    detail: str


class SuiteReport(BaseModel):
    passed: bool
    failures: list[str]
    started_at: datetime
    duration_seconds: float
    run_dir: str
    parameters: dict[str, float | int | str]
    counts: Counts
    after_decisions: AfterDecisions
    after_decision_problems: list[str]
    outcomes: dict[str, int]
    submission_retries: dict[str, int]
    not_accepted: list[str]
    problems: list[Problem]
    phantoms: list[str]
    still_running_in_temporal: list[str]
    unexpected_exits: list[str]
    # How each process ended when the suite stopped it (SIGTERM) at the end. 0 is a clean stop,
    # and so is -15: uvicorn re-raises the SIGTERM it handled once it has shut down.
    shutdown_exit_codes: dict[str, int | None]
    fault_failures: list[str]
    not_recovered: list[str]
    timeline: list[TimelineEntry]


def problems_of(checks: list[DeclarationCheck]) -> list[Problem]:
    problems = []
    for check in checks:
        if not check.closed:
            problems.append(
                Problem(
                    declaration_id=check.declaration_id,
                    kind="lost",
                    detail=f"not closed: {check.status}",
                )
            )
        elif check.status != "completed":
            problems.append(
                Problem(
                    declaration_id=check.declaration_id, kind="not completed", detail=check.status
                )
            )
        problems += [
            Problem(declaration_id=check.declaration_id, kind="lost", detail=d)
            for d in check.missing
        ]
        problems += [
            Problem(declaration_id=check.declaration_id, kind="duplicated", detail=d)
            for d in check.duplicated
        ]
    return problems


def count(filings: list[FilingResult], checks: list[DeclarationCheck], phantoms: int) -> Counts:
    return Counts(
        submitted=sum(1 for f in filings if f.declaration_id),
        completed=sum(1 for c in checks if c.status == "completed"),
        lost=sum(1 for c in checks if c.lost),
        duplicated=sum(1 for c in checks if c.duplicated),
        not_accepted=sum(1 for f in filings if not f.declaration_id),
        phantom=phantoms,
    )


def not_accepted(filings: list[FilingResult]) -> list[str]:
    return [
        f"filing {f.number} ({f.kind}): "
        + (f"refused with {f.refused_with}" if f.refused_with else "gave up after retries")
        + f" after {f.attempts} attempt(s)"
        for f in filings
        if not f.declaration_id
    ]


def retries(filings: list[FilingResult]) -> dict[str, int]:
    return dict(Counter(reason for f in filings for reason in f.retried_for))


def after_decision_failures(after: AfterDecisions) -> list[str]:
    checks = [
        (after.posts_not_delivered, "posted result(s) never reported delivered"),
        (after.documents_missing, "signed document(s) never stored"),
        (after.documents_duplicated, "signed document(s) stored more than once"),
        (after.documents_unexpected, "signed document(s) for records not approved"),
        (after.notices_unsettled, "notice(s) not settled"),
        (after.sms_sent_twice, "SMS sent more than once under one key"),
        (after.sms_without_key, "SMS sent without an idempotency key"),
        (after.sms_not_at_gateway, "SMS recorded as sent that the gateway never got"),
        (after.sms_unknown_at_gateway, "SMS at the gateway under keys the store never gave"),
    ]
    return [f"{n} {what}" for n, what in checks if n]


def failures(
    report_counts: Counts,
    after: AfterDecisions,
    unexpected: list[str],
    fault_failures: list[str],
    still_running: list[str],
) -> list[str]:
    """Why the run fails; empty when it passes."""
    found = []
    if report_counts.lost:
        found.append(f"{report_counts.lost} declaration(s) lost")
    if report_counts.duplicated:
        found.append(f"{report_counts.duplicated} declaration(s) with duplicated records")
    if report_counts.completed != report_counts.submitted:
        found.append(
            f"{report_counts.submitted - report_counts.completed} declaration(s) not completed"
        )
    if report_counts.not_accepted:
        found.append(f"{report_counts.not_accepted} filing(s) never accepted")
    if report_counts.phantom:
        found.append(f"{report_counts.phantom} record(s) of declarations the portal never knew")
    found += after_decision_failures(after)
    if still_running:
        # Every declaration closed and all that followed its decisions came (or the wait for
        # it ran out): nothing should be left running.
        found.append(f"{len(still_running)} workflow(s) still running in Temporal")
    if unexpected:
        found.append(f"{len(unexpected)} process(es) exited on their own")
    if fault_failures:
        found.append(f"{len(fault_failures)} fault step(s) failed")
    return found


def render(report: SuiteReport) -> str:
    c, a = report.counts, report.after_decisions
    lines = [
        "",
        "=" * 72,
        (
            f"FAULT SUITE {'PASSED' if report.passed else 'FAILED'}"
            f" in {report.duration_seconds / 60:.1f} min  ({report.run_dir})"
        ),
        "=" * 72,
        f"  submitted   {c.submitted}",
        f"  completed   {c.completed}",
        f"  lost        {c.lost}",
        f"  duplicated  {c.duplicated}",
        f"  not accepted {c.not_accepted}, phantom {c.phantom}",
        (
            f"  documents   {a.documents_stored_once}/{a.documents_due} stored once, "
            f"{a.documents_missing} missing, {a.documents_duplicated} duplicated"
        ),
        f"  notices     {a.notices} ("
        + ", ".join(f"{state} {n}" for state, n in a.notices_by_state.items())
        + f"), {a.notices_unsettled} not settled",
        f"  SMS         {a.sms_messages} at the gateway, {a.sms_sent_twice} key(s) used twice",
        (
            f"  posts       {a.posts_delivered} delivered, "
            f"{a.posts_not_delivered} never reported delivered"
        ),
        "  outcomes    " + ", ".join(f"{k} {v}" for k, v in sorted(report.outcomes.items())),
        "  submission retries: "
        + (
            ", ".join(f"{n}× {why}" for why, n in sorted(report.submission_retries.items()))
            or "none"
        ),
        "",
        "Timeline:",
        *(
            f"  {e.at_seconds:7.1f}s  {e.event}" + (f" — {e.detail}" if e.detail else "")
            for e in report.timeline
        ),
    ]
    sections = [
        ("Problems", [f"{p.declaration_id} [{p.kind}] {p.detail}" for p in report.problems]),
        ("After the decisions", report.after_decision_problems),
        ("Phantoms", report.phantoms),
        ("Still running in Temporal", report.still_running_in_temporal),
        ("Unexpected exits", report.unexpected_exits),
        (
            "Unclean stops at the end (exit code)",
            [f"{n}: {c}" for n, c in report.shutdown_exit_codes.items() if c not in CLEAN_STOP],
        ),
        ("Fault steps that failed", report.fault_failures),
        ("Not recovered in time", report.not_recovered),
        ("Not accepted", report.not_accepted),
        ("Why it failed", report.failures),
    ]
    for title, items in sections:
        if items:
            lines += ["", f"{title} ({len(items)}):", *(f"  {i}" for i in items[:50])]
            if len(items) > 50:
                lines.append(f"  … and {len(items) - 50} more in the JSON report")
    return "\n".join(lines)


def write(report: SuiteReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n")

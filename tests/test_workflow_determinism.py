"""The workflows' modules are passed through the workflow sandbox (worker.PASSTHROUGH_MODULES), so
the sandbox no longer stands between their code and the wall clock, randomness or I/O. This
check stands there instead: workflow code reads time only through `workflow.now()`, and imports
nothing that reaches outside the workflow. The replay tests catch what it cannot see."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from settings import PROJECT_ROOT


def _agency_workflow_modules() -> list[Path]:
    """The agencies' workflows (their cases, shipments and documents): the modules under
    `adapters/` written against Temporal's workflow API."""
    return [
        path
        for path in (PROJECT_ROOT / "adapters").rglob("*.py")
        if "from temporalio import workflow" in path.read_text()
    ]


# Code that runs inside workflows: the orchestrator's workflows, the agencies', and the calendar
# they compute deadlines with.
WORKFLOW_CODE = sorted(
    [
        *(PROJECT_ROOT / "workflows").glob("*.py"),
        *_agency_workflow_modules(),
        *(PROJECT_ROOT / "legal_deadlines").glob("*.py"),
    ]
)

# Modules whose use from workflow code would make a replay differ from the first run.
NONDETERMINISTIC_MODULES = frozenset(
    {
        "time",
        "random",
        "secrets",
        "uuid",
        "os",
        "socket",
        "threading",
        "subprocess",
        "concurrent",
        "pathlib",
        "urllib",
        "httpx",
        "requests",
        "sqlalchemy",
        "sqlmodel",
        "store",
        # The clients of the agencies' systems and of the portal, and the notices' channels.
        "adapters.case_worker.agency_http",
        "adapters.case_worker.portal_documents",
        "notice_sending",
        "logging",
        "structlog",
        "observability",
    }
)
# (The time module is refused whole, above.)
CLOCK_READS = frozenset({"now", "utcnow", "today"})
FORBIDDEN_BUILTINS = frozenset({"open", "input", "eval", "exec", "print"})


def nondeterminism_in(source: str, filename: str) -> list[str]:
    problems = []
    for node in ast.walk(ast.parse(source, filename)):
        imported: list[str] = []
        if isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported = [node.module]
        problems += [
            f"{filename}:{getattr(node, 'lineno', 0)} imports {name}"
            for name in imported
            if any(
                name == module or name.startswith(f"{module}.")
                for module in NONDETERMINISTIC_MODULES
            )
        ]
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name) and function.id in FORBIDDEN_BUILTINS:
            problems.append(f"{filename}:{node.lineno} calls {function.id}()")
        if isinstance(function, ast.Attribute) and function.attr in CLOCK_READS:
            owner = function.value
            if not (isinstance(owner, ast.Name) and owner.id == "workflow"):
                problems.append(f"{filename}:{node.lineno} reads a clock: .{function.attr}()")
    return problems


@pytest.mark.parametrize("path", WORKFLOW_CODE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_workflow_code_reads_no_clock_and_does_no_io(path: Path) -> None:
    assert nondeterminism_in(path.read_text(), path.name) == []


def test_the_check_catches_what_it_is_meant_to() -> None:
    source = (
        "import random\n"
        "from datetime import datetime, date\n"
        "from store.declarations import save_progress\n"
        "def step():\n"
        "    started = datetime.now()\n"
        "    day = date.today()\n"
        "    open('x')\n"
        "    return workflow.now()\n"
    )
    assert nondeterminism_in(source, "bad.py") == [
        "bad.py:1 imports random",
        "bad.py:3 imports store.declarations",
        "bad.py:5 reads a clock: .now()",
        "bad.py:6 reads a clock: .today()",
        "bad.py:7 calls open()",
    ]

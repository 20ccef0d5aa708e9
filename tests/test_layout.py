"""The tree is what the README says it is, and `worker.py`, a module the import contracts cannot
name, imports nothing from the sandbox or the dev stack either."""

from __future__ import annotations

import ast
import re

from settings import PROJECT_ROOT

# What the tree holds beside its packages: documents, run files, and the bytecode `make setup`
# compiles for worker.py.
NOT_PACKAGES = {"docs", "var", "__pycache__"}


def _layout_rows() -> list[str]:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)`", section, flags=re.MULTILINE)


def test_every_path_in_the_layout_table_exists() -> None:
    rows = _layout_rows()
    assert rows, "the README has no layout table"
    assert [row for row in rows if not (PROJECT_ROOT / row).exists()] == []


def test_every_top_level_package_is_in_the_layout_table() -> None:
    listed = {row.strip("/").split("/")[0] for row in _layout_rows()}
    packages = {
        path.name
        for path in PROJECT_ROOT.iterdir()
        if path.is_dir() and not path.name.startswith(".") and path.name not in NOT_PACKAGES
    }
    assert packages - listed == set()


def test_the_worker_imports_neither_the_sandbox_nor_the_dev_stack() -> None:
    tree = ast.parse((PROJECT_ROOT / "worker.py").read_text())
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
    }
    assert imported, "worker.py imports nothing?"
    assert imported & {"sandbox", "devstack", "tests"} == set()

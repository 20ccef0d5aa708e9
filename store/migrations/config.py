"""Alembic's configuration for the store, made in code rather than read from an ini file: the
migrations live beside this module, and they run on the connection the product opened."""

from __future__ import annotations

from argparse import Namespace
from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent

# Read through ConfigParser, which takes `%%` for a `%`.
_OPTIONS = {
    "script_location": str(MIGRATIONS_DIR),
    "path_separator": "os",
    # A module name (a letter first), in the order the revisions were made.
    "file_template": "r%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s",
}
# A new revision is formatted and linted as the rest of the code is.
_WRITE_HOOKS = {
    "hooks": "ruff_format, ruff_fix",
    "ruff_format.type": "module",
    "ruff_format.module": "ruff",
    "ruff_format.options": "format --quiet REVISION_SCRIPT_FILENAME",
    "ruff_fix.type": "module",
    "ruff_fix.module": "ruff",
    "ruff_fix.options": "check --fix --quiet REVISION_SCRIPT_FILENAME",
}


def alembic_config(
    connection: Connection | None = None,
    *,
    url: str | None = None,
    cmd_opts: Namespace | None = None,
) -> Config:
    """The configuration `env.py` reads: the connection to migrate on, or (offline, to write SQL
    for review) the store's URL."""
    config = Config(cmd_opts=cmd_opts)
    for name, value in _OPTIONS.items():
        config.set_main_option(name, value)
    for name, value in _WRITE_HOOKS.items():
        config.set_section_option("post_write_hooks", name, value)
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def migration_scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in migration_scripts().walk_revisions())

"""Alembic's command line for the store: `python -m store.migrations <command>`, on the store
`DATABASE_URL` names (the settings' default otherwise), for example

    python -m store.migrations current
    python -m store.migrations upgrade head --sql       (the SQL, to review, run nothing)
    python -m store.migrations revision --autogenerate -m "what changes"   (`make migration`)

It runs under the same lock as the upgrade the processes make when they start (store.schema),
and an upgrade takes a store made before migrations from the revision its tables are at.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from alembic import command
from alembic.config import CommandLine

from settings import get_settings
from store.database import open_store_engine
from store.migrations.config import alembic_config
from store.migrations.upgrade import stamp_unversioned
from store.schema import schema_lock


def main(argv: Sequence[str] | None = None, *, database_url: str | None = None) -> None:
    cli = CommandLine(prog="python -m store.migrations")
    options = cli.parser.parse_args(argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("name a command")
    url = database_url or get_settings().database_url
    config = alembic_config(url=url, cmd_opts=options)
    if getattr(options, "sql", False):
        cli.run_cmd(config, options)  # offline: writes SQL, touches no database
        return
    engine = open_store_engine(url)
    try:
        with schema_lock(engine) as connection:
            config.attributes["connection"] = connection
            if options.cmd[0] is command.upgrade:
                stamp_unversioned(connection)
            cli.run_cmd(config, options)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])

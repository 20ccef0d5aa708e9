"""The upgrade of a store's schema to the head revision, on a connection no other process
upgrades beside (store.schema holds the lock)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from store.migrations.config import alembic_config, known_revisions
from store.migrations.revisions import head_revisions, recorded_revisions
from store.models import STORE_METADATA

# The revision whose tables release e094eee made with `create_all`, before the store had
# migrations: a store it made records no revision.
RELEASE_E094EEE = "7c1d4f0a9e21"


class UnknownRevision(RuntimeError):
    """The store is at a revision this version of the product does not have: a newer release
    upgraded it."""


def upgrade_to_head(connection: Connection) -> None:
    current = recorded_revisions(connection)
    if current == head_revisions():
        return  # upgraded by the process that held the lock before
    if not current:
        stamp_unversioned(connection)
    elif not current <= known_revisions():
        raise UnknownRevision(
            f"the store is at revision {', '.join(sorted(current))}, which this version does "
            "not know: a newer release has upgraded it"
        )
    command.upgrade(alembic_config(connection), "heads")


def stamp_unversioned(connection: Connection) -> None:
    """A store made by `create_all`, before the store had migrations, marked with the revision
    its tables are at: the head when they are today's models' (a store made in development),
    else release e094eee's, from which the upgrade takes them. An empty store is left as it is."""
    if recorded_revisions(connection) or not inspect(connection).has_table("declarations"):
        return
    made_today = not compare_metadata(MigrationContext.configure(connection), STORE_METADATA)
    command.stamp(alembic_config(connection), "heads" if made_today else RELEASE_E094EEE)

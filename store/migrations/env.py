"""How Alembic reaches the store: on the connection the product opened and locked
(`store.schema`), or offline, writing the SQL for the store's URL to be reviewed."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from store.migrations.rendering import render_item


def run() -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            literal_binds=True,
            target_metadata=SQLModel.metadata,
            render_as_batch=True,
            render_item=render_item,
        )
    else:
        context.configure(
            connection=config.attributes["connection"],
            target_metadata=SQLModel.metadata,
            # SQLite alters a table by copying it; other databases alter it in place.
            render_as_batch=True,
            render_item=render_item,
        )
    # Inside the transaction the caller began, when it began one: the upgrade and its lock are
    # committed together.
    with context.begin_transaction():
        context.run_migrations()


run()

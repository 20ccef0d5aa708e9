"""The store's schema as Alembic migrations (`versions/`), applied by `store.schema` when a
process opens the store, and made with `python -m store.migrations revision --autogenerate`
(`make migration`)."""

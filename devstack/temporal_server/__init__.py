"""The Temporal CLI dev server used in development, tests and demos: built from the Go module
proxy at a pinned version into a cache outside the checkout, started on on-disk SQLite."""

"""What every sandbox agency has in common: its own database, a book of cases keyed by the
caller's idempotency key, officers who decide cases (or an automatic policy that decides for
them), a feed of decisions for the agency's adapter, and the fault switches tests use to stage
outages.

An agency declares itself as a `SandboxAgency` (`sandbox.casebook.agency`): its tables, how it
loads the dataset, and its procedure desks; the rest is built from that declaration."""

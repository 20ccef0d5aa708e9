"""The police's side: its desk in its case worker, and the population registry's cross-check."""

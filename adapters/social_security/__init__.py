"""Social security's side: its desk in its case worker, and how its benefit decisions read."""

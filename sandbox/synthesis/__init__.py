"""Synthetic people and insured persons for the sandbox dataset, living in official communes:
every person's name and number made up, but well formed, and the same for the same seed."""

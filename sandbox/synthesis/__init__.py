"""Synthetic people, insured persons and administrative units for the sandbox dataset: every
name and number made up, but well formed, and the same for the same seed."""

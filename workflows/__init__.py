"""The declaration workflows: one per procedure group, sharing their steps, delivery and records."""

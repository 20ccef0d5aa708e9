"""Temporal activities: each agency's steps (run on that agency's task queue) and the
orchestrator's own record keeping."""

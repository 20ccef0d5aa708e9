"""The orchestrator's own records: declarations, their step events and results, and attachments."""

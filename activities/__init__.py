"""The orchestrator's activities: its record keeping, and the trust checks of starts and
decisions. An agency's activities run in its own namespace (adapters/)."""

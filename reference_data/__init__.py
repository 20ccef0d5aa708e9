"""Public reference data the orchestrator checks declarations against."""

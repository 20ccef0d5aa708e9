"""The contract between the orchestrator and each agency: Nexus services, their operations and
the models that travel across. Both sides import it; it imports neither side, only the shared
vocabulary in `schemas`."""

"""The contract between the orchestrator and each agency: the procedure table, the Nexus
services and their operations, and the models that travel across. Both sides import it; it
imports neither side, only the shared vocabulary in `schemas`."""

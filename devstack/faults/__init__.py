"""Resilience checks of the whole stack.

`python -m devstack.faults.fault_suite` (or `make faults`) starts its own stack, files a few hundred
declarations, kills and restarts the orchestrator worker and each agency's case worker, stops a
sandbox agency and restarts the Temporal dev server while they are in flight, then checks that
every declaration completed and that every agency holds exactly one record per step.
"""

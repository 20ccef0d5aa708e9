"""`python -m devstack.faults` runs the fault suite."""

from __future__ import annotations

from devstack.faults.fault_suite import main

if __name__ == "__main__":
    main()

"""`python -m resilience` runs the fault suite."""

from __future__ import annotations

from resilience.fault_suite import main

if __name__ == "__main__":
    main()

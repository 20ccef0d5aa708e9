"""The fault suite: a few hundred declarations in flight while the stack is broken and mended.

    python -m devstack.faults.fault_suite                     # or: make faults
    python -m devstack.faults.fault_suite --declarations 100 --outage-seconds 30

It starts its own stack (Temporal dev server on an on-disk database with a namespace per party
and the agencies' Nexus endpoints, the four sandbox agencies, the orchestrator worker and each
agency's case worker in separate processes, the portal API) in a fresh directory under
var/fault-suite/, files declarations through the portal API over a few minutes and, meanwhile:

1. SIGKILLs the orchestrator worker and starts a new one;
2. SIGKILLs the case worker of each agency in turn (justice, police, social security, postal)
   and starts a new one;
3. stops a sandbox agency's service (social security) for a minute, then starts it again;
4. restarts the Temporal dev server on its database file.

Then it waits for every declaration to close and for what follows the decisions (the post's
deliveries, the signed documents, the declarants' notices), and checks that each declaration
completed, that every agency holds exactly one live record per step, that each approved record's
document is stored once at the portal, and that every notice was settled and each SMS sent once.
It prints the counts (submitted, completed, lost, duplicated, and what followed the decisions),
writes them as JSON, and exits non-zero unless nothing was lost or duplicated and everything
completed and arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from devstack.faults import report
from devstack.faults.faults import FaultPlan
from devstack.faults.run import SuiteOptions, run_suite
from devstack.faults.stack import StackTuning
from settings import PROJECT_ROOT

DEFAULT_VAR_DIR = PROJECT_ROOT / "var" / "fault-suite"


def parse_options(argv: list[str] | None = None) -> SuiteOptions:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=300, help="how many to file")
    parser.add_argument(
        "--submit-seconds", type=float, default=210, help="spread the filings over this long"
    )
    parser.add_argument(
        "--outage-seconds", type=float, default=60, help="how long the agency service is down"
    )
    parser.add_argument(
        "--first-fault-after", type=float, default=20, help="seconds of filing before the first"
    )
    parser.add_argument("--pause-seconds", type=float, default=15, help="between two faults")
    parser.add_argument(
        "--between-agency-kills",
        type=float,
        default=5,
        help="seconds between killing one agency's case worker and the next",
    )
    parser.add_argument(
        "--decision-delay",
        type=float,
        default=40,
        help="seconds each sandbox case waits for its decision (keeps declarations in flight)",
    )
    parser.add_argument(
        "--temporal-down-seconds",
        type=float,
        default=15,
        help="how long the Temporal server stays stopped (longer than the API's 10 s RPC timeout)",
    )
    parser.add_argument(
        "--settle-timeout",
        type=float,
        default=900,
        help="how long to wait for all to close and for what follows their decisions",
    )
    parser.add_argument("--seed", type=int, default=2026, help="which people the factory picks")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR)
    parser.add_argument("--report", type=Path, default=None, help="default: VAR_DIR/report.json")
    args = parser.parse_args(argv)
    if args.declarations < 1:
        parser.error("--declarations must be at least 1")
    return SuiteOptions(
        declarations=args.declarations,
        submit_seconds=args.submit_seconds,
        settle_timeout=args.settle_timeout,
        seed=args.seed,
        var_dir=args.var_dir,
        report_path=args.report or args.var_dir / "report.json",
        tuning=StackTuning(decision_delay_seconds=args.decision_delay),
        plan=FaultPlan(
            first_fault_after=args.first_fault_after,
            pause_seconds=args.pause_seconds,
            between_agency_kills_seconds=args.between_agency_kills,
            outage_seconds=args.outage_seconds,
            temporal_down_seconds=args.temporal_down_seconds,
        ),
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    try:
        outcome = asyncio.run(run_suite(options))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("\nInterrupted; the suite's processes were stopped.", file=sys.stderr)
        sys.exit(130)
    report.write(outcome, options.report_path)
    report.write(outcome, Path(outcome.run_dir) / "report.json")
    print(report.render(outcome))
    print(f"\nReport written to {options.report_path}")
    sys.exit(0 if outcome.passed else 1)


if __name__ == "__main__":
    main()

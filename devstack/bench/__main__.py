"""The benchmark. `python -m devstack.bench --declarations 400` (see `--help`).

In one run, on one dev server with the same worker settings, it measures:

1. the product at its peak: declarations filed through the portal API as fast as the stack takes
   them (a fixed number in flight), against sandbox agencies that decide at once;
2. the baseline at its peak: bare workflows of the same shape (the same Nexus operations, each
   backed by a bare handler), started directly;
3. the product at half its peak rate, filed at a steady pace, for its latency;
4. optionally (`--hold 10000`), many declarations left open, waiting on officers, and the
   orchestrator worker's memory while they accumulate.

The orchestrator and the agencies run as they are deployed: the orchestrator worker in its own
process and namespace, the agencies' case workers in another process, each in its agency's
namespace behind its Nexus endpoint; the baseline's workers are split the same way. For each peak
phase it records the CPU the orchestrator's own processes spent (its worker and the Temporal
server) and the history events each declaration wrote in the orchestrator's namespace, and sets
both beside the baseline's.

Latency runs from the moment a declaration is submitted to the moment its workflow closes, once
its last notice is sent; for the product, also to the moment its outcome is in its status. The
product's phases also report what the stack recorded meanwhile (`records`): the agencies' case
workers' CPU per signed document the portal stored, and the SMS messages and segments the
gateway accepted per declaration. Results are printed and written to `var/bench/results.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from pathlib import Path
from types import FrameType

from devstack.bench.phases import run
from devstack.bench.stack import STATE, bench_stack

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _stop(signum: int, frame: FrameType | None) -> None:
    """A supervisor's SIGTERM or a closed terminal's SIGHUP unwinds like Ctrl-C, so that the
    stack is stopped in order rather than left to die with us."""
    raise KeyboardInterrupt


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--declarations", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--half-rate-seconds", type=float, default=30)
    parser.add_argument("--hold", type=int, default=0, help="declarations to hold open")
    parser.add_argument("--households", type=int, default=6000)
    parser.add_argument(
        "--max-cached-workflows", type=int, default=None, help="default: the workers' setting"
    )
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--output", type=Path, default=STATE / "results.json")
    parser.add_argument(
        "--py-spy", default=None, help="path to py-spy: profile the product's processes at its peak"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    for stop_signal in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop_signal, _stop)
    stack = bench_stack(args.households, args.max_cached_workflows)
    try:
        stack.start()
        results = asyncio.run(run(stack, args))
    except KeyboardInterrupt:
        raise SystemExit("Interrupted: no results.") from None
    finally:
        # A second signal must not cut the shutdown short.
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        stack.close()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

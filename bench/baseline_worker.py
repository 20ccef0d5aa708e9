"""Run the baseline's workers in their own process: `python -m bench.baseline_worker`."""

from __future__ import annotations

import asyncio
import signal

from bench.baseline import run_baseline_workers
from observability.logging import configure_logging
from settings import get_settings
from temporal_connection.client import connect


async def main() -> None:
    settings = get_settings()
    configure_logging("baseline-worker", settings.log_level)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_baseline_workers(settings, client, stop)


if __name__ == "__main__":
    asyncio.run(main())

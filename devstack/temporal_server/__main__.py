"""`python -m devstack.temporal_server build` builds (or finds) the pinned dev server;
`python -m devstack.temporal_server start` runs it in the foreground."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from devstack.temporal_server.build import ensure_built
from devstack.temporal_server.launch import dev_server_command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build")
    start = sub.add_parser("start")
    start.add_argument("--db", type=Path, default=Path("var/temporal.db"))
    start.add_argument("--port", type=int, default=7233)
    start.add_argument("--ui-port", type=int, default=8233)
    args = parser.parse_args()
    if args.command == "build":
        print(ensure_built())
        return
    args.db.parent.mkdir(parents=True, exist_ok=True)
    command = dev_server_command(args.db, port=args.port, ui_port=args.ui_port)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()

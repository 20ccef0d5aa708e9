"""Build the pinned Temporal CLI once into a cache keyed by version, and reuse it afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TEMPORAL_CLI_VERSION = "1.5.1"
_MODULE = "github.com/temporalio/cli/cmd/temporal"
_VERSION_FLAG = "github.com/temporalio/cli/temporalcli.Version"


def cache_root() -> Path:
    configured = os.environ.get("LIENTHONG_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "lienthong"


def binary_path(version: str = TEMPORAL_CLI_VERSION) -> Path:
    return cache_root() / "temporal-cli" / f"v{version}" / "temporal"


def _go() -> str:
    found = shutil.which("go") or (
        "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None
    )
    if found is None:
        raise SystemExit("Go is needed to build the Temporal dev server; install Go 1.23 or later.")
    return found


def ensure_built(version: str = TEMPORAL_CLI_VERSION) -> Path:
    """Return the cached binary, building it first if this machine has never built it."""
    target = binary_path(version)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"Building the Temporal CLI v{version} from the Go module proxy into {target.parent}.\n"
        "This happens once per machine and takes a few minutes; progress follows.",
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=target.parent) as gobin:
        env = {**os.environ, "GOBIN": gobin, "GOFLAGS": "-buildvcs=false"}
        command = [
            _go(),
            "install",
            "-ldflags",
            f"-X {_VERSION_FLAG}={version}",
            f"{_MODULE}@v{version}",
        ]
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        assert process.stdout is not None
        downloaded = 0
        for line in process.stdout:
            if line.startswith("go: downloading"):
                downloaded += 1
                if downloaded % 25 == 1:
                    print(f"  fetched {downloaded} modules ({line.split()[-2]} …)", flush=True)
            else:
                print(f"  {line.rstrip()}", flush=True)
        if process.wait() != 0:
            raise SystemExit(f"building the Temporal CLI failed (exit {process.returncode})")
        print(f"  fetched {downloaded} modules; compiled.", flush=True)
        # Move into place in one step, so an interrupted build never leaves a half binary.
        (Path(gobin) / "temporal").replace(target)
    print(f"Temporal CLI ready: {target}", flush=True)
    return target


if __name__ == "__main__":
    print(ensure_built())
    sys.exit(0)

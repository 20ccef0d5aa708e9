"""A throwaway PostgreSQL server for the tests: Debian's `postgresql` binaries, a fresh cluster in
a temporary directory, listening on loopback only, gone when the tests end."""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from devstack.processes import free_port

DATABASE = "lienthong"
SUPERUSER = "lienthong"
# initdb refuses to run as root; Debian's package creates this system user to own clusters.
SYSTEM_USER = "postgres"
INSTALL_HINT = "apt-get install -y --no-install-recommends postgresql (`make postgresql` does it)"

# A test cluster holds nothing worth keeping: trade durability for speed. Enough connections for
# the test process, two orchestrator workers and the other processes, each with its own pool.
_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "300",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "timezone": "'UTC'",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine, or no way to run them."""


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", bin_dir.parent.name)) or (0,)


def find_bin_dir() -> Path:
    """The directory holding initdb, pg_ctl and postgres: the one on PATH if any, else Debian's
    newest /usr/lib/postgresql/<version>/bin (Debian keeps the server binaries off PATH)."""
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path is not None:
        # pg_ctl starts the `postgres` beside it; a symlink on PATH must lead to the real directory.
        candidates.append(Path(on_path).resolve().parent)
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for bin_dir in candidates:
        if all((bin_dir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bin_dir
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries (initdb, pg_ctl) found; {INSTALL_HINT}"
    )


@dataclass
class PostgresServer:
    bin_dir: Path
    base_dir: Path
    port: int
    # Root runs the server binaries as this user; anyone else runs them as themselves.
    run_as: str | None

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base_dir / "socket"

    @property
    def log_path(self) -> Path:
        return self.base_dir / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bin_dir / program), *args]
        if self.run_as is not None:
            command = [_runuser(), "-u", self.run_as, "--", *command]
        # The server user may not be allowed into the caller's working directory.
        result = subprocess.run(
            command,
            cwd=self.base_dir,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )
        if result.returncode != 0:
            log = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
            raise PostgresUnavailable(
                f"{program} {' '.join(args[:1])} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}{log[-3000:]}"
            )

    def init(self) -> None:
        self._run(
            "initdb",
            "--pgdata",
            str(self.data_dir),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        )
        self._configure({**_SERVER_SETTINGS, "unix_socket_directories": f"'{self.socket_dir}'"})

    def _configure(self, settings: dict[str, str]) -> None:
        # Appended, so a later line (a new port) overrides an earlier one.
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self, port: int) -> None:
        self.port = port
        self._configure({"port": str(port)})
        self._run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self.data_dir),
            "--log",
            str(self.log_path),
            "--wait",
            "--timeout",
            "60",
        )

    def create_database(self) -> None:
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')

    def new_database_url(self) -> str:
        """The URL of a new, empty database on this server."""
        name = f"{DATABASE}_{secrets.token_hex(6)}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        if not (self.data_dir / "postmaster.pid").exists():
            return
        try:
            self._run("pg_ctl", "stop", "--pgdata", str(self.data_dir), "--mode", "fast", "--wait")
        except PostgresUnavailable:
            self._run("pg_ctl", "stop", "--pgdata", str(self.data_dir), "--mode", "immediate")


def _runuser() -> str:
    found = shutil.which("runuser") or "/usr/sbin/runuser"
    if not Path(found).exists():
        raise PostgresUnavailable("running as root, but `runuser` (util-linux) is missing")
    return found


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root, and there is no {SYSTEM_USER!r} user to run PostgreSQL as; "
            f"{INSTALL_HINT}"
        ) from None


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A started server with an empty database; stopped and deleted on exit."""
    bin_dir = find_bin_dir()
    user = _server_user()
    # Not in pytest's directory: as root, that one (like root's TMPDIR, if set) is closed to the
    # server's user. Short, too: the socket's path must fit in 107 bytes.
    base_dir = Path(tempfile.mkdtemp(prefix="lienthong-pg-", dir="/tmp" if user else None))
    if user is not None:
        os.chown(base_dir, user.pw_uid, user.pw_gid)
    server = PostgresServer(bin_dir, base_dir, 0, user.pw_name if user is not None else None)
    try:
        server.socket_dir.mkdir()
        if user is not None:
            os.chown(server.socket_dir, user.pw_uid, user.pw_gid)
        server.init()
        # A free port can be taken between the probe and the server's bind: try a few.
        for attempt in range(3):
            try:
                server.start(free_port())
                break
            except PostgresUnavailable:
                if attempt == 2:
                    raise
        server.create_database()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(base_dir, ignore_errors=True)

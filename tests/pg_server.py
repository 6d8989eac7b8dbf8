"""A real, temporary PostgreSQL server for the tests: initdb in a temporary directory, pg_ctl start on a
free port of 127.0.0.1, a fresh database per test, and everything removed afterwards.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the `postgres` user
(the data directory is handed to it). The server is made for speed, not durability (fsync off): it holds
test data only.

Stopping is belt and braces: `stop()` (the session fixture's finalizer), an atexit hook, and a watchdog
process that shuts the server down and removes its directory when the test process goes away without
either (killed, crashed), so a broken run never leaves a postmaster behind.

Standalone, for poking at the store by hand:
    python tests/pg_server.py            # prints a postgresql:// URL, serves until Ctrl-C
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

# Where distributions put the server binaries when they are not on PATH (Debian and Ubuntu:
# /usr/lib/postgresql/<major>/bin; others: /usr/pgsql-<major>/bin, /usr/local/pgsql/bin).
BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin", "/usr/local/pgsql/bin")
# The store's SQL needs PostgreSQL 13 or newer (DROP DATABASE ... WITH (FORCE), trusted unaccent).
MIN_MAJOR = 13
# initdb + start takes ~1-3 s on the shared 2-core machine; this is for a machine under heavy load.
START_TIMEOUT_S = 60
SUPERUSER = "quotewatch_test"
# Server settings for a throwaway test cluster: nothing survives the run, so nothing needs to be durable.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}

_WATCHDOG = textwrap.dedent(
    """
    import os, shutil, signal, sys
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # a Ctrl-C to the test run must not skip the clean-up
    pid_file, top = sys.argv[1], sys.argv[2]
    sys.stdin.read()                               # returns when the test process closes the pipe or dies
    try:
        with open(pid_file) as f:
            os.kill(int(f.readline()), signal.SIGQUIT)   # immediate shutdown of the postmaster
    except (OSError, ValueError):
        pass                                         # already stopped
    for _ in range(100):
        if not os.path.exists(pid_file):
            break
        import time; time.sleep(0.1)
    shutil.rmtree(top, ignore_errors=True)
    """
)


class ServerUnavailable(Exception):
    """No PostgreSQL server can be started here; the message says why and what to install."""


def find_bin_dir() -> Path | None:
    """The directory of initdb and pg_ctl: from PATH, else the newest of the distributions' places."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    candidates = sorted(
        (p for pattern in BIN_GLOBS for p in map(Path, glob.glob(pattern)) if (p / "initdb").exists()),
        key=lambda p: _major(p) or 0,
        reverse=True,
    )
    return candidates[0] if candidates else None


def _major(bin_dir: Path) -> int | None:
    try:
        out = subprocess.run([str(bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One temporary cluster; `create_database()` hands out fresh databases by URL."""

    def __init__(self, bin_dir: Path, settings: dict[str, str] | None = None) -> None:
        self.bin_dir = bin_dir
        self.settings = {**SERVER_SETTINGS, **(settings or {})}
        self.top = Path(tempfile.mkdtemp(prefix="quotewatch-pg-"))
        self.data = self.top / "data"
        self.port = 0
        self._user: pwd.struct_passwd | None = None
        self._watchdog: subprocess.Popen[str] | None = None
        self._names = itertools.count(1)
        self._to_drop: list[str] = []
        self._admin: Any = None  # psycopg.Connection to the 'postgres' database, opened on first use

    # -- life

    def start(self) -> None:
        if os.geteuid() == 0:  # PostgreSQL refuses root: run it as the postgres user
            try:
                self._user = pwd.getpwnam("postgres")
            except KeyError:
                raise ServerUnavailable("running as root and there is no 'postgres' user to run PostgreSQL as") from None
            os.chown(self.top, self._user.pw_uid, self._user.pw_gid)
        self._watch()
        self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        options = " ".join(f"-c {k}={v}" for k, v in self.settings.items())
        for attempt in range(3):  # the port may be taken between free_port() and the bind
            self.port = free_port()
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.top / "server.log"), "-w",
                          "-t", str(START_TIMEOUT_S), "-o",
                          f"-h 127.0.0.1 -p {self.port} -k {self.top} {options}", "start")
                return
            except ServerUnavailable:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory; safe to call twice."""
        if self._admin is not None:
            with contextlib.suppress(Exception):
                self._admin.close()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(ServerUnavailable):
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.top, ignore_errors=True)
        if self._watchdog is not None:
            self._watchdog.stdin.close()  # type: ignore[union-attr]
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._watchdog.wait(10)
            self._watchdog = None

    def _watch(self) -> None:
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(self.data / "postmaster.pid"), str(self.top)],
            stdin=subprocess.PIPE, text=True, start_new_session=True,
        )
        atexit.register(self.stop)

    def _run(self, program: str, *args: str) -> None:
        kwargs: dict[str, Any] = {}
        if self._user is not None:
            kwargs = {"user": self._user.pw_uid, "group": self._user.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C.UTF-8"}
        try:
            subprocess.run([str(self.bin_dir / program), *args], check=True, capture_output=True, text=True,
                           timeout=START_TIMEOUT_S + 30, cwd=self.top, env=env, **kwargs)
        except subprocess.CalledProcessError as e:
            log = self.top / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ServerUnavailable(f"{program} failed ({e.returncode}): {e.stderr.strip()[-2000:]}\n{tail}") from e
        except (OSError, subprocess.TimeoutExpired) as e:
            raise ServerUnavailable(f"{program} could not run: {e}") from e

    # -- databases

    def url(self, dbname: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self) -> Any:
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(self.url("postgres"), autocommit=True)
        return self._admin

    def create_database(self) -> str:
        """A new, empty database; returns its URL."""
        self._drop_pending()
        name = f"test_{os.getpid()}_{next(self._names)}"
        # FILE_COPY: with fsync off, copying the tiny template's files beats WAL-logging every page.
        self.admin().execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY FILE_COPY')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop the database, when the next one is created: a backend whose client just disconnected
        takes a moment to exit, and DROP DATABASE waits for it in 100 ms naps (most of a test's cost)."""
        self._to_drop.append(url.rsplit("/", 1)[1])

    def _drop_pending(self) -> None:
        while self._to_drop:
            self.admin().execute(f'DROP DATABASE IF EXISTS "{self._to_drop.pop()}" WITH (FORCE)')


def start_server(settings: dict[str, str] | None = None) -> PostgresServer:
    """Start a temporary server (SERVER_SETTINGS, overridden by `settings`), or raise ServerUnavailable
    saying why not."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise ServerUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) are not on PATH nor in "
            + ", ".join(BIN_GLOBS) + f"; install PostgreSQL {MIN_MAJOR}+ (Debian: apt-get install postgresql)"
        )
    major = _major(bin_dir)
    if major is not None and major < MIN_MAJOR:
        raise ServerUnavailable(f"PostgreSQL {major} at {bin_dir} is too old: the store needs {MIN_MAJOR} or newer")
    server = PostgresServer(bin_dir, settings)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


if __name__ == "__main__":
    srv = start_server()
    print(srv.create_database(), flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()

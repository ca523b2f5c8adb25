"""A throwaway PostgreSQL server for the tests and the benchmark (loopback only).

`start_server()` finds the server programs (`initdb`, `postgres`: on PATH, in
`/usr/lib/postgresql/*/bin`, or in `$DETERRENCE_PG_BIN`), makes a cluster in a temporary
directory, and runs `postgres` on a free 127.0.0.1 port with no Unix socket. PostgreSQL
refuses to run as root, so under root both programs run as an unprivileged user (`postgres`
when Debian's package made one, else `nobody`) that owns the directory: the child is started
with that user id directly (no `su` in between), so the PID we hold is the server's own and
`PgServer.stop()` stops it by that PID. `why_not()` says why no server can be had here (the
tests skip with that reason).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

USERS = ("postgres", "nobody")
"""Under root: the unprivileged users to run the server as, in order of preference."""
ROLE = "deterrence"
"""The superuser role of the throwaway cluster."""
PASSWORD = "test-password-1"
"""Its password (the cluster asks for one, so wrong credentials can be tested)."""


def find_bin() -> Path | None:
    """The folder with `initdb` and `postgres`, or None."""
    candidates = []
    if os.environ.get("DETERRENCE_PG_BIN"):
        candidates.append(Path(os.environ["DETERRENCE_PG_BIN"]))
    for name in ("postgres", "initdb"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found).resolve().parent)
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                                           key=lambda p: _version(p), reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    return None


def _version(path: str) -> int:
    part = Path(path).parent.name
    return int(part) if part.isdigit() else 0


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged user to run the server as (None: run as ourselves, we are not root)."""
    if os.geteuid() != 0:
        return None
    for name in USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run "
                       "the PostgreSQL server as")


def why_not() -> str | None:
    """Why no PostgreSQL server can be started here (None: one can)."""
    if find_bin() is None:
        return ("no PostgreSQL server programs (initdb, postgres) on PATH, in "
                "/usr/lib/postgresql/*/bin or in $DETERRENCE_PG_BIN: install Debian's "
                "postgresql package (.ci/run tries) to run the PostgreSQL tests")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg package is not installed (uv sync)"
    try:
        _run_as()
    except RuntimeError as err:
        return str(err)
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PgServer:
    """A running throwaway server."""

    process: subprocess.Popen
    folder: Path
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid

    def url(self, dbname: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://{ROLE}:{password}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stops the server by its PID (a fast shutdown, then a kill) and removes its files."""
        for sig, wait in ((signal.SIGINT, 20), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                break
            try:
                os.kill(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server(*, durable: bool = False, timeout: float = 60.0) -> PgServer:
    """Makes a cluster in a temporary directory and starts a server on a free loopback port.

    `durable=False` (the tests) turns fsync off for speed; the benchmark passes True, the
    server's defaults.

    Raises:
        RuntimeError: why the server could not be started (with its output).
    """
    bin_dir = find_bin()
    if bin_dir is None:
        raise RuntimeError(why_not() or "no PostgreSQL")
    user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="deterrence-pg-"))
    data = folder / "data"
    as_user: dict = {}
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(LC_ALL="C", LANG="C", HOME=str(folder))
    secret = folder / "password"
    secret.write_text(PASSWORD + "\n")
    if user is not None:
        os.chown(secret, user.pw_uid, user.pw_gid)
    try:
        done = subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", ROLE, "-A", "scram-sha-256",
             f"--pwfile={secret}", "-E", "UTF8", "--no-sync", "--no-instructions"],
            capture_output=True, text=True, env=env,
            cwd=folder, timeout=timeout, **as_user)
    except (OSError, subprocess.SubprocessError) as err:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb could not run: {err}") from None
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    port = free_port()
    options = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
               "-c", "max_connections=200", "-c", "shared_buffers=64MB"]
    if not durable:
        options += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off"]
    log = (folder / "server.log").open("w")
    if user is not None:
        os.chown(folder / "server.log", user.pw_uid, user.pw_gid)
    process = subprocess.Popen([str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
                                *options], stdout=log, stderr=subprocess.STDOUT, env=env,
                               cwd=folder, start_new_session=True, **as_user)
    log.close()
    server = PgServer(process, folder, port)
    end = time.monotonic() + timeout
    import psycopg

    while True:
        if process.poll() is not None:
            text = (folder / "server.log").read_text(errors="replace")
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"the PostgreSQL server stopped at once: {text.strip()[-800:]}")
        try:
            psycopg.connect(server.url(), connect_timeout=2).close()
            return server
        except psycopg.OperationalError:
            if time.monotonic() > end:
                server.stop()
                raise RuntimeError("the PostgreSQL server did not accept connections within "
                                   f"{timeout:g} s") from None
            time.sleep(0.1)


__all__ = ["PgServer", "find_bin", "start_server", "why_not"]

"""A throw-away PostgreSQL cluster for the tests: ``initdb`` in a temp dir, ``pg_ctl start`` on a
Unix socket in that dir (no TCP), stopped at the end of the session.

Run as root, the server runs as the ``postgres`` user (``runuser``), as PostgreSQL refuses root.
Missing PostgreSQL skips the PostgreSQL tests with the reason, unless ``ASSETTRACK_REQUIRE_PG=1``
(CI), where it fails them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

REQUIRE_ENV = "ASSETTRACK_REQUIRE_PG"
PORT = 5432  # the socket lives in the cluster's own dir, so no clash with another server
SUPERUSER = "postgres"


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then Debian's versioned dirs."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


@dataclass
class Cluster:
    """A running cluster; ``url(db)`` is a libpq URI for one of its databases."""

    bin_dir: Path
    data_dir: Path
    socket_dir: Path
    as_user: str | None  # run server commands as this OS user (root runs), else as ourselves
    # Server settings added after the tests' own (a later -c wins): benchmarks/bench_pg.py
    # turns fsync back on, so a commit costs what it costs on a real server.
    extra_options: str = ""
    _names = itertools.count(1)

    def url(self, db: str) -> str:
        return f"postgresql://{SUPERUSER}@/{db}?host={self.socket_dir}&port={PORT}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> None:
        options = (
            f"-k {self.socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off "
            "-c full_page_writes=off -c max_connections=200 -c shared_buffers=64MB"
            + (f" {self.extra_options}" if self.extra_options else "")
        )
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options, "-l",
                  str(self.data_dir / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.stop(mode)
        self.start()

    def new_name(self, prefix: str = "t") -> str:
        return f"{prefix}_{os.getpid()}_{next(self._names)}"


def start_cluster(extra_options: str = "") -> Cluster:
    """initdb + start; raises RuntimeError with the reason when PostgreSQL is not usable here."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql)")
    as_user: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root and there is no 'postgres' user to run the server") from None
        as_user = "postgres"
    base = Path(tempfile.mkdtemp(prefix="assettrack-pg-"))
    if as_user:
        shutil.chown(base, as_user)
    cluster = Cluster(bin_dir, base / "data", base, as_user, extra_options)
    done = cluster._run("initdb", "-D", str(cluster.data_dir), "-A", "trust", "-U", SUPERUSER,
                        "-E", "UTF8", "--locale=C.UTF-8", check=False)
    if done.returncode != 0:
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
    try:
        cluster.start()
    except subprocess.CalledProcessError as exc:
        log = (cluster.data_dir / "server.log")
        text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {exc.stderr}\n{text}") from None
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    cluster.stop("immediate")
    shutil.rmtree(cluster.socket_dir, ignore_errors=True)

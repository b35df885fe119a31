"""The demo municipalities `make bench` and `make load` measure, built once and kept in a cache folder.

A data set is the demo municipality (`wijkkracht demo --households N`) on SQLite or PostgreSQL. Where it
comes from, in this order:

1. `BENCH_SQLITE_<N>` (a path to a SQLite file) or `BENCH_POSTGRES_<N>` (a `postgres://` URL): a set built
   elsewhere, used as it is;
2. the cache folder (`BENCH_CACHE`, default `var/bench/`): `sqlite-<N>/wijkkracht.sqlite3`, and the database
   `bench_<N>` of a PostgreSQL cluster of the bench's own in `postgres/` (started on `BENCH_PG_PORT`, default
   54329, for the run and stopped after it);
3. otherwise it is built into the cache folder, after checking that the disk can hold it. A set is built
   under a temporary name and renamed when the demo command has finished: an interrupted or failed build
   leaves nothing that a later run would take for a finished set.
"""

import contextlib
import glob
import json
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = Path(os.environ.get("BENCH_CACHE") or ROOT / "var" / "bench")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "54329"))
#: The settings the sets are built with: the production password hasher (the load test signs in with the
#: demo password under the production settings), no secret key needed.
BUILD_SETTINGS = "wijkkracht.conf.dev"
#: Disk use per household, measured on the demo with a margin (a set of 100,000 households with its access
#: log: about 1.1 GB on SQLite, 1.6 GB on PostgreSQL), and what must stay free besides.
BYTES_PER_HOUSEHOLD = {"sqlite": 16_000, "postgresql": 24_000}
SPARE_BYTES = 2 * 1024**3


class BenchError(Exception):
    """Something the person running the bench must fix; printed as it is, without a traceback."""


@dataclass
class Dataset:
    engine: str  # "sqlite" or "postgresql"
    size: int
    url: str  # DATABASE_URL for the set
    origin: str  # "given" (environment), "cache" (built earlier) or "built" (in this run)
    build_seconds: float | None = None
    given_by: str = ""  # the environment variable of a given set


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(re.sub(r"\D", "", path) or 0))
    if not found:
        raise BenchError("PostgreSQL is niet geïnstalleerd (apt-get install postgresql, of `make system-test-deps`).")
    return Path(found[-1])


def _as_owner() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Cluster:
    """The bench's own PostgreSQL cluster in the cache folder: settings of a small production server."""

    SETTINGS = (
        "-c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c effective_cache_size=8GB "
        "-c max_connections=200 -c max_wal_size=4GB"
    )

    def __init__(self, directory: Path = CACHE / "postgres", port: int = PG_PORT) -> None:
        self.directory, self.port = directory, port
        self.data = directory / "data"
        self.started_here = False

    def url(self, database: str) -> str:
        return f"postgres://wijkkracht@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*_as_owner(), *command], check=check, capture_output=True, text=True)

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            if os.getuid() == 0:
                shutil.chown(self.directory, "postgres", "postgres")
            partial = self.directory / "data.partial"
            shutil.rmtree(partial, ignore_errors=True)
            self._run(
                str(pg_bin() / "initdb"), "-D", str(partial), "-U", "wijkkracht", "--auth=trust", "-E", "UTF8",
                "--locale=C.UTF-8",
            )  # fmt: skip
            partial.rename(self.data)
        if self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0:
            return  # already running (another bench run, or left over): use it
        if _port_in_use(self.port):
            raise BenchError(f"Poort {self.port} is al in gebruik: zet BENCH_PG_PORT op een vrije poort.")
        self._run(
            str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "server.log"), "-w",
            "-o", f"-p {self.port} -k {self.directory} {self.SETTINGS}", "start",
        )  # fmt: skip
        self.started_here = True

    def stop(self) -> None:
        if self.started_here:
            self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop", check=False)
            self.started_here = False

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(
            str(pg_bin() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "wijkkracht", "-d", database,
            "-Atc", sql,
        )  # fmt: skip
        return result.stdout.strip()

    def has_database(self, name: str) -> bool:
        return self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def psql_url(url: str, sql: str) -> str:
    """Run one statement against a PostgreSQL URL (any server), return its plain output."""
    result = subprocess.run([str(pg_bin() / "psql"), url, "-Atc", sql], check=True, capture_output=True, text=True)
    return result.stdout.strip()


def nl(number: float) -> str:
    """A whole number the Dutch way: 100.000."""
    return f"{number:,.0f}".replace(",", ".")


def gb(count: float) -> str:
    return f"{count / 1024**3:.1f} GB".replace(".", ",")


def check_free_space(engine: str, size: int, directory: Path) -> None:
    """Refuse to start a build the disk cannot hold, before anything is created."""
    existing = directory
    while not existing.exists():  # the disk it will be on; nothing is created to find out
        existing = existing.parent
    need = BYTES_PER_HOUSEHOLD[engine] * size + SPARE_BYTES
    free = shutil.disk_usage(existing).free
    if free < need:
        raise BenchError(
            f"Te weinig schijfruimte voor {nl(size)} huishoudens op {engine} in {directory}: nodig ongeveer "
            f"{gb(need)} (inclusief {gb(SPARE_BYTES)} reserve), vrij {gb(free)}. Maak ruimte, kies een kleinere "
            "omvang (--sizes) of een andere map (BENCH_CACHE). Er is niets aangemaakt."
        )


def _wijkkracht(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "wijkkracht"), *args], check=True, env=env)


def _build_env(url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE=BUILD_SETTINGS, DATABASE_URL=url, WIJKKRACHT_DATA_DIR=str(data_dir))
    env.pop("DEBUG", None)
    return env


def _demo(env: dict[str, str], size: int) -> float:
    started = time.perf_counter()
    _wijkkracht(env, "migrate", "--no-input", "-v", "0")
    _wijkkracht(env, "demo", "--households", str(size), "--seed", "2026")
    return time.perf_counter() - started


def _note_build(name: str, seconds: float) -> None:
    notes_path = CACHE / "builds.json"
    notes = json.loads(notes_path.read_text()) if notes_path.exists() else {}
    notes[name] = {"seconds": round(seconds, 1), "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    notes_path.write_text(json.dumps(notes, indent=2) + "\n")


def _noted_build(name: str) -> float | None:
    notes_path = CACHE / "builds.json"
    notes = json.loads(notes_path.read_text()) if notes_path.exists() else {}
    return notes.get(name, {}).get("seconds")


def sqlite_dataset(size: int) -> Dataset:
    given = os.environ.get(f"BENCH_SQLITE_{size}")
    if given:
        if not Path(given).is_file():
            raise BenchError(f"BENCH_SQLITE_{size}={given}: dat bestand bestaat niet.")
        return Dataset("sqlite", size, f"sqlite:///{Path(given).resolve()}", "given", given_by=f"BENCH_SQLITE_{size}")
    folder = CACHE / f"sqlite-{size}"
    database = folder / "wijkkracht.sqlite3"
    if database.is_file():
        return Dataset("sqlite", size, f"sqlite:///{database}", "cache", _noted_build(folder.name))
    check_free_space("sqlite", size, CACHE)
    partial = CACHE / f"sqlite-{size}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"Demogemeente van {nl(size)} huishoudens bouwen op SQLite in {folder} …", flush=True)
    try:
        seconds = _demo(_build_env(f"sqlite:///{partial / 'wijkkracht.sqlite3'}", partial), size)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    with sqlite3.connect(partial / "wijkkracht.sqlite3") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    partial.rename(folder)
    _note_build(folder.name, seconds)
    return Dataset("sqlite", size, f"sqlite:///{database}", "built", seconds)


def postgres_dataset(size: int, cluster: Cluster) -> Dataset:
    given = os.environ.get(f"BENCH_POSTGRES_{size}")
    if given:
        return Dataset("postgresql", size, given, "given", given_by=f"BENCH_POSTGRES_{size}")
    name = f"bench_{size}"
    cluster.start()
    if cluster.has_database(name):
        return Dataset("postgresql", size, cluster.url(name), "cache", _noted_build(name))
    check_free_space("postgresql", size, cluster.directory)
    partial = f"{name}_partial"
    cluster.psql(f"DROP DATABASE IF EXISTS {partial}")
    cluster.psql(f"CREATE DATABASE {partial}")
    print(f"Demogemeente van {nl(size)} huishoudens bouwen op PostgreSQL (database {name}) …", flush=True)
    data_dir = CACHE / f"{partial}-files"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        seconds = _demo(_build_env(cluster.url(partial), data_dir), size)
        cluster.psql("CHECKPOINT")
        cluster.psql("VACUUM ANALYZE", database=partial)
    except BaseException:
        cluster.psql(f"DROP DATABASE IF EXISTS {partial} WITH (FORCE)")
        raise
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    cluster.psql(f"ALTER DATABASE {partial} RENAME TO {name}")
    _note_build(name, seconds)
    return Dataset("postgresql", size, cluster.url(name), "built", seconds)


@contextlib.contextmanager
def datasets(engines: list[str], sizes: list[int]) -> Iterator[list[Dataset]]:
    """Every (engine, size) set, built where missing; the bench's own cluster runs until the block ends."""
    cluster = Cluster()
    try:
        # Check the disk for every set still to build before building the first (nothing is created yet).
        need = {"sqlite": 0, "postgresql": 0}
        for engine in engines:
            for size in sizes:
                if engine == "sqlite":
                    missing = not os.environ.get(f"BENCH_SQLITE_{size}") and not (CACHE / f"sqlite-{size}").is_dir()
                else:
                    missing = not os.environ.get(f"BENCH_POSTGRES_{size}")
                    if missing and (cluster.data / "PG_VERSION").exists():
                        cluster.start()
                        missing = not cluster.has_database(f"bench_{size}")
                if missing:
                    need[engine] += size
        for engine, households in need.items():
            if households:
                check_free_space(engine, households, CACHE)
        if need["sqlite"] and need["postgresql"]:
            check_free_space("sqlite", need["sqlite"] + need["postgresql"] * 3 // 2, CACHE)
        found = []
        for engine in engines:
            for size in sorted(sizes):
                found.append(sqlite_dataset(size) if engine == "sqlite" else postgres_dataset(size, cluster))
        yield found
    finally:
        cluster.stop()


def machine(pg_url: str | None = None) -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 1024**2:.0f} GiB"
    postgres = ""
    if pg_url:
        with contextlib.suppress(subprocess.CalledProcessError, BenchError, OSError):
            postgres = psql_url(pg_url, "SHOW server_version").split()[0]
    import django

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "load": " / ".join(f"{value:.1f}" for value in os.getloadavg()),
    }


def machine_line(info: dict[str, str]) -> str:
    parts = [f"{info['cpu']}, {info['cores']} cores, {info['ram']} RAM", info["os"], f"Python {info['python']}"]
    parts += [f"Django {info['django']}", f"SQLite {info['sqlite']}"]
    if info.get("postgresql"):
        parts.append(f"PostgreSQL {info['postgresql']}")
    return "; ".join(parts) + f"; load average (1/5/15 min) at the start {info['load']}"

import shutil
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from wijkkracht.accounts.models import Role
from wijkkracht.demo.builder import DEMO_PASSWORD, STAFF, WIJKEN, build_demo
from wijkkracht.demo.partners import PARTNERS
from wijkkracht.households.models import Household

#: The largest demo municipality (a very large city and then some).
MAX_HOUSEHOLDS = 1_000_000

#: Disk space a demo household takes with its indexes, measured on the 10,000 and 100,000-household builds
#: (SQLite ~9.5 kB, PostgreSQL ~13–16 kB), rounded up; the check asks for this much free space per new
#: household, and a margin for the write-ahead log.
BYTES_PER_HOUSEHOLD = 20_000
MARGIN_BYTES = 256 * 1024 * 1024


def database_directory() -> Path | None:
    """The directory the database writes to, when it is on this machine (SQLite's file — the data folder for
    a database in memory —, or PostgreSQL's data directory when the database account may read it); None
    when unknown (a remote server)."""
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            return Path(settings.DATA_DIR)
        return Path(name).resolve().parent
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW data_directory")
                directory = Path(cursor.fetchone()[0])
        except Exception:  # noqa: BLE001 — only superusers and pg_read_all_settings may read it
            return None
        return directory if directory.is_dir() else None
    return None


def nl(number: float) -> str:
    """A whole number the Dutch way: 100.000."""
    return f"{number:,.0f}".replace(",", ".")


def format_bytes(count: float) -> str:
    """Megabytes or gigabytes the Dutch way: 1,6 GB."""
    if count < 1e9:
        return f"{nl(count / 1e6)} MB"
    return f"{count / 1e9:.1f} GB".replace(".", ",")


def format_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Command(BaseCommand):
    help = "Build the fictional demo municipality (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--households",
            type=int,
            default=300,
            help=f"Number of households (default 300, at most {MAX_HOUSEHOLDS:,}); beyond 300 copied in bulk.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Seed; the same seed gives the same municipality.")

    def check_disk(self, households: int) -> None:
        """Refuse before writing anything when the disk cannot hold the new households."""
        new = max(0, households - Household.objects.count())
        directory = database_directory()
        if not new:
            return
        if directory is None:
            self.stdout.write("  (vrije schijfruimte van de databaseserver onbekend: niet gecontroleerd)")
            return
        needed = new * BYTES_PER_HOUSEHOLD + MARGIN_BYTES
        free = shutil.disk_usage(directory).free
        if free < needed:
            raise CommandError(
                f"Te weinig schijfruimte: {nl(new)} nieuwe huishoudens hebben ongeveer {format_bytes(needed)} nodig, "
                f"maar in {directory} is maar {format_bytes(free)} vrij. Maak ruimte vrij of kies minder "
                "huishoudens; er is niets aangemaakt."
            )

    def progress_bar(self, label: str, verbosity: int, started: float | None = None) -> Callable[[int, int], None]:
        """One updating line on a terminal; otherwise a line every ten seconds (and with -v 2 every step), for
        logs. Households a second over the last half minute (the showcase through the services is slower than
        the bulk part after it), and the time still to go at that pace."""
        tty = self.stdout.isatty()
        recent: deque[tuple[float, int]] = deque()
        last_line = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if not recent:
                recent.append((started if started is not None else now, done - 1 if started is not None else done))
            recent.append((now, done))
            while len(recent) > 2 and now - recent[1][0] >= 30:
                recent.popleft()
            (then, done_then) = recent[0]
            rate = (done - done_then) / (now - then) if now > then else 0.0
            eta = (total - done) / rate if rate > 0 else 0.0
            width = 30
            filled = int(width * done / total) if total else width
            line = (
                f"  {label} [{'#' * filled}{'.' * (width - filled)}] {nl(done)}/{nl(total)} "
                f"{nl(rate)}/s, nog {format_duration(eta)}"
            )
            if verbosity >= 2 or (verbosity >= 1 and not tty and (now - last_line[0] >= 10 or done == total)):
                self.stdout.write(line)
                last_line[0] = now
            elif verbosity >= 1 and tty:
                self.stdout.write(line, ending="\r" if done < total else "\n")
            self.stdout.flush()

        return progress

    def handle(self, *args: object, households: int, seed: int, **options: object) -> None:
        if not 0 <= households <= MAX_HOUSEHOLDS:
            raise CommandError(
                f"--households moet tussen 0 en {nl(MAX_HOUSEHOLDS)} liggen (u gaf {nl(households)}); "
                "er is niets aangemaakt."
            )
        self.check_disk(households)

        verbosity = int(str(options.get("verbosity", 1)))
        started = time.monotonic()
        result = build_demo(
            households=households,
            seed=seed,
            progress=self.progress_bar("huishoudens", verbosity, started),
            outcomes_progress=self.progress_bar("uitkomsten", verbosity),
        )
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demogemeente klaar: {nl(result.total_households)} huishoudens ({nl(result.created_households)} "
                f"nieuw) in {format_duration(seconds)}."
            )
        )
        if verbosity >= 2 and result.bulk_batches:
            self.stdout.write(
                f"  bulk: {result.bulk_batches} transacties, {result.bulk_statements} INSERT-opdrachten "
                f"({result.bulk_statements / result.bulk_batches:.0f} per transactie)"
            )
        self.stdout.write(f"\nDemo-logins (wachtwoord voor iedereen: {DEMO_PASSWORD}):")
        for username, first_name, last_name, role, team_index, _expertises in STAFF:
            team = f", Wijkteam {WIJKEN[team_index].name}" if team_index is not None else ""
            if role == Role.MANAGER:  # a member of every showcase team (`demo.quick_action`)
                team = ", " + ", ".join(f"Wijkteam {wijk.name}" for wijk in WIJKEN)
            self.stdout.write(f"  {username:<9} {first_name} {last_name} – {role.label}{team}")
        for username, first_name, last_name, organization in PARTNERS:
            self.stdout.write(f"  {username:<9} {first_name} {last_name} – {Role.PARTNER.label}, {organization}")

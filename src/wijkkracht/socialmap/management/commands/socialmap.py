"""``wijkkracht socialmap import FILE`` and ``wijkkracht socialmap export [FILE]``: the social map as HSDS 3.0
JSON. A file that cannot be imported is refused whole, its problems listed on stderr, with exit code 2."""

import getpass
import json
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkkracht.socialmap.hsds import ImportRefused
from wijkkracht.socialmap.services import socialmap_export, socialmap_import


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no user name in the environment
        return "unknown"


class Command(BaseCommand):
    help = "Import or export the social map (organisations and services) as Open Referral HSDS 3.0 JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Import an HSDS 3.0 JSON file: all of it, or nothing.")
        importing.add_argument("file", help="The HSDS 3.0 JSON file.")
        exporting = actions.add_parser("export", help="Write the social map as HSDS 3.0 JSON.")
        exporting.add_argument("file", nargs="?", help="Where to write it (default: standard output).")

    def handle(self, *args: object, action: str, file: str | None, **options: Any) -> None:
        if action == "import":
            assert file is not None
            self.import_file(file, verbosity=int(options.get("verbosity", 1)))
        else:
            self.export_file(file)

    def import_file(self, path: str, *, verbosity: int) -> None:
        try:
            size = os.path.getsize(path)
            stream = open(path, "rb")  # noqa: SIM115  (closed below)
        except FileNotFoundError:
            raise CommandError(f"Het bestand {path} bestaat niet.") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is een map, geen bestand.") from None
        except PermissionError:
            raise CommandError(f"Geen rechten om {path} te lezen.") from None
        except OSError as error:
            # Rare (a device error): the system's own words, in whatever language the system speaks.
            raise CommandError(f"Kan {path} niet lezen ({error.strerror}).") from None

        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  diensten: {done}/{total}", ending="\r" if done < total else "\n")
                self.stdout.flush()

        try:
            with stream:
                result = socialmap_import(
                    actor=None,
                    stream=stream,
                    size=size,
                    file_name=os.path.basename(path),
                    channel="command",
                    operator=_operator(),
                    progress=progress,
                )
        except ImportRefused as refusal:
            self.stderr.write(f"{path} is niet ingelezen; er is niets opgeslagen. Wat er niet klopt:")
            for problem in refusal.problems:
                self.stderr.write(f"  {problem}")
            sys.exit(2)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        organizations, services = result.organizations, result.services
        self.stdout.write(
            self.style.SUCCESS(
                f"Ingelezen: organisaties {organizations.created} nieuw, {organizations.updated} gewijzigd, "
                f"{organizations.unchanged} ongewijzigd; diensten {services.created} nieuw, {services.updated} "
                f"gewijzigd, {services.unchanged} ongewijzigd, {services.skipped} overgeslagen."
            )
        )

    def export_file(self, path: str | None) -> None:
        data = socialmap_export(
            actor=None, channel="command", operator=_operator(), file_name=os.path.basename(path) if path else "-"
        )
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if path is None:
            self.stdout.write(text)
            return
        try:
            with open(path, "w", encoding="utf-8") as target:
                target.write(text + "\n")
        except OSError as error:
            raise CommandError(f"Kan {path} niet schrijven: {error.strerror}.") from None
        services = sum(len(item.get("services", [])) for item in data)
        self.stderr.write(f"{len(data)} organisaties met {services} diensten geschreven naar {path}.")

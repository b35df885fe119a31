from django.core.management.base import BaseCommand, CommandError, CommandParser

from wijkkracht.accounts.models import Role
from wijkkracht.demo.builder import DEMO_PASSWORD, STAFF, WIJKEN, build_demo
from wijkkracht.demo.partners import PARTNERS


class Command(BaseCommand):
    help = "Build the fictional demo municipality (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=300, help="Number of households (default 300).")
        parser.add_argument("--seed", type=int, default=2026, help="Seed; the same seed gives the same municipality.")

    def handle(self, *args: object, households: int, seed: int, **options: object) -> None:
        if not 0 <= households <= 20000:
            raise CommandError("--households moet tussen 0 en 20000 liggen.")

        verbosity = int(str(options.get("verbosity", 1)))

        def progress(done: int, total: int) -> None:
            # Every household with -v 2 (one line each, for logs); otherwise every 25 on one updating line.
            if verbosity >= 2:
                self.stdout.write(f"  huishoudens: {done}/{total}")
                self.stdout.flush()
            elif verbosity >= 1 and (done % 25 == 0 or done == total):
                self.stdout.write(f"  huishoudens: {done}/{total}", ending="\r" if done < total else "\n")
                self.stdout.flush()

        result = build_demo(households=households, seed=seed, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demogemeente klaar: {result.total_households} huishoudens ({result.created_households} nieuw)."
            )
        )
        self.stdout.write(f"\nDemo-logins (wachtwoord voor iedereen: {DEMO_PASSWORD}):")
        for username, first_name, last_name, role, team_index, _expertises in STAFF:
            team = f", Wijkteam {WIJKEN[team_index].name}" if team_index is not None else ""
            self.stdout.write(f"  {username:<9} {first_name} {last_name} – {role.label}{team}")
        for username, first_name, last_name, organization in PARTNERS:
            self.stdout.write(f"  {username:<9} {first_name} {last_name} – {Role.PARTNER.label}, {organization}")
